"""A case as its letters see it (``domain.letters.LetterCase``), read from the case screen's own view
(``case_detail``): the running due date a letter quotes is the one the case screen shows, by construction."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from domain.calendar import WorkingCalendar
from domain.letters import LetterCase, LetterStage
from domain.timescales import RuleBook
from store.db.database import Database
from store.db.models import Case, Stage
from store.views.case import CaseDetail, case_detail


def letter_case(db: Database, reference: str, today: date, calendar: WorkingCalendar,
                rules: RuleBook) -> tuple[LetterCase, CaseDetail]:
    """The case called ``reference`` for its letters, and the case screen's detail it was made from."""
    detail = case_detail(db, reference, today, calendar, rules)
    with db.read() as session:
        case = session.get(Case, detail.id)
        rows = list(session.exec(select(Stage).where(Stage.case_id == detail.id)
                                 .order_by(col(Stage.number), col(Stage.round))))
    live_due = detail.stage_clock.deadline.due if detail.stage_clock.deadline else None
    live_id = max((i for i, row in enumerate(rows) if row.due is not None), default=None)
    stages = []
    for i, (row, line) in enumerate(zip(rows, detail.stages, strict=True)):
        stages.append(LetterStage(
            row.number, line.name, row.requested, row.responded, row.declined, row.declined_reason,
            row.extended_on, None, live_due if i == live_id else None, row.panel_on,
            tuple((text, finding) for text, finding in line.findings),
            tuple((role, name) for role, name, _ in line.people), row.outcome))
    person = detail.person
    ack_due = case.ack_due if case is not None else None
    if detail.due_for == "Acknowledgement" and detail.clock.deadline is not None:
        ack_due = detail.clock.deadline.due  # what the case screen shows first
    return LetterCase(
        reference=detail.reference, kind=detail.kind, received=detail.received,
        complainant=person.name if person else None, salutation=person.salutation if person else None,
        address=person.address if person else None, email=person.email if person else None,
        group=detail.group, child=detail.child_name, officer=detail.officer, acknowledged=detail.acknowledged,
        acknowledgement_due=ack_due, stages=tuple(stages),
        actions=tuple((what, owner, due) for _, what, owner, due, done in detail.actions if done is None),
        ombudsman=tuple((received, decision) for received, decision, *_ in detail.ombudsman),
        persistent=bool(person and person.persistent), persistent_start=person.persistent_start if person else None,
        persistent_review=person.persistent_review if person else None,
        persistent_contact=person.persistent_contact if person else None,
        persistent_arrangements=person.persistent_arrangements if person else None,
        closed=detail.closed), detail
