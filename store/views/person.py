"""Everything the person screen shows about one complainant: who, the persistent procedure, every contact."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import col, select

from domain.lifecycle import stage_name
from domain.timescales import NotFound, RuleError
from store.db.database import Database
from store.db.models import Case, PersistentReview, Person, Stage


@dataclass(frozen=True)
class Contact:
    """One of the person's cases."""

    reference: str
    kind: str
    received: date
    stage: str  # the latest stage, or "—"
    state: str  # "open", "closed on 12/11/2026"
    outcome: str | None


@dataclass
class PersonDetail:
    name: str
    external_id: str | None
    group: str | None
    email: str | None
    phone: str | None
    persistent: bool
    persistent_start: date | None
    persistent_review: date | None
    persistent_contact: str | None
    persistent_arrangements: str | None
    contacts: list[Contact] = field(default_factory=list)  # newest first, all of them
    persistent_ended: date | None = None
    #: Reviews of the persistent-complaints procedure, newest first: on, outcome, next review, note, by whom.
    reviews: list[tuple[date, str, date | None, str | None, str]] = field(default_factory=list)

    @property
    def repeat(self) -> bool:
        return len(self.contacts) > 1


def person_of_case(db: Database, reference: str) -> PersonDetail:
    """The complainant of the case ``reference``, with all their cases; RuleError if it names nobody."""
    with db.read() as session:
        case = session.exec(select(Case).where(Case.reference == reference.strip())).first()
        if case is None:
            raise NotFound(f"no case has the reference {reference!r}")
        person = session.get(Person, case.person_id) if case.person_id is not None else None
        if person is None:
            raise RuleError(f"{case.reference} names no complainant")
        detail = PersonDetail(person.name, person.external_id, person.complainant_group, person.email, person.phone,
                              person.persistent, person.persistent_start, person.persistent_review,
                              person.persistent_contact, person.persistent_arrangements,
                              persistent_ended=person.persistent_ended)
        detail.reviews = [(r.reviewed_on, r.outcome, r.next_review, r.note, r.reviewed_by) for r in session.exec(
            select(PersistentReview).where(PersistentReview.person_id == person.id)
            .order_by(col(PersistentReview.reviewed_on).desc(), col(PersistentReview.id).desc()))]
        cases = list(session.exec(select(Case).where(Case.person_id == person.id)
                                  .order_by(col(Case.received).desc(), col(Case.id).desc())))
        latest: dict[int, Stage] = {}  # each case's latest stage, from one query
        for stage in session.exec(select(Stage).where(col(Stage.case_id).in_([c.id for c in cases]))
                                  .order_by(col(Stage.number), col(Stage.round))):
            latest[stage.case_id] = stage
        for c in cases:
            last = latest.get(c.id or 0)
            open_ = c.closed is None and (last is None or last.due is not None)
            state = "open" if open_ else f"closed {c.closed:%d/%m/%Y}" if c.closed else "closed"
            detail.contacts.append(Contact(c.reference, c.kind, c.received, stage_name(last) if last else "—",
                                           state, last.outcome if last else None))
        return detail
