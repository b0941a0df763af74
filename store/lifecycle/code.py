"""The Ombudsman's Complaint Handling Code: acknowledging an escalation (and who handles Stage 2), contacts
not accepted as complaints, and the year's Ombudsman letter figures and self-assessment.

Decided here: a stage's handler is ``Stage.handler_id``; Stage 1's is its own or, when none is recorded, the
case's officer. Stage 2's is named when its escalation is acknowledged (the case's officer moves to them);
under the Code it must not be Stage 1's handler.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from domain import limits
from domain.lifecycle import check_date, check_open
from domain.limits import check_text
from domain.timescales import RuleError
from domain.vocab import CodeSection, Compliance, Exclusion, parse_choice
from store.db.models import Case, CodeSelfAssessment, Officer, OmbudsmanLetter
from store.lifecycle.base import ServiceBase, row_id

#: The rule a refused Stage 2 handler is told of.
SEPARATE_HANDLER = ("Complaint Handling Code (stages): the person who handled Stage 1 must not handle Stage 2")


def _choice(enum: type[Exclusion] | type[CodeSection] | type[Compliance], value: str, what: str) -> str:
    try:
        return str(parse_choice(enum, value, what))
    except ValueError as exc:
        raise RuleError(str(exc)) from None


class CodeMixin(ServiceBase):
    def _acknowledge_escalation(self, session: Session, case: Case, on: date, handler: str | None) -> bool:
        """Acknowledge a Code case's escalation (True), or leave the case's own acknowledgement to the caller."""
        stages = self._stages(session, case)
        live = [s for s in stages if s.due is not None]
        if not live or live[-1].number < 2 or not self.rules.under_code(case.kind, case.received):
            return False
        stage = live[-1]
        if stage.acknowledged is not None:
            raise RuleError(f"{case.reference}: the escalation to Stage {stage.number} was already acknowledged on "
                            f"{stage.acknowledged:%d/%m/%Y}")
        check_date("acknowledgement", on, self.today(), ("escalation request", stage.requested))
        first = next(s for s in stages if s.number == 1)
        stage1_handler = first.handler_id or case.officer_id
        chosen = self._named(session, Officer, handler, for_new_work=True, new=False) if handler and handler.strip() \
            else None
        if chosen is None:
            raise RuleError(f"{case.reference}: acknowledging Stage {stage.number} names its handler "
                            f"({SEPARATE_HANDLER})")
        handler_id = row_id(chosen)
        if stage1_handler is not None and handler_id == stage1_handler:
            raise RuleError(f"{case.reference}: {SEPARATE_HANDLER}")
        if first.handler_id is None:
            first.handler_id = case.officer_id
        old_due = stage.due
        stage.acknowledged, stage.handler_id = on, handler_id
        self._refresh(stage)
        self._event(session, case, "acknowledged", f"Stage {stage.number} due", old_due, stage.due,
                    f"escalation acknowledged on {on:%d/%m/%Y}")
        if case.officer_id != handler_id:
            before = session.get(Officer, case.officer_id) if case.officer_id else None
            self._event(session, case, "reassigned", "officer", before.name if before else None, chosen.name,
                        f"Stage {stage.number} handler")
            case.officer_id = handler_id
        case.ack_due = None
        self._touch(case)
        return True

    def not_accepted(self, reference: str, exclusion: str, note: str | None = None, on: date | None = None, *,
                     expected_version: int | None = None) -> None:
        """Record that a contact was not accepted as a complaint, with the exclusion that applied: the case
        closes (its open stage declined with the exclusion) and the annual report counts it."""
        on = on or self.today()
        value = _choice(Exclusion, exclusion, "exclusion")
        text = check_text(note, limits.TEXT, multiline=True) if note else None
        if value == Exclusion.OTHER and not (text or "").strip():
            raise RuleError("an exclusion of 'other' needs the reason in words")
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            if case.not_accepted is not None:
                raise RuleError(f"{case.reference} was already recorded as not accepted on "
                                f"{case.not_accepted:%d/%m/%Y}")
            stages = self._stages(session, case)
            if any(s.responded is not None for s in stages):
                raise RuleError(f"{case.reference} has had a response: it was accepted as a complaint")
            check_date("not accepted", on, self.today(), ("date received", case.received))
            reason = f"not accepted: {value.replace('_', ' ')}" + (f" ({text.strip()})" if text else "")
            for stage in stages:
                if stage.due is not None:
                    check_open(stage)
                    stage.declined, stage.declined_reason = on, reason
                    self._refresh(stage)
            case.exclusion, case.exclusion_note = value, text.strip() if text else None
            self._set(session, case, case, "not_accepted", on, "not accepted", reason)
            case.closed, case.closed_reason, case.ack_due = on, reason[:200], None
            self._touch(case)

    def record_letter(self, year: int, *, received: int, decided: int, upheld: int,
                      compliance_percent: int | None = None, remedied_by_council: int | None = None) -> None:
        """Enter (or correct) the Ombudsman's annual letter figures for the financial year starting in ``year``."""
        for name, value in (("received", received), ("decided", decided), ("upheld", upheld),
                            ("remedied by the council", remedied_by_council or 0)):
            if value < 0:
                raise RuleError(f"the letter's {name} cannot be negative ({value})")
        if upheld > decided:
            raise RuleError(f"the letter's upheld ({upheld}) cannot exceed its decisions ({decided})")
        if compliance_percent is not None and not 0 <= compliance_percent <= 100:
            raise RuleError(f"compliance with recommendations is a percentage, 0-100 ({compliance_percent})")
        with self._writing() as session:
            row = session.get(OmbudsmanLetter, year) or OmbudsmanLetter(year=year)
            old = (row.received, row.decided, row.upheld) if row.entered_on else None
            row.received, row.decided, row.upheld = received, decided, upheld
            row.compliance_percent, row.remedied_by_council = compliance_percent, remedied_by_council
            row.entered_by, row.entered_on = self.user, self.today()
            session.add(row)
            self._event(session, None, "ombudsman letter", f"{year}/{(year + 1) % 100:02d}", old,
                        (received, decided, upheld))

    def assess(self, year: int, section: str, compliance: str, evidence: str | None = None,
               actions: str | None = None) -> None:
        """Record the year's self-assessment against one section of the Code (a later one replaces it)."""
        key = _choice(CodeSection, section, "section")
        complied = _choice(Compliance, compliance, "compliance")
        evidence = check_text(evidence, limits.TEXT, multiline=True) if evidence else None
        actions = check_text(actions, limits.TEXT, multiline=True) if actions else None
        with self._writing() as session:
            row = session.exec(select(CodeSelfAssessment).where(CodeSelfAssessment.year == year,
                                                                CodeSelfAssessment.section == key)).first()
            row = row or CodeSelfAssessment(year=year, section=key, compliance=complied)
            old = row.compliance if row.assessed_on else None
            row.compliance, row.evidence, row.actions = complied, evidence, actions
            row.assessed_by, row.assessed_on = self.user, self.today()
            session.add(row)
            self._event(session, None, "self-assessment", f"{year} {key}", old, complied)

