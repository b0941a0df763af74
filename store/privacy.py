"""Data protection: everything held about one person (a subject access request), and retention.

Retention anonymises the personal fields of cases closed more than N years ago: names, contact
details, descriptions and free text go; dates, kinds, outcomes, themes, teams and costs stay,
so the year-end figures of past years do not change. Every anonymised case keeps an event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from domain.lifecycle import require_manager
from domain.timescales import RuleError
from store.database import Database
from store.models import (
    Assignment,
    Case,
    CaseTheme,
    ComplaintIssue,
    Event,
    LearningAction,
    OmbudsmanEnquiry,
    Person,
    ServiceArea,
    Stage,
    Team,
    Theme,
)
from store.service_base import ServiceBase, name_key


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def _row(obj: Any, *skip: str) -> dict[str, Any]:
    return {k: _plain(v) for k, v in obj.model_dump().items() if k not in ("id", *skip) and v not in (None, "")}


def find_person(session: Session, who: str) -> Person:
    """A person by complainant_id, else by name; several people of one name is an error that says so."""
    person = session.exec(select(Person).where(Person.external_id == who.strip())).first()
    if person is not None:
        return person
    matches = list(session.exec(select(Person).where(Person.name_key == name_key(who))))
    if not matches:
        raise RuleError("no person has that complainant_id or name")
    if len(matches) > 1:
        ids = ", ".join(m.external_id or f"#{m.id}" for m in matches)
        raise RuleError(f"{len(matches)} people have that name; name one by complainant_id: {ids}")
    return matches[0]


def person_record(db: Database, who: str) -> dict[str, Any]:
    """Everything held about one person and their cases, for a subject access request."""
    with db.read() as session:
        person = find_person(session, who)
        cases = []
        for case in session.exec(select(Case).where(Case.person_id == person.id).order_by(col(Case.received))):
            area = session.get(ServiceArea, case.service_area_id) if case.service_area_id else None
            team = session.get(Team, case.team_id) if case.team_id else None
            themes = session.exec(select(Theme.name).join(CaseTheme, col(CaseTheme.theme_id) == Theme.id)
                                  .where(CaseTheme.case_id == case.id)).all()
            stages = []
            for stage in session.exec(select(Stage).where(Stage.case_id == case.id).order_by(col(Stage.id))):
                issues = session.exec(select(ComplaintIssue).where(ComplaintIssue.stage_id == stage.id)).all()
                costs = session.exec(select(Assignment).where(Assignment.stage_id == stage.id)).all()
                stages.append({**_row(stage, "case_id", "step", "due"),
                               "issues": [_row(i, "stage_id") for i in issues],
                               "independent_people": [_row(a, "stage_id", "person_id") for a in costs]})
            cases.append({
                **_row(case, "person_id", "service_area_id", "team_id", "officer_id", "linked_case_id", "version"),
                "service_area": area.name if area else None, "team": team.name if team else None,
                "themes": list(themes), "stages": stages,
                "ombudsman": [_row(e, "case_id") for e in session.exec(
                    select(OmbudsmanEnquiry).where(OmbudsmanEnquiry.case_id == case.id))],
                "learning_actions": [_row(a, "case_id") for a in session.exec(
                    select(LearningAction).where(LearningAction.case_id == case.id))],
                "history": [_row(e, "case_id") for e in session.exec(
                    select(Event).where(Event.case_id == case.id).order_by(col(Event.id)))],
            })
        return {"person": _row(person), "cases": cases,
                "produced": datetime.now(UTC).replace(microsecond=0).isoformat()}


#: What an anonymised case's closing reason says (the reason itself may have named someone).
ANONYMISED = "anonymised"


@dataclass
class RetentionPlan:
    cutoff: date
    references: list[str]
    people: int


class Retention(ServiceBase):
    """Cases closed before a cut-off, and anonymising them (manager only)."""

    @staticmethod
    def _due(cutoff: date) -> Any:
        """Cases with no stage open whose last step (closing, response, decline) came before ``cutoff``."""
        open_cases = select(Stage.case_id).where(col(Stage.due).is_not(None))
        last_stage = (select(sa.func.max(sa.func.coalesce(Stage.responded, Stage.declined)))
                      .where(Stage.case_id == Case.id).scalar_subquery())
        ended = sa.func.coalesce(Case.closed, last_stage)
        return sa.and_(ended.is_not(None), ended < cutoff, col(Case.id).not_in(open_cases),
                       col(Case.closed_reason).is_distinct_from(ANONYMISED))

    def plan(self, years: int) -> RetentionPlan:
        """What ``apply`` would anonymise: references and the number of people (no rows loaded as objects)."""
        cutoff = self.today() - relativedelta(years=years)
        with self.db.read() as session:
            rows = session.exec(select(Case.reference, Case.person_id).where(self._due(cutoff))
                                .order_by(col(Case.id))).all()
            return RetentionPlan(cutoff, [r for r, _ in rows], len({p for _, p in rows if p is not None}))

    def apply(self, years: int) -> RetentionPlan:
        require_manager(self.role, "anonymising old cases")
        cutoff = self.today() - relativedelta(years=years)
        with self._writing() as session:
            cases = list(session.exec(select(Case).where(self._due(cutoff)).order_by(col(Case.id))))
            for case in cases:
                self._anonymise_case(session, case)
            session.flush()
            people = {c.person_id for c in cases if c.person_id is not None}
            for pid in people:
                still_held = session.exec(select(Case.id).where(Case.person_id == pid, col(Case.closed_reason)
                                                                .is_distinct_from(ANONYMISED))).first()
                person = session.get(Person, pid)
                if person is not None and still_held is None:
                    _anonymise_person(person)
            return RetentionPlan(cutoff, [c.reference for c in cases], len(people))

    def _anonymise_case(self, session: Session, case: Case) -> None:
        self._anonymise_history(session, case, f"closed before {self.today().isoformat()} less the retention period")
        case.child_name = case.summary = None
        case.closed_reason = ANONYMISED
        for stage in session.exec(select(Stage).where(Stage.case_id == case.id)):
            stage.declined_reason = stage.paused_reason = stage.override_reason = None
            for issue in session.exec(select(ComplaintIssue).where(ComplaintIssue.stage_id == stage.id)):
                issue.description = None
        for action in session.exec(select(LearningAction).where(LearningAction.case_id == case.id)):
            action.description, action.owner = "(removed under the retention policy)", None
        self._touch(case)


def _anonymise_person(person: Person) -> None:
    person.name = person.name_key = f"anonymised person {person.id}"
    person.external_id = None
    person.email = person.phone = person.address = None
    person.persistent_contact = person.persistent_arrangements = None
    person.anonymised = True
