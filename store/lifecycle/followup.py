"""Transitions after and around the procedure: the Ombudsman, learning actions, persistent
complainants."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from domain.lifecycle import check_date
from domain.timescales import RuleError
from domain.vocab import LgoDecision, LgoEnquiryType, Remedy, parse_choice
from store.db.models import (
    Case,
    LearningAction,
    OmbudsmanEnquiry,
    Person,
)
from store.lifecycle.base import row_id
from store.lifecycle.escalation import EscalationMixin, money

#: How long a persistent-complaints arrangement runs before its review, by default.
REVIEW_AFTER = relativedelta(months=6)


def _enum(enum: type, value: str, what: str) -> str:
    try:
        return str(parse_choice(enum, value, what).value)
    except ValueError as exc:
        raise RuleError(str(exc)) from None


def _lgo_due(enquiry: OmbudsmanEnquiry) -> date | None:
    """What the council owes the Ombudsman next: a response, else compliance with a remedy."""
    if enquiry.responded is None and enquiry.decision is None and enquiry.respond_by:
        return enquiry.respond_by
    if enquiry.compliance_due and enquiry.complied is None:
        return enquiry.compliance_due
    return None


class FollowUpMixin(EscalationMixin):
    # -- the Ombudsman ------------------------------------------------------------------------

    def _enquiry(self, session: Session, case: Case) -> OmbudsmanEnquiry:
        enquiry = session.exec(select(OmbudsmanEnquiry).where(OmbudsmanEnquiry.case_id == case.id)
                               .order_by(col(OmbudsmanEnquiry.id).desc())).first()
        if enquiry is None:
            raise RuleError(f"{case.reference} has no Ombudsman enquiry")
        return enquiry

    def lgo_enquiry(self, reference: str, received: date | None = None, *, enquiry_type: str | None = None,
                    respond_by: date | None = None, lgo_reference: str | None = None,
                    expected_version: int | None = None) -> None:
        received = received or self.today()
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            check_date("Ombudsman enquiry received", received, self.today(), ("date received", case.received))
            if respond_by is not None and respond_by < received:
                raise RuleError("the Ombudsman's respond-by date is before the enquiry was received")
            enquiry = OmbudsmanEnquiry(case_id=row_id(case), received=received, respond_by=respond_by,
                                       lgo_reference=lgo_reference,
                                       enquiry_type=_enum(LgoEnquiryType, enquiry_type, "enquiry type")
                                       if enquiry_type else None)
            enquiry.due = _lgo_due(enquiry)
            session.add(enquiry)
            self._event(session, case, "ombudsman enquiry", "received", None, received)
            self._touch(case)

    def lgo_response(self, reference: str, on: date | None = None, *, expected_version: int | None = None) -> None:
        on = on or self.today()
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            enquiry = self._enquiry(session, case)
            check_date("response to the Ombudsman", on, self.today(), ("enquiry", enquiry.received))
            enquiry.responded = on
            enquiry.due = _lgo_due(enquiry)
            self._event(session, case, "ombudsman responded", None, None, on)
            self._touch(case)

    def lgo_decision(self, reference: str, decision: str, on: date | None = None, *,
                     expected_version: int | None = None) -> None:
        on = on or self.today()
        value = _enum(LgoDecision, decision, "Ombudsman decision")
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            enquiry = self._enquiry(session, case)
            check_date("Ombudsman decision", on, self.today(), ("enquiry", enquiry.received))
            old = enquiry.decision
            enquiry.decision, enquiry.decided = value, on
            enquiry.due = _lgo_due(enquiry)
            self._event(session, case, "ombudsman decision", "decision", old, value)
            self._touch(case)

    def lgo_remedy(self, reference: str, remedies: Iterable[str], *, payment: Decimal | str | None = None,
                   compliance_due: date | None = None, expected_version: int | None = None) -> None:
        values = [_enum(Remedy, r, "remedy") for r in remedies]
        if not values:
            raise RuleError("a remedy names at least one of: " + ", ".join(r.value for r in Remedy))
        amount = money(payment) if payment is not None else None
        if amount is not None and Remedy.PAYMENT.value not in values:
            values.append(Remedy.PAYMENT.value)
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            enquiry = self._enquiry(session, case)
            if compliance_due is not None and compliance_due < enquiry.received:
                raise RuleError("the compliance date is before the Ombudsman's enquiry")
            enquiry.remedy, enquiry.payment, enquiry.compliance_due = ";".join(values), amount, compliance_due
            enquiry.complied = None
            enquiry.due = _lgo_due(enquiry)
            self._event(session, case, "ombudsman remedy", "remedy", None, enquiry.remedy)
            self._touch(case)

    def lgo_complied(self, reference: str, on: date | None = None, *, expected_version: int | None = None) -> None:
        on = on or self.today()
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            enquiry = self._enquiry(session, case)
            if not enquiry.remedy:
                raise RuleError(f"the Ombudsman's enquiry on {case.reference} has no remedy to comply with")
            check_date("compliance", on, self.today(), ("enquiry", enquiry.received))
            enquiry.complied = on
            enquiry.due = _lgo_due(enquiry)
            self._event(session, case, "ombudsman remedy complied", None, None, on)
            self._touch(case)

    # -- learning ----------------------------------------------------------------------------

    def add_action(self, reference: str, description: str, *, owner: str | None = None,
                   due: date | None = None) -> int:
        if not description.strip():
            raise RuleError("a learning action says what will change")
        with self._writing() as session:
            case = self._case(session, reference)
            action = LearningAction(case_id=row_id(case), description=description.strip(), owner=owner, due=due)
            session.add(action)
            session.flush()
            self._event(session, case, "learning action added", owner, None, due)
            self._touch(case)
            assert action.id is not None
            return action.id

    def complete_action(self, action_id: int, on: date | None = None) -> None:
        on = on or self.today()
        with self._writing() as session:
            action = session.get(LearningAction, action_id)
            if action is None:
                raise RuleError(f"there is no learning action {action_id}")
            if action.done is not None:
                raise RuleError(f"learning action {action_id} was done on {action.done:%d/%m/%Y}")
            check_date("action done", on, self.today())
            action.done = on
            case = session.get(Case, action.case_id)
            self._event(session, case, "learning action done", str(action_id), None, on)
            if case is not None:
                self._touch(case)

    # -- persistent complainants -------------------------------------------------------------

    def flag_persistent(self, reference: str, *, contact: str, arrangements: str, start: date | None = None,
                        review: date | None = None) -> date:
        """Put the complainant of a case under the persistent-complaints procedure. Returns the review date."""
        start = start or self.today()
        if not contact.strip() or not arrangements.strip():
            raise RuleError("the persistent-complaints procedure needs a single point of contact and the "
                            "agreed contact arrangements")
        review = review or start + REVIEW_AFTER
        if review <= start:
            raise RuleError("the review date must come after the start")
        with self._writing() as session:
            case = self._case(session, reference)
            person = session.get(Person, case.person_id) if case.person_id else None
            if person is None:
                raise RuleError(f"{case.reference} has no complainant recorded")
            person.persistent, person.persistent_start, person.persistent_review = True, start, review
            person.persistent_contact, person.persistent_arrangements = contact.strip(), arrangements.strip()
            self._event(session, case, "persistent procedure", "persistent", False, True,
                        f"review by {review.isoformat()}")
            self._touch(case)
            return review

    def unflag_persistent(self, reference: str, reason: str) -> None:
        if not reason.strip():
            raise RuleError("ending the persistent-complaints procedure needs a reason")
        with self._writing() as session:
            case = self._case(session, reference)
            person = session.get(Person, case.person_id) if case.person_id else None
            if person is None or not person.persistent:
                raise RuleError(f"the complainant of {case.reference} is not under the persistent procedure")
            person.persistent = False
            self._event(session, case, "persistent procedure", "persistent", True, False, reason.strip())
            self._touch(case)
