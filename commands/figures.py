"""The year-end figures: ``summary`` for people, ``export`` for spreadsheets and other programs.

Both read on plain sqlite3 when the database is current; ``export --register`` is the register's
(``commands.register``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli import (
    DbOption,
    ExportFormat,
    ListTablesOption,
    SummaryFormat,
    TablesOption,
    TodayOption,
    YearOption,
    YearsOption,
    fail,
    on_the_command_line,
    opened,
    parse_today,
    parse_year,
)

if TYPE_CHECKING:
    from domain.figures import Figures


def summary(
    year: YearOption = None,
    fmt: Annotated[SummaryFormat, typer.Option("--format", help="rich for the terminal; text, markdown or html "
                                                                "to paste into an email or document.")]
    = SummaryFormat.rich,
    tables: TablesOption = None,
    no_compare: Annotated[bool, typer.Option("--no-compare", help="Leave out the previous year's figures.")]
    = False,
    ascii_only: Annotated[bool, typer.Option("--ascii", help="Text without box drawing or arrows, for mail "
                                                             "clients that mangle them.")] = False,
    list_tables: ListTablesOption = False,
    code: Annotated[bool, typer.Option("--code", help="The Complaint Handling Code's annual report (corporate "
                                                      "complaints, refusals, improvements, the Ombudsman's letter, "
                                                      "the self-assessment).")] = False,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """The year-end summary: headline figures against last year, then the annual report's tables.

    Figures never name or reference a complainant or child.

    Example: complaints summary --year 2024/25 --format html > summary.html
    Example: complaints summary --code --year 2026 --format markdown > code-report-2026-27.md
    """
    if code:
        from commands.code import code_summary

        code_summary(db, year, today, "text" if fmt is SummaryFormat.rich else fmt.value)
        return
    ids = _table_ids(tables)
    now, before = _figures(db, year, today, compare=not no_compare)
    if fmt is SummaryFormat.rich:
        from rich.console import Console

        from reports.summary import render_rich

        console = Console()
        for item in render_rich(now, before, ids):
            console.print(item)
        return
    from reports.summary import render

    typer.echo(render(fmt.value, now, before, ids, ascii_only=ascii_only), nl=False)


def export(
    ctx: typer.Context,
    register: Annotated[bool, typer.Option("--register", help="The case register (one row per case) instead "
                                                               "of the year-end tables; csv or xlsx by --output.")]
    = False,
    year: YearOption = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="json (to standard output unless --output), "
                                                               "csv (a folder, one file per table) or xlsx.")]
    = ExportFormat.json,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (json, xlsx) or folder (csv).")]
    = None,
    years: YearsOption = None,
    tables: TablesOption = None,
    list_tables: ListTablesOption = False,
    code: Annotated[bool, typer.Option("--code", help="The Complaint Handling Code's annual report, as XLSX "
                                                      "(--output a .xlsx file).")] = False,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Export a year's tables for spreadsheets and other programs, or the whole case register.

    Counts, percentages to one decimal place and money to the penny; files are yours alone (0600).
    With --register: every case (or those received in --year) in the case-register format, which
    `complaints import` reads back.

    Example: complaints export --year 2024 --format xlsx --output figures-2024-25.xlsx --years 5

    Example: complaints export --register --output register.xlsx
    """
    if code:
        from commands.code import code_export

        code_export(db, year, today, output)
        return
    if register:
        from commands.register import export_register

        for name, option in (("fmt", "--format"), ("years", "--years"), ("tables", "--tables")):
            if on_the_command_line(ctx, name):  # said, not silently ignored
                fail(f"{option} is for the year-end tables; --register writes CSV, or XLSX when --output ends "
                     ".xlsx")

        export_register(db, year, today, output)
        return
    from reports.export import ExportError, to_json, write_csv, write_json, write_xlsx

    ids = _table_ids(tables)
    if fmt is not ExportFormat.json and output is None:
        fail(f"--format {fmt.value} needs --output ({'a folder' if fmt is ExportFormat.csv else 'a file'})")
    now, before = _figures(db, year, today, compare=fmt is ExportFormat.xlsx, years=years)
    chosen = [now.table(t) for t in ids] if ids else now.tables
    try:
        if fmt is ExportFormat.json and output is None:
            typer.echo(to_json(now, chosen), nl=False)
            return
        assert output is not None
        if fmt is ExportFormat.json:
            written = write_json(now, chosen, output)
        elif fmt is ExportFormat.csv:
            written = write_csv(now, chosen, output)
        else:
            written = write_xlsx(now, chosen, output, before)
    except ExportError as exc:
        fail(str(exc))
    where = output if fmt is not ExportFormat.csv else f"{output}/ ({len(written)} files)"
    so_far = "" if now.year.complete else f" so far ({now.year.period})"
    typer.echo(f"Wrote the {now.year.label} figures{so_far} ({len(chosen)} tables) to {where}", err=True)


def _table_ids(value: str | None) -> list[str] | None:
    from domain.figures import TABLE_IDS

    if not value:
        return None
    ids = [t.strip() for t in value.split(",") if t.strip()]
    unknown = [t for t in ids if t not in TABLE_IDS]
    if unknown:
        fail(f"--tables: no table called {', '.join(unknown)}. The tables are: {', '.join(TABLE_IDS)}")
    return ids


def _figures(db: str | None, year_text: str | None, today_text: str | None, *, compare: bool,
             years: int | None = None) -> tuple[Figures, Figures | None]:
    """This year's figures and, with ``compare``, last year's: on plain sqlite3 when the file is current."""
    from store.db.location import describe
    from store.views.figures import FiguresSource

    day = parse_today(today_text)
    year = parse_year(year_text, day)
    with opened(db, read_only=True, today=day) as (conn, placeholder, url, config):
        source = FiguresSource(conn, config, placeholder)
        now = source.figures(year, years=years, as_of=day)
        before = source.figures(year.previous, as_of=day) if compare else None
    if now.table("representations_by_type").value("total", year.label) == 0:
        typer.echo(f"Note: no cases were received in {year.label} in {describe(url)}; "
                   "the tables count nothing.", err=True)
    return now, before
