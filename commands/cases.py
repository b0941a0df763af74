"""One case or one person: its ``history``, ``correct`` a date, ``delete`` a case recorded in error, and
everything held about a ``person``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli import DbOption, TodayOption, check_text, fail, opened, parse_today
from domain.harmless import json_text


def history(
    reference: Annotated[str, typer.Argument(help="The case's reference.")],
    db: DbOption = None,
) -> None:
    """A case's audit trail: who did what and when, old -> new, with reasons.

    Every change is there, including dates changed after the fact.

    Example: complaints history CS-2026-00042
    """
    from reports.history import history_lines
    from store.views.history import audit_trail

    check_text(reference, "REFERENCE")
    with opened(db) as (database, _):
        events = audit_trail(database, reference.strip())
    if events is None:
        fail(f"no case has the reference {reference!r}")
    for line in history_lines(reference.strip(), events):
        typer.echo(line)


def correct(
    reference: Annotated[str, typer.Argument(help="The case's reference.")],
    field: Annotated[str, typer.Argument(metavar="FIELD",
                                         help="received, stage1_responded, stage2_responded or stage3_responded")],
    value: Annotated[str, typer.Argument(metavar="DATE", help="The right date: 2026-11-03 or 03/11/2026.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why (required once the stage is closed).")]
    = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Correct a received or response date; once a stage is closed, managers only, with a reason.

    The change and its reason go into the case's history.

    Example: complaints correct CS-2026-00042 stage1_responded 12/11/2026 --reason "letter was sent a day later"
    """
    from domain.limits import TEXT
    from domain.register_cells import parse_date
    from store.lifecycle.service import CaseService

    check_text(reference, "REFERENCE")
    check_text(reason, "--reason", TEXT)
    try:
        day = parse_date(value)
    except ValueError as exc:
        fail(f"DATE: {exc}")
    with opened(db) as (database, config):
        CaseService(database, config, today=parse_today(today)).correct_date(reference, field, day, reason=reason)
    typer.echo(f"{reference}: {field} is now {day:%d/%m/%Y} (in its history, with the reason)")


def delete(
    reference: Annotated[str, typer.Argument(help="The case's reference.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is deleted (kept in the audit trail).")] = "",
    db: DbOption = None,
) -> None:
    """Delete a case recorded in error, such as a duplicate (managers only, with a reason).

    The case, its stages and its history go, and so does its complainant if no other case names
    them; the audit trail keeps who deleted which reference, when and why. The figures of the
    year it was in change, so prefer closing or withdrawing a case that really happened.

    Example: complaints delete CS-2026-00042 --reason "duplicate of CS-2026-00041"
    """
    from domain.limits import TEXT
    from store.lifecycle.service import CaseService

    check_text(reference, "REFERENCE")
    check_text(reason, "--reason", TEXT)
    with opened(db) as (database, config):
        CaseService(database, config).delete_case(reference, reason=reason)
    typer.echo(f"{reference.strip()} deleted (the audit trail keeps who, when and why)")


def person(
    who: Annotated[str, typer.Argument(metavar="PERSON", help="complainant_id, or the person's name.")],
    export_to: Annotated[Path, typer.Option("--export", metavar="FILE.json",
                                            help="Write everything held about them to this file.")],
    force: Annotated[bool, typer.Option("--force", help="Write over an earlier export of that name.")] = False,
    db: DbOption = None,
) -> None:
    """Everything held about one person, for a subject access request (owner-only JSON file).

    Their cases' documents are written beside it, in FILE-documents/, each named in the JSON with its SHA-256.

    The person is found in every role: complainant, the child a case is about, independent person,
    officer, and wherever free text or the audit trail names them (deleted cases' too).

    Example: complaints person P0001234 --export sar-P0001234.json
    """
    from store.db.location import owner_only
    from store.housekeeping.privacy import person_record
    from store.housekeeping.privacy_casefile import write_documents

    check_text(who, "PERSON")
    folder = export_to.parent / f"{export_to.stem}-documents"
    with opened(db) as (database, _):
        record = person_record(database, who)
        if not force and (export_to.exists() or folder.exists()):  # another request's answer: never lost quietly
            fail(f"{export_to if export_to.exists() else folder} already exists: nothing was written (another name, "
                 "or --force)")
        try:  # each document's bytes, owner-only, in a folder beside the JSON that names them
            documents = write_documents(database, record, folder)
        except OSError as exc:
            fail(f"cannot write {folder}: {exc.strerror or exc}")
    try:
        with owner_only(export_to) as f:
            f.write(json_text(json.dumps(record, indent=2, ensure_ascii=False)))  # no raw control character
    except OSError as exc:
        fail(f"cannot write {export_to}: {exc.strerror or exc}")
    cases, others = len(record["cases"]), len(record["other_records"])
    held = f"{cases} case{'s' if cases != 1 else ''}" + (
        f" and {others} other record{'s' if others != 1 else ''}" if others else "")
    roles = "; ".join(f"{role}: {count}" for role, count in record["roles"].items())
    typer.echo(f"Wrote {held} held about this person to {export_to}" + (f" ({roles})" if roles else ""))
    if documents:
        typer.echo(f"and {documents} document{'s' if documents != 1 else ''} kept with their cases to {folder}")
