"""Loading one financial year's facts for the year-end figures, through indexed date ranges.

Plain SQL over any DB-API connection (``sqlite3`` directly when the file is current, so a
summary never waits for SQLAlchemy to import; psycopg for PostgreSQL). Each query selects by a
date range on an indexed column (received, requested, responded, declined, decided, done), so a
year costs about the same however much history lies before it. Stages answered after the year
are found through the ``responded`` index too: they grow with the years after the one asked for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from domain.config import Config
from domain.facts import ActionFact, CaseFact, EnquiryFact, StageFact, YearFacts
from domain.figures import Figures, compute
from domain.year import FinancialYear
from store.db.values import day as _day
from store.db.values import money as _money
from store.views.digest import stored_calendar

if TYPE_CHECKING:
    from store.db.database import Database

CASES = """SELECT c.id, c.kind, c.received, c.channel, c.complainant_group, c.advocate, a.name, c.person_id,
  (SELECT s.outcome FROM stage s WHERE s.case_id = c.id AND s.number = 1 AND s.round = 0 LIMIT 1)
FROM "case" c LEFT JOIN service_area a ON a.id = c.service_area_id WHERE c.received BETWEEN {p} AND {p}"""
CASE_THEMES = """SELECT ct.case_id, t.name FROM case_theme ct JOIN theme t ON t.id = ct.theme_id
JOIN "case" c ON c.id = ct.case_id WHERE c.received BETWEEN {p} AND {p}"""
_STAGE = """SELECT s.id, s.case_id, s.procedure, s.number, s.round, s.requested, s.accepted, s.declined,
  s.statement_agreed, s.extended_on, s.extended_days, s.paused_days, s.panel_on, s.responded, s.outcome,
  c.received, c.closed
FROM stage s JOIN "case" c ON c.id = s.case_id WHERE """
#: Stages live in the year (started by its end, not ended before its start), in parts that each
#: read one index over a bounded range; a single OR would read every stage ever recorded.
#: ``COALESCE(x, x)`` keeps the planner off an index that would read all earlier history.
STAGE_PARTS = (
    "s.responded BETWEEN {p} AND {p} AND s.requested <= {p}",  # answered in the year
    "s.requested BETWEEN {p} AND {p} AND s.responded > {p}",  # started in it, answered after it
    "s.responded > {p} AND COALESCE(s.requested, s.requested) < {p}",  # open all through it
    "s.declined BETWEEN {p} AND {p} AND COALESCE(s.responded, s.responded) IS NULL",  # declined in it
    "s.declined > {p} AND COALESCE(s.responded, s.requested) <= {p}",  # requested before its end, declined after
    "s.responded IS NULL AND COALESCE(s.declined, s.declined) IS NULL AND s.requested <= {p}",  # still open
)
STAGES = "\nUNION ALL\n".join(_STAGE + part for part in STAGE_PARTS)


def _stage_args(start: date, end: date) -> list[date]:
    return [start, end, end, start, end, end, end, start, start, end, end, end, end]


FINDINGS = """SELECT i.stage_id, i.finding FROM complaint_issue i JOIN stage s ON s.id = i.stage_id
WHERE s.number = 2 AND s.responded BETWEEN {p} AND {p} ORDER BY i.stage_id, i.number"""
COSTS = """SELECT a.stage_id, a.cost FROM assignment a JOIN stage s ON s.id = a.stage_id
WHERE a.cost IS NOT NULL AND s.number >= 2 AND s.responded BETWEEN {p} AND {p}"""
ANSWERED_THEMES = """SELECT ct.case_id, t.name FROM case_theme ct JOIN theme t ON t.id = ct.theme_id
JOIN stage s ON s.case_id = ct.case_id WHERE s.number = 1 AND s.round = 0 AND s.responded BETWEEN {p} AND {p}"""
ESCALATED = """SELECT DISTINCT two.case_id FROM stage one JOIN stage two ON two.case_id = one.case_id
WHERE one.number = 1 AND one.responded BETWEEN {p} AND {p} AND two.number = 2"""
REOPENINGS = """SELECT again.case_id, count(*) FROM stage one JOIN stage again ON again.case_id = one.case_id
WHERE one.number = 1 AND one.round = 0 AND one.responded BETWEEN {p} AND {p} AND again.number = 1 AND again.round > 0
GROUP BY again.case_id"""
ENQUIRIES = """SELECT received, decided, decision, payment FROM ombudsman_enquiry
WHERE decided >= {p} AND received <= {p}
UNION ALL SELECT received, decided, decision, payment FROM ombudsman_enquiry
WHERE decided IS NULL AND received <= {p}"""
ACTIONS = """SELECT due, done FROM learning_action WHERE due BETWEEN {p} AND {p} OR done BETWEEN {p} AND {p}"""
RECEIVED = """SELECT kind, received FROM "case" WHERE received BETWEEN {p} AND {p}"""


class _Reader:
    """Runs the year's queries on one DB-API cursor, with the driver's placeholder and date type."""

    def __init__(self, connection: Any, placeholder: str) -> None:
        self.cursor = connection.cursor()
        self.reopenings: dict[int, int] = {}
        self.p = placeholder
        self.param: Callable[[date], Any] = (lambda d: d.isoformat()) if placeholder == "?" else (lambda d: d)

    def rows(self, sql: str, *days: date) -> list[Any]:
        self.cursor.execute(sql.format(p=self.p), [self.param(d) for d in days])
        return self.cursor.fetchall()

    def themes(self, sql: str, year: FinancialYear) -> dict[int, tuple[str, ...]]:
        found: dict[int, list[str]] = defaultdict(list)
        for case_id, name in self.rows(sql, year.start, year.end):
            found[case_id].append(name)
        return {k: tuple(sorted(v)) for k, v in found.items()}

    def cases(self, year: FinancialYear) -> list[CaseFact]:
        themes = self.themes(CASE_THEMES, year)
        return [CaseFact(case_id=r[0], kind=r[1], received=_day(r[2]), channel=r[3],  # type: ignore[arg-type]
                         group=r[4], advocate=r[5], service_area=r[6], person=r[7], themes=themes.get(r[0], ()),
                         stage1_outcome=r[8])
                for r in self.rows(CASES, year.start, year.end)]

    def stages(self, year: FinancialYear) -> tuple[list[StageFact], frozenset[int]]:
        s, e = year.start, year.end
        findings: dict[int, list[str | None]] = defaultdict(list)
        for stage_id, finding in self.rows(FINDINGS, s, e):
            findings[stage_id].append(finding)
        costs: dict[int, list[Decimal]] = defaultdict(list)
        for stage_id, cost in self.rows(COSTS, s, e):
            costs[stage_id].append(_money(cost))  # type: ignore[arg-type]
        themes = self.themes(ANSWERED_THEMES, year)
        escalated = frozenset(r[0] for r in self.rows(ESCALATED, s, e))
        self.reopenings = {case_id: n for case_id, n in self.rows(REOPENINGS, s, e)}
        facts = []
        for r in sorted(self.rows(STAGES, *_stage_args(s, e)), key=lambda r: (r[1], r[3], r[4])):
            sid, case_id, number = r[0], r[1], r[3]
            facts.append(StageFact(
                case_id=case_id, procedure=r[2], number=number, round=r[4], requested=_day(r[5]),  # type: ignore[arg-type]
                accepted=_day(r[6]), declined=_day(r[7]), statement_agreed=_day(r[8]), extended_on=_day(r[9]),
                extended_days=r[10], paused_days=r[11] or 0, panel_on=_day(r[12]), responded=_day(r[13]),
                outcome=r[14], received=_day(r[15]), closed=_day(r[16]),  # type: ignore[arg-type]
                findings=tuple(findings.get(sid, ())), costs=tuple(costs.get(sid, ())),
                themes=themes.get(case_id, ()) if number == 1 else ()))
        return facts, escalated

    def enquiries(self, year: FinancialYear) -> list[EnquiryFact]:
        return [EnquiryFact(_day(r[0]), _day(r[1]), r[2], _money(r[3]))  # type: ignore[arg-type]
                for r in self.rows(ENQUIRIES, year.start, year.end, year.end)]

    def actions(self, year: FinancialYear) -> list[ActionFact]:
        return [ActionFact(_day(r[0]), _day(r[1])) for r in self.rows(ACTIONS, year.start, year.end,
                                                                    year.start, year.end)]

    def received_counts(self, year: FinancialYear) -> tuple[dict[str, int], dict[str, int]]:
        """Cases received in ``year`` by kind, and statutory complaints by month."""
        by_kind: dict[str, int] = defaultdict(int)
        by_month: dict[str, int] = defaultdict(int)
        for kind, received in self.rows(RECEIVED, year.start, year.end):
            by_kind[kind] += 1
            if kind == "statutory":
                by_month[year.month_key(_day(received))] += 1  # type: ignore[arg-type]
        return dict(by_kind), dict(by_month)


def load_year(connection: Any, year: FinancialYear, *, years: int = 3, as_of: date | None = None,
              placeholder: str = "?") -> YearFacts:
    """One year's facts, with received counts for ``years`` years back (the trend tables)."""
    reader = _Reader(connection, placeholder)
    facts = YearFacts(year=year, as_of=as_of)
    facts.cases = reader.cases(year)
    facts.stages, facts.escalated = reader.stages(year)
    facts.reopenings = reader.reopenings
    facts.enquiries = reader.enquiries(year)
    facts.actions = reader.actions(year)
    for n in range(max(3, years)):
        y = year.back(n)
        facts.received_by_kind[y.label], facts.monthly_statutory[y.label] = reader.received_counts(y)
    return facts


class FiguresSource:
    """Year-end figures from one open DB-API connection, with the council's calendar loaded once."""

    def __init__(self, connection: Any, config: Config, placeholder: str = "?") -> None:
        self.connection, self.config, self.placeholder = connection, config, placeholder
        self.calendar = stored_calendar(connection.cursor(), config)

    def figures(self, year: FinancialYear, *, years: int | None = None, as_of: date | None = None) -> Figures:
        facts = load_year(self.connection, year, years=years or 3, as_of=as_of, placeholder=self.placeholder)
        return compute(facts, self.calendar, self.config.rules, years=years)


def year_figures(db: Database, config: Config, year: FinancialYear, *, years: int | None = None,
                 as_of: date | None = None) -> Figures:
    """The year-end tables of ``year`` from an open ``Database`` (tests, the TUI, PostgreSQL)."""
    with db.dbapi() as connection:
        return FiguresSource(connection, config, db.placeholder).figures(year, years=years, as_of=as_of)
