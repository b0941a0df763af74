"""Follow-up from the command line: a learning action done (``action-done``), and a review of the
persistent-complaints procedure (``persistent``)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from cli import DbOption, TodayOption, check_text, fail, opened, parse_today
from domain.harmless import shown


class Outcome(StrEnum):
    """A review's outcome (``domain.vocab.PersistentOutcome``), as the option takes it."""

    CONTINUE = "continue"
    VARY = "vary"
    END = "end"


def _date(value: str | None, what: str) -> date | None:
    from domain.register_cells import parse_date

    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        fail(f"{what}: {exc}")


def action_done(
    reference: Annotated[str, typer.Argument(help="The case's reference.")],
    action: Annotated[int, typer.Argument(metavar="ID", help="The learning action's number (the case's Learning "
                                                             "tab, or the digest).")],
    what: Annotated[str, typer.Argument(metavar="WHAT_WAS_DONE", help="What was done: \"you said, we did\".")],
    on: Annotated[str | None, typer.Option("--date", metavar="DATE", help="When it was done (default today).")]
    = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Mark a case's learning action done, saying what was done.

    The action, what was done and the date go into the case's history.

    Example: complaints action-done CS-2026-00042 7 "Duty team trained on returning calls within 2 days"
    """
    from domain.limits import TEXT
    from store.lifecycle.service import CaseService

    check_text(reference, "REFERENCE")
    check_text(what, "WHAT_WAS_DONE", TEXT)
    day = _date(on, "--date")
    with opened(db) as (database, config):
        CaseService(database, config, today=parse_today(today)).complete_action(
            action, what, day, reference=reference.strip())
    typer.echo(f"{shown(reference.strip())}: learning action {action} done")


def persistent(
    reference: Annotated[str, typer.Argument(help="A case of the complainant under the procedure.")],
    review: Annotated[Outcome, typer.Option("--review", help="continue, vary (with --contact or --arrangements) "
                                                             "or end the procedure.")],
    next_review: Annotated[str | None, typer.Option("--next", metavar="DATE",
                                                    help="The next review (default: in six months).")] = None,
    note: Annotated[str | None, typer.Option("--note", help="What the review found.")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="vary: the new single point of contact.")]
    = None,
    arrangements: Annotated[str | None, typer.Option("--arrangements",
                                                     help="vary: the new contact arrangements.")] = None,
    on: Annotated[str | None, typer.Option("--date", metavar="DATE", help="When it was reviewed (default today).")]
    = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Review the persistent-complaints procedure of a case's complainant: continue, vary or end it.

    The review is kept with the person, and the change in the case's history.

    Example: complaints persistent CS-2026-00042 --review continue --next 01/06/2027 --note "Calls still daily"
    """
    from domain.limits import NAME, TEXT
    from store.lifecycle.service import CaseService

    check_text(reference, "REFERENCE")
    check_text(note, "--note", TEXT)
    check_text(contact, "--contact", NAME)
    check_text(arrangements, "--arrangements", TEXT)
    nxt, day = _date(next_review, "--next"), _date(on, "--date")
    with opened(db) as (database, config):
        result = CaseService(database, config, today=parse_today(today)).review_persistent(
            reference.strip(), review.value, next_review=nxt, note=note, on=day,
            contact=contact, arrangements=arrangements)
    said = (f"procedure continues; next review {result:%d/%m/%Y}" if result is not None and review is not Outcome.VARY
            else f"arrangements varied; next review {result:%d/%m/%Y}" if result is not None
            else "procedure ended")
    typer.echo(f"{shown(reference.strip())}: persistent-complaints {said}")
