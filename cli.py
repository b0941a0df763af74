"""complaints: the command line. Thin commands over the domain and store packages.

With no command it opens the caseload TUI. It never imports Textual unless it opens the TUI,
and ``due`` (run from cron) stays clear of SQLAlchemy when the database is already current.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import warnings
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from domain.config import EXAMPLE, ConfigError, config_path, load_config
from domain.harmless import json_text, shown

__version__ = "0.1.0"

app = typer.Typer(
    name="complaints",
    help="Case management for a children's services complaints team.\n\n"
    "Run with no command to open the caseload.\n\n"
    "--db and --today may also come before a command that takes them (complaints --db ~/demo.db due); "
    "given in both places, the one after the command counts.\n\n"
    "Example: complaints --db ~/demo.db",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# -- shared options (one definition each, used by every command) ---------------------------------
# --db and --today may also come before the command (complaints --db demo.db due): given there, they
# reach the command through its own option's callback; given in both places, the command's own wins.
# Before a command that does not take them, the main callback refuses them.

BEFORE_THE_COMMAND = ("db", "today")


def _on_the_command_line(ctx: Any, name: str) -> bool:  # a typer.Context or its parent, a Click one
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def _or_before_the_command(ctx: typer.Context, param: typer.CallbackParam, value: str | None) -> str | None:
    """The command's own value, else the one given before the command, else the environment's."""
    name = param.name or ""
    parent = ctx.parent
    if parent is not None and not _on_the_command_line(ctx, name) and _on_the_command_line(parent, name):
        value = parent.params.get(name)
    return value


def _today_checked(ctx: typer.Context, param: typer.CallbackParam, value: str | None) -> str | None:
    value = _or_before_the_command(ctx, param, value)
    parse_today(value)  # a bad date stops here, wherever it was given
    return value


DbOption = Annotated[
    str | None,
    typer.Option("--db", metavar="PATH_OR_URL", envvar="COMPLAINTS_DB", show_envvar=True,
                 callback=_or_before_the_command,
                 help="SQLite file or postgresql:// URL [default: complaints.db in your data folder]"),
]
TodayOption = Annotated[
    str | None,
    typer.Option("--today", metavar="YYYY-MM-DD", envvar="COMPLAINTS_TODAY", callback=_today_checked,
                 help="Count working days as if today were this date (reports, tests)."),
]


YearOption = Annotated[
    str | None,
    typer.Option("--year", metavar="YEAR",
                 help="Financial year: 2024, 2024/25 or 2024-25 (1 April 2024 to 31 March 2025) "
                      "[default: the last complete year]"),
]
TablesOption = Annotated[
    str | None,
    typer.Option("--tables", metavar="ID,...", help="Only these tables (comma-separated ids; see --list-tables)."),
]
YearsOption = Annotated[
    int | None,
    typer.Option("--years", min=2, max=20, help="Trend columns: this many years in the tables that have them."),
]


class Format(StrEnum):
    text = "text"
    json = "json"


class SummaryFormat(StrEnum):
    rich = "rich"
    text = "text"
    markdown = "markdown"
    html = "html"


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"Error: {shown(message)}", err=True)  # it can name stored text: shown harmlessly
    raise typer.Exit(code)


def _text(value: str | None, what: str, limit: int | None = None) -> None:
    """A command's text, refused at the door (naming the argument, never showing the text) when it holds a
    control character or is longer than ``limit`` (``domain.limits``; a name looked up: any length)."""
    from domain.limits import CELL, text_problem

    if value is not None and (problem := text_problem(value.strip(), limit or CELL)):
        fail(f"{what} {problem}")


def parse_today(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--today {value!r} is not a date like 2026-11-22")


def _config():  # type: ignore[no-untyped-def]
    try:
        return load_config()
    except ConfigError as exc:
        fail(str(exc))


def _open(db: str | None, *, create: bool = False):  # type: ignore[no-untyped-def]
    """The database and settings. Only commands that write (``create``) make a missing database;
    the others refuse it, saying how to create it."""
    from store.db.database import NoDatabase, StoreError, open_database

    config = _config()
    try:
        return open_database(db, config, create=create), config
    except NoDatabase as exc:
        import shlex

        where = f" --db {shlex.quote(db)}" if db else ""
        fail(f"{exc}; nothing was created. Create it by opening the caseload (complaints{where}), or with "
             f"invented cases to try things on (complaints demo{where}).")
    except StoreError as exc:
        fail(str(exc))


@contextmanager
def _store(db: str | None, *, create: bool = False):  # type: ignore[no-untyped-def]
    """The database and settings for one command: a step the rules refuse ends it with their reason, a write
    that found the database busy (or any other problem the user can act on) with that plainly, and the
    database is closed either way."""
    from domain.timescales import RuleError
    from store.db.database import StoreError

    database, config = _open(db, create=create)
    try:
        yield database, config
    except (RuleError, StoreError) as exc:
        fail(str(exc))
    finally:
        database.close()


def _reading(db: str | None, config, day: date):  # type: ignore[no-untyped-def]
    """A DB-API connection for reading, its placeholder and the database's URL.

    Plain sqlite3 when the file is current (no SQLAlchemy, holidays or Alembic to import);
    otherwise (first use, an upgrade, a new calendar, PostgreSQL) the database is opened the full way.
    """
    from store.db.location import resolve_url
    from store.views.digest import open_fast

    url = resolve_url(db)
    conn = open_fast(url, config, day)
    if conn is not None:
        return conn, "?", url
    database, _ = _open(db)
    return database.engine.raw_connection(), database.placeholder, url


# -- commands ---------------------------------------------------------------------------------------


def _version(value: bool) -> None:
    if value:
        typer.echo(f"complaints {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    db: DbOption = None,
    today: TodayOption = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Case management for a children's services complaints team.

    Run with no command to open the caseload; the first time, it offers a demo database.

    Example: complaints --db ~/complaints/demo.db
    """
    if ctx.invoked_subcommand is not None:
        from typer.core import TyperGroup

        group = ctx.command
        assert isinstance(group, TyperGroup)
        command = group.get_command(ctx, ctx.invoked_subcommand)
        takes = {p.name for p in command.params} if command else set()
        for name in BEFORE_THE_COMMAND:
            if _on_the_command_line(ctx, name) and name not in takes:
                fail(f"{ctx.invoked_subcommand} does not take --{name}", code=2)
        return
    _run_tui(db, parse_today(today))


def _run_tui(db: str | None, today: date) -> None:
    from store.db.database import StoreError
    from store.db.location import resolve_url

    config = _config()
    first_run = db is None and not os.environ.get("COMPLAINTS_DB")
    try:
        from tui.app import create_app

        tui = create_app(resolve_url(db), config=config, today=today, offer_demo=first_run)
    except StoreError as exc:
        fail(str(exc))
    tui.run()
    if tui.return_code:  # it stopped after an unexpected error (and said so)
        raise typer.Exit(tui.return_code)


@app.command()
def due(
    within: Annotated[int, typer.Option("--within", min=0, max=60, help="Working days ahead to include.")] = 2,
    officer: Annotated[str | None, typer.Option("--officer", help="Only this officer's cases: their name or "
                                                                  "login, or the start of a name only they have "
                                                                  "(a first name, say).")]
    = None,
    fmt: Annotated[Format, typer.Option("--format", help="text for people and email, json for programs.")]
    = Format.text,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Overdue and due-soon work across all kinds, most urgent first.

    Each line: state, reference, stage, complainant, due date, and working days over or left.
    The daily digest a team leader mails from cron.

    Example: complaints due --within 5 --officer "Sam Patel"
    """
    from domain.timescales import RuleError
    from store.views.caseload import count_cases
    from store.views.digest import digest_text, due_items, find_officer

    _text(officer, "--officer")
    day = parse_today(today)
    config = _config()
    conn, placeholder, url = _reading(db, config, day)
    try:
        officer = find_officer(conn, officer) if officer is not None else None
        items = due_items(conn, day, within=within, officer=officer, config=config, placeholder=placeholder)
        empty = not items and count_cases(conn) == 0
    except RuleError as exc:
        fail(f"--officer: {exc}")
    finally:
        conn.close()
    if empty:  # "Nothing is due" from a database that never held a case is most likely the wrong one
        from store.db.location import describe

        typer.echo(f"Note: {describe(url)} holds no cases at all: is it the database you meant? "
                   "(--db PATH, or COMPLAINTS_DB)", err=True)
    if fmt is Format.json:
        typer.echo(json.dumps({"today": day.isoformat(), "within": within,
                               "items": [i.as_json() for i in items]}, indent=2))
        return
    typer.echo(digest_text(items, day, within, officer))


@app.command()
def demo(
    cases: Annotated[int, typer.Option("--cases", min=1, max=5_000_000, help="How many representations.")]
    = 3000,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same data.")] = 1,
    years: Annotated[int | None, typer.Option("--years", min=1, max=200,
                                              help="Years of history [default: 3 to 10, by size]")] = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Fill an empty database with realistic synthetic history (no real person is in it).

    Several years of every kind, with an open caseload whose deadlines fall around today.
    Demo data never goes into a database that already holds cases.

    Example: complaints demo --db ~/demo.db --cases 5000 --seed 7
    """
    from store.housekeeping.demo import generate

    day = parse_today(today)
    with _store(db, create=True) as (database, config):
        try:
            stats = generate(database, config, cases=cases, seed=seed, today=day, years=years)
        except ValueError as exc:
            fail(f"{exc} (choose a new file with --db)")
    typer.echo(f"Added {stats.cases:,} cases, {stats.people:,} people, {stats.stages:,} stages and "
               f"{stats.events:,} events to {database.describe()}")


def _year(value: str | None, today: date):  # type: ignore[no-untyped-def]
    from domain.year import FinancialYear, YearError

    if not value:
        return FinancialYear.containing(today).previous
    try:  # a year in progress runs to today (and is compared with the same months); one not started is refused
        return FinancialYear.parse(value).so_far(today)
    except YearError as exc:
        fail(f"--year: {exc}")


def _table_ids(value: str | None) -> list[str] | None:
    from domain.figures import TABLE_IDS

    if not value:
        return None
    ids = [t.strip() for t in value.split(",") if t.strip()]
    unknown = [t for t in ids if t not in TABLE_IDS]
    if unknown:
        fail(f"--tables: no table called {', '.join(unknown)}. The tables are: {', '.join(TABLE_IDS)}")
    return ids


def _list_tables(value: bool) -> None:
    if value:
        from domain.figures import TITLES

        for table_id, (title, basis) in TITLES.items():
            typer.echo(f"{table_id:<24} {title} ({basis})")
        raise typer.Exit()


ListTablesOption = Annotated[
    bool, typer.Option("--list-tables", callback=_list_tables, is_eager=True, help="List the table ids and exit.")
]


def _figures(db: str | None, year_text: str | None, today_text: str | None, *, compare: bool,
             years: int | None = None):  # type: ignore[no-untyped-def]
    """This year's figures and, with ``compare``, last year's: on plain sqlite3 when the file is current."""
    from store.db.location import describe
    from store.views.figures import FiguresSource

    day = parse_today(today_text)
    year = _year(year_text, day)
    config = _config()
    conn, placeholder, url = _reading(db, config, day)
    try:
        source = FiguresSource(conn, config, placeholder)
        now = source.figures(year, years=years, as_of=day)
        before = source.figures(year.previous, as_of=day) if compare else None
    finally:
        conn.close()
    if now.table("representations_by_type").value("total", year.label) == 0:
        typer.echo(f"Note: no cases were received in {year.label} in {describe(url)}; "
                   "the tables count nothing.", err=True)
    return now, before


@app.command()
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
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """The year-end summary: headline figures against last year, then the annual report's tables.

    Figures never name or reference a complainant or child.

    Example: complaints summary --year 2024/25 --format html > summary.html
    """
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


@app.command()
def export(
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
    if register:
        _export_register(db, year, today, output)
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


def _export_register(db: str | None, year_text: str | None, today_text: str | None, output: Path | None) -> None:
    from store.register.export import RegisterReader
    from store.register.files import RegisterFileError, write_csv, write_register

    year = _year(year_text, parse_today(today_text)) if year_text else None
    with _store(db) as (database, _), database.dbapi() as conn:
        reader = RegisterReader(conn, database.placeholder)
        rows = (row.cells() for _, row in reader.rows(year))
        if output is None:
            write_csv(sys.stdout, rows)
            return
        try:
            count = write_register(output, rows)
        except RegisterFileError as exc:
            fail(str(exc))
    typer.echo(f"Wrote {count:,} cases{f' received in {year.label}' if year else ''} to {output}", err=True)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The register: a .csv or .xlsx file.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the file and say what would change; "
                                                             "write nothing.")] = False,
    mapping: Annotated[list[str] | None, typer.Option("--map", metavar="HEADER=column",
                                                      help="Read a differently named column as a register "
                                                           "column (repeatable).")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", metavar="HEADER",
                                                     help="Leave a column of the file out (repeatable).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Themes, teams, service areas and officers not yet on "
                                                          "the council's lists are errors, not additions.")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why: required for the changes only a manager "
                                                                 "may make (a closed stage's record, an outcome "
                                                                 "against its findings).")] = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Import a case register (CSV or XLSX): all of it, or, if any row is wrong, none of it.

    Every error is listed with its row and column. Rows are matched by reference: a file
    imported twice changes nothing; a changed row updates its case, each change in its history.
    A change only a manager may make (as with complaints correct) needs the manager role and --reason.

    Example: complaints import register-2019-2024.xlsx --dry-run --map "Date received=received"
    """
    from domain.register import CellError
    from store.register.files import RegisterFileError
    from store.register.importer import ImportRefused, RegisterImport

    for option, items in (("--map", mapping), ("--ignore", ignore)):
        for item in items or []:
            _text(item, option)
    pairs: dict[str, str] = {}
    for item in mapping or []:
        header, sep, column = item.partition("=")
        if not sep or not header.strip() or not column.strip():
            fail(f"--map {item!r}: write --map \"HEADER IN THE FILE=register_column\"")
        pairs[header] = column.strip()
    day = parse_today(today)
    big = file.is_file() and file.stat().st_size > 500_000
    failure: tuple[list[str], int] | None = None
    with _progress(big) as tick:
        try:
            with _store(db, create=True) as (database, config):  # an auditor's import is refused with the rule's reason
                service = RegisterImport(database, config, today=day)
                result = service.import_file(file, mapping=pairs, ignore=set(ignore or []), strict=strict,
                                             dry_run=dry_run, reason=reason,
                                             progress=lambda done, total: tick("Importing", done, total))
        except RegisterFileError as exc:
            failure = [f"Error: {shown(str(exc))}"], 1
        except ImportRefused as refused:
            errors: list[CellError] = refused.errors
            failure = [f"{file.name}: {len(errors):,} error{'s' if len(errors) != 1 else ''}; nothing was imported.",
                       *(f"  {shown(str(error))}" for error in errors)], 1  # a column named in the file's header
        except KeyboardInterrupt:
            failure = [f"{file.name}: interrupted; nothing was imported."], 130
    if failure is not None:  # said once the progress bar has gone: lines written under a live bar could be lost
        for line in failure[0]:
            typer.echo(line, err=True)
        raise typer.Exit(failure[1])
    _import_summary(file, database.describe(), result)


def _progress(show: bool):  # type: ignore[no-untyped-def]
    """A Rich progress bar for big files; a no-op for small ones."""

    @contextmanager
    def bar():  # type: ignore[no-untyped-def]
        if not show:
            yield lambda *args: None
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True,
                      console=Console(stderr=True)) as progress:
            tasks: dict[str, object] = {}

            def tick(what: str, done: int, total: int | None = None) -> None:
                if what not in tasks:
                    tasks[what] = progress.add_task(f"{what} rows", total=total)
                progress.update(tasks[what], completed=done)  # type: ignore[arg-type]

            yield tick

    return bar()


def _import_summary(file: Path, where: str, result) -> None:  # type: ignore[no-untyped-def]
    counts = (f"{len(result.created):,} created, {len(result.updated):,} updated, "
              f"{result.unchanged:,} unchanged")
    if result.dry_run:
        typer.echo(f"Dry run of {file.name} against {where}: nothing was written. It would create "
                   f"{len(result.created):,}, update {len(result.updated):,} and leave {result.unchanged:,} "
                   "unchanged.")
    else:
        typer.echo(f"Imported {file.name} into {where}: {counts}.")
    for reference, columns in list(result.updated.items())[:50]:
        typer.echo(f"  updated {shown(reference)}: {', '.join(columns)}")
    if len(result.updated) > 50:
        typer.echo(f"  ... and {len(result.updated) - 50:,} more updated (see each case's history)")
    for column, names in result.new_names.items():
        if names:
            label = {"themes": "themes", "team": "teams", "service_area": "service areas",
                     "officer": "officers"}[column]
            typer.echo(f"{'Would add' if result.dry_run else 'Added'} to the council's {label}: "
                       f"{shown(', '.join(names))}")
    _merged_by_name(result.merged_by_name)


def _merged_by_name(groups: list[tuple[list[int], bool]], most: int = 20) -> None:
    """The rows taken as one person by their name alone: by row only (names are personal data)."""
    if not groups:
        return
    typer.echo(f"{len(groups):,} {'people' if len(groups) != 1 else 'person'} matched by name alone, with no "
               "complainant_id (give one to keep different people apart):")
    for rows, stored in groups[:most]:
        listed = ", ".join(map(str, rows[:10])) + (f" and {len(rows) - 10:,} more" if len(rows) > 10 else "")
        who = ("one person, already stored" if len(rows) > 1 else "a person already stored") if stored \
            else "one person"
        typer.echo(f"  row{'s' if len(rows) != 1 else ''} {listed}: {who}")
    if len(groups) > most:
        typer.echo(f"  ... and {len(groups) - most:,} more")


@app.command()
def history(
    reference: Annotated[str, typer.Argument(help="The case's reference.")],
    db: DbOption = None,
) -> None:
    """A case's audit trail: who did what and when, old -> new, with reasons.

    Every change is there, including dates changed after the fact.

    Example: complaints history CS-2026-00042
    """
    from sqlmodel import col, select

    from domain.vocab import display_value
    from store.db.models import Case, Event

    _text(reference, "REFERENCE")
    with _store(db) as (database, _), database.read() as session:
        case = session.exec(select(Case).where(Case.reference == reference.strip())).first()
        if case is None:  # a deleted case leaves one event naming its reference
            where = (col(Event.case_id).is_(None)) & (Event.action == "deleted") & (Event.detail == reference.strip())
        else:
            where = Event.case_id == case.id
        events = list(session.exec(select(Event).where(where).order_by(col(Event.at), col(Event.id))))
    if case is None and not events:
        fail(f"no case has the reference {reference!r}")
    typer.echo(f"{shown(reference.strip())}: {len(events)} event{'s' if len(events) != 1 else ''}")
    who_width = max((len(shown(e.who)) for e in events), default=3)
    for e in events:
        what = e.action + (f" {e.detail}" if e.detail else "")
        change = ""
        if e.old is not None or e.new is not None:
            change = f"{display_value(e.old)} -> {display_value(e.new)}"
        line = f"{e.at:%d/%m/%Y %H:%M}  {shown(e.who):<{who_width}}  {what}" + (f": {change}" if change else "")
        if e.reason:
            line += f"  (reason: {e.reason})"
        typer.echo(shown(line))  # one event, one line: stored text shown harmlessly


@app.command()
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

    _text(reference, "REFERENCE")
    _text(reason, "--reason", TEXT)
    try:
        day = parse_date(value)
    except ValueError as exc:
        fail(f"DATE: {exc}")
    with _store(db) as (database, config):
        CaseService(database, config, today=parse_today(today)).correct_date(reference, field, day, reason=reason)
    typer.echo(f"{reference}: {field} is now {day:%d/%m/%Y} (in its history, with the reason)")


@app.command()
def migrate(db: DbOption = None) -> None:
    """Create the database's tables, or bring them up to this version of complaints.

    Every command does this on first use. On a team server officers may not change the tables,
    so whoever owns them runs this once, and again after each upgrade of complaints.

    Example: complaints migrate --db postgresql+psycopg://complaints_admin@db.council.example/complaints
    """
    from store.db.schema import HEAD

    database, _ = _open(db, create=True)
    database.close()
    typer.echo(f"{database.describe()}: tables at schema {HEAD}, the newest this version knows")


@app.command()
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

    _text(reference, "REFERENCE")
    _text(reason, "--reason", TEXT)
    with _store(db) as (database, config):
        CaseService(database, config).delete_case(reference, reason=reason)
    typer.echo(f"{reference.strip()} deleted (the audit trail keeps who, when and why)")


@app.command()
def backup(
    path: Annotated[Path | None, typer.Argument(help="Where to write it [default: backups/ beside the database]")]
    = None,
    db: DbOption = None,
) -> None:
    """A consistent copy of the database, safe to take while it is in use (owner-only file).

    For PostgreSQL, use pg_dump (see the README).

    Example: complaints backup ~/backups/complaints-2026-11-22.db
    """
    from store.db.database import StoreError
    from store.db.location import resolve_url
    from store.housekeeping.backup import backup as take_backup

    try:
        written = take_backup(resolve_url(db), path)
    except StoreError as exc:
        fail(str(exc))
    typer.echo(f"Backed up to {written}")


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="The backup file to restore.")],
    force: Annotated[bool, typer.Option("--force", help="Replace the existing database (it is kept aside).")]
    = False,
    db: DbOption = None,
) -> None:
    """Replace the database with a backup; the replaced database is kept beside it.

    Example: complaints restore ~/backups/complaints-2026-11-22.db --force
    """
    from store.db.database import StoreError, open_database
    from store.db.location import resolve_url
    from store.housekeeping.backup import restore as restore_backup

    url = resolve_url(db)
    try:
        kept = restore_backup(url, path, force=force)
        open_database(url, _config()).close()  # an older backup is migrated now, not half-way through work
    except StoreError as exc:
        fail(str(exc))
    typer.echo(f"Restored {path}" + (f"; the database it replaced is kept as {kept}" if kept else ""))


@app.command()
def person(
    who: Annotated[str, typer.Argument(metavar="PERSON", help="complainant_id, or the person's name.")],
    export_to: Annotated[Path, typer.Option("--export", metavar="FILE.json",
                                            help="Write everything held about them to this file.")],
    db: DbOption = None,
) -> None:
    """Everything held about one person, for a subject access request (owner-only JSON file).

    The person is found in every role: complainant, the child a case is about, independent person,
    officer, and wherever free text or the audit trail names them (deleted cases' too).

    Example: complaints person P0001234 --export sar-P0001234.json
    """
    from store.housekeeping.privacy import person_record

    _text(who, "PERSON")
    with _store(db) as (database, _):
        record = person_record(database, who)
    from store.db.location import owner_only

    try:
        f = owner_only(export_to)
    except OSError as exc:
        fail(f"cannot write {export_to}: {exc.strerror or exc}")
    with f:
        f.write(json_text(json.dumps(record, indent=2, ensure_ascii=False)))  # no raw control character
    cases, others = len(record["cases"]), len(record["other_records"])
    held = f"{cases} case{'s' if cases != 1 else ''}" + (
        f" and {others} other record{'s' if others != 1 else ''}" if others else "")
    roles = "; ".join(f"{role}: {count}" for role, count in record["roles"].items())
    typer.echo(f"Wrote {held} held about this person to {export_to}" + (f" ({roles})" if roles else ""))


@app.command()
def retention(
    older_than: Annotated[int | None, typer.Option("--older-than", metavar="YEARS", min=1, max=100,
                                                   help="Cases closed more than this many years ago "
                                                        "[default: from the settings]")] = None,
    apply: Annotated[bool, typer.Option("--apply", help="Anonymise them (managers only); without it, "
                                                        "only list them.")] = False,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """List, then with --apply anonymise, the personal details of long-closed cases.

    Names, contact details and free text go; dates, outcomes and costs stay, so past
    years' figures do not change. What deleted cases' history says about these people goes
    too. It works 500 cases at a time, so others can save in between; if it is stopped,
    run it again to finish.

    Example: complaints retention --older-than 6 --apply
    """
    from store.housekeeping.privacy import Retention, RetentionPlan

    done: list[RetentionPlan] = []  # what is anonymised so far, batch by batch
    with _store(db) as (database, config):
        years = older_than or config.retention_years
        service = Retention(database, config, today=parse_today(today))
        try:
            plan = service.apply(years, progress=done.append) if apply else service.plan(years)
        except BaseException as exc:
            if done:  # the batches before stay done: say so, and how to finish
                typer.echo(f"{'Interrupted' if isinstance(exc, KeyboardInterrupt) else 'Stopped'} after "
                           f"anonymising {_retained(done[-1])}; each case is anonymised whole or not at all. "
                           "Run it again to finish.", err=True)
            if isinstance(exc, KeyboardInterrupt):
                raise typer.Exit(130) from None
            raise
    count, deleted = len(plan.references), plan.deleted_events
    reasons = f"the reasons given for deleting {deleted:,} case{'s' if deleted != 1 else ''}"
    if apply:
        typer.echo(f"Anonymised {_retained(plan)}" + (f" in {plan.batches:,} batches" if plan.batches > 1 else "")
                   + (f"; {reasons} went too." if deleted else "."))
        return
    typer.echo(f"{_retained(plan)} would be anonymised:" if count else f"No cases closed before "
               f"{plan.cutoff:%d/%m/%Y} still hold personal details.")
    for reference in plan.references[:200]:
        typer.echo(f"  {shown(reference)}")
    if count > 200:
        typer.echo(f"  ... and {count - 200:,} more")
    if deleted:
        typer.echo(f"{reasons[0].upper()}{reasons[1:]} (naming them, or given before "
                   f"{plan.cutoff:%d/%m/%Y}) would go too.")
    if count or deleted:
        typer.echo("Run again with --apply to anonymise them (managers only).")


def _retained(plan) -> str:  # type: ignore[no-untyped-def]
    """'3 cases closed before 10/01/2027 (2 people)'."""
    count = len(plan.references)
    people = f"{plan.people:,} {'person' if plan.people == 1 else 'people'}"
    return f"{count:,} case{'s' if count != 1 else ''} closed before {plan.cutoff:%d/%m/%Y} ({people})"


@app.command()
def copy(
    to: Annotated[str, typer.Option("--to", metavar="URL_OR_PATH", help="The empty database to copy into.")],
    db: DbOption = None,
) -> None:
    """Copy the whole database into another (SQLite to PostgreSQL for a team, or back), then check it.

    Every table comes across with its ids in one transaction; the counts of every table and the
    year-end figures of every year are then compared, and the result said.

    Example: complaints copy --to postgresql+psycopg://complaints_admin@db.council.example/complaints
    """
    from store.db.database import StoreError, open_database
    from store.housekeeping.copy import copy_database

    source, config = _open(db)
    try:
        target = open_database(to, config)
    except StoreError as exc:
        source.close()
        fail(str(exc))
    try:
        report = copy_database(source, target, config)
    except StoreError as exc:
        fail(str(exc))
    finally:
        source.close()
        target.close()
    cases = report.counts.get("case", 0)
    typer.echo(f"Copied {cases:,} cases ({sum(report.counts.values()):,} rows in {len(report.counts)} tables) "
               f"to {target.describe()}.")
    if report.mismatches:
        typer.echo("These differ between the two databases:", err=True)
        for line in report.mismatches:
            typer.echo(f"  {line}", err=True)
        raise typer.Exit(1)
    years = f"{report.years[0]} to {report.years[-1]}" if report.years else "no years"
    typer.echo(f"Checked: every table has the same number of rows, and the year-end figures for {years} "
               "are identical.")


@app.command()
def config(
    path: Annotated[bool, typer.Option("--path", help="Print where the configuration file is.")] = False,
    example: Annotated[bool, typer.Option("--example", help="Print an example configuration file.")] = False,
) -> None:
    """Show the configuration file's location, or an example of one.

    Example: complaints config --path
    """
    if path:
        typer.echo(str(config_path()))
        return
    if example:
        typer.echo(EXAMPLE, nl=False)
        return
    cfg = _config()
    exists = cfg.path is not None and Path(cfg.path).exists()
    typer.echo(f"Configuration: {cfg.path}{'' if exists else ' (not created: defaults in use)'}")
    typer.echo(f"Calendar: {cfg.region} bank holidays, {len(cfg.closures)} local closure days")
    typer.echo(f"You: {cfg.user} ({cfg.role.value})")


def main() -> None:
    """Console entry point: no traceback (which could carry personal data) ever reaches the user."""
    os.umask(0o077)  # every file this tool writes is the owner's alone
    # a workbook's odd cells are reported by row and column: openpyxl's own warnings would only repeat them
    warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("COMPLAINTS_DEBUG"):
            raise
        typer.echo(f"Error: unexpected {type(exc).__name__}; nothing more was saved. "
                   "Set COMPLAINTS_DEBUG=1 to see the details.", err=True)
        sys.exit(2)
    finally:
        # The work is done; Python's shutdown would now run the cycle collector over every object
        # of SQLAlchemy, Alembic and the rest, several times: a quarter of a second after an import.
        # Frozen, they are left to the exit.
        gc.freeze()


if __name__ == "__main__":
    main()
