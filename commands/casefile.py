"""The case file from the command line: ``note`` a contact on a case, and ``show`` the whole case file."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cli import DbOption, Format, TodayOption, check_text, fail, opened, parse_today
from domain.harmless import json_text


def note(
    reference: Annotated[str, typer.Argument(help="The case's reference.")],
    text: Annotated[str, typer.Argument(help="What was said or done (several lines allowed).")],
    kind: Annotated[str, typer.Option("--kind", help="phone, email, letter, meeting, visit or note.")] = "note",
    direction: Annotated[str | None, typer.Option("--direction", metavar="in|out",
                                                  help="Whether the contact came in or went out.")] = None,
    with_whom: Annotated[str | None, typer.Option("--with", metavar="WHO", help="Who the contact was with.")]
    = None,
    when: Annotated[str | None, typer.Option("--date", metavar="DATE",
                                             help="When it happened: 2026-11-29 14:30, 29/11/2026 14:30 or a date "
                                                  "[default: now].")] = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Add a note to a case's contact log: a call, email, letter, meeting, visit or note.

    It appears on the case's timeline and in its audit trail; prints the note's number.

    Example: complaints note CS-2026-00042 "Rang to say the response will follow on Friday" --kind phone
    --direction out --with "Alex Example" --date "20/11/2026 14:30"
    """
    from domain.contact_log import parse_when
    from domain.limits import NAME
    from domain.timescales import RuleError
    from store.lifecycle.service import CaseService

    check_text(reference, "REFERENCE")
    check_text(with_whom, "--with", NAME)
    at = None
    if when is not None:
        try:
            at = parse_when(when)
        except RuleError as exc:
            fail(f"--date: {exc}")
    with opened(db) as (database, config):
        ident = CaseService(database, config, today=parse_today(today)).add_note(
            reference, text, kind=kind, direction=direction, with_whom=with_whom, at=at)
    typer.echo(f"{reference.strip()}: note {ident} added to the contact log")


def show(
    reference: Annotated[str, typer.Argument(help="The case's reference.")],
    fmt: Annotated[Format, typer.Option("--format", help="text for people, json for programs.")] = Format.text,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """The whole case file: facts, stages and deadlines, notes, documents (with their SHA-256), links to
    other cases, learning actions and the audit trail.

    Deadlines are counted as the case screen counts them, as of --today.

    Example: complaints show CS-2026-00042 --format json
    """
    from reports.casefile import case_file_lines, case_file_record
    from store.views.casefile import case_file

    check_text(reference, "REFERENCE")
    day = parse_today(today)
    with opened(db) as (database, config):
        file = case_file(database, reference, day, config.calendar(), config.rules)
    if fmt is Format.json:
        typer.echo(json_text(json.dumps(case_file_record(file), indent=2, ensure_ascii=False)))
    else:
        for line in case_file_lines(file):
            typer.echo(line)
