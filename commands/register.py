"""The case register: ``import`` a CSV or XLSX register, and ``export --register`` (``commands.figures``)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli import DbOption, TodayOption, check_text, fail, opened, parse_today, parse_year, stop_if_interrupted
from domain.harmless import shown

if TYPE_CHECKING:
    from rich.progress import TaskID

    from domain.register import CellError
    from store.register.plan import ImportResult

#: Says how far a step has gone: tick("Importing", rows done, rows in all or None).
Tick = Callable[[str, int, int | None], None]

BIG_FILE = 500_000  # bytes: a file this big shows a progress bar


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
    from reports.register import import_summary
    from store.register.files import RegisterFileError
    from store.register.importer import ImportRefused, RegisterImport

    for option, items in (("--map", mapping), ("--ignore", ignore)):
        for item in items or []:
            check_text(item, option)
    pairs: dict[str, str] = {}
    for item in mapping or []:
        header, sep, column = item.partition("=")
        if not sep or not header.strip() or not column.strip():
            fail(f"--map {item!r}: write --map \"HEADER IN THE FILE=register_column\"")
        pairs[header] = column.strip()
    day = parse_today(today)
    big = file.is_file() and file.stat().st_size > BIG_FILE
    failure: tuple[list[str], int] | None = None
    with _progress(big) as tick:
        try:
            with opened(db, create=True) as (database, config):  # an auditor's import: refused with the reason
                service = RegisterImport(database, config, today=day)
                result: ImportResult = service.import_file(
                    file, mapping=pairs, ignore=set(ignore or []), strict=strict, dry_run=dry_run, reason=reason,
                    progress=lambda done, total: _step(tick, done, total))
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
    for line in import_summary(file.name, database.describe(), result):
        typer.echo(line)


def _step(tick: Tick, done: int, total: int | None) -> None:
    """A chunk of the import planned and written (inside its transaction): Ctrl-C stops it here if it was
    pressed and lost (``cli.stop_if_interrupted``), so nothing is imported."""
    stop_if_interrupted()
    tick("Importing", done, total)


@contextmanager
def _progress(show: bool) -> Iterator[Tick]:
    """A Rich progress bar for big files; a no-op for small ones."""
    if not show:
        yield _unseen
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True,
                  console=Console(stderr=True)) as progress:
        tasks: dict[str, TaskID] = {}

        def tick(what: str, done: int, total: int | None = None) -> None:
            if what not in tasks:
                tasks[what] = progress.add_task(f"{what} rows", total=total)
            progress.update(tasks[what], completed=done)

        yield tick


def _unseen(what: str, done: int, total: int | None = None) -> None:
    """A small file's progress: not shown."""


def export_register(db: str | None, year_text: str | None, today_text: str | None, output: Path | None) -> None:
    """``export --register``: every case, or those received in --year, to standard output (CSV) or --output.

    Ctrl-C stops it with exit code 130 and a line saying so, never a traceback: a file is written whole or not at
    all (an old one is left as it was); standard output, already read by whatever it goes to, is said to be cut
    short."""
    from store.register.export import RegisterReader
    from store.register.files import RegisterFileError, write_csv, write_register

    year = parse_year(year_text, parse_today(today_text)) if year_text else None
    try:
        with opened(db) as (database, _), database.dbapi() as conn:
            reader = RegisterReader(conn, database.placeholder)
            rows = _stoppable(row.cells() for _, row in reader.rows(year))
            if output is None:
                write_csv(sys.stdout, rows)
                sys.stdout.flush()
                return
            try:
                count = write_register(output, rows)
            except RegisterFileError as exc:
                fail(str(exc))
    except KeyboardInterrupt:
        said = f"{output.name}: interrupted; nothing was written." if output is not None else (
            "Interrupted: the register on standard output stops part-way; export it again for the whole of it.")
        typer.echo(("\n" if output is None else "") + said, err=True)
        raise typer.Exit(130) from None
    typer.echo(f"Wrote {count:,} cases{f' received in {year.label}' if year else ''} to {output}", err=True)


def _stoppable(rows: Iterator[dict[str, str]]) -> Iterator[dict[str, str]]:
    """The rows, stopped by a Ctrl-C that a finalizer swallowed (``cli.stop_if_interrupted``), every 100."""
    for n, row in enumerate(rows):
        if not n % 100:
            stop_if_interrupted()
        yield row
