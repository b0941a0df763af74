"""Keeping the database safe and current: ``migrate`` its tables, ``backup`` and ``restore`` it, apply
``retention`` to long-closed cases, and ``copy`` it into another database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli import DbOption, TodayOption, fail, opened, parse_today, stop_if_interrupted

if TYPE_CHECKING:
    from store.housekeeping.privacy import RetentionPlan


def _batch_done(done: list[RetentionPlan], batch: RetentionPlan) -> None:
    """A retention batch committed: remembered, and Ctrl-C stops the run here if it was pressed and lost
    (``cli.stop_if_interrupted``)."""
    done.append(batch)
    stop_if_interrupted()


def migrate(db: DbOption = None) -> None:
    """Create the database's tables, or bring them up to this version of complaints.

    Every command does this on first use. On a team server officers may not change the tables,
    so whoever owns them runs this once, and again after each upgrade of complaints.

    Example: complaints migrate --db postgresql+psycopg://complaints_admin@db.council.example/complaints
    """
    from store.db.schema import HEAD

    with opened(db, create=True) as (database, _):
        pass  # opening it is the work
    typer.echo(f"{database.describe()}: tables at schema {HEAD}, the newest this version knows")


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

    try:  # a copy of the file, through SQLite's own backup: the database is not opened as the commands open it
        written = take_backup(resolve_url(db), path)
    except StoreError as exc:
        fail(str(exc))
    typer.echo(f"Backed up to {written}")


def restore(
    path: Annotated[Path, typer.Argument(help="The backup file to restore.")],
    force: Annotated[bool, typer.Option("--force", help="Replace the existing database (it is kept aside).")]
    = False,
    db: DbOption = None,
) -> None:
    """Replace the database with a backup; the replaced database is kept beside it.

    Example: complaints restore ~/backups/complaints-2026-11-22.db --force
    """
    from store.db.database import StoreError
    from store.db.location import resolve_url
    from store.housekeeping.backup import restore as restore_backup

    try:
        kept = restore_backup(resolve_url(db), path, force=force)
    except StoreError as exc:
        fail(str(exc))
    with opened(db, create=True):
        pass  # an older backup is migrated now, not half-way through work
    typer.echo(f"Restored {path}" + (f"; the database it replaced is kept as {kept}" if kept else ""))


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
    from reports.retention import retained, retention_lines
    from store.housekeeping.privacy import Retention

    done: list[RetentionPlan] = []  # what is anonymised so far, batch by batch
    with opened(db) as (database, config):
        years = older_than or config.retention_years
        service = Retention(database, config, today=parse_today(today))
        try:
            plan = service.apply(years, progress=lambda batch: _batch_done(done, batch)) if apply else (
                service.plan(years))
        except BaseException as exc:
            stopped = 'Interrupted' if isinstance(exc, KeyboardInterrupt) else 'Stopped'
            if done:  # the batches before stay done: say so, and how to finish
                typer.echo(f"{stopped} after anonymising {retained(done[-1])}; each case is anonymised whole or not "
                           "at all. Run it again to finish.", err=True)
            elif apply and isinstance(exc, KeyboardInterrupt):  # before a batch was counted (one may be saved)
                typer.echo("Interrupted: each case is anonymised whole or not at all. Run it again to finish.",
                           err=True)
            if isinstance(exc, KeyboardInterrupt):
                raise typer.Exit(130) from None
            raise
    for line in retention_lines(plan, applied=apply):
        typer.echo(line)


def copy(
    to: Annotated[str, typer.Option("--to", metavar="URL_OR_PATH", help="The empty database to copy into.")],
    db: DbOption = None,
) -> None:
    """Copy the whole database into another (SQLite to PostgreSQL for a team, or back), then check it.

    Every table comes across with its ids in one transaction; the counts of every table and the
    year-end figures of every year are then compared, and the result said.

    Example: complaints copy --to postgresql+psycopg://complaints_admin@db.council.example/complaints
    """
    from store.db.database import open_database
    from store.housekeeping.copy import copy_database

    with opened(db) as (source, config):
        target = open_database(to, config)  # a problem with either database is said plainly by opened
        try:
            report = copy_database(source, target, config)
        finally:
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
