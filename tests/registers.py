"""Build test registers straight into a database: cases with the dates, stages and costs a seed describes.

Rows go in through the ORM with the dates given, as an imported register would put them, so
the year-end figures are tested end to end: SQL queries, facts, counting rules.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from domain.calendar import WorkingCalendar
from store.db.database import Database
from store.db.models import (
    Assignment,
    Case,
    CaseTheme,
    ComplaintIssue,
    LearningAction,
    OmbudsmanEnquiry,
    Person,
    ServiceArea,
    Stage,
    Theme,
)

CAL = WorkingCalendar.for_region("ENG")


class Register:
    """Collects rows and writes them in one transaction on ``save()``."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.rows: list[object] = []
        self.ids = itertools.count(1)
        self.stage_ids = itertools.count(1)
        self.people: dict[str, int] = {}
        self.themes: dict[str, int] = {}
        self.areas: dict[str, int] = {}
        self.seq = itertools.count(1)

    def _named(self, table: dict[str, int], model: type, name: str) -> int:
        if name not in table:
            table[name] = len(table) + 1
            self.rows.append(model(id=table[name], name=name))
        return table[name]

    def person(self, key: str) -> int:
        if key not in self.people:
            pid = len(self.people) + 1
            self.people[key] = pid
            self.rows.append(Person(id=pid, name=f"Person {key}", name_key=f"person {key}", external_id=key))
        return self.people[key]

    def case(self, kind: str, received: date, *, channel: str | None = None, group: str | None = None,
             themes: tuple[str, ...] = (), area: str | None = None, person: str | None = None,
             advocate: str | None = None, closed: date | None = None) -> int:
        cid = next(self.ids)
        self.rows.append(Case(
            id=cid, reference=f"T-{next(self.seq):06d}", kind=kind, received=received, channel=channel,
            complainant_group=group, advocate=advocate, person_id=self.person(person) if person else None,
            service_area_id=self._named(self.areas, ServiceArea, area) if area else None, closed=closed))
        for theme in themes:
            self.rows.append(CaseTheme(case_id=cid, theme_id=self._named(self.themes, Theme, theme)))
        return cid

    def stage(self, case_id: int, procedure: str, number: int, requested: date, *, responded: date | None = None,
              outcome: str | None = None, round: int = 0, **dates: object) -> int:
        sid = next(self.stage_ids)
        self.rows.append(Stage(id=sid, case_id=case_id, procedure=procedure, number=number, round=round,
                               requested=requested, responded=responded, outcome=outcome, **dates))
        return sid

    def complaint(self, received: date, taken: int | None = None, *, kind: str = "statutory",
                  outcome: str | None = "not_upheld", extended_on: date | None = None, **case: object) -> int:
        """A complaint answered ``taken`` working days after receipt (None: still open)."""
        cid = self.case(kind, received, **case)  # type: ignore[arg-type]
        responded = CAL.add(received, taken) if taken is not None else None
        self.stage(cid, kind, 1, received, responded=responded, outcome=outcome if responded else None,
                   extended_on=extended_on, extended_days=20 if extended_on else None)
        return cid

    def issues(self, stage_id: int, findings: list[str]) -> None:
        for n, finding in enumerate(findings, start=1):
            self.rows.append(ComplaintIssue(stage_id=stage_id, number=n, finding=finding))

    def cost(self, stage_id: int, amount: str, role: str = "investigating_officer") -> None:
        self.rows.append(Assignment(stage_id=stage_id, role=role, cost=Decimal(amount)))

    def lgo(self, case_id: int, received: date, decided: date | None = None, decision: str | None = None,
            payment: str | None = None) -> None:
        self.rows.append(OmbudsmanEnquiry(case_id=case_id, received=received, decided=decided, decision=decision,
                                          payment=Decimal(payment) if payment else None))

    def action(self, case_id: int, due: date, done: date | None = None) -> None:
        self.rows.append(LearningAction(case_id=case_id, description="Share the learning", due=due, done=done))

    def save(self) -> None:
        with self.db.write() as session:
            for model in (ServiceArea, Theme, Person, Case, CaseTheme, Stage, ComplaintIssue, Assignment,
                          OmbudsmanEnquiry, LearningAction):
                session.add_all([r for r in self.rows if type(r) is model])
                session.flush()
        self.rows = []


def spread(total: int, start: date, days: int = 200) -> list[date]:
    """``total`` receipt dates spread over ``days`` calendar days from ``start`` (all working days)."""
    out = []
    for i in range(total):
        day = start.fromordinal(start.toordinal() + (i * days) // max(total, 1))
        while not CAL.is_working_day(day):
            day = day.fromordinal(day.toordinal() + 1)
        out.append(day)
    return out
