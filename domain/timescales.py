"""Timescale rules: procedures, their steps, default and extended working-day limits, with dates.

Every rule carries the dates it is in force, chosen by the date its clock starts, so a council
that changes its corporate timescales next year does not rewrite last year's figures. Separately,
relaxation windows (the 24 April - 25 September 2020 Stage 3 easing, SI 2020/445) mark a deadline
that falls inside them as "as soon as reasonably practicable": shown as relaxed, not late.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from domain.errors import ComplaintsError

#: Steps of each procedure, in the order a case meets them.
STEPS: dict[str, tuple[str, ...]] = {
    "statutory": (
        "acknowledgement", "stage1", "stage2_request", "stage2",
        "stage3_request", "stage3_panel", "stage3_findings", "stage3_response",
    ),
    "corporate": (
        "acknowledgement", "stage1", "stage2_request", "stage2_acknowledgement", "stage2", "stage3_request",
        "stage3",
    ),
    "concern": ("acknowledgement", "response"),
    "mp_enquiry": ("acknowledgement", "response"),
    "councillor_enquiry": ("acknowledgement", "response"),
    "comment": ("acknowledgement", "response"),
}


#: The events a clock can start from (a rule's ``starts``), with how they read on screen and paper.
STARTS: dict[str, str] = {
    "receipt": "receipt",
    "acknowledgement": "the acknowledgement",
    "request": "the request",
    "statement_agreed": "statement of complaint agreed (else the request)",
    "panel": "panel meeting",
    "findings": "receipt of the panel's findings",
    "previous_response": "the previous stage's response",
}
#: The day the Ombudsman's Complaint Handling Code governs corporate complaints received from (a council's
#: settings may say another: ``[procedure] code_from``).
CODE_FROM = date(2026, 4, 1)


@dataclass(frozen=True)
class Timescale:
    """One clock of a procedure: how many working days, from which event, in force when."""

    procedure: str
    step: str
    days: int
    extended_days: int | None = None
    starts: str = "receipt"
    valid_from: date | None = None
    valid_to: date | None = None

    @property
    def starts_label(self) -> str:
        return STARTS.get(self.starts, self.starts)

    def in_force(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


@dataclass(frozen=True)
class Relaxation:
    """A window in which deadlines of some steps became "as soon as reasonably practicable"."""

    procedure: str
    steps: tuple[str, ...]
    valid_from: date
    valid_to: date
    note: str = ""

    def covers(self, procedure: str, step: str, due: date) -> bool:
        return procedure == self.procedure and step in self.steps and self.valid_from <= due <= self.valid_to


def _t(procedure: str, step: str, days: int, extended: int | None = None, starts: str = "receipt") -> Timescale:
    return Timescale(procedure, step, days, extended, starts)


DEFAULT_TIMESCALES: tuple[Timescale, ...] = (
    *(_t(p, "acknowledgement", 2) for p in STEPS),
    _t("statutory", "stage1", 10, 20),
    _t("statutory", "stage2_request", 20, starts="previous_response"),
    _t("statutory", "stage2", 25, 65, "statement_agreed"),
    _t("statutory", "stage3_request", 20, starts="previous_response"),
    _t("statutory", "stage3_panel", 30, starts="request"),
    _t("statutory", "stage3_findings", 5, starts="panel"),
    _t("statutory", "stage3_response", 15, starts="findings"),
    _t("corporate", "stage1", 10, 20),
    _t("corporate", "stage2_request", 20, starts="previous_response"),
    _t("corporate", "stage2_acknowledgement", 5, starts="request"),
    _t("corporate", "stage2", 10, 20, "request"),
    _t("corporate", "stage3_request", 20, starts="previous_response"),
    _t("corporate", "stage3", 10, 20, "request"),
    *(_t(p, "response", 10, 20) for p in ("concern", "mp_enquiry", "councillor_enquiry", "comment")),
)

#: The Complaint Handling Code's corporate clocks (LGSCO, part 6): two stages, each response counted from its
#: acknowledgement, each extension capped (10 more at Stage 1, 20 more at Stage 2) and given with a reason.
CODE_TIMESCALES: tuple[Timescale, ...] = (
    _t("corporate", "acknowledgement", 5),
    _t("corporate", "stage1", 10, 20, "acknowledgement"),
    _t("corporate", "stage2_request", 20, starts="previous_response"),
    _t("corporate", "stage2_acknowledgement", 5, starts="request"),
    _t("corporate", "stage2", 20, 40, "acknowledgement"),
)

DEFAULT_RELAXATIONS: tuple[Relaxation, ...] = (
    Relaxation(
        "statutory",
        ("stage3_panel", "stage3_findings", "stage3_response"),
        date(2020, 4, 24),
        date(2020, 9, 25),
        "SI 2020/445: Stage 3 timescales relaxed to 'as soon as is reasonably practicable'",
    ),
)


class RuleError(ValueError, ComplaintsError):
    """A rule of the procedure refuses what was asked; the message names the rule."""


class NotFound(RuleError):
    """No row matches what the user named (a command then says in which database it looked)."""


@dataclass(frozen=True)
class RuleBook:
    """All timescale rules in force at any date, defaults first and a council's own rules after."""

    timescales: tuple[Timescale, ...] = DEFAULT_TIMESCALES
    relaxations: tuple[Relaxation, ...] = DEFAULT_RELAXATIONS
    corporate_stages: int = 3
    extra: tuple[Timescale, ...] = field(default=())
    #: Corporate complaints received on or after this day run under the Complaint Handling Code (None: never).
    code_from: date | None = CODE_FROM
    code_timescales: tuple[Timescale, ...] = CODE_TIMESCALES
    #: A council's own variants of the Code's clocks (``[[timescale]]`` with ``code = true``).
    code_extra: tuple[Timescale, ...] = field(default=())

    def under_code(self, procedure: str, received: date | None) -> bool:
        """Whether a case of ``procedure`` received on ``received`` runs under the Complaint Handling Code."""
        return (procedure == "corporate" and received is not None and self.code_from is not None
                and received >= self.code_from)

    def timescale(self, procedure: str, step: str, on: date, received: date | None = None) -> Timescale:
        """The rule for ``step`` of ``procedure`` whose clock starts on ``on``; later rules win.

        A corporate case ``received`` on or after ``code_from`` keeps the Code's rules for all its stages
        (a case keeps the rules it was received under); any other by the day its clock starts. A step the Code
        does not have (a Stage 3 recorded before the Code's clocks) keeps the earlier rules.
        """
        if self.under_code(procedure, received):
            for rule in (*reversed(self.code_extra), *self.code_timescales):
                if rule.procedure == procedure and rule.step == step and rule.in_force(on):
                    return rule
            # a step the Code does not have (a Stage 3 a database held before the Code's clocks came in; no new
            # one is begun: ``stages`` says two) keeps the rules in force when its clock started
        for rule in reversed(self.extra):
            if rule.procedure == procedure and rule.step == step and rule.in_force(on):
                return rule
        for rule in self.timescales:
            if rule.procedure == procedure and rule.step == step and rule.in_force(on):
                return rule
        raise RuleError(f"no timescale is configured for {procedure} {step} on {on.isoformat()}")

    def relaxed(self, procedure: str, step: str, due: date) -> Relaxation | None:
        return next((r for r in self.relaxations if r.covers(procedure, step, due)), None)

    def stages(self, procedure: str, received: date | None = None) -> int:
        """How many stages the procedure has (1 for enquiries, concerns and comments; 2 under the Code)."""
        if procedure == "statutory":
            return 3
        if self.under_code(procedure, received):
            return 2
        if procedure == "corporate":
            return self.corporate_stages
        return 1

    def with_overrides(self, overrides: Iterable[Mapping[str, Any]], corporate_stages: int | None = None,
                       relaxations: Iterable[Mapping[str, Any]] = (), code_from: Any = "default") -> RuleBook:
        """A rule book with a council's rules (as read from its config file) added on top.

        ``code_from``: the day the council adopted the Complaint Handling Code (False: not adopted)."""
        parsed = [(bool(o.get("code")), parse_timescale(o, f"timescale {i + 1}")) for i, o in enumerate(overrides)]
        extra = tuple(t for code, t in parsed if not code)
        code_extra = tuple(t for code, t in parsed if code)
        if code_from == "default":
            adopted = self.code_from
        elif code_from is False:
            adopted = None
        else:
            adopted = _date(code_from, "[procedure] code_from")
        more = tuple(parse_relaxation(r, f"relaxation {i + 1}") for i, r in enumerate(relaxations))
        stages = self.corporate_stages if corporate_stages is None else corporate_stages
        if stages not in (2, 3):
            raise RuleError(f"corporate_stages is {stages}: a corporate procedure has 2 or 3 stages")
        return replace(self, extra=self.extra + extra, relaxations=self.relaxations + more,
                       corporate_stages=stages, code_from=adopted, code_extra=self.code_extra + code_extra)

    def fingerprint(self) -> str:
        """A short hash that changes whenever any rule does (stored due dates depend on it)."""
        payload = json.dumps(
            [[asdict(t) for t in self.timescales + self.extra], [asdict(r) for r in self.relaxations],
             self.corporate_stages, self.code_from,
             [asdict(t) for t in self.code_timescales + self.code_extra]],
            default=str, sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _date(value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RuleError(f"{where}: {value!r} is not a date (write it as 2027-04-01)") from None


def parse_timescale(raw: Mapping[str, Any], where: str) -> Timescale:
    """A Timescale from a config table, with errors that say which entry and field are wrong."""
    procedure, step = raw.get("procedure"), raw.get("step")
    if procedure not in STEPS:
        raise RuleError(f"{where}: procedure {procedure!r} is not one of: {', '.join(STEPS)}")
    if step not in STEPS[procedure]:
        raise RuleError(f"{where}: step {step!r} is not a step of {procedure}: {', '.join(STEPS[procedure])}")
    days, extended = raw.get("days"), raw.get("extended_days")
    if not isinstance(days, int) or days < 1:
        raise RuleError(f"{where}: days must be a whole number of working days, at least 1")
    if extended is not None and (not isinstance(extended, int) or extended < days):
        raise RuleError(f"{where}: extended_days must be a whole number no smaller than days")
    default = next(t for t in (CODE_TIMESCALES if raw.get("code") else ()) + DEFAULT_TIMESCALES
                   if t.procedure == procedure and t.step == step)
    starts = str(raw.get("starts", default.starts))
    if starts not in STARTS:
        raise RuleError(f"{where}: starts {starts!r} is not one of: {', '.join(STARTS)}")
    return Timescale(procedure, step, days, extended, starts,
                     _date(raw.get("from"), f"{where} from"), _date(raw.get("to"), f"{where} to"))


def parse_relaxation(raw: Mapping[str, Any], where: str) -> Relaxation:
    procedure = raw.get("procedure")
    if procedure not in STEPS:
        raise RuleError(f"{where}: procedure {procedure!r} is not one of: {', '.join(STEPS)}")
    steps = tuple(raw.get("steps", ()))
    for step in steps:
        if step not in STEPS[procedure]:
            raise RuleError(f"{where}: step {step!r} is not a step of {procedure}")
    start, end = _date(raw.get("from"), f"{where} from"), _date(raw.get("to"), f"{where} to")
    if start is None or end is None or end < start:
        raise RuleError(f"{where}: needs 'from' and 'to' dates, in order")
    return Relaxation(procedure, steps, start, end, str(raw.get("note", "")))
