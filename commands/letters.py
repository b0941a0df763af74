"""Letters from the command line: ``complaints letter REF TEMPLATE`` fills a council template in from the case,
keeps it in the case file and saves it; ``--list``, ``--templates`` and ``--check`` look after the templates.
The same rules and record as the TUI's ``L`` (``store.lifecycle.letters``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import DbOption, TodayOption, check_text, fail, opened, parse_today
from domain.harmless import shown


def letter(
    reference: Annotated[str | None, typer.Argument(help="The case's reference.")] = None,
    template: Annotated[str | None, typer.Argument(help="The letter: acknowledgement, extension, "
                                                        "stage1-response, ... (--list)")] = None,
    fmt: Annotated[str, typer.Option("--format", metavar="docx|eml|text",
                                     help="A Word letter, a draft email (.docx attached) or text.")] = "docx",
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="PATH",
                                                help="Where to save it (default: your documents folder; "
                                                     "text: printed).")] = None,
    record: Annotated[bool, typer.Option("--record", help="Also record the step, today: acknowledged, or "
                                                          "responded (with --outcome).")] = False,
    outcome: Annotated[str | None, typer.Option("--outcome", metavar="OUTCOME",
                                                help="With --record on a response letter.")] = None,
    preview: Annotated[bool, typer.Option("--preview", help="Print the letter; keep and save nothing.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Write over an existing file.")] = False,
    list_: Annotated[bool, typer.Option("--list", help="The letters, and which fit the case (with REF).")] = False,
    templates: Annotated[bool, typer.Option("--templates", help="Where the council's templates go.")] = False,
    copy: Annotated[bool, typer.Option("--copy", help="With --templates: copy the defaults there to edit.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Check every template in the council's folder.")] = False,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Produce a letter from a case: every field (names, address, reference, issues, findings, due dates as the
    case's clock gives them) comes from the case. It is kept in the case file with an event, and saved
    owner-only. A postal letter needs the complainant's address; an email, their email address.

    Example: complaints letter CS-2026-00042 acknowledgement --record --output ~/letters/ack.docx
    """
    from store.db.config_file import load_config

    if templates or check or (list_ and reference is None):
        _templates(load_config(), list_=list_, where=templates, copy=copy, check=check)
        return
    if reference is None or (template is None and not list_):
        fail("give a case's reference and a letter (complaints letter --list shows them)", 2)
    check_text(reference, "REFERENCE")
    check_text(template or "", "TEMPLATE")
    from store.lifecycle.service import CaseService

    with opened(db) as (database, config):
        svc = CaseService(database, config, today=parse_today(today))
        if list_:
            fitting = svc.letters_that_fit(reference)
            typer.echo("\n".join(fitting) if fitting else "no letter fits the case as it is")
            return
        assert template is not None
        if preview:
            typer.echo(shown(svc.letter_preview(reference, template), lines=True), nl=False)
            return
        target = output
        if target is None and fmt != "text":
            target = svc.default_letter_path(reference, template, fmt)
        made = svc.produce_letter(reference, template, fmt, output=target, record=record, outcome=outcome,
                                  force=force)
    if fmt == "text" and output is None:
        typer.echo(shown(made.text, lines=True), nl=False)
    if made.recorded:
        typer.echo(f"{reference.strip()}: {made.recorded}")
    where = f", saved to {made.path}" if made.path else ""
    typer.echo(f"{reference.strip()}: {made.letter.title} kept as document {made.document_id}{where}")


def _templates(config: object, *, list_: bool, where: bool, copy: bool, check: bool) -> None:
    from domain.config import Config
    from domain.letters import LETTERS, sample_fields
    from letters.engine import check as check_folder
    from letters.engine import copy_defaults, council_folder, template_for

    assert isinstance(config, Config)
    folder = council_folder(config.path)
    if list_:
        for item in LETTERS:
            found = template_for(item.name, folder)
            own = "council's" if found is not None and found.parent == folder else "default"
            typer.echo(f"{item.name:<26}{item.title} ({own})")
    if where:
        if copy:
            copied = copy_defaults(folder)
            typer.echo(f"Copied {len(copied)} template{'s' if len(copied) != 1 else ''} to {folder}"
                       + ("" if copied else " (every one was there already)"))
        else:
            typer.echo(f"{folder}\n(complaints letter --templates --copy puts the defaults there to edit in Word)")
    if check:
        if not folder.is_dir():
            fail(f"there is no templates folder {folder}: complaints letter --templates --copy makes one")
        results = check_folder(folder, sample_fields(config.council))
        bad = 0
        for name, problems in results.items():
            typer.echo(f"{name}: " + ("ok" if not problems else "; ".join(shown(p) for p in problems)))
            bad += bool(problems)
        if bad:
            fail(f"{bad} template{'s' if bad != 1 else ''} of {len(results)} need{'s' if bad == 1 else ''} "
                 "putting right")
