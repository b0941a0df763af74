"""The daily digest: ``complaints due``, which a team leader mails from cron (it must start fast)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import DbOption, Format, TodayOption, check_text, fail, opened, parse_today


def due(
    within: Annotated[int, typer.Option("--within", min=0, max=60, help="Working days ahead to include.")] = 2,
    officer: Annotated[str | None, typer.Option("--officer", help="Only this officer's cases: their name or "
                                                                  "login, or the start of a name only they have "
                                                                  "(a first name, say).")]
    = None,
    fmt: Annotated[Format, typer.Option("--format", help="text for people and email, json for programs.")]
    = Format.text,
    ascii_only: Annotated[bool, typer.Option("--ascii", help="Text in ASCII alone (no symbols or accents), for "
                                                             "mail systems that mangle anything else.")] = False,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Overdue and due-soon work across all kinds, grouped by officer, most urgent first.

    For each officer: their deadlines (state, reference, kind, stage, complainant, due date,
    working days over or left), statutory Stage 2s past 25 working days (marked past 65), panels
    due, learning actions overdue, and persistent-complaints procedure reviews due within 5
    working days or past. Lines fit 100 columns: the daily digest a team leader mails from cron.

    Example: complaints due --within 5 --officer "Sam Patel" --ascii
    """
    from domain.timescales import RuleError
    from reports.digest import digest_json, digest_text
    from store.views.caseload import count_cases
    from store.views.digest import due_items, find_officer, followup_items, watch_items

    check_text(officer, "--officer")
    day = parse_today(today)
    with opened(db, read_only=True, today=day) as (conn, placeholder, url, config):
        try:
            officer = find_officer(conn, officer) if officer is not None else None
            items = due_items(conn, day, within=within, officer=officer, config=config, placeholder=placeholder)
            actions, reviews = followup_items(conn, day, officer=officer, config=config, placeholder=placeholder)
            watch = watch_items(conn, day, officer=officer, config=config, placeholder=placeholder)
            empty = not items and count_cases(conn) == 0
        except RuleError as exc:
            fail(f"--officer: {exc}")
    if empty:  # "Nothing is due" from a database that never held a case is most likely the wrong one
        from store.db.location import describe

        typer.echo(f"Note: {describe(url)} holds no cases at all: is it the database you meant? "
                   "(--db PATH, or COMPLAINTS_DB)", err=True)
    typer.echo(digest_json(items, day, within, actions, reviews, watch) if fmt is Format.json
               else digest_text(items, day, within, officer, actions, reviews, watch, ascii_only=ascii_only))
