"""The daily digest: overdue and due-soon work across all kinds, most urgent first.

This is what a team leader mails from cron, so it must start fast: it reads through the plain
DB-API driver with the stored calendar and deadlines, and loads SQLAlchemy, Alembic and the
holiday library only when the database needs creating, migrating or re-syncing first.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.calendar import WorkingCalendar
from domain.clock import State
from domain.config import Config
from domain.lifecycle import STAGE_NAMES
from domain.vocab import COMPLAINT_KINDS

MAX_LISTED = 40  # officers named in a message


@dataclass(frozen=True)
class DueItem:
    reference: str
    kind: str
    stage: str
    complainant: str
    persistent: bool
    officer: str
    due: date
    left: int
    state: State
    provisional: bool = False  # counted from an acknowledgement's deadline: none is recorded yet

    def as_json(self) -> dict[str, Any]:
        return {"reference": self.reference, "kind": self.kind, "stage": self.stage,
                "complainant": self.complainant, "persistent": self.persistent, "officer": self.officer,
                "due": self.due.isoformat(), "working_days_left": self.left, "state": self.state.value,
                **({"provisional": True} if self.provisional else {})}


@dataclass(frozen=True)
class FollowUpItem:
    """Follow-up that is due: a learning action overdue (``who``: its owner; ``number``: the action's), or a
    persistent-complaints procedure's review due (``who``: the complainant; on their latest case)."""

    reference: str
    who: str
    due: date
    number: int | None = None
    officer: str = ""  # the case's officer (the digest groups by them)

    def as_json(self) -> dict[str, Any]:
        what = {"action": self.number, "owner": self.who} if self.number is not None else {"complainant": self.who}
        return {"reference": self.reference, **what, "due": self.due.isoformat(), "officer": self.officer}


@dataclass(frozen=True)
class WatchItem:
    """A statutory Stage 2 past 25 working days (``days``: since its clock started), or a panel due (``days``:
    working days left, below zero when late): the dashboard's figures, item by item, for the digest."""

    reference: str
    officer: str
    what: str  # "stage2" or "panel"
    since: date  # the Stage 2's start; the panel's due date
    days: int

    def as_json(self) -> dict[str, Any]:
        return {"reference": self.reference, "officer": self.officer, "what": self.what,
                "date": self.since.isoformat(), "working_days": self.days}


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def describe_stage(kind: str, number: int, round_: int, step: str | None) -> str:
    """A short name for the piece of work: 'Stage 2', 'Stage 1 (reopened)', 'Panel', 'Ombudsman'."""
    if step == "acknowledgement":
        return "Acknowledgement"
    if step == "ombudsman":
        return "Ombudsman"
    if step == "learning_action":  # follow-up (view 0): ``number`` is the action's; short, to fit 80 columns
        return f"Action #{number}"
    if step == "persistent_review":
        return "Persistent review"
    if kind not in COMPLAINT_KINDS:
        return "Response"
    name = STAGE_NAMES.get(number, f"Stage {number}")
    if step in ("stage3_panel", "stage3_findings"):
        name += " panel" if step == "stage3_panel" else " findings"
    return name + (" (reopened)" if round_ else "")


def stored_calendar(cursor: Any, config: Config) -> WorkingCalendar:
    """The council's calendar from the database: the stored non-working days where they are current
    for ``config``, the holiday library (loaded only if needed) for years outside them.

    Falls back to ``config.calendar()`` when the stored days were written for other settings.
    """
    from domain.calendar import region_holidays

    cursor.execute("SELECT key, value FROM setting WHERE key IN ('calendar', 'calendar_years')")
    settings = dict(cursor.fetchall())
    if settings.get("calendar") != config.calendar_fingerprint() or "calendar_years" not in settings:
        return config.calendar()
    first, _, last = settings["calendar_years"].partition("-")
    cursor.execute("SELECT day FROM non_working_day")
    days = [_as_date(day) for (day,) in cursor.fetchall()]
    return WorkingCalendar.stored(days, int(first), int(last), region_holidays(config.region), config.closures)


def find_officer(connection: Any, text: str) -> str:
    """The name of the officer ``text`` names: their name or login (case, spacing and punctuation
    ignored), else the start of exactly one officer's name, such as a first name.

    RuleError otherwise: for a name no officer has, listing the officers the database knows.
    """
    from domain.timescales import RuleError
    from store.db.names import name_key

    cursor = connection.cursor()
    cursor.execute("SELECT name, username FROM officer ORDER BY name")
    officers: list[tuple[str, str | None]] = cursor.fetchall()
    key = name_key(text)
    for matches in ([n for n, _ in officers if name_key(n) == key],
                    [n for n, login in officers if login and name_key(login) == key],
                    [n for n, _ in officers if key and name_key(n).startswith(key)]):
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise RuleError(f"{text!r} could be {_listing(matches, 'or')}: give more of the name")
    if not officers:
        raise RuleError(f"no officer is called {text!r}: the database has no officers yet")
    names = [n for n, _ in officers]
    known = (f"The only officer is {names[0]}" if len(names) == 1 else f"The officers are {_listing(names, 'and')}")
    raise RuleError(f"no officer has the name or login {text!r}. {known}")


def _listing(names: list[str], conjunction: str) -> str:
    """'A, B and C'; past MAX_LISTED names, the rest counted."""
    if len(names) > MAX_LISTED:
        return ", ".join(names[:MAX_LISTED]) + f" and {len(names) - MAX_LISTED:,} more"
    return ", ".join(names[:-1]) + f" {conjunction} {names[-1]}" if len(names) > 1 else names[0]


def due_items(connection: Any, today: date, *, within: int = 2, officer: str | None = None,
              config: Config | None = None, placeholder: str = "?") -> list[DueItem]:
    """Work due on or before the ``within``-th working day after ``today``, most urgent first.

    The caseload's open work (``store.views.caseload``: live stages, acknowledgements owed, Ombudsman
    deadlines), as its "Due this week" view reads it, less paused stages: their clocks are stopped.
    ``officer``: only the work of the officer with this name or login (``find_officer`` finds it).
    """
    from store.views.caseload import CaseloadQuery, all_open_work

    config = config or Config()
    calendar = stored_calendar(connection.cursor(), config)
    query = CaseloadQuery(view="week", within=within, officer=officer or "", running=True)
    items = [DueItem(r.reference, r.kind, r.stage, r.complainant, r.persistent, r.officer, r.due, r.left or 0,
                     r.state, r.provisional)
             for r in all_open_work(connection, today, calendar, config.rules, query, placeholder=placeholder)
             if r.due is not None]
    items.sort(key=lambda i: (i.due, i.reference, i.stage))
    return items


def open_fast(url: str, config: Config, today: date) -> sqlite3.Connection | None:
    """A plain sqlite3 connection when the database is current and its calendar covers ``today``.

    None means the caller must open the database the full way first (create, migrate, re-sync).
    """
    from store.db.location import sqlite_path
    from store.db.schema import HEAD

    path = sqlite_path(url)
    if path is None or not path.is_file():
        return None
    try:
        conn = sqlite3.connect(path, timeout=30)
        rows = dict(conn.execute("SELECT key, value FROM setting WHERE key LIKE 'calendar%'").fetchall())
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    first, _, last = rows.get("calendar_years", "0-0").partition("-")
    current = (revision is not None and revision == (HEAD,)
               and rows.get("calendar") == config.calendar_fingerprint()
               and int(first) <= today.year and today.year + 1 <= int(last))
    if not current:
        conn.close()
        return None
    return conn


def fast_page(url: str, config: Config, today: date, query: Any, limit: int) -> list[Any] | None:
    """The caseload's first page (``query``: a ``CaseloadQuery``) straight from the SQLite file, before the store
    is open; None when it cannot be read that way (first use, an upgrade due, PostgreSQL)."""
    from store.views.caseload import caseload_page

    connection = open_fast(url, config, today)
    if connection is None:
        return None
    try:
        calendar = stored_calendar(connection.cursor(), config)
        return caseload_page(connection, today, calendar, config.rules, query=query, limit=limit)
    finally:
        connection.close()



def followup_items(connection: Any, today: date, *, officer: str | None = None, config: Config | None = None,
                   placeholder: str = "?", within: int = 5) -> tuple[list[FollowUpItem], list[FollowUpItem]]:
    """Learning actions overdue, and persistent-procedure reviews due within ``within`` working days or past:
    the follow-up view's own conditions (``store.views.caseload``), oldest first. ``officer``: their cases only."""
    from store.db.sql import execute
    from store.views.caseload import ACTION_OVERDUE, REVIEW_DUE

    config = config or Config()
    calendar = stored_calendar(connection.cursor(), config)
    args: dict[str, Any] = {"today": today, "cutoff": calendar.add(today, within)}
    mine = ""
    if officer:
        mine, args["officer"] = " AND c.officer_id IN (SELECT id FROM officer WHERE name = :officer)", officer
    officer_name = "(SELECT o.name FROM officer o WHERE o.id = c.officer_id)"
    actions = execute(connection.cursor(), f"""SELECT c.reference, la.owner, la.due, la.id, {officer_name}
        FROM learning_action la JOIN "case" c ON c.id = la.case_id WHERE {ACTION_OVERDUE}{mine}
        ORDER BY la.due, la.id""", args, placeholder).fetchall()
    reviews = execute(connection.cursor(), f"""SELECT c.reference, p.name, p.persistent_review, {officer_name}
        FROM person p JOIN "case" c ON c.id = (SELECT max(x.id) FROM "case" x WHERE x.person_id = p.id)
        WHERE {REVIEW_DUE}{mine} ORDER BY p.persistent_review, p.id""", args, placeholder).fetchall()
    return ([FollowUpItem(r, owner or "", _as_date(due), number, o or "") for r, owner, due, number, o in actions],
            [FollowUpItem(r, name or "", _as_date(due), None, o or "") for r, name, due, o in reviews])


def watch_items(connection: Any, today: date, *, officer: str | None = None, config: Config | None = None,
                placeholder: str = "?") -> list[WatchItem]:
    """Statutory Stage 2s past 25 working days, longest first, then panels due, soonest first: the dashboard's
    own rules for those figures (``store.views.dashboard``). ``officer``: their cases only."""
    from store.db.sql import execute
    from store.views.dashboard import FIGURE_BY_ID, conditions, figure_args

    config = config or Config()
    calendar = stored_calendar(connection.cursor(), config)
    args = figure_args(today, calendar)
    mine = ""
    if officer:
        mine, args["officer"] = " AND o.name = :officer", officer
    found: list[WatchItem] = []
    for what, figure, start in (("stage2", "stage2_25", "COALESCE(s.statement_agreed, s.requested)"),
                                ("panel", "panels", "s.due")):
        where = " AND ".join(conditions(FIGURE_BY_ID[figure], "stage"))
        rows = execute(connection.cursor(), f"""SELECT c.reference, o.name, {start} AS since FROM stage s
            JOIN "case" c ON c.id = s.case_id LEFT JOIN officer o ON o.id = c.officer_id WHERE {where}{mine}
            ORDER BY since, c.reference""", args, placeholder).fetchall()
        for reference, name, since in rows:
            day = _as_date(since)
            days = calendar.elapsed(day, today) if what == "stage2" else calendar.elapsed(today, day)
            found.append(WatchItem(reference, name or "", what, day, days))
    return found
