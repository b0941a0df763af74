"""The rules that allow or refuse each transition of a case's lifecycle.

Each check raises RuleError with a message that names the rule, in words a complaints officer
uses. The store's service calls these before it writes anything, so a refused transition leaves
the database untouched.
"""

from __future__ import annotations

from datetime import date

from domain.clock import StageFacts, step_and_start
from domain.outcomes import derive_outcome
from domain.timescales import RuleBook, RuleError, Timescale
from domain.vocab import COMPLAINT_KINDS, IndependentRole, Outcome, Role, label

STAGE_NAMES = {1: "Stage 1", 2: "Stage 2", 3: "Stage 3"}


def stage_name(stage: StageFacts) -> str:
    if stage.procedure in COMPLAINT_KINDS:
        return f"{stage.procedure.capitalize()} {STAGE_NAMES[stage.number]}"
    return label(stage.procedure)


def check_date(what: str, on: date, today: date, after: tuple[str, date | None] | None = None) -> None:
    """A transition's date is not in the future, nor before the event it follows."""
    if on > today:
        raise RuleError(f"the {what} date {on:%d/%m/%Y} is after today ({today:%d/%m/%Y}): "
                        "dates cannot be in the future")
    if after is not None and after[1] is not None and on < after[1]:
        raise RuleError(f"the {what} date {on:%d/%m/%Y} is before the {after[0]} ({after[1]:%d/%m/%Y})")


def check_open(stage: StageFacts) -> None:
    if stage.declined is not None:
        raise RuleError(f"{stage_name(stage)} was declined on {stage.declined:%d/%m/%Y}: it is closed")
    if stage.responded is not None:
        raise RuleError(f"{stage_name(stage)} was responded to on {stage.responded:%d/%m/%Y}: it is closed"
                        + (" (reopen it first)" if stage.number == 1 else ""))


def extension_rule(stage: StageFacts, rules: RuleBook) -> Timescale:
    """The rule an extension of ``stage`` would run under, or a refusal: a stage is extended once, to its
    maximum (10 -> 20 working days; Stage 2, 25 -> 65), only while its clock runs for a response. Asked first,
    before the extension's date, days or reason: by the Extend form as it opens, and again on save."""
    check_open(stage)
    if stage.extended_on is not None:
        to = f" to {stage.extended_days} working days" if stage.extended_days else ""
        raise RuleError(f"{stage_name(stage)} was already extended on {stage.extended_on:%d/%m/%Y}{to}: a stage is "
                        "extended once, to its maximum, and cannot be extended again")
    step, start = step_and_start(stage)
    if step not in ("stage1", "stage2", "stage3", "response"):
        raise RuleError(f"{stage_name(stage)} at step {step.replace('_', ' ')} cannot be extended")
    rule = rules.timescale(stage.procedure, step, start, stage.case_received)
    if rule.extended_days is None:
        raise RuleError(f"{stage_name(stage)} has no extended timescale: it cannot be extended")
    return rule


def check_extend(stage: StageFacts, on: date, days: int | None, rules: RuleBook, today: date,
                 reason: str | None = None) -> int:
    """The agreed number of working days for an extension, or a refusal naming the maximum.

    Under the Complaint Handling Code an extension needs a reason (explained to the complainant)."""
    rule = extension_rule(stage, rules)
    assert rule.extended_days is not None
    if rules.under_code(stage.procedure, stage.case_received) and not (reason or "").strip():
        raise RuleError(f"Complaint Handling Code: extending {stage_name(stage)} needs a reason, explained to the "
                        "complainant with the Ombudsman's details")
    check_date("extension agreed", on, today, ("start of the clock", step_and_start(stage)[1]))
    agreed = rule.extended_days if days is None else days
    if agreed > rule.extended_days:
        more = "" if rule.starts == "receipt" else f" ({rule.extended_days - rule.days} more)"
        raise RuleError(f"{stage_name(stage)} may be extended to at most {rule.extended_days} working days "
                        f"from {rule.starts_label}{more}; {agreed} were asked")
    if agreed <= rule.days:
        raise RuleError(f"an extension must run beyond the {rule.days} working days {stage_name(stage)} "
                        f"already has; {agreed} were asked")
    return agreed


def check_pause(stage: StageFacts, on: date, reason: str, today: date) -> None:
    check_open(stage)
    if stage.paused_since is not None:
        raise RuleError(f"{stage_name(stage)} has been paused since {stage.paused_since:%d/%m/%Y}")
    if not reason.strip():
        raise RuleError("a pause needs a reason (for example: awaiting consent, court proceedings)")
    check_date("pause", on, today, ("start of the clock", step_and_start(stage)[1]))


def check_resume(stage: StageFacts, on: date, today: date) -> None:
    check_open(stage)
    if stage.paused_since is None:
        raise RuleError(f"{stage_name(stage)} is not paused")
    check_date("resume", on, today, ("pause", stage.paused_since))


def resolve_outcome(outcome: Outcome | None, findings: list[Outcome], override_reason: str | None,
                    role: Role) -> tuple[Outcome, bool]:
    """The outcome to record and whether it overrides the one derived from the findings.

    With findings, the outcome is derived; a different outcome is a manager's override with a
    reason. Without findings, the outcome must be given.
    """
    derived = derive_outcome(findings)
    if derived is None:
        if outcome is None:
            raise RuleError("a response needs an outcome, or findings on each issue to derive it from")
        return outcome, False
    if outcome is None or outcome == derived:
        return derived, False
    if role is not Role.MANAGER:
        raise RuleError(f"the findings give {derived.value}; only a manager may override the outcome "
                        f"with {outcome.value}")
    if not (override_reason or "").strip():
        raise RuleError(f"overriding the derived outcome ({derived.value}) with {outcome.value} needs a reason")
    return outcome, True


def check_respond(stage: StageFacts, on: date, today: date) -> None:
    check_open(stage)
    if stage.paused_since is not None:
        raise RuleError(f"{stage_name(stage)} is paused since {stage.paused_since:%d/%m/%Y}: resume it "
                        "before responding")
    check_date("response", on, today, ("start of the stage", stage.requested))
    if stage.procedure == "statutory" and stage.number == 3 and stage.findings_on is None:
        raise RuleError("the final response at Stage 3 follows the panel's findings: record them first "
                        "(or withdraw the complaint)")


def check_escalation(procedure: str, previous: StageFacts | None, existing_next: bool, number: int,
                     rules: RuleBook) -> None:
    """Whether a request for stage ``number`` may be logged after ``previous``."""
    if procedure not in COMPLAINT_KINDS:
        raise RuleError(f"a {procedure.replace('_', ' ')} has no further stages")
    received = previous.case_received if previous is not None else None
    if number > rules.stages(procedure, received):
        code = " under the Complaint Handling Code" if rules.under_code(procedure, received) else ""
        raise RuleError(f"the {procedure} procedure has {rules.stages(procedure, received)} stages{code}: "
                        f"there is no Stage {number}")
    if existing_next:
        raise RuleError(f"Stage {number} has already been requested")
    if previous is not None and previous.declined is not None:
        raise RuleError(f"Stage {number - 1} was declined: there is no Stage {number}")
    if previous is None or previous.responded is None:
        raise RuleError(f"Stage {number} can be requested only after the Stage {number - 1} response")


def check_assignment(stage: StageFacts, role: IndependentRole, person_roles: set[str],
                     others_on_stage: dict[int, str], person_id: int) -> None:
    """Independent people are assigned at their stage, in a role they hold, never in two roles."""
    check_open(stage)
    if stage.number != role.stage:
        raise RuleError(f"a {role.value.replace('_', ' ')} is assigned at Stage {role.stage}, "
                        f"not at Stage {stage.number}")
    if role.value not in person_roles:
        raise RuleError(f"this person is not in the pool of {role.value.replace('_', ' ')}s")
    taken = others_on_stage.get(person_id)
    if taken is not None and taken != role.value:
        raise RuleError(f"this person is already the {taken.replace('_', ' ')} on this stage: the "
                        "investigation must have a different independent person")


def require_manager(role: Role, action: str) -> None:
    if role is not Role.MANAGER:
        raise RuleError(f"{action} needs the manager role")


def require_writer(role: Role) -> None:
    if role is Role.AUDITOR:
        raise RuleError("the auditor role can read everything and change nothing")
