"""Letters from the command line: ``complaints letter REF TEMPLATE`` fills a council template in from the case,
keeps it in the case file and saves it; ``--list``, ``--templates`` and ``--check`` look after the templates.
The same rules and record as the TUI's ``L`` (``store.lifecycle.letters``)."""

from __future__ import annotations

import sys
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
                                                     "text: printed). - is standard output: text and eml, "
                                                     "and docx only when piped or redirected, never to a "
                                                     "terminal.")] = None,
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

    --output - writes it to standard output (as curl does, a Word letter only into a pipe or file, never a terminal).

    Example: complaints letter CS-2026-00042 acknowledgement --record --output ~/letters/ack.docx

    Example: complaints letter CS-2026-00042 acknowledgement --format eml --output - | sendmail -t
    """
    from store.db.config_file import load_config

    if templates or check or (list_ and reference is None):
        _templates(load_config(), list_=list_, where=templates, copy=copy, check=check)
        return
    if reference is None or (template is None and not list_):
        fail("give a case's reference and a letter (complaints letter --list shows them)", 2)
    check_text(reference, "REFERENCE")
    check_text(template or "", "TEMPLATE")
    to_stdout = output is not None and str(output) == "-"
    if to_stdout and fmt == "docx" and not preview and not list_ and _terminal():
        fail("a Word letter is a binary file and is not written to a terminal: redirect it (--output - > "
             "letter.docx), save it (--output FILE), or print it as text (--format text --output -)", 2)
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
        target = None if to_stdout else output
        if target is None and fmt != "text" and not to_stdout:
            target = svc.default_letter_path(reference, template, fmt)
        made = svc.produce_letter(reference, template, fmt, output=target, record=record, outcome=outcome,
                                  force=force)
        if to_stdout:
            _to_stdout(fmt, made.text, svc.document(made.document_id)[1])
    if to_stdout:
        if made.recorded:
            typer.echo(f"{reference.strip()}: {made.recorded}", err=True)
        typer.echo(f"{reference.strip()}: {made.letter.title} kept as document {made.document_id}, written to "
                   "standard output", err=True)
        return
    if fmt == "text" and output is None:
        typer.echo(shown(made.text, lines=True), nl=False)
    if made.recorded:
        typer.echo(f"{reference.strip()}: {made.recorded}")
    where = f", saved to {made.path}" if made.path else ""
    typer.echo(f"{reference.strip()}: {made.letter.title} kept as document {made.document_id}{where}")


def _terminal() -> bool:
    """Whether standard output is a terminal (a Word letter's bytes are never written onto one)."""
    return sys.stdout.isatty()


def _to_stdout(fmt: str, text: str, content: bytes) -> None:
    """The letter to standard output: text as text (harmless on a terminal); an email or a Word letter as its
    bytes, unless the terminal is the reader (an email is then shown harmlessly as text)."""
    if fmt == "text" or (fmt == "eml" and _terminal()):
        typer.echo(shown(text if fmt == "text" else content.decode("utf-8", "replace"), lines=True), nl=False)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(content)
    sys.stdout.buffer.flush()


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
