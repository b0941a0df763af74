"""The caseload: open work, one row per running deadline, in pages read from SQL; and its saved views.

Open work is the one definition of what is due, read by the caseload, the case screen's clock and
the daily digest alike: every live stage, every acknowledgement still owed (``case.ack_due``) and
every Ombudsman enquiry awaiting the council (``ombudsman_enquiry.due``), one SQL ``UNION ALL``.
Its views page by keyset on each arm's indexed ``(due, id)``, so the first screen and every next
page cost the same however much history the database holds. The history view pages by
``(received, id)`` of cases, newest first. Other sort orders apply to open work only (a few
thousand rows at most) and page by offset.

Queries run on a plain DB-API connection (sqlite3 straight from the file for the first screen,
so the caseload appears before SQLAlchemy has even been imported; psycopg for PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from domain.calendar import WorkingCalendar
from domain.clock import State, classify
from domain.timescales import RuleBook
from domain.vocab import ENQUIRY_KINDS, Kind
from store.db.sql import execute
from store.db.values import day
from store.views.digest import describe_stage
from store.views.search import matching, where_matched, words

#: Open work: one arm per kind of deadline, each with the same columns (named in the first, for ORDER BY).
#: Row ids: a stage's own; an acknowledgement owed or an Ombudsman deadline gets its case's or enquiry's id
#: plus a base far below zero, so no two rows share an id and, on one day, acknowledgements come first, then
#: the Ombudsman, then stages.
#: A provisional due date (``stage.provisional``) travels as its step with a "?" after it (``_row`` takes it off):
#: the arms keep their columns.
PROVISIONAL_STEP = "CASE WHEN s.provisional THEN s.step || '?' ELSE s.step END"
SELECT = f"""SELECT s.id AS id, s.due AS due, c.reference AS reference, c.kind, s.number, s.round, {PROVISIONAL_STEP},
    s.paused_since, p.name, p.persistent, c.complainant_group, c.advocate, t.name, o.name, c.received AS received,
    c.id AS case_id, s.responded, s.declined,
    (SELECT count(*) FROM "case" x WHERE x.person_id = c.person_id) AS contacts, p.name_key AS name_key, c.summary
  FROM stage s JOIN "case" c ON c.id = s.case_id
  LEFT JOIN person p ON p.id = c.person_id LEFT JOIN team t ON t.id = c.team_id
  LEFT JOIN officer o ON o.id = c.officer_id"""
ACK_BASE, OMBUDSMAN_BASE = -(2 << 40), -(1 << 40)
ACKNOWLEDGEMENTS = f"""SELECT c.id + ({ACK_BASE}), c.ack_due, c.reference, c.kind, 0, 0, 'acknowledgement',
    CAST(NULL AS DATE), p.name, p.persistent, c.complainant_group, c.advocate, t.name, o.name, c.received, c.id,
    CAST(NULL AS DATE), CAST(NULL AS DATE),
    (SELECT count(*) FROM "case" x WHERE x.person_id = c.person_id), p.name_key, c.summary
  FROM "case" c
  LEFT JOIN person p ON p.id = c.person_id LEFT JOIN team t ON t.id = c.team_id
  LEFT JOIN officer o ON o.id = c.officer_id"""
OMBUDSMAN = f"""SELECT e.id + ({OMBUDSMAN_BASE}), e.due, c.reference, c.kind, 0, 0, 'ombudsman',
    CAST(NULL AS DATE), p.name, p.persistent, c.complainant_group, c.advocate, t.name, o.name, c.received, c.id,
    CAST(NULL AS DATE), CAST(NULL AS DATE),
    (SELECT count(*) FROM "case" x WHERE x.person_id = c.person_id), p.name_key, c.summary
  FROM ombudsman_enquiry e JOIN "case" c ON c.id = e.case_id
  LEFT JOIN person p ON p.id = c.person_id LEFT JOIN team t ON t.id = c.team_id
  LEFT JOIN officer o ON o.id = c.officer_id"""


#: Follow-up (view 0): a learning action overdue (on its case), or a persistent-procedure review due (on the
#: person's latest case). Their own id bases, below open work's; ``number`` holds the action's id.
LEARNING_BASE, REVIEW_BASE = -(4 << 40), -(3 << 40)
#: The one definition of "overdue" and "due" for follow-up, read by view 0 and the digest (``store.views.digest``):
#: each an index range in due order (``learning_action.due``; ``person.persistent_review``), never a scan of
#: history. ``done || ''``: not through the index of ``done``, whose rows not done would all be read and sorted
#: before the first page (1M-case demo: 45 ms a page that way, 1.3 ms by ``due``).
ACTION_OVERDUE = "la.due < :today AND la.done || '' IS NULL"
REVIEW_DUE = "p.persistent_review <= :cutoff AND p.persistent"
LEARNING = f"""SELECT la.id + ({LEARNING_BASE}) AS id, la.due AS due, c.reference AS reference, c.kind,
    la.id AS number, 0, 'learning_action', CAST(NULL AS DATE), p.name, p.persistent, c.complainant_group, c.advocate,
    t.name, o.name, c.received AS received, c.id AS case_id, CAST(NULL AS DATE), CAST(NULL AS DATE),
    (SELECT count(*) FROM "case" x WHERE x.person_id = c.person_id) AS contacts, p.name_key AS name_key, c.summary
  FROM learning_action la JOIN "case" c ON c.id = la.case_id
  LEFT JOIN person p ON p.id = c.person_id LEFT JOIN team t ON t.id = c.team_id
  LEFT JOIN officer o ON o.id = c.officer_id"""
REVIEWS = f"""SELECT p.id + ({REVIEW_BASE}) AS id, p.persistent_review AS due, c.reference, c.kind, 0, 0,
    'persistent_review', CAST(NULL AS DATE), p.name, p.persistent, c.complainant_group, c.advocate, t.name, o.name,
    c.received, c.id AS case_id,
    CAST(NULL AS DATE), CAST(NULL AS DATE),
    (SELECT count(*) FROM "case" x WHERE x.person_id = c.person_id), p.name_key, c.summary
  FROM person p JOIN "case" c ON c.id = (SELECT max(x.id) FROM "case" x WHERE x.person_id = p.id)
  LEFT JOIN team t ON t.id = c.team_id LEFT JOIN officer o ON o.id = c.officer_id"""


@dataclass(frozen=True)
class Arm:
    """One kind of deadline in open work: its SQL, and its row's id, due date and case as SQL expressions;
    ``only``: the condition its rows always meet (follow-up's)."""

    sql: str
    id: str
    due: str
    case: str
    stages: bool = False
    only: str = ""


ARMS = (Arm(SELECT, "s.id", "s.due", "s.case_id", stages=True),
        Arm(ACKNOWLEDGEMENTS, f"c.id + ({ACK_BASE})", "c.ack_due", "c.id"),
        Arm(OMBUDSMAN, f"e.id + ({OMBUDSMAN_BASE})", "e.due", "e.case_id"))
FOLLOWUP_ARMS = (Arm(LEARNING, f"la.id + ({LEARNING_BASE})", "la.due", "la.case_id", only=ACTION_OVERDUE),
                 Arm(REVIEWS, f"p.id + ({REVIEW_BASE})", "p.persistent_review", "c.id", only=REVIEW_DUE))
#: Views of live stages only: no acknowledgement or Ombudsman deadline belongs in them.
STAGE_VIEWS = ("stage2_long", "awaiting")
#: The enquiries view's kinds, as SQL literals (from the vocabulary, never from input).
_ENQUIRIES = ", ".join(f"'{kind}'" for kind in ENQUIRY_KINDS)


def work_of(row_id: int) -> tuple[str, int]:
    """What a row of open work is the deadline of: ("stage", its id), ("acknowledgement", the case's id)
    or ("ombudsman", the enquiry's id); of follow-up: ("learning_action", its id), ("persistent_review", the
    person's id)."""
    if row_id >= 0:
        return "stage", row_id
    if row_id < REVIEW_BASE:
        return "learning_action", row_id - LEARNING_BASE
    if row_id < ACK_BASE:
        return "persistent_review", row_id - REVIEW_BASE
    if row_id < OMBUDSMAN_BASE:
        return "acknowledgement", row_id - ACK_BASE
    return "ombudsman", row_id - OMBUDSMAN_BASE


#: History: each case once, with its latest stage (or none, for compliments and referrals).
HISTORY = f"""SELECT s.id, s.due, c.reference, c.kind, s.number, s.round, {PROVISIONAL_STEP}, s.paused_since,
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
    View("1", "open", "All open", "Every live stage of every kind, acknowledgement owed and Ombudsman deadline, "
         "most urgent first"),
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
    View("0", "followup", "Follow-up due", "Learning actions overdue, and persistent-complaints procedure reviews "
         "due within 5 working days or past"),
)
VIEW_BY_ID = {v.id: v for v in VIEWS}
SORTS = ("due", "received", "reference", "complainant")


@dataclass(frozen=True)
class CaseloadRow:
    stage_id: int  # the row's id in open work (``work_of``): a stage's id; below zero for other deadlines
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
    provisional: bool = False  # the due date counts from an acknowledgement not yet recorded
    found: str = ""  # a search's row: where the case matched ("complainant: Jo Example", "note 3: ...")

    def key(self, view: str) -> tuple[date, int]:
        """Where the next page of ``view`` starts (keyset): receipt for history, the due date for open work."""
        if view in ("history", "compliments") or self.due is None:
            return self.received, self.case_id
        return self.due, self.stage_id

    @property
    def is_followup(self) -> bool:
        """A learning action overdue or a persistent-procedure review due (view 0), not a deadline of open work."""
        return self.stage_id < ACK_BASE

    @property
    def is_stage(self) -> bool:
        """A live stage's deadline (not an acknowledgement owed or an Ombudsman enquiry's)."""
        return self.stage_id > 0


@dataclass
class CaseloadQuery:
    """What the caseload shows: a view, a filter typed by the user, a sort."""

    view: str = "open"
    text: str = ""
    sort: str = "due"
    user: str = ""  # whose "My cases": a login or an officer's name
    within: int = 5  # "Due this week": due by this many working days after today, or overdue
    officer: str = ""  # only this officer's work (a name or login), in any view
    running: bool = False  # only running clocks: no paused stage
    case: int | None = None  # only this case's work
    figure: str = ""  # only the cases behind this figure of the dashboard (``store.views.dashboard``)
    who: tuple[str, str] | None = None  # with ``figure``: only this ("officer"|"team", name) 's; "" for none
    label: str = ""  # what the caseload says it shows, in place of the view's name (a figure's)

    def keyset(self) -> bool:
        """Whether pages follow on by key (indexed, any depth) rather than by offset."""
        if self.searching:
            return False
        return self.view == "history" or (not self.history and self.sort == "due")

    @property
    def searching(self) -> bool:
        """Text typed: the caseload shows the cases it finds, best first, whatever the view (``searched``)."""
        return bool(self.text.strip()) and self.case is None

    @property
    def history(self) -> bool:
        """Views of cases (newest first) rather than of open work."""
        return self.view in ("history", "compliments")


def _where(query: CaseloadQuery, today: date, calendar: WorkingCalendar, postgres: bool = False,
           arm: Arm | None = None) -> tuple[list[str], dict[str, Any]]:
    """The filter of ``query``: on cases (history views), or on one ``arm`` of open work."""
    where: list[str] = []
    args: dict[str, Any] = {}
    due = arm.due if arm else "s.due"
    if arm is not None:
        where.append(f"{due} IS NOT NULL")
        if arm.only:
            where.append(arm.only)
            args["today"], args["cutoff"] = today, calendar.add(today, query.within)
    if query.case is not None:
        where.append(f"{arm.case if arm else 'c.id'} = :case")
        args["case"] = query.case
    if query.figure:  # the dashboard's one rule for the figure, on this arm
        from store.views.dashboard import figure_where

        more, extra = figure_where(query, arm.due if arm else None, today, calendar)
        where += more
        args.update(extra)
    if query.running and arm is not None and arm.stages:
        where.append("s.paused_since IS NULL")
    if query.view == "compliments":
        where.append(f"c.kind = '{Kind.COMPLIMENT.value}'")
    if query.view == "mine" or query.officer:
        where.append("(o.username = :user OR o.name = :user)")
        args["user"] = query.user if query.view == "mine" else query.officer
    if query.view == "week":
        where.append(f"{due} <= :cutoff")
        args["cutoff"] = calendar.add(today, query.within)
    elif query.view == "overdue":
        where.append(f"{due} < :today")
        args["today"] = today
    elif query.view == "stage2_long":
        start = today
        while calendar.elapsed(start, today) <= 65:
            start -= timedelta(days=1)
        where.append(f"s.procedure = '{Kind.STATUTORY.value}' AND s.number = 2 AND "
                     "COALESCE(s.statement_agreed, s.requested) <= :started")
        args["started"] = start
    elif query.view == "awaiting":
        where.append("s.paused_since IS NULL AND s.step IN ('stage1', 'stage2', 'stage3', 'stage3_response', "
                     "'response')")
    elif query.view == "enquiries":
        # Not through the index of kinds (whose rows are mostly closed): each arm's due index keeps the order.
        where.append(f"c.kind || '' IN ({_ENQUIRIES})")
    return where, args


def caseload_page(connection: Any, today: date, calendar: WorkingCalendar, rules: RuleBook, *,
                  query: CaseloadQuery | None = None, after: tuple[date, int] | None = None,
                  before: tuple[date, int] | None = None, inclusive: bool = False,
                  offset: int = 0, limit: int = 200, placeholder: str = "?") -> list[CaseloadRow]:
    """The next ``limit`` rows of ``query`` after ``after`` (keyset) or ``offset`` (other sorts).

    Keyset views read backwards too: the ``limit`` rows just ``before`` a key, in the view's order.
    ``inclusive``: start at the row of ``after`` itself (reading a stretch already shown again).
    """
    query = query or CaseloadQuery()
    if query.searching:
        return searched(connection, today, calendar, rules, query.text, offset, limit, placeholder)
    postgres = placeholder != "?"
    key = after or before
    back = before is not None and after is None
    same = "=" if inclusive else ""
    if query.history:
        where, args = _where(query, today, calendar, postgres)
        if query.view == "compliments":  # grouped by the team praised (a few hundred a year: offset pages)
            order, key = "t.name IS NULL, t.name, c.received DESC, c.id DESC", None
        else:
            if key is not None:
                where.append("(c.received > :k1 OR (c.received = :k1 AND c.id > :k2))" if back else
                             f"(c.received < :k1 OR (c.received = :k1 AND c.id <{same} :k2))")
            order = "c.received, c.id" if back else "c.received DESC, c.id DESC"
        sql = HISTORY + (" WHERE " + " AND ".join(where) if where else "")
    else:
        arms, args = [], {}
        chosen = FOLLOWUP_ARMS if query.view == "followup" else ARMS if query.view not in STAGE_VIEWS else ARMS[:1]
        for n, arm in enumerate(chosen):
            where, args = _where(query, today, calendar, postgres, arm)
            if query.sort != "due":
                arms.append(f"{arm.sql} WHERE {' AND '.join(where)}")
                continue
            due, ident = arm.due, arm.id  # each arm's first rows, by its (due, id) index; then the page of them all
            if key is not None:
                where.append(f"({due} < :k1 OR ({due} = :k1 AND {ident} < :k2))" if back else
                             f"({due} > :k1 OR ({due} = :k1 AND {ident} >{same} :k2))")
            way = " DESC" if back else ""
            arms.append(f"SELECT * FROM ({arm.sql} WHERE {' AND '.join(where)} "
                        f"ORDER BY {due}{way}, {ident}{way} LIMIT :limit) a{n}")
        sql = " UNION ALL ".join(arms)
        order = {"due": "due DESC, id DESC" if back else "due, id", "received": "received DESC, id",
                 "reference": "reference, id", "complainant": "name_key, id"}[query.sort]
    if key is not None:
        args["k1"], args["k2"] = key
    text = sql + f" ORDER BY {order} LIMIT :limit"
    if not query.keyset() and offset:
        text += " OFFSET :offset"
        args["offset"] = offset
    args["limit"] = limit
    rows = [_row(r, today, calendar, rules) for r in execute(connection.cursor(), text, args, placeholder).fetchall()]
    return rows[::-1] if back and query.keyset() else rows


def searched(connection: Any, today: date, calendar: WorkingCalendar, rules: RuleBook, text: str, offset: int,
             limit: int, placeholder: str = "?") -> list[CaseloadRow]:
    """Search everything (``store.views.search``): the cases found, best first, each as in history (its latest
    stage) and where it matched first; ``offset`` cases on. Text with no letter or digit ("%", "*") holds no word,
    and finds nothing."""
    chosen = matching(connection, text, offset + limit, placeholder)[offset:]
    if not chosen:
        return []
    ids = [case_id for case_id, _ in chosen]
    typed, cursor = words(text), connection.cursor()
    where = {case_id: (where_matched(cursor, rows[0], typed, placeholder) or [""])[0] for case_id, rows in chosen}
    marks = ", ".join(f":c{i}" for i in range(len(ids)))
    found = execute(connection.cursor(), f"{HISTORY} WHERE c.id IN ({marks})",
                    {f"c{i}": case_id for i, case_id in enumerate(ids)}, placeholder).fetchall()
    rows = {row.case_id: row for row in (_row(r, today, calendar, rules) for r in found)}
    return [replace(rows[case_id], found=where[case_id]) for case_id in ids if case_id in rows]


def all_open_work(connection: Any, today: date, calendar: WorkingCalendar, rules: RuleBook, query: CaseloadQuery,
                  *, placeholder: str = "?", page: int = 1_000) -> list[CaseloadRow]:
    """Every row of ``query``, a view of open work by due date, read a page at a time (the digest's list)."""
    assert not query.history and query.sort == "due"
    rows: list[CaseloadRow] = []
    after: tuple[date, int] | None = None
    while True:
        more = caseload_page(connection, today, calendar, rules, query=query, after=after, limit=page,
                             placeholder=placeholder)
        rows += more
        if len(more) < page:
            return rows
        after = more[-1].key(query.view)


def _row(r: Any, today: date, calendar: WorkingCalendar, rules: RuleBook) -> CaseloadRow:
    """A row of open work or history, unpacked in the order of the arms' columns (``SELECT``, ``HISTORY``).

    Positional on purpose: the caseload's pages are the TUI's hot path. Read as a mapping by column name
    (``store.db.sql.mappings``), the rows of a 200-row page cost 0.5 ms more, a sixth of the whole page: open
    work 1.33 -> 1.80 ms for the rows, of 2.8 ms for the page; history 1.14 -> 1.72 ms, of 2.0 ms (a
    100,000-case demo database, medians of 3 runs; the cost is per row, whatever the size of the database).
    """
    (stage_id, due_on, ref, kind, number, round_, step, paused, name, persistent, group, advocate,
     team, officer, received, case_id, responded, declined, contacts, _key, _summary) = r
    due_date = day(due_on)
    provisional = step is not None and step.endswith("?")
    step = step[:-1] if provisional else step
    state, left = State.CLOSED, None
    if due_date is not None:
        relaxed = rules.relaxed(kind, step or "", due_date) is not None
        state, left = classify(due_date, today, calendar, paused=paused is not None, relaxed=relaxed)
    stage = describe_stage(kind, number, round_, step) if number is not None else "—"
    if due_date is None and number is not None:
        stage += " (declined)" if declined is not None and responded is None else ""
    return CaseloadRow(stage_id or 0, ref, kind, stage, name or "", bool(persistent), group == "child",
                       advocate is not None, team or "", officer or "", day(received) or date.min, due_date,
                       left, state, case_id, (contacts or 0) > 1, provisional=provisional)


#: The setting the demo builder writes ("seed 1, 5000 cases"): a database of invented cases says so whoever opens it.
DEMO_SETTING = "demo"


def is_demo(connection: Any, placeholder: str = "?") -> bool:
    """Whether the demo builder made this database (its setting, ``DEMO_SETTING``): however it was opened."""
    cursor = execute(connection.cursor(), "SELECT count(*) FROM setting WHERE key = :key", {"key": DEMO_SETTING},
                     placeholder)
    return bool(cursor.fetchone()[0])


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
