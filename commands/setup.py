"""Getting started: a database of invented cases to try things on, and where the settings are."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import DbOption, TodayOption, fail, load_settings, opened, parse_today


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
    with opened(db, create=True) as (database, config):
        try:
            stats = generate(database, config, cases=cases, seed=seed, today=day, years=years)
        except ValueError as exc:
            fail(f"{exc} (choose a new file with --db)")
    typer.echo(f"Added {stats.cases:,} cases, {stats.people:,} people, {stats.stages:,} stages and "
               f"{stats.events:,} events to {database.describe()}")


def config(
    path: Annotated[bool, typer.Option("--path", help="Print where the configuration file is.")] = False,
    example: Annotated[bool, typer.Option("--example", help="Print an example configuration file.")] = False,
) -> None:
    """Show the configuration file's location, or an example of one.

    Example: complaints config --path
    """
    if path:
        from store.db.config_file import config_path

        typer.echo(str(config_path()))
        return
    if example:
        from domain.config import EXAMPLE

        typer.echo(EXAMPLE, nl=False)
        return
    cfg = load_settings()
    exists = cfg.path is not None and Path(cfg.path).exists()
    typer.echo(f"Configuration: {cfg.path}{'' if exists else ' (not created: defaults in use)'}")
    typer.echo(f"Calendar: {cfg.region} bank holidays, {len(cfg.closures)} local closure days")
    typer.echo(f"You: {cfg.user} ({cfg.role.value})")
