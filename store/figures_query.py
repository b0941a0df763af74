"""Loading one financial year's facts for the year-end figures, through indexed date ranges.

Each query selects by a date range on an indexed column (received, requested, responded,
declined, decided, done), so a year costs about the same however much history surrounds it.
Stages still open, or answered after the year, are found through the ``responded`` index too:
their number grows with the years after the one asked for, never with the years before it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from domain.config import Config
from domain.facts import ActionFact, CaseFact, EnquiryFact, StageFact, YearFacts
from domain.figures import Figures, compute
from domain.year import FinancialYear
from store.database import Database
from store.models import (
    Assignment,
    Case,
    CaseTheme,
    ComplaintIssue,
    LearningAction,
    OmbudsmanEnquiry,
    ServiceArea,
    Stage,
    Theme,
)

case_t: sa.Table = Case.__table__  # type: ignore[attr-defined]
stage_t: sa.Table = Stage.__table__  # type: ignore[attr-defined]
theme_t: sa.Table = Theme.__table__  # type: ignore[attr-defined]
case_theme_t: sa.Table = CaseTheme.__table__  # type: ignore[attr-defined]
area_t: sa.Table = ServiceArea.__table__  # type: ignore[attr-defined]
issue_t: sa.Table = ComplaintIssue.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
lgo_t: sa.Table = OmbudsmanEnquiry.__table__  # type: ignore[attr-defined]
action_t: sa.Table = LearningAction.__table__  # type: ignore[attr-defined]


def _themes(conn: sa.Connection, case_ids: sa.Select[Any]) -> dict[int, tuple[str, ...]]:
    rows = conn.execute(sa.select(case_theme_t.c.case_id, theme_t.c.name)
                        .join(theme_t, theme_t.c.id == case_theme_t.c.theme_id)
                        .where(case_theme_t.c.case_id.in_(case_ids))
                        .order_by(case_theme_t.c.case_id, theme_t.c.name))
    themes: dict[int, list[str]] = defaultdict(list)
    for case_id, name in rows:
        themes[case_id].append(name)
    return {k: tuple(v) for k, v in themes.items()}


def _received(conn: sa.Connection, year: FinancialYear) -> list[CaseFact]:
    in_year = case_t.c.received.between(year.start, year.end)
    first_outcome = (sa.select(stage_t.c.outcome)
                     .where(stage_t.c.case_id == case_t.c.id, stage_t.c.number == 1, stage_t.c.round == 0)
                     .limit(1).scalar_subquery())
    rows = conn.execute(
        sa.select(case_t.c.id, case_t.c.kind, case_t.c.received, case_t.c.channel, case_t.c.complainant_group,
                  case_t.c.advocate, area_t.c.name, case_t.c.person_id, first_outcome)
        .select_from(case_t.outerjoin(area_t, area_t.c.id == case_t.c.service_area_id))
        .where(in_year))
    themes = _themes(conn, sa.select(case_t.c.id).where(in_year))
    return [CaseFact(case_id=r[0], kind=r[1], received=r[2], channel=r[3], group=r[4], advocate=r[5],
                     service_area=r[6], person=r[7], themes=themes.get(r[0], ()), stage1_outcome=r[8])
            for r in rows]


def _stages(conn: sa.Connection, year: FinancialYear) -> tuple[list[StageFact], frozenset[int]]:
    s = stage_t.c
    live = sa.and_(s.requested <= year.end,
                   sa.or_(s.responded >= year.start, s.declined >= year.start,
                          sa.and_(s.responded.is_(None), s.declined.is_(None))))
    rows = conn.execute(
        sa.select(s.id, s.case_id, s.procedure, s.number, s.round, s.requested, s.accepted, s.declined,
                  s.statement_agreed, s.extended_on, s.extended_days, s.paused_days, s.panel_on, s.responded,
                  s.outcome, case_t.c.received, case_t.c.closed)
        .join(case_t, case_t.c.id == s.case_id).where(live)
        .order_by(s.case_id, s.number, s.round)).all()
    answered = sa.select(s.id).where(s.responded.between(year.start, year.end))
    findings: dict[int, list[str | None]] = defaultdict(list)
    for stage_id, finding in conn.execute(sa.select(issue_t.c.stage_id, issue_t.c.finding)
                                          .where(issue_t.c.stage_id.in_(answered.where(s.number == 2)))
                                          .order_by(issue_t.c.stage_id, issue_t.c.number)):
        findings[stage_id].append(finding)
    costs: dict[int, list[Decimal]] = defaultdict(list)
    for stage_id, cost in conn.execute(sa.select(assignment_t.c.stage_id, assignment_t.c.cost)
                                       .where(assignment_t.c.cost.is_not(None),
                                              assignment_t.c.stage_id.in_(answered.where(s.number >= 2)))):
        costs[stage_id].append(Decimal(cost).quantize(Decimal("0.01")))
    stage1_answered = sa.select(s.case_id).where(s.responded.between(year.start, year.end), s.number == 1)
    themes = _themes(conn, stage1_answered)
    escalated = frozenset(conn.scalars(sa.select(s.case_id).where(s.number == 2, s.case_id.in_(stage1_answered))))
    facts = [StageFact(case_id=r.case_id, procedure=r.procedure, number=r.number, round=r.round,
                       requested=r.requested, received=r.received, accepted=r.accepted, declined=r.declined,
                       statement_agreed=r.statement_agreed, extended_on=r.extended_on,
                       extended_days=r.extended_days, paused_days=r.paused_days or 0, panel_on=r.panel_on,
                       responded=r.responded, closed=r.closed, outcome=r.outcome,
                       findings=tuple(findings.get(r.id, ())), costs=tuple(costs.get(r.id, ())),
                       themes=themes.get(r.case_id, ()) if r.number == 1 else ())
             for r in rows]
    return facts, escalated


def _enquiries(conn: sa.Connection, year: FinancialYear) -> list[EnquiryFact]:
    e = lgo_t.c
    rows = conn.execute(sa.select(e.received, e.decided, e.decision, e.payment)
                        .where(e.received <= year.end, sa.or_(e.decided >= year.start, e.decided.is_(None))))
    return [EnquiryFact(r[0], r[1], r[2], None if r[3] is None else Decimal(r[3]).quantize(Decimal("0.01")))
            for r in rows]


def _actions(conn: sa.Connection, year: FinancialYear) -> list[ActionFact]:
    a = action_t.c
    rows = conn.execute(sa.select(a.due, a.done).where(sa.or_(a.due.between(year.start, year.end),
                                                              a.done.between(year.start, year.end))))
    return [ActionFact(r[0], r[1]) for r in rows]


def _received_counts(conn: sa.Connection, year: FinancialYear) -> tuple[dict[str, int], dict[str, int]]:
    """Cases received in ``year`` by kind, and statutory complaints by month."""
    by_kind: dict[str, int] = defaultdict(int)
    by_month: dict[str, int] = defaultdict(int)
    for kind, received in conn.execute(sa.select(case_t.c.kind, case_t.c.received)
                                       .where(case_t.c.received.between(year.start, year.end))):
        by_kind[kind] += 1
        if kind == "statutory":
            by_month[year.month_key(received)] += 1
    return dict(by_kind), dict(by_month)


def load_year(db: Database, year: FinancialYear, *, years: int = 3, as_of: date | None = None) -> YearFacts:
    """One year's facts, with received counts for ``years`` years back (the trend tables)."""
    with db.engine.connect() as conn:
        facts = YearFacts(year=year, as_of=as_of)
        facts.cases = _received(conn, year)
        facts.stages, facts.escalated = _stages(conn, year)
        facts.enquiries = _enquiries(conn, year)
        facts.actions = _actions(conn, year)
        for n in range(max(3, years)):
            y = year.back(n)
            facts.received_by_kind[y.label], facts.monthly_statutory[y.label] = _received_counts(conn, y)
    return facts


def year_figures(db: Database, config: Config, year: FinancialYear, *, years: int | None = None,
                 as_of: date | None = None) -> Figures:
    """The year-end tables of ``year`` from the database ``db``."""
    facts = load_year(db, year, years=years or 3, as_of=as_of)
    return compute(facts, config.calendar(), config.rules, years=years)


def years_with_data(db: Database) -> tuple[FinancialYear, FinancialYear] | None:
    """The first and last financial years with a case received, or None for an empty database."""
    with db.engine.connect() as conn:
        first, last = conn.execute(sa.select(sa.func.min(case_t.c.received), sa.func.max(case_t.c.received))).one()
    if first is None:
        return None
    return FinancialYear.containing(first), FinancialYear.containing(last)
