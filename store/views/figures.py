"""Loading one financial year's facts for the year-end figures, through indexed date ranges.

Plain SQL over any DB-API connection (``sqlite3`` directly when the file is current, so a
summary never waits for SQLAlchemy to import; psycopg for PostgreSQL). Each query selects by a
date range on an indexed column (received, requested, responded, declined, decided, done), so a
year costs about the same however much history lies before it. Stages answered after the year
are found through the ``responded`` index too: they grow with the years after the one asked for.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.config import Config
from domain.facts import ActionFact, CaseFact, EnquiryFact, StageFact, YearFacts
from domain.figures import Figures, compute
from domain.vocab import Kind
from domain.year import FinancialYear
from store.db.sql import fetch
from store.db.values import day as _day
from store.db.values import money as _money
from store.views.digest import stored_calendar

if TYPE_CHECKING:
    from store.db.database import Database

CASES = """SELECT c.id, c.kind, c.received, c.channel, c.complainant_group, c.advocate, a.name AS service_area,
  c.person_id, (SELECT s.outcome FROM stage s WHERE s.case_id = c.id AND s.number = 1 AND s.round = 0 LIMIT 1)
  AS stage1_outcome
FROM "case" c LEFT JOIN service_area a ON a.id = c.service_area_id WHERE c.received BETWEEN :start AND :end"""
CASE_THEMES = """SELECT ct.case_id, t.name FROM case_theme ct JOIN theme t ON t.id = ct.theme_id
JOIN "case" c ON c.id = ct.case_id WHERE c.received BETWEEN :start AND :end"""
_STAGE = """SELECT s.id, s.case_id, s.procedure, s.number, s.round, s.requested, s.accepted, s.declined,
  s.statement_agreed, s.extended_on, s.extended_days, s.paused_days, s.panel_on, s.responded, s.outcome,
  c.received, c.closed
FROM stage s JOIN "case" c ON c.id = s.case_id WHERE """
#: Stages live in the year (started by its end, not ended before its start), in parts that each
#: read one index over a bounded range; a single OR would read every stage ever recorded.
#: ``COALESCE(x, x)`` keeps the planner off an index that would read all earlier history.
STAGE_PARTS = (
    "s.responded BETWEEN :start AND :end AND s.requested <= :end",  # answered in the year
    "s.requested BETWEEN :start AND :end AND s.responded > :end",  # started in it, answered after it
    "s.responded > :end AND COALESCE(s.requested, s.requested) < :start",  # open all through it
    "s.declined BETWEEN :start AND :end AND COALESCE(s.responded, s.responded) IS NULL",  # declined in it
    "s.declined > :end AND COALESCE(s.responded, s.requested) <= :end",  # requested before its end, declined after
    "s.responded IS NULL AND COALESCE(s.declined, s.declined) IS NULL AND s.requested <= :end",  # still open
)
STAGES = "\nUNION ALL\n".join(_STAGE + part for part in STAGE_PARTS)
FINDINGS = """SELECT i.stage_id, i.finding FROM complaint_issue i JOIN stage s ON s.id = i.stage_id
WHERE s.number = 2 AND s.responded BETWEEN :start AND :end ORDER BY i.stage_id, i.number"""
COSTS = """SELECT a.stage_id, a.cost FROM assignment a JOIN stage s ON s.id = a.stage_id
WHERE a.cost IS NOT NULL AND s.number >= 2 AND s.responded BETWEEN :start AND :end"""
ANSWERED_THEMES = """SELECT ct.case_id, t.name FROM case_theme ct JOIN theme t ON t.id = ct.theme_id
JOIN stage s ON s.case_id = ct.case_id WHERE s.number = 1 AND s.round = 0 AND s.responded BETWEEN :start AND :end"""
ESCALATED = """SELECT DISTINCT two.case_id FROM stage one JOIN stage two ON two.case_id = one.case_id
WHERE one.number = 1 AND one.responded BETWEEN :start AND :end AND two.number = 2"""
REOPENINGS = """SELECT again.case_id, count(*) AS reopenings
FROM stage one JOIN stage again ON again.case_id = one.case_id
WHERE one.number = 1 AND one.round = 0 AND one.responded BETWEEN :start AND :end AND again.number = 1
  AND again.round > 0
GROUP BY again.case_id"""
ENQUIRIES = """SELECT received, decided, decision, payment FROM ombudsman_enquiry
WHERE decided >= :start AND received <= :end
UNION ALL SELECT received, decided, decision, payment FROM ombudsman_enquiry
WHERE decided IS NULL AND received <= :end"""
ACTIONS = """SELECT due, done FROM learning_action WHERE due BETWEEN :start AND :end OR done BETWEEN :start AND :end"""
#: Counted by day in SQL: a few hundred rows a year, not one per case.
RECEIVED = """SELECT kind, received, count(*) AS cases FROM "case" WHERE received BETWEEN :start AND :end
GROUP BY kind, received"""


class _Days(dict[Any, date | None]):
    """Stored dates as ``date``, each distinct value converted once (a year's rows repeat a few hundred days)."""

    def __missing__(self, value: Any) -> date | None:
        self[value] = converted = _day(value)
        return converted


class _Reader:
    """Runs the year's queries on one DB-API cursor, with the driver's placeholder and date type."""

    def __init__(self, connection: Any, placeholder: str) -> None:
        self.cursor = connection.cursor()
        self.reopenings: dict[int, int] = {}
        self.placeholder = placeholder
        self.day = _Days()

    def rows(self, sql: str, year: FinancialYear) -> list[dict[str, Any]]:
        """The rows of one of the year's queries, by column name."""
        return fetch(self.cursor, sql, {"start": year.start, "end": year.end}, self.placeholder)

    def themes(self, sql: str, year: FinancialYear) -> dict[int, tuple[str, ...]]:
        found: dict[int, list[str]] = defaultdict(list)
        for r in self.rows(sql, year):
            found[r["case_id"]].append(r["name"])
        return {k: tuple(sorted(v)) for k, v in found.items()}

    def cases(self, year: FinancialYear) -> list[CaseFact]:
        themes, day = self.themes(CASE_THEMES, year), self.day
        return [CaseFact(r["id"], r["kind"], day[r["received"]], r["channel"],  # type: ignore[arg-type]
                         r["complainant_group"], r["advocate"], r["service_area"], r["person_id"],
                         themes.get(r["id"], ()), r["stage1_outcome"])
                for r in self.rows(CASES, year)]

    def stages(self, year: FinancialYear) -> tuple[list[StageFact], frozenset[int]]:
        findings: dict[int, list[str | None]] = defaultdict(list)
        for r in self.rows(FINDINGS, year):
            findings[r["stage_id"]].append(r["finding"])
        costs: dict[int, list[Decimal]] = defaultdict(list)
        for r in self.rows(COSTS, year):
            costs[r["stage_id"]].append(_money(r["cost"]))  # type: ignore[arg-type]
        themes = self.themes(ANSWERED_THEMES, year)
        escalated = frozenset(r["case_id"] for r in self.rows(ESCALATED, year))
        self.reopenings = {r["case_id"]: r["reopenings"] for r in self.rows(REOPENINGS, year)}
        day = self.day  # StageFact's fields in order: positional, a tuple is built 4x faster than with keywords
        facts = [
            StageFact(r["case_id"], r["procedure"], r["number"], day[r["requested"]],  # type: ignore[arg-type]
                      day[r["received"]], r["round"], day[r["accepted"]], day[r["declined"]],  # type: ignore[arg-type]
                      day[r["statement_agreed"]], day[r["extended_on"]], r["extended_days"], r["paused_days"] or 0,
                      day[r["panel_on"]], day[r["responded"]], day[r["closed"]], r["outcome"],
                      tuple(findings.get(r["id"], ())), tuple(costs.get(r["id"], ())),
                      themes.get(r["case_id"], ()) if r["number"] == 1 else ())
            for r in self.rows(STAGES, year)]
        facts.sort(key=lambda s: (s.case_id, s.number, s.round))
        return facts, escalated

    def enquiries(self, year: FinancialYear) -> list[EnquiryFact]:
        day = self.day
        return [EnquiryFact(day[r["received"]], day[r["decided"]], r["decision"],  # type: ignore[arg-type]
                            _money(r["payment"]))
                for r in self.rows(ENQUIRIES, year)]

    def actions(self, year: FinancialYear) -> list[ActionFact]:
        day = self.day
        return [ActionFact(day[r["due"]], day[r["done"]]) for r in self.rows(ACTIONS, year)]

    def received_counts(self, year: FinancialYear) -> tuple[dict[str, int], dict[str, int]]:
        """Cases received in ``year`` by kind, and statutory complaints by month."""
        by_kind: dict[str, int] = defaultdict(int)
        by_month: dict[str, int] = defaultdict(int)
        for r in self.rows(RECEIVED, year):
            by_kind[r["kind"]] += r["cases"]
            if r["kind"] == Kind.STATUTORY:
                by_month[year.month_key(self.day[r["received"]])] += r["cases"]  # type: ignore[arg-type]
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


class WriteWatch:
    """Whether a database may have changed since last asked, for figures kept between visits to the screen.

    SQLite: ``PRAGMA data_version`` on a connection of the watch's own, which changes with every commit made
    by any other connection (another process's, or this one's writes through the store). It costs microseconds
    where the figures cost ~1 s. PostgreSQL has no such cheap signal: ``version`` is None, nothing is kept.
    """

    def __init__(self, path: Path | None) -> None:
        self._lock = threading.Lock()  # one connection, asked from more than one worker thread
        self._connection = None if path is None else sqlite3.connect(path, check_same_thread=False)

    def version(self) -> int | None:
        if self._connection is None:
            return None
        with self._lock:
            return int(self._connection.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        if self._connection is not None:
            with self._lock:
                self._connection.close()
                self._connection = None


def year_figures(db: Database, config: Config, year: FinancialYear, *, years: int | None = None,
                 as_of: date | None = None) -> Figures:
    """The year-end tables of ``year`` from an open ``Database`` (tests, the TUI, PostgreSQL)."""
    with db.dbapi() as connection:
        return FiguresSource(connection, config, db.placeholder).figures(year, years=years, as_of=as_of)
