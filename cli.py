"""complaints: the command line's entry point: the app, the options its commands share, opening the
database, the way errors reach the user, and ``main``. The commands live in ``commands/``.

With no command it opens the caseload TUI. It never imports Textual unless it opens the TUI,
and ``due`` (run from cron) stays clear of SQLAlchemy when the database is already current: the
commands import what they need when they run.
"""

from __future__ import annotations

import os
import signal
import sys
import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple, NoReturn, overload

import typer

from domain.harmless import shown

if TYPE_CHECKING:
    from domain.config import Config
    from domain.year import FinancialYear
    from store.db.database import Database

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


def on_the_command_line(ctx: Any, name: str) -> bool:  # a typer.Context or its parent, a Click one
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def _or_before_the_command(ctx: typer.Context, param: typer.CallbackParam, value: str | None) -> str | None:
    """The command's own value, else the one given before the command, else the environment's."""
    name = param.name or ""
    parent = ctx.parent
    if parent is not None and not on_the_command_line(ctx, name) and on_the_command_line(parent, name):
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


def _list_tables(value: bool) -> None:
    if value:
        from domain.figures import TITLES

        for table_id, (title, basis) in TITLES.items():
            typer.echo(f"{table_id:<24} {title} ({basis})")
        raise typer.Exit()


ListTablesOption = Annotated[
    bool, typer.Option("--list-tables", callback=_list_tables, is_eager=True, help="List the table ids and exit.")
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



# -- what the user is told: a plain message and an exit code, never a traceback ---------------------


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"Error: {shown(message)}", err=True)  # it can name stored text: shown harmlessly
    raise typer.Exit(code)


def check_text(value: str | None, what: str, limit: int | None = None) -> None:
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


def parse_year(value: str | None, today: date) -> FinancialYear:
    """--year's financial year; without one, the last complete year."""
    from domain.year import FinancialYear, YearError

    if not value:
        return FinancialYear.containing(today).previous
    try:  # a year in progress runs to today (and is compared with the same months); one not started is refused
        return FinancialYear.parse(value).so_far(today)
    except YearError as exc:
        fail(f"--year: {exc}")


def load_settings() -> Config:
    """The settings file's configuration (its defaults when there is none); a wrong file ends the command."""
    from domain.config import ConfigError
    from store.db.config_file import load_config

    try:
        return load_config()
    except ConfigError as exc:
        fail(str(exc))


def _for_the_user(exc: BaseException) -> bool:
    """A step the rules refuse, or a problem with the database the user can act on: their message says it."""
    from domain.timescales import RuleError

    store = sys.modules.get("store.db.database")  # not loaded, it raised nothing: due stays clear of SQLAlchemy
    return isinstance(exc, RuleError) or (store is not None and isinstance(exc, store.StoreError))


# -- the database: one way to open it ---------------------------------------------------------------


class Reading(NamedTuple):
    """A plain DB-API connection to read through, its placeholder (``?`` or ``%s``), the database's URL and
    the settings."""

    conn: Any
    placeholder: str
    url: str
    config: Config


@overload
def opened(db: str | None, *, create: bool = False) -> AbstractContextManager[tuple[Database, Config]]: ...


@overload
def opened(db: str | None, *, read_only: Literal[True], today: date) -> AbstractContextManager[Reading]: ...


def opened(db: str | None, *, create: bool = False, read_only: bool = False,
           today: date | None = None) -> AbstractContextManager[Any]:
    """The database and settings for one command, closed when it is done: how every command opens one.

    ``create``: make a missing database; only commands that write do, the others refuse one, saying how
    to create it. ``read_only``: a plain DB-API connection (``Reading``), through sqlite3 alone when the
    file is current and its calendar covers ``today`` (no SQLAlchemy, holidays or Alembic to import);
    otherwise (first use, an upgrade, a new calendar, PostgreSQL) the database is opened the full way first.
    Either way a step the rules refuse ends the command with their reason, and a problem the user can act
    on (the database busy, say) with that plainly.
    """
    return _opened(db, create, (today or date.today()) if read_only else None)


@contextmanager
def _opened(db: str | None, create: bool, reading_on: date | None) -> Iterator[Any]:
    from store.db.location import resolve_url

    config = load_settings()
    database: Database | None = None
    conn: Any = None  # sqlite3's, or the pool's
    try:
        if reading_on is None:
            database = _full(db, config, create)
            yield database, config
            return
        from store.views.digest import open_fast

        url = resolve_url(db)
        conn = open_fast(url, config, reading_on)
        if conn is None:
            database = _full(db, config, create)
            conn = database.engine.raw_connection()
        yield Reading(conn, database.placeholder if database else "?", url, config)
    except Exception as exc:
        if not _for_the_user(exc):
            raise
        from domain.timescales import NotFound
        from store.db.location import describe

        # "no case has the reference ...": in which database (the demo's case looked for in one's own, say)
        fail(f"{exc} in {describe(resolve_url(db))}" if isinstance(exc, NotFound) else str(exc))
    finally:
        if conn is not None:
            conn.close()
        if database is not None:
            database.close()


def _full(db: str | None, config: Config, create: bool) -> Database:
    from store.db.database import NoDatabase, StoreError, open_database

    try:
        return open_database(db, config, create=create)
    except NoDatabase as exc:
        import shlex

        where = f" --db {shlex.quote(db)}" if db else ""
        fail(f"{exc}; nothing was created. Create it by opening the caseload (complaints{where}), or with "
             f"invented cases to try things on (complaints demo{where}).")
    except StoreError as exc:
        fail(str(exc))


# -- with no command: the caseload ------------------------------------------------------------------


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
            if on_the_command_line(ctx, name) and name not in takes:
                fail(f"{ctx.invoked_subcommand} does not take --{name}", code=2)
        return
    _run_tui(db, parse_today(today))


def _run_tui(db: str | None, today: date) -> None:
    import gc

    # No collection until the first page is drawn (the app turns the collector back on): the modules loading
    # until then bring a full pass over every object (20-80 ms) that a bare Textual app never pays.
    gc.disable()
    from store.db.errors import StoreError  # not store.db.database: SQLAlchemy loads after the first paint
    from store.db.location import resolve_url

    config = load_settings()
    first_run = db is None and not os.environ.get("COMPLAINTS_DB")
    try:
        from tui.data import PAGE_SIZE, EarlyPage

        url = resolve_url(db)
        early = EarlyPage(url, config, today, PAGE_SIZE)  # the first page is read while Textual loads
        from tui.app import create_app

        tui = create_app(url, config=config, today=today, offer_demo=first_run, early_page=early)
    except StoreError as exc:
        gc.enable()
        fail(str(exc))
    try:
        tui.run()
    finally:
        gc.enable()
    if tui.return_code:  # it stopped after an unexpected error (and said so)
        raise typer.Exit(tui.return_code)


# -- the commands, in the order help lists them ------------------------------------------------------


def _register() -> None:
    """Each command on the app. Their modules use the options and helpers above, so this runs last."""
    from commands import (
        casefile,
        cases,
        code,
        digest,
        documents,
        edits,
        figures,
        followup,
        letters,
        links,
        register,
        safekeeping,
        search,
        setup,
    )

    app.command()(digest.due)
    app.command()(search.search)
    app.command()(setup.demo)
    app.command()(figures.summary)
    app.command()(figures.export)
    app.command("import")(register.import_)
    app.command()(cases.history)
    app.command()(casefile.show)
    app.command()(casefile.note)
    app.command()(cases.correct)
    app.command()(safekeeping.migrate)
    app.command()(cases.delete)
    app.command()(documents.attach)
    app.command()(documents.document)
    app.command()(documents.intake)
    app.command()(safekeeping.backup)
    app.command()(safekeeping.restore)
    app.command()(cases.person)
    app.command()(safekeeping.retention)
    app.command()(safekeeping.copy)
    app.command()(setup.config)
    app.command()(edits.edit)
    app.command()(edits.reassign)
    app.command()(followup.action_done)
    app.command()(followup.persistent)
    app.command()(links.link)
    app.command()(links.merge)
    app.command()(links.unmerge)
    app.command()(links.undo)
    app.command()(letters.letter)
    app.command("not-accepted")(code.not_accepted)
    app.command("ombudsman-letter")(code.letter)
    app.command()(code.assess)


#: Set by Ctrl-C (see ``_interrupt``).
INTERRUPTED: list[bool] = []


def _interrupt(signum: int, frame: object) -> None:
    """Ctrl-C: KeyboardInterrupt, as Python raises it, remembered. Python raises it wherever the main thread
    is, and one raised inside a finalizer that the cycle collector runs (SQLAlchemy's weakref callbacks,
    say) is printed as "Exception ignored ... KeyboardInterrupt" and lost: an import or a retention run then
    carried on to the end. Long commands call ``stop_if_interrupted`` between their steps to raise it again."""
    INTERRUPTED.append(True)
    raise KeyboardInterrupt


def stop_if_interrupted() -> None:
    """Raise KeyboardInterrupt if Ctrl-C was pressed (even if a finalizer swallowed the first one)."""
    if INTERRUPTED:
        raise KeyboardInterrupt


def main() -> None:
    """Console entry point: no traceback (which could carry personal data) ever reaches the user."""
    os.umask(0o077)  # every file this tool writes is the owner's alone
    signal.signal(signal.SIGINT, _interrupt)
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


if __name__ == "__main__":  # run as a script, this file is __main__: the commands register on the module cli
    import cli

    cli.main()
else:
    _register()
