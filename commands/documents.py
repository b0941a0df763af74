"""Documents from the command line: ``attach`` a file to a case, save a ``document`` out, and ``intake`` a new
case from an email. The same rules as the TUI (``store.lifecycle.documents``): roles, limits, the audit trail."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import DbOption, TodayOption, check_text, fail, opened, parse_today
from domain.harmless import shown


def attach(
    reference: Annotated[str, typer.Argument(help="The case's reference.")],
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The file to keep with the case (at most 25 MB).")],
    db: DbOption = None,
) -> None:
    """Attach a file to a case: kept in the database with its SHA-256, who added it and when.

    An email (.eml, Outlook .msg) shows its sender, date, subject and text in the case file.

    Example: complaints attach CS-2026-00042 ~/Downloads/stage2-report.pdf
    """
    from domain.documents import megabytes
    from store.lifecycle.service import CaseService

    check_text(reference, "REFERENCE")
    name, content = _read(file)
    with opened(db) as (database, config):
        ident = CaseService(database, config).attach(reference, name, content)
    typer.echo(f"{reference.strip()}: attached {shown(name)} as document {ident} ({megabytes(len(content))})")


def document(
    reference: Annotated[str, typer.Argument(help="The case's reference.")],
    ident: Annotated[int, typer.Argument(metavar="ID", help="The document's number (complaints show REF lists them).")],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="PATH", help="Where to save it.")],
    force: Annotated[bool, typer.Option("--force", help="Write over an existing file.")] = False,
    db: DbOption = None,
) -> None:
    """Save a case's document to a file, readable by you alone; an existing file is kept unless --force.

    Example: complaints document CS-2026-00042 3 --output ~/letters/complaint.eml
    """
    from store.lifecycle.service import CaseService

    check_text(reference, "REFERENCE")
    with opened(db) as (database, config):
        path, row = CaseService(database, config).save_document(ident, output, reference=reference, force=force)
    typer.echo(f"Saved document {ident} ({shown(row.name)}, SHA-256 {row.sha256}) to {path}")


def intake(
    file: Annotated[Path, typer.Argument(metavar="FILE.eml|FILE.msg", help="The email the case comes from.")],
    kind: Annotated[str, typer.Option("--kind", metavar="KIND",
                                      help="statutory, corporate, concern, enquiry, compliment, ...")] = "statutory",
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Log a new case from an email: received the day it was sent, by email, from its sender (name and address),
    its subject as the summary; the email is attached. Prints the new reference; what to check goes to stderr
    (a date that could not be read is taken as today; a sender or subject the email lacks is left blank).

    Example: complaints intake ~/Downloads/complaint.eml --kind corporate
    """
    from store.lifecycle.service import CaseService

    check_text(kind, "--kind")
    name, content = _read(file)
    with opened(db) as (database, config):
        reference = CaseService(database, config, today=parse_today(today)).intake_email(kind, name, content)
    typer.echo(reference)
    for warning in (reference.warning or "").splitlines():  # a persistent complainant, a namesake, a date, a
        typer.echo(f"Warning: {shown(warning)}", err=True)  # sender the email lacks: to stderr, a line each


def _read(file: Path) -> tuple[str, bytes]:
    """The file's name and bytes; a missing, unreadable or too big file ends the command saying so."""
    from domain.timescales import RuleError
    from store.lifecycle.documents import read_file

    try:
        return read_file(file)
    except RuleError as exc:
        fail(str(exc))
