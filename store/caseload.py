"""The caseload: open work, one row per live stage, in pages read from SQL; and its saved views.

Open-work views page by keyset on the indexed ``(due, id)`` of live stages, so the first screen
and every next page cost the same however much history the database holds. The history view
pages by ``(received, id)`` of cases, newest first. Other sort orders apply to open work only
(a few thousand live stages at most) and page by offset.

Queries run on a plain DB-API connection (sqlite3 straight from the file for the first screen,
so the caseload appears before SQLAlchemy has even been imported; psycopg for PostgreSQL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain.calendar import WorkingCalendar
from domain.clock import State, classify
from domain.timescales import RuleBook
from store.digest import describe_stage
from store.names import name_key
from store.values import day

SELECT = """SELECT s.id, s.due, c.reference, c.kind, s.number, s.round, s.step, s.paused_since,
    p.name, p.persistent, c.complainant_group, c.advocate, t.name, o.name, c.received, c.id, s.responded,
    s.declined, (SELECT count(*) FROM "case" x WHERE x.person_id = c.person_id) AS contacts,
    p.name_key, c.summary
  FROM stage s JOIN "case" c ON c.id = s.case_id
  LEFT JOIN person p ON p.id = c.person_id LEFT JOIN team t ON t.id = c.team_id
  LEFT JOIN officer o ON o.id = c.officer_id"""
#: History: each case once, with its latest stage (or none, for compliments and referrals).
HISTORY = """SELECT s.id, s.due, c.reference, c.kind, s.number, s.round, s.step, s.paused_since,
    p.name, p.persistent, c.complainant_group, c.advocate, t.name, o.name, c.received, c.id, s.responded,
    s.declined, (SELECT count(*) FROM "case" x WHERE x.person_id = c.person_id) AS contacts,
    p.name_key, c.summary
  FROM "case" c
  LEFT JOIN stage s ON s.id = (SELECT max(x.id) FROM stage x WHERE x.case_id = c.id)
  LEFT JOIN person p ON p.id = c.person_id LEFT JOIN team t ON t.id = c.team_id
  LEFT JOIN officer o ON o.id = c.officer_id"""


@dataclass(frozen=True)
class View:
    key: str  # the number key that shows it
    id: str
    name: str
    tooltip: str


VIEWS = (
    View("1", "open", "All open", "Every live stage of every kind, most urgent first"),
    View("2", "mine", "My cases", "Open work assigned to you"),
    View("3", "week", "Due this week", "Open work due within 5 working days, and anything overdue"),
    View("4", "overdue", "Overdue", "Open work past its due date"),
    View("5", "stage2_long", "Stage 2 over 65 days", "Statutory Stage 2 investigations open for more than "
         "65 working days"),
    View("6", "awaiting", "Awaiting response", "Stages whose running clock is for a response to the complainant "
         "(not paused, not waiting for a panel)"),
    View("7", "enquiries", "Enquiries", "Open concerns, MP and councillor enquiries and comments"),
    View("8", "history", "All history", "Every case ever recorded, newest first, open or closed"),
    View("9", "compliments", "Compliments by team", "Compliments grouped by the team they praise, newest first "
         "within each"),
)
VIEW_BY_ID = {v.id: v for v in VIEWS}
SORTS = ("due", "received", "reference", "complainant")


@dataclass(frozen=True)
class CaseloadRow:
    stage_id: int
    reference: str
    kind: str
    stage: str
    complainant: str
    persistent: bool
    child: bool
    advocate: bool
    team: str
    officer: str
    received: date
    due: date | None
    left: int | None
    state: State
    case_id: int = 0
    repeat: bool = False  # the complainant has other cases
    searched: tuple[str, str, str] = ("", "", "")  # reference, name key, summary, ASCII letters lowered

    def key(self, view: str) -> tuple[date, int]:
        """Where the next page of ``view`` starts (keyset): receipt for history, the due date for open work."""
        if view in ("history", "compliments") or self.due is None:
            return self.received, self.case_id
        return self.due, self.stage_id


@dataclass
class CaseloadQuery:
    """What the caseload shows: a view, a filter typed by the user, a sort."""

    view: str = "open"
    text: str = ""
    sort: str = "due"
    user: str = ""

    def keyset(self) -> bool:
        """Whether pages follow on by key (indexed, any depth) rather than by offset."""
        return self.view == "history" or (not self.history and self.sort == "due")

    @property
    def history(self) -> bool:
        """Views of cases (newest first) rather than of live stages."""
        return self.view in ("history", "compliments")


def _where(query: CaseloadQuery, today: date, calendar: WorkingCalendar,
           postgres: bool = False) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = []
    args: dict[str, Any] = {}
    if not query.history:
        where.append("s.due IS NOT NULL")
    if query.view == "compliments":
        where.append("c.kind = 'compliment'")
    if query.view == "mine":
        where.append("(o.username = :user OR o.name = :user)")
        args["user"] = query.user
    elif query.view == "week":
        where.append("s.due <= :cutoff")
        args["cutoff"] = calendar.add(today, 5)
    elif query.view == "overdue":
        where.append("s.due < :today")
        args["today"] = today
    elif query.view == "stage2_long":
        start = today
        while calendar.elapsed(start, today) <= 65:
            start -= timedelta(days=1)
        where.append("s.procedure = 'statutory' AND s.number = 2 AND "
                     "COALESCE(s.statement_agreed, s.requested) <= :started")
        args["started"] = start
    elif query.view == "awaiting":
        where.append("s.paused_since IS NULL AND s.step IN ('stage1', 'stage2', 'stage3', 'stage3_response', "
                     "'response')")
    elif query.view == "enquiries":
        where.append("c.kind IN ('concern', 'mp_enquiry', 'councillor_enquiry', 'comment')")
    text = query.text.strip()
    if text:
        # SQLite's LIKE ignores case already (lower() would only slow the scan); PostgreSQL's needs lower().
        # What is typed is matched as it is: % and _ are escaped, not wildcards (as ``matches`` does).
        where.append(r"(lower(c.reference) LIKE :text ESCAPE '\' OR p.name_key LIKE :name ESCAPE '\' OR "
                     r"lower(c.summary) LIKE :text ESCAPE '\')" if postgres else
                     r"(c.reference LIKE :text ESCAPE '\' OR p.name_key LIKE :name ESCAPE '\' OR "
                     r"c.summary LIKE :text ESCAPE '\')")
        args["text"] = f"%{_literal(text.lower())}%"
        args["name"] = f"%{_literal(name_key(text))}%"
    return where, args


def _literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def narrowable(text: str) -> bool:
    """Whether ``matches`` agrees with SQL for ``text``: for plain ASCII text, on either database.

    Beyond ASCII, case folding belongs to the database (SQLite folds ASCII only; PostgreSQL follows
    its locale), so only SQL can say.
    """
    return text.isascii()


def matches(row: CaseloadRow, text: str) -> bool:
    """Whether the filter ``text`` (``narrowable``) keeps ``row``: the SQL filter's rule, for rows loaded."""
    text = text.strip()
    if not text:
        return True
    reference, name, summary = row.searched
    needle = text.lower()
    return needle in reference or name_key(text) in name or needle in summary


def caseload_page(connection: Any, today: date, calendar: WorkingCalendar, rules: RuleBook, *,
                  query: CaseloadQuery | None = None, after: tuple[date, int] | None = None,
                  before: tuple[date, int] | None = None, inclusive: bool = False,
                  offset: int = 0, limit: int = 200, placeholder: str = "?") -> list[CaseloadRow]:
    """The next ``limit`` rows of ``query`` after ``after`` (keyset) or ``offset`` (other sorts).

    Keyset views read backwards too: the ``limit`` rows just ``before`` a key, in the view's order.
    ``inclusive``: start at the row of ``after`` itself (reading a stretch already shown again).
    """
    query = query or CaseloadQuery()
    where, args = _where(query, today, calendar, postgres=placeholder != "?")
    key = after or before
    back = before is not None and after is None
    same = "=" if inclusive else ""
    if query.view == "compliments":  # grouped by the team praised (a few hundred a year: offset pages)
        sql, order, key = HISTORY, "t.name IS NULL, t.name, c.received DESC, c.id DESC", None
    elif query.history:
        sql = HISTORY
        if key is not None:
            where.append("(c.received > :k1 OR (c.received = :k1 AND c.id > :k2))" if back else
                         f"(c.received < :k1 OR (c.received = :k1 AND c.id <{same} :k2))")
        order = "c.received, c.id" if back else "c.received DESC, c.id DESC"
    else:
        sql = SELECT
        if query.sort == "due" and key is not None:
            where.append("(s.due < :k1 OR (s.due = :k1 AND s.id < :k2))" if back else
                         f"(s.due > :k1 OR (s.due = :k1 AND s.id >{same} :k2))")
        order = {"due": "s.due DESC, s.id DESC" if back else "s.due, s.id", "received": "c.received DESC, s.id",
                 "reference": "c.reference, s.id", "complainant": "p.name_key, s.id"}[query.sort]
    if key is not None:
        args["k1"], args["k2"] = key
    text = sql + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {order} LIMIT :limit"
    if not query.keyset() and offset:
        text += " OFFSET :offset"
        args["offset"] = offset
    args["limit"] = limit
    if placeholder == "?":  # sqlite3 reads :name itself; dates as SQLAlchemy stores them
        args = {k: v.isoformat() if isinstance(v, date) else v for k, v in args.items()}
    else:
        text = re.sub(r":(\w+)", r"%(\1)s", text)
    cursor = connection.cursor()
    cursor.execute(text, args)
    rows = [_row(r, today, calendar, rules) for r in cursor.fetchall()]
    return rows[::-1] if back and query.keyset() else rows


def _row(r: Any, today: date, calendar: WorkingCalendar, rules: RuleBook) -> CaseloadRow:
    (stage_id, due_on, ref, kind, number, round_, step, paused, name, persistent, group, advocate,
     team, officer, received, case_id, responded, declined, contacts, key, summary) = r
    due_date = day(due_on)
    state, left = State.CLOSED, None
    if due_date is not None:
        relaxed = rules.relaxed(kind, step or "", due_date) is not None
        state, left = classify(due_date, today, calendar, paused=paused is not None, relaxed=relaxed)
    stage = describe_stage(kind, number, round_, step) if number is not None else "—"
    if due_date is None and number is not None:
        stage += " (declined)" if declined is not None and responded is None else ""
    return CaseloadRow(stage_id or 0, ref, kind, stage, name or "", bool(persistent), group == "child",
                       advocate is not None, team or "", officer or "", day(received) or date.min, due_date,
                       left, state, case_id, (contacts or 0) > 1,
                       ((ref or "").translate(_ASCII_LOWER), key or "", (summary or "").translate(_ASCII_LOWER)))


def count_cases(connection: Any) -> int:
    cursor = connection.cursor()
    cursor.execute('SELECT count(*) FROM "case"')
    return int(cursor.fetchone()[0] or 0)


def warm_open_work(connection: Any) -> None:
    """Read what a filter over open work will read (each open case and its person) so that the first
    keystroke finds those pages in memory instead of scattered through the file (0.2-0.9 s cold at 1M cases)."""
    cursor = connection.cursor()
    cursor.execute('SELECT count(c.summary), count(p.name_key) FROM stage s JOIN "case" c ON c.id = s.case_id '
                   "LEFT JOIN person p ON p.id = c.person_id WHERE s.due IS NOT NULL")
    cursor.fetchall()
