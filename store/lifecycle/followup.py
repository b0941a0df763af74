"""Transitions after and around the procedure: the Ombudsman, learning actions, persistent
complainants."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from domain import limits
from domain.lifecycle import check_date
from domain.limits import check_text
from domain.persistent import persistent_warning as warning_text
from domain.timescales import RuleError
from domain.vocab import LgoDecision, LgoEnquiryType, PersistentOutcome, Remedy, parse_choice
from store.db.models import (
    Case,
    LearningAction,
    OmbudsmanEnquiry,
    PersistentReview,
    Person,
)
from store.db.names import name_key
from store.lifecycle.base import row_id
from store.lifecycle.escalation import EscalationMixin, money

#: How long a persistent-complaints arrangement runs before its review, by default.
REVIEW_AFTER = relativedelta(months=6)


def _enum(enum: type, value: str, what: str) -> str:
    try:
        return str(parse_choice(enum, value, what).value)
    except ValueError as exc:
        raise RuleError(str(exc)) from None


def _text(text: str | None, limit: int, what: str, *, multiline: bool = False) -> str | None:
    """``text`` checked against its limit (None when blank); a refusal names ``what``."""
    if text is None:
        return None
    try:
        return check_text(text, limit, multiline=multiline) or None
    except RuleError as exc:
        raise RuleError(f"{what} {exc}") from None


def _lgo_due(enquiry: OmbudsmanEnquiry) -> date | None:
    """What the council owes the Ombudsman next: a response, else compliance with a remedy."""
    if enquiry.responded is None and enquiry.decision is None and enquiry.respond_by:
        return enquiry.respond_by
    if enquiry.compliance_due and enquiry.complied is None:
        return enquiry.compliance_due
    return None


def persistent_warning(session: Session, name: str | None, person: Person | None = None) -> str | None:
    """The warning for a case logged for ``person``, or for someone whose name matches (by ``name_key``) a
    person under the persistent-complaints procedure; None if neither is under it. Indexed: ``person.name_key``."""
    found = person if person is not None and person.persistent else None
    key = name_key(name) if name else ""
    if found is None and key:
        found = session.exec(select(Person).where(Person.name_key == key, col(Person.persistent))
                             .order_by(col(Person.id))).first()
    if found is None:
        return None
    return warning_text(found.name, found.persistent_start, found.persistent_contact, found.persistent_arrangements)


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
        amount = money(payment, "the Ombudsman payment") if payment is not None else None
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

    def complete_action(self, action_id: int, done_note: str, on: date | None = None, *,
                        reference: str | None = None, expected_version: int | None = None) -> None:
        """Mark a learning action done with what was done ("you said, we did"). ``reference``: the case it
        must belong to (the TUI's and the CLI's case), checked at ``expected_version`` when given."""
        on = on or self.today()
        note = _text(done_note, limits.TEXT, f"what was done (learning action {action_id})", multiline=True)
        if note is None:
            raise RuleError(f"learning action {action_id}: say what was done (\"you said, we did\")")
        with self._writing() as session:
            action = session.get(LearningAction, action_id)
            if reference is not None:
                case = self._case(session, reference, expected_version)
                if action is not None and action.case_id != case.id:
                    raise RuleError(f"learning action {action_id} is not one of {case.reference}'s: see its "
                                    "Learning tab for its actions' numbers")
            if action is None:
                raise RuleError(f"there is no learning action {action_id}")
            if action.done is not None:
                raise RuleError(f"learning action {action_id} was done on {action.done:%d/%m/%Y}")
            found = session.get(Case, action.case_id)
            assert found is not None
            check_date("action done", on, self.today())
            action.done, action.done_note = on, note
            self._event(session, found, "action done", f"action {action_id}", None, note)
            self._touch(found)

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
            person.persistent_ended = None
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

    def _under_procedure(self, session: Session, case: Case) -> Person:
        person = session.get(Person, case.person_id) if case.person_id else None
        if person is None or not person.persistent:
            raise RuleError(f"the complainant of {case.reference} is not under the persistent-complaints procedure")
        return person

    def review_persistent(self, reference: str, outcome: str, *, next_review: date | None = None,
                          note: str | None = None, on: date | None = None, contact: str | None = None,
                          arrangements: str | None = None, expected_version: int | None = None) -> date | None:
        """Review the persistent-complaints procedure of the complainant of ``reference``: continue it (next
        review: six months by default), vary it (a new single point of contact or arrangements), or end it.
        Stored as a ``PersistentReview`` and as events on this case. Returns the next review (None: ended)."""
        try:
            chosen = PersistentOutcome(parse_choice(PersistentOutcome, outcome, "review outcome"))
        except ValueError as exc:
            raise RuleError(str(exc)) from None
        on = on or self.today()
        note = _text(note, limits.TEXT, "the review's note", multiline=True)
        contact = _text(contact, limits.NAME, "the single point of contact")
        arrangements = _text(arrangements, limits.TEXT, "the contact arrangements", multiline=True)
        if chosen is PersistentOutcome.VARY and contact is None and arrangements is None:
            raise RuleError("varying the persistent-complaints procedure needs a new single point of contact or "
                            "new contact arrangements")
        if chosen is not PersistentOutcome.VARY and (contact or arrangements):
            raise RuleError("a new contact or new arrangements are given when varying the procedure (outcome vary)")
        if chosen is PersistentOutcome.END and next_review is not None:
            raise RuleError("an ended procedure has no next review")
        if chosen is not PersistentOutcome.END:
            next_review = next_review or on + REVIEW_AFTER
            if next_review <= on:
                raise RuleError("the next review must come after this review")
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            person = self._under_procedure(session, case)
            if person.persistent_start:
                check_date("persistent review", on, self.today(), ("start of the procedure", person.persistent_start))
            else:
                check_date("persistent review", on, self.today())
            session.add(PersistentReview(person_id=row_id(person), reviewed_on=on, outcome=chosen.value,
                                         next_review=next_review, note=note, reviewed_by=self.user))
            action = "persistent review"
            self._event(session, case, action, "outcome", None, chosen.value, note)
            if contact is not None and contact != person.persistent_contact:
                self._set(session, case, person, "persistent_contact", contact, action, note)
            if arrangements is not None and arrangements != person.persistent_arrangements:
                self._set(session, case, person, "persistent_arrangements", arrangements, action, note)
            if chosen is PersistentOutcome.END:
                self._set(session, case, person, "persistent", False, action, note)
                self._set(session, case, person, "persistent_ended", on, action, note)
                person.persistent_review = None  # nothing due: the reviews keep the history
            else:
                self._set(session, case, person, "persistent_review", next_review, action, note)
            self._touch(case)
            return next_review

    def vary_persistent(self, reference: str, *, contact: str | None = None, arrangements: str | None = None,
                        note: str | None = None, on: date | None = None, next_review: date | None = None,
                        expected_version: int | None = None) -> date | None:
        """Change the single point of contact or the arrangements: a review with the outcome vary."""
        return self.review_persistent(reference, PersistentOutcome.VARY.value, next_review=next_review, note=note,
                                      on=on, contact=contact, arrangements=arrangements,
                                      expected_version=expected_version)
