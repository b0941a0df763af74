"""The Ombudsman's Complaint Handling Code from the command line: a contact not accepted as a complaint
(``not-accepted``), the year's Ombudsman letter figures (``letter``) and self-assessment (``assess``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli import DbOption, TodayOption, check_text, fail, opened, parse_today, parse_year
from commands.followup import _date
from domain.harmless import shown
from domain.vocab import CodeSection, Compliance, Exclusion


def not_accepted(
    reference: Annotated[str, typer.Argument(help="The contact's case reference.")],
    exclusion: Annotated[Exclusion, typer.Option("--exclusion", help="Why it was not accepted.")],
    note: Annotated[str | None, typer.Option("--note", help="Why, in words (needed for 'other').")] = None,
    on: Annotated[str | None, typer.Option("--date", metavar="DATE", help="When (default today).")] = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Record that a contact was not accepted as a complaint, with the exclusion that applied; the case closes.

    The annual report (complaints summary --code) counts them by exclusion.

    Example: complaints not-accepted CS-2026-00042 --exclusion service_request
    """
    from domain.limits import TEXT
    from store.lifecycle.service import CaseService

    check_text(reference, "REFERENCE")
    if note is not None:
        check_text(note, "--note", TEXT)
    day = _date(on, "--date")
    with opened(db) as (database, config):
        CaseService(database, config, today=parse_today(today)).not_accepted(reference.strip(), exclusion.value,
                                                                              note, day)
    typer.echo(f"{shown(reference.strip())}: not accepted as a complaint ({exclusion.value.replace('_', ' ')})")


def letter(
    year: Annotated[int, typer.Option("--year", help="The financial year's first year (2026 = 2026/27).")],
    received: Annotated[int, typer.Option("--received", min=0, help="Complaints and enquiries received.")],
    decided: Annotated[int, typer.Option("--decided", min=0, help="Decisions made.")],
    upheld: Annotated[int, typer.Option("--upheld", min=0, help="Of those, upheld.")],
    compliance: Annotated[int | None, typer.Option("--compliance", min=0, max=100,
                                                   help="Compliance with recommendations, per cent.")] = None,
    remedied: Annotated[int | None, typer.Option("--remedied", min=0, help="Satisfactory remedy by the council "
                                                                           "before the Ombudsman's involvement.")]
    = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Enter the Ombudsman's annual letter figures for a year (again to correct them).

    Example: complaints ombudsman-letter --year 2026 --received 14 --decided 12 --upheld 5 --compliance 100 --remedied 1
    """
    from store.lifecycle.service import CaseService

    with opened(db) as (database, config):
        CaseService(database, config, today=parse_today(today)).record_letter(
            year, received=received, decided=decided, upheld=upheld, compliance_percent=compliance,
            remedied_by_council=remedied)
    typer.echo(f"Ombudsman letter {year}/{(year + 1) % 100:02d}: {received} received, {decided} decided, "
               f"{upheld} upheld")


def assess(
    year: Annotated[int, typer.Option("--year", help="The financial year's first year (2026 = 2026/27).")],
    section: Annotated[CodeSection, typer.Option("--section", help="The section of the Code.")],
    compliance: Annotated[Compliance, typer.Option("--compliance", help="complies, partly or does_not_comply.")],
    evidence: Annotated[str | None, typer.Option("--evidence", help="The evidence.")] = None,
    actions: Annotated[str | None, typer.Option("--actions", help="Actions to comply.")] = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Record the year's self-assessment against one section of the Complaint Handling Code.

    Example: complaints assess --year 2026 --section stages --compliance partly --actions "Train Stage 2 handlers"
    """
    from domain.limits import TEXT
    from store.lifecycle.service import CaseService

    for text, what in ((evidence, "--evidence"), (actions, "--actions")):
        if text is not None:
            check_text(text, what, TEXT)
    with opened(db) as (database, config):
        CaseService(database, config, today=parse_today(today)).assess(year, section.value, compliance.value,
                                                                        evidence, actions)
    typer.echo(f"Self-assessment {year}/{(year + 1) % 100:02d}, {section.value.replace('_', ' ')}: "
               f"{compliance.value}")


def _code_sections(db: str | None, year_text: str | None, today_text: str | None) -> tuple[Any, list[Any]]:
    from domain.code_report import compute
    from store.views.code_report import code_facts

    day = parse_today(today_text)
    year = parse_year(year_text, day)
    with opened(db) as (database, config):
        facts = code_facts(database, config, year)
        return year, compute(facts, config.calendar(), config.rules)


def code_summary(db: str | None, year_text: str | None, today_text: str | None, fmt: str) -> None:
    """``complaints summary --code``: the Code's annual report as text, Markdown or HTML."""
    from reports.code_report import render

    year, sections = _code_sections(db, year_text, today_text)
    typer.echo(render(fmt, year, sections), nl=False)


def code_export(db: str | None, year_text: str | None, today_text: str | None, output: Path | None) -> None:
    """``complaints export --code --output FILE.xlsx``: the Code's annual report as a workbook."""
    from reports.code_report import write_xlsx
    from reports.export import ExportError

    if output is None or output.suffix.lower() != ".xlsx":
        fail("--code writes a workbook: give --output a file ending .xlsx")
    year, sections = _code_sections(db, year_text, today_text)
    try:
        write_xlsx(year, sections, output)
    except ExportError as exc:
        fail(str(exc))
    typer.echo(f"Wrote the Complaint Handling Code report {year.label} to {output}", err=True)
