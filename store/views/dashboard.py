"""The team dashboard: open work counted by stage, by officer and by team, from indexed ranges.

Each figure is one rule (``Figure``): the kinds of deadline it counts (the arms of open work and follow-up in
``store.views.caseload``, or cases received) and the condition on them. The dashboard counts by that rule,
and the caseload shows the cases behind a figure by the same rule (``CaseloadQuery.figure``), so that the
number and the list can never disagree. Every count reads an index range of what is open (a stage's, an
acknowledgement's, an enquiry's or an action's ``due``; a review's date) or of ``case.received``: never a
scan of history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain.calendar import WorkingCalendar
from domain.vocab import COMPLAINT_KINDS, Kind
from domain.year import FinancialYear
from store.db.sql import execute
from store.views.caseload import ACTION_OVERDUE, REVIEW_DUE, CaseloadQuery

_COMPLAINTS = ", ".join(f"'{k}'" for k in COMPLAINT_KINDS)  # from the vocabulary, never from input
_STAT = Kind.STATUTORY.value
#: Each arm's rows and what to group them by, for counting (the caseload's arms, without their display columns).
FROM = {
    "stage": 'stage s JOIN "case" c ON c.id = s.case_id',
    "ack": '"case" c',
    "ombudsman": 'ombudsman_enquiry e JOIN "case" c ON c.id = e.case_id',
    "learning": 'learning_action la JOIN "case" c ON c.id = la.case_id',
    "review": 'person p JOIN "case" c ON c.id = (SELECT max(x.id) FROM "case" x WHERE x.person_id = p.id)',
    "received": '"case" c',
}
#: Each arm's due date, as the caseload's ``Arm.due`` names it (how a caseload arm is known here).
DUE = {"stage": "s.due", "ack": "c.ack_due", "ombudsman": "e.due", "learning": "la.due",
       "review": "p.persistent_review"}
WORK = ("stage", "ack", "ombudsman")
RUNNING = "s.paused_since IS NULL"  # overdue and due soon: a paused stage's clock is stopped (as the digest)


@dataclass(frozen=True)
class Figure:
    """One figure: its id, its label, the arms it counts, and its condition (``{due}``: the arm's due date)."""

    id: str
    label: str
    arms: tuple[str, ...]
    where: str = ""
    stage_where: str = ""  # a further condition on the stage arm only
    view: str = "open"  # the caseload view its cases are shown in


FIGURES = (
    Figure("open", "Open work", WORK),
    Figure("stage1", "Stage 1", ("stage",), stage_where=f"s.procedure IN ({_COMPLAINTS}) AND s.number = 1"),
    Figure("stage2", "Stage 2", ("stage",), stage_where=f"s.procedure IN ({_COMPLAINTS}) AND s.number = 2"),
    Figure("stage3", "Stage 3", ("stage",), stage_where=f"s.procedure IN ({_COMPLAINTS}) AND s.number = 3"),
    Figure("response", "Enquiries (response)", ("stage",), stage_where=f"s.procedure NOT IN ({_COMPLAINTS})"),
    Figure("ack", "Acknowledgements owed", ("ack",)),
    Figure("ombudsman", "Ombudsman deadlines", ("ombudsman",)),
    Figure("overdue", "Overdue", WORK, "{due} < :today", stage_where=RUNNING),
    Figure("week", "Due this week", WORK, "{due} >= :today AND {due} <= :cutoff", stage_where=RUNNING),
    Figure("stage2_25", "Stage 2 past 25 days", ("stage",), stage_where=f"s.procedure = '{_STAT}' AND s.number = 2 "
           "AND COALESCE(s.statement_agreed, s.requested) <= :started25"),
    Figure("stage2_65", "Stage 2 past 65 days", ("stage",), stage_where=f"s.procedure = '{_STAT}' AND s.number = 2 "
           "AND COALESCE(s.statement_agreed, s.requested) <= :started65"),
    Figure("panels", "Panels due", ("stage",), stage_where="s.step = 'stage3_panel'"),
    Figure("reviews", "Persistent reviews due", ("review",), REVIEW_DUE, view="followup"),
    Figure("actions", "Learning actions overdue", ("learning",), ACTION_OVERDUE, view="followup"),
    Figure("received", "Received this year so far", ("received",), "c.received >= :from AND c.received <= :to",
           view="history"),
    Figure("received_before", "Same months last year", ("received",),
           "c.received >= :from_before AND c.received <= :to_before", view="history"),
)
FIGURE_BY_ID = {f.id: f for f in FIGURES}
#: The figures counted per officer and per team (the rest are the whole team's).
PER_PERSON = ("open", "overdue", "week", "ack", "stage2_25", "stage2_65", "panels", "ombudsman", "reviews", "actions")
BY_STAGE = ("stage1", "stage2", "stage3", "response", "ack", "ombudsman")


def started_before(today: date, calendar: WorkingCalendar, days: int) -> date:
    """The latest start from which more than ``days`` working days have elapsed by ``today``
    (the caseload's "Stage 2 over 65 days" rule)."""
    start = today
    while calendar.elapsed(start, today) <= days:
        start -= timedelta(days=1)
    return start


def figure_args(today: date, calendar: WorkingCalendar, within: int = 5) -> dict[str, Any]:
    """The dates every figure's condition names, for ``today``."""
    year = FinancialYear.containing(today)
    before = year.previous
    return {"epoch": date(1900, 1, 1), "today": today, "cutoff": calendar.add(today, within),
            "started25": started_before(today, calendar, 25), "started65": started_before(today, calendar, 65),
            "from": year.start, "to": today,
            "from_before": before.start, "to_before": _year_ago(today)}


def _year_ago(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def arm_of(due: str | None) -> str:
    """The dashboard's name for a caseload arm, by its due date's expression (None: the history view's cases)."""
    return "received" if due is None else next(name for name, d in DUE.items() if d == due)


def conditions(figure: Figure, arm: str) -> list[str]:
    """The SQL conditions of ``figure`` on ``arm``: the one rule the counts and the caseload both read."""
    # A range, not IS NOT NULL: SQLite's planner reads the due index for a range (open work only), and scans the
    # whole table for IS NOT NULL (100,000-case demo: 12-18 ms a count that way, 0.1-0.4 ms by the range).
    found = [f"{DUE[arm]} >= :epoch"] if arm in DUE else []
    if figure.where:
        found.append(figure.where.format(due=DUE.get(arm, "")))
    if arm == "stage" and figure.stage_where:
        found.append(figure.stage_where)
    return found


def who_condition(who: tuple[str, str] | None) -> tuple[list[str], dict[str, Any]]:
    """Only one officer's or team's rows: ``("officer"|"team", name)``; an empty name: rows with none."""
    if who is None:
        return [], {}
    column, ident = {"officer": ("o.name", "c.officer_id"), "team": ("t.name", "c.team_id")}[who[0]]
    if not who[1]:
        return [f"{ident} IS NULL"], {}
    return [f"{column} = :who"], {"who": who[1]}


def figure_where(query: CaseloadQuery, due: str | None, today: date,
                 calendar: WorkingCalendar) -> tuple[list[str], dict[str, Any]]:
    """The caseload's filter for "the cases behind this figure" on the arm whose due date is ``due``."""
    figure = FIGURE_BY_ID[query.figure]
    arm = arm_of(due)
    where, args = who_condition(query.who)
    args = {**figure_args(today, calendar, query.within), **args}  # every arm's: the caseload keeps the last arm's
    if arm not in figure.arms:
        return ["1 = 0"], args
    return conditions(figure, arm) + where, args


def behind(figure_id: str, who: tuple[str, str] | None = None, user: str = "") -> CaseloadQuery:
    """The caseload query showing the cases behind a figure (of one officer or team, or of all)."""
    figure = FIGURE_BY_ID[figure_id]
    label = figure.label + (f" · {who[1] or 'no ' + who[0]}" if who is not None else "")
    return CaseloadQuery(view=figure.view, figure=figure_id, who=who, label=label, user=user)


@dataclass
class Dashboard:
    """The figures: ``totals`` by figure; ``officers`` and ``teams``: name ("" for none) -> figure -> count."""

    today: date
    totals: dict[str, int] = field(default_factory=dict)
    officers: dict[str, dict[str, int]] = field(default_factory=dict)
    teams: dict[str, dict[str, int]] = field(default_factory=dict)
    year: str = ""


def dashboard(connection: Any, today: date, calendar: WorkingCalendar, *, placeholder: str = "?") -> Dashboard:
    """Every figure, counted by SQL: one grouped count per figure and arm, over an index range."""
    args = figure_args(today, calendar)
    result = Dashboard(today, year=FinancialYear.containing(today).label)
    officers: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    teams: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    cursor = connection.cursor()
    for figure in FIGURES:
        result.totals[figure.id] = 0
        for arm in figure.arms:
            where = " AND ".join(conditions(figure, arm))
            if figure.id not in PER_PERSON:
                sql = f"SELECT count(*) FROM {FROM[arm]} WHERE {where}"
                result.totals[figure.id] += int(execute(cursor, sql, args, placeholder).fetchone()[0] or 0)
                continue
            sql = (f"SELECT o.name, t.name, count(*) FROM {FROM[arm]} LEFT JOIN officer o ON o.id = c.officer_id "
                   f"LEFT JOIN team t ON t.id = c.team_id WHERE {where} GROUP BY o.name, t.name")
            for officer, team, n in execute(cursor, sql, args, placeholder).fetchall():
                result.totals[figure.id] += n
                officers[officer or ""][figure.id] += n
                teams[team or ""][figure.id] += n
    result.officers = {name: dict(counts) for name, counts in sorted(officers.items(), key=lambda i: (not i[0], i[0]))}
    result.teams = {name: dict(counts) for name, counts in sorted(teams.items(), key=lambda i: (not i[0], i[0]))}
    return result
