"""Putting right what intake recorded (``edit``) and giving cases to another officer (``reassign``)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import DbOption, TodayOption, check_text, opened, parse_today

#: The fields, as the help lists them (``store.lifecycle.edits.FIELDS``: the CLI does not load the store to
#: show its help; a test checks that they agree).
FIELDS_HELP = ("complainant, complainant_id, email, phone, address, preferred_contact, salutation, group, "
               "child_name, child_status, advocate, service_area, team, themes, summary, officer, kind")


def edit(
    reference: Annotated[str, typer.Argument(help="The case's reference.")],
    field: Annotated[str, typer.Argument(metavar="FIELD", help=f"One of: {FIELDS_HELP}.")],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The right value; \"\" clears it. Themes: "
                                                                "separated by ';'. Teams, themes, service areas "
                                                                "and officers: as on the council's lists.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why (required where the rules ask: the kind "
                                                                 "of a closed or answered case).")] = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Change a fact recorded at intake; the change (who, when, old -> new, why) goes into the case's history.

    The complainant's details (name, id, email, phone, address, preferred contact, salutation) belong to
    the person: they change on every case of theirs. A team, theme, service area or officer must be on the
    council's lists (add one in the settings first). A concern or enquiry that becomes a statutory or
    corporate complaint starts the complaint's clocks on the day it changes. Received and response dates
    are corrected with `complaints correct`.

    Example: complaints edit CS-2026-00042 team "CIN North" --reason "typed wrongly at intake"

    Example: complaints edit CN-2026-00007 kind statutory --reason "asked for a formal complaint"
    """
    from domain.limits import TEXT
    from store.lifecycle.service import CaseService

    check_text(reference, "REFERENCE")
    check_text(field, "FIELD")
    check_text(reason, "--reason", TEXT)
    with opened(db) as (database, config):
        changed = CaseService(database, config, today=parse_today(today)).edit_case(
            reference, field, value, reason=reason)
    what = field.strip().lower().replace("-", "_")
    typer.echo(f"{reference.strip()}: {what} changed (in its history)" if changed
               else f"{reference.strip()}: {what} already had that value; nothing changed")


def reassign(
    references: Annotated[list[str], typer.Argument(metavar="REF...", help="The cases' references.")],
    to: Annotated[str, typer.Option("--to", metavar="OFFICER", help="The officer (name or login) on the "
                                                                    "council's list.")],
    db: DbOption = None,
) -> None:
    """Give one case or several to another officer, all together or none (one event per case).

    Example: complaints reassign CS-2026-00042 CC-2026-00007 --to "Kim Lee"
    """
    from store.lifecycle.service import CaseService

    for reference in references:
        check_text(reference, "REF")
    check_text(to, "--to")
    with opened(db) as (database, config):
        moved = CaseService(database, config).reassign([r.strip() for r in references], to)
    unchanged = len(references) - moved
    tail = f" ({unchanged} already theirs)" if unchanged else ""
    typer.echo(f"{moved} case{'s' if moved != 1 else ''} reassigned to {to.strip()}{tail}")
