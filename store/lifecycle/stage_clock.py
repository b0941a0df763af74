"""Transitions of a running stage: extend, pause, resume, respond (with findings), reopen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import col, select

from domain.clock import deadline, late_extension_warning
from domain.lifecycle import (
    check_date,
    check_extend,
    check_pause,
    check_respond,
    check_resume,
    extension_rule,
    resolve_outcome,
    stage_name,
)
from domain.timescales import RuleError
from domain.vocab import Kind, Outcome, parse_choice
from store.db.models import ComplaintIssue, Stage
from store.lifecycle.base import ServiceBase, row_id


def _outcome(value: str | None) -> Outcome | None:
    if value is None:
        return None
    try:
        return Outcome(parse_choice(Outcome, value, "outcome"))
    except ValueError as exc:
        raise RuleError(str(exc)) from None


class StageClockMixin(ServiceBase):
    def extend(self, reference: str, on: date | None = None, days: int | None = None, *, reason: str | None = None,
               expected_version: int | None = None) -> date:
        """Record an agreed extension (to the maximum unless ``days`` says less); returns the new due date.
        Under the Complaint Handling Code it needs a ``reason``."""
        on = on or self.today()
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            stage = self._live_stage(session, case)
            agreed = check_extend(stage, on, days, self.rules, self.today(), reason)
            old_due = stage.due
            stage.extended_on, stage.extended_days = on, agreed
            self._refresh(stage)
            late = deadline(stage, self.rules, self.calendar)
            warning = late_extension_warning(on, late.due, late.days) if late and late.late_extension else None
            self._event(session, case, "extended", f"{stage_name(stage)} due", old_due, stage.due,
                        f"extension agreed on {on:%d/%m/%Y}: {agreed} working days" + (f"; {warning}" if warning
                                                                                     else "")
                        + (f"; reason: {reason.strip()}" if reason and reason.strip() else ""))
            self._touch(case)
            assert stage.due is not None
            return stage.due

    def extension_preview(self, reference: str) -> str:
        """What an extension of the live stage would give, or the rules' refusal (already extended, closed): the
        Extend form says it as it opens, so that no one fills in a form the save would refuse."""
        with self.db.read() as session:
            stage = self._live_stage(session, self._case(session, reference))
            rule = extension_rule(stage, self.rules)
        due = f"due {stage.due:%d/%m/%Y}; " if stage.due else ""
        return (f"{stage_name(stage)} is {due}it may be extended once, to at most {rule.extended_days} working "
                f"days from {rule.starts_label}")

    def pause(self, reference: str, reason: str, on: date | None = None, *,
              expected_version: int | None = None) -> None:
        on = on or self.today()
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            stage = self._live_stage(session, case)
            check_pause(stage, on, reason, self.today())
            stage.paused_since, stage.paused_reason = on, reason.strip()
            self._event(session, case, "paused", stage_name(stage), None, on, reason.strip())
            self._touch(case)

    def resume(self, reference: str, on: date | None = None, *, expected_version: int | None = None) -> date:
        """Restart a paused clock; the paused working days push the deadline on. Returns the new due date."""
        on = on or self.today()
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            stage = self._live_stage(session, case)
            check_resume(stage, on, self.today())
            assert stage.paused_since is not None
            paused = self.calendar.elapsed(stage.paused_since, on)
            old_due = stage.due
            stage.paused_days += paused
            stage.paused_since, stage.paused_reason = None, None
            self._refresh(stage)
            self._event(session, case, "resumed", f"{stage_name(stage)} due", old_due, stage.due,
                        f"paused for {paused} working days")
            self._touch(case)
            assert stage.due is not None
            return stage.due

    def respond(self, reference: str, outcome: str | None = None, on: date | None = None, *,
                findings: Sequence[str] | None = None, override_reason: str | None = None,
                expected_version: int | None = None) -> Outcome:
        """Respond at the open stage with an outcome, or per-issue findings (in the statement's order).

        The overall outcome is derived from findings; a manager may override it with a reason.
        """
        on = on or self.today()
        given = _outcome(outcome)
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            stage = self._live_stage(session, case)
            check_respond(stage, on, self.today())
            issues = list(session.exec(select(ComplaintIssue).where(ComplaintIssue.stage_id == stage.id)
                                       .order_by(col(ComplaintIssue.number))))
            found = [f for f in (_outcome(x) for x in findings or ()) if f is not None]
            if found and issues and len(found) != len(issues):
                raise RuleError(f"the statement of complaint has {len(issues)} issues; {len(found)} findings "
                                "were given (one per issue, in order)")
            final, overridden = resolve_outcome(given, found, override_reason, self.role)
            for i, finding in enumerate(found):
                if i < len(issues):
                    issues[i].finding = finding.value
                else:
                    session.add(ComplaintIssue(stage_id=row_id(stage), number=i + 1, finding=finding.value))
            stage.responded, stage.outcome = on, final.value
            stage.outcome_overridden, stage.override_reason = overridden, override_reason if overridden else None
            self._refresh(stage)
            self._event(session, case, "responded, outcome overridden" if overridden else "responded",
                        stage_name(stage), None, final.value, override_reason if overridden else None)
            if not Kind(case.kind).is_complaint:
                case.closed = on
            case.ack_due = None  # a response settles an acknowledgement still owed
            self._touch(case)
            return final

    def reopen(self, reference: str, on: date | None = None, reason: str = "", *,
               expected_version: int | None = None) -> date:
        """The complainant returns about the same matter: Stage 1 runs again on a new clock."""
        on = on or self.today()
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            stages = self._stages(session, case)
            if not Kind(case.kind).is_complaint:
                raise RuleError("only a complaint's Stage 1 can be reopened")
            if any(s.number > 1 for s in stages):
                raise RuleError(f"{case.reference} has gone on to Stage 2: it cannot be reopened at Stage 1")
            last = stages[-1]
            if last.responded is None:
                raise RuleError(f"{case.reference} is still open at Stage 1: there is nothing to reopen")
            if last.outcome == Outcome.WITHDRAWN.value:
                raise RuleError(f"{case.reference} was withdrawn: log a new complaint instead")
            check_date("reopening", on, self.today(), ("Stage 1 response", last.responded))
            # the complainant's return is acknowledged as it is reopened: under the Code its clock counts from then
            stage = Stage(case_id=row_id(case), procedure=case.kind, number=1, round=last.round + 1, requested=on,
                          case_received=case.received, acknowledged=on)
            self._refresh(stage)
            session.add(stage)
            case.closed = None
            self._event(session, case, "reopened", "Stage 1", last.round, last.round + 1, reason or None)
            self._touch(case)
            assert stage.due is not None
            return stage.due

    def _latest(self, stages: list[Stage], number: int) -> Stage | None:
        matching = [s for s in stages if s.number == number]
        return matching[-1] if matching else None
