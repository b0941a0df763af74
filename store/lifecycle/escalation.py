"""Transitions of Stages 2 and 3: requests, decline or acceptance, the statement of complaint,
independent people and their costs, the review panel and its findings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from domain.clock import escalation_ack_due
from domain.lifecycle import check_assignment, check_date, check_escalation, check_open, stage_name
from domain.timescales import RuleError
from domain.vocab import IndependentRole, parse_choice
from store.db.models import Assignment, Case, ComplaintIssue, IndependentPerson, Stage
from store.lifecycle.base import row_id
from store.lifecycle.stage_clock import StageClockMixin


def money(value: Decimal | str | float | int, what: str) -> Decimal:
    """An exact amount of money from 4017.98, '£4,017.98' and the like, by the forms' and the import's one rule
    (``domain.register_cells.parse_money``); a refusal names ``what`` ("the cost") and what is allowed."""
    from domain.register_cells import parse_money

    try:
        return parse_money(str(value) if isinstance(value, Decimal) else value)
    except RuleError as exc:
        raise RuleError(f"{what}: {exc}") from None


class EscalationMixin(StageClockMixin):
    def request_stage(self, reference: str, number: int, on: date | None = None, *,
                      expected_version: int | None = None) -> list[str]:
        """Log a request for Stage 2 or 3. Returns warnings (a late request is flagged, not refused)."""
        on = on or self.today()
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            stages = self._stages(session, case)
            previous = self._latest(stages, number - 1)
            check_escalation(case.kind, previous, self._latest(stages, number) is not None, number, self.rules)
            assert previous is not None and previous.responded is not None
            check_date(f"Stage {number} request", on, self.today(), (f"Stage {number - 1} response",
                                                                    previous.responded))
            window = self.rules.timescale(case.kind, f"stage{number}_request", previous.responded, case.received)
            late = self.calendar.elapsed(previous.responded, on) > window.days
            stage = Stage(case_id=row_id(case), procedure=case.kind, number=number, requested=on, late_request=late,
                          case_received=case.received)
            self._refresh(stage)
            session.add(stage)
            case.ack_due = escalation_ack_due(stage, self.rules, self.calendar) or case.ack_due
            case.closed = None
            self._event(session, case, "stage requested", f"Stage {number}", None, on)
            self._touch(case)
            if late:
                return [f"the request came more than {window.days} working days after the Stage {number - 1} "
                        "response: it is flagged as late (it is not refused)"]
            return []

    def _requested_stage(self, session: Session, case: Case, number: int) -> Stage:
        stage = self._latest(self._stages(session, case), number)
        if stage is None:
            raise RuleError(f"{case.reference} has no request for Stage {number}")
        check_open(stage)
        return stage

    def decline_stage(self, reference: str, number: int, reason: str, on: date | None = None, *,
                      expected_version: int | None = None) -> None:
        on = on or self.today()
        if not reason.strip():
            raise RuleError(f"declining a request for Stage {number} needs a reason")
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            stage = self._requested_stage(session, case, number)
            if stage.accepted or stage.statement_agreed:
                raise RuleError(f"Stage {number} was already accepted: it can be withdrawn, not declined")
            check_date("decline", on, self.today(), ("request", stage.requested))
            stage.declined, stage.declined_reason = on, reason.strip()
            self._refresh(stage)
            self._event(session, case, "stage declined", f"Stage {number}", None, on, reason.strip())
            self._touch(case)

    def accept_stage(self, reference: str, number: int, on: date | None = None, *,
                     expected_version: int | None = None) -> None:
        on = on or self.today()
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            stage = self._requested_stage(session, case, number)
            if stage.accepted:
                raise RuleError(f"Stage {number} was already accepted on {stage.accepted:%d/%m/%Y}")
            check_date("acceptance", on, self.today(), ("request", stage.requested))
            stage.accepted = on
            self._event(session, case, "stage accepted", f"Stage {number}", None, on)
            self._touch(case)

    def agree_statement(self, reference: str, issues: Sequence[str], on: date | None = None, *,
                        expected_version: int | None = None) -> date:
        """The statement of complaint is agreed: its issues are recorded and the Stage 2 clock starts."""
        on = on or self.today()
        issues = [i.strip() for i in issues if i.strip()]
        if not issues:
            raise RuleError("a statement of complaint lists at least one issue")
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            stage = self._requested_stage(session, case, 2)
            if stage.statement_agreed:
                raise RuleError(f"the statement of complaint was agreed on {stage.statement_agreed:%d/%m/%Y}")
            check_date("statement agreed", on, self.today(), ("Stage 2 request", stage.requested))
            stage.statement_agreed = on
            stage.accepted = stage.accepted or on
            for number, text in enumerate(issues, start=1):
                session.add(ComplaintIssue(stage_id=row_id(stage), number=number, description=text))
            old_due = stage.due
            self._refresh(stage)
            self._event(session, case, "statement agreed", "Stage 2 due", old_due, stage.due,
                        f"{len(issues)} issues")
            self._touch(case)
            assert stage.due is not None
            return stage.due

    def assign(self, reference: str, person: str, role: str, on: date | None = None, *,
               expected_version: int | None = None) -> None:
        """Assign an independent person (IO, IP, panel chair or panellist) to the open stage."""
        on = on or self.today()
        try:
            the_role = IndependentRole(parse_choice(IndependentRole, role, "role"))
        except ValueError as exc:
            raise RuleError(str(exc)) from None
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            stage = self._requested_stage(session, case, the_role.stage)
            row = session.exec(select(IndependentPerson).where(IndependentPerson.name == person.strip())).first()
            if row is None:
                raise RuleError(f"{person!r} is not in the pool of independent people (add them first)")
            if not row.active:
                raise RuleError(f"{row.name} was retired from the pool: restore them in Settings, or choose another")
            assigned = {a.person_id: a.role for a in session.exec(
                select(Assignment).where(Assignment.stage_id == stage.id)) if a.person_id is not None}
            assert row.id is not None
            check_assignment(stage, the_role, set(row.roles.split(",")), assigned, row.id)
            if assigned.get(row.id) == the_role.value:
                raise RuleError(f"{row.name} is already the {the_role.value.replace('_', ' ')} on this stage")
            session.add(Assignment(stage_id=row_id(stage), person_id=row.id, role=the_role.value, assigned_on=on))
            self._event(session, case, "assigned", the_role.value, None, row.name)
            self._touch(case)

    def record_cost(self, reference: str, amount: Decimal | str, *, person: str | None = None,
                    number: int | None = None, on: date | None = None,
                    expected_version: int | None = None) -> Decimal:
        """Record what an independent person's work on a stage cost (or the stage's total)."""
        on = on or self.today()
        value = money(amount, "the cost")
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            stages = [s for s in self._stages(session, case) if s.number >= 2]
            if number is not None:
                stages = [s for s in stages if s.number == number]
            if not stages:
                raise RuleError(f"{case.reference} has no Stage {number or '2 or 3'}: costs belong to Stages 2 and 3")
            stage = stages[-1]
            query = select(Assignment).where(Assignment.stage_id == stage.id)
            if person:
                row = session.exec(select(IndependentPerson)
                                   .where(IndependentPerson.name == person.strip())).first()
                if row is None:
                    raise RuleError(f"{person!r} is not in the pool of independent people")
                query = query.where(Assignment.person_id == row.id)
            else:
                query = query.where(Assignment.person_id.is_(None))  # type: ignore[union-attr]
            assignment = session.exec(query).first()
            if assignment is None:
                if person:
                    raise RuleError(f"{person} is not assigned to Stage {stage.number} of {case.reference}")
                assignment = Assignment(stage_id=row_id(stage), role="stage_total")
                session.add(assignment)
            old = assignment.cost
            assignment.cost, assignment.cost_recorded_on = value, on
            self._event(session, case, "cost recorded", f"Stage {stage.number} {person or 'total'}", old, value)
            self._touch(case)
            return value

    def schedule_panel(self, reference: str, panel_on: date, *, expected_version: int | None = None) -> list[str]:
        """Record the date the Stage 3 review panel meets; returns a warning if it is beyond 30 working days."""
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            stage = self._requested_stage(session, case, 3)
            if case.kind != "statutory":
                raise RuleError("only the statutory procedure has a review panel")
            if panel_on < stage.requested:
                raise RuleError(f"the panel date {panel_on:%d/%m/%Y} is before the request "
                                f"({stage.requested:%d/%m/%Y})")
            if stage.findings_on:
                raise RuleError("the panel has already sent its findings")
            limit = self.rules.timescale("statutory", "stage3_panel", stage.requested)
            old = stage.panel_on
            stage.panel_on = panel_on
            self._refresh(stage)
            self._event(session, case, "panel scheduled", "panel date", old, panel_on)
            self._touch(case)
            if self.calendar.elapsed(stage.requested, panel_on) > limit.days \
                    and self.rules.relaxed("statutory", "stage3_panel", panel_on) is None:
                return [f"the panel meets more than {limit.days} working days after the request"]
            return []

    def panel_findings(self, reference: str, on: date | None = None, *,
                       expected_version: int | None = None) -> date:
        """The panel's findings are received: the final response is due next. Returns its due date."""
        on = on or self.today()
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            stage = self._requested_stage(session, case, 3)
            if stage.panel_on is None:
                raise RuleError("record the panel's date before its findings")
            check_date("panel findings", on, self.today(), ("panel meeting", stage.panel_on))
            stage.findings_on = on
            self._refresh(stage)
            self._event(session, case, "panel findings", stage_name(stage), None, on)
            self._touch(case)
            assert stage.due is not None
            return stage.due
