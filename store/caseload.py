"""The caseload: open work, one row per live stage, in pages read from SQL.

Pages are keyset queries on the indexed ``(due, id)`` of live stages, so the first screen and
every next page cost the same however much history the database holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from domain.calendar import WorkingCalendar
from domain.clock import State, classify
from domain.timescales import RuleBook
from store.database import Database
from store.digest import describe_stage

PAGE = """SELECT s.id, s.due, c.reference, c.kind, s.number, s.round, s.step, s.paused_since,
    p.name, p.persistent, c.complainant_group, c.advocate, t.name, o.name, c.received
  FROM stage s JOIN "case" c ON c.id = s.case_id
  LEFT JOIN person p ON p.id = c.person_id LEFT JOIN team t ON t.id = c.team_id
  LEFT JOIN officer o ON o.id = c.officer_id
  WHERE s.due IS NOT NULL AND (s.due > :due OR (s.due = :due AND s.id > :id))
  ORDER BY s.due, s.id LIMIT :limit"""


_PAGE_QUERY = sa.text(PAGE).bindparams(sa.bindparam("due", type_=sa.Date))


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
    due: date
    left: int
    state: State

    @property
    def key(self) -> tuple[date, int]:
        """Where the next page starts."""
        return self.due, self.stage_id


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def caseload_page(db: Database, today: date, calendar: WorkingCalendar, rules: RuleBook, *,
                  after: tuple[date, int] | None = None, limit: int = 200) -> list[CaseloadRow]:
    """The next ``limit`` live stages after ``after`` (the start when None), earliest due first."""
    due, sid = after or (date.min, 0)
    with db.engine.connect() as conn:
        rows = conn.execute(_PAGE_QUERY, {"due": due, "id": sid, "limit": limit}).all()
    page = []
    for (stage_id, due_on, ref, kind, number, round_, step, paused, name, persistent, group, advocate,
         team, officer, received) in rows:
        due_date = _date(due_on)
        relaxed = rules.relaxed(kind, step or "", due_date) is not None
        state, left = classify(due_date, today, calendar, paused=paused is not None, relaxed=relaxed)
        page.append(CaseloadRow(stage_id, ref, kind, describe_stage(kind, number, round_, step), name or "",
                                bool(persistent), group == "child", advocate is not None, team or "",
                                officer or "", _date(received), due_date, left, state))
    return page


def count_cases(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(sa.text('SELECT count(*) FROM "case"')).scalar() or 0)
