"""The clock of a stage: which deadline runs, when it falls due, and the state on a given day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from domain.calendar import WorkingCalendar
from domain.timescales import Relaxation, RuleBook
from domain.vocab import COMPLAINT_KINDS, Kind

#: Working days left at or under which a deadline counts as due soon.
DUE_SOON_DAYS = 2
#: Changes whenever the way a stored deadline is computed changes, so that every database computes its
#: open deadlines again when next opened (it is part of ``Config.calendar_fingerprint``).
#: 2: an extension agreed after the timescale ran out no longer moves the deadline; a response settles
#: an acknowledgement still owed. 3: a rule's starting event is part of the rule (the Complaint Handling Code
#: counts from the acknowledgement).
CLOCK_VERSION = 3
#: Steps whose timescale an agreed extension can lengthen.
EXTENDABLE = ("stage1", "stage2", "stage3", "response")


class StageFacts(Protocol):
    """What the clock needs to know about a stage (a database row or a plain dataclass)."""

    procedure: str
    number: int
    requested: date
    statement_agreed: date | None
    extended_on: date | None
    extended_days: int | None
    paused_since: date | None
    paused_days: int
    panel_on: date | None
    findings_on: date | None
    responded: date | None
    declined: date | None
    #: The stage's acknowledgement (Stage 1: the case's; Stage 2 under the Code: the escalation's).
    acknowledged: date | None
    #: The day the case was received: which rules it runs under (None on rows from before it was kept).
    case_received: date | None


@dataclass
class StageDates:
    """A stage as plain values, for when there is no database row (demo data, tests)."""

    procedure: str
    number: int
    requested: date
    statement_agreed: date | None = None
    extended_on: date | None = None
    extended_days: int | None = None
    paused_since: date | None = None
    paused_days: int = 0
    panel_on: date | None = None
    findings_on: date | None = None
    responded: date | None = None
    declined: date | None = None
    acknowledged: date | None = None
    case_received: date | None = None


class State(StrEnum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    PAUSED = "paused"
    RELAXED = "relaxed"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def symbol(self) -> str:
        """A marker that carries the state without colour (monochrome terminals, pasted text)."""
        return {"on_track": " ", "due_soon": "!", "overdue": "‼", "paused": "‖", "relaxed": "~",
                "closed": "✓"}[self.value]


@dataclass(frozen=True)
class Deadline:
    """The deadline a stage is currently running against."""

    step: str
    start: date
    days: int
    due: date
    relaxed: Relaxation | None = None
    #: The date an extension agreed too late would have given: it does not count (the reply will be
    #: outside timescale whenever it comes), so the deadline stays the timescale's own.
    late_extension: date | None = None
    #: Counted from the acknowledgement's own deadline because no acknowledgement is recorded yet: the due
    #: date moves once one is.
    provisional: bool = False


def step_and_start(stage: StageFacts) -> tuple[str, date]:
    """Which step of the procedure a live stage is at, and the date its clock started."""
    if stage.procedure not in COMPLAINT_KINDS:
        return "response", stage.requested
    if stage.number == 1:
        return "stage1", stage.requested
    if stage.number == 2:
        start = stage.statement_agreed if stage.procedure == "statutory" and stage.statement_agreed else None
        return "stage2", start or stage.requested
    if stage.procedure == "corporate":
        return "stage3", stage.requested
    if stage.findings_on is not None:
        return "stage3_response", stage.findings_on
    if stage.panel_on is not None:
        return "stage3_findings", stage.panel_on
    return "stage3_panel", stage.requested


def is_closed(stage: StageFacts) -> bool:
    return stage.responded is not None or stage.declined is not None


def deadline(stage: StageFacts, rules: RuleBook, calendar: WorkingCalendar) -> Deadline | None:
    """The running deadline of a stage, or None once it is closed.

    An agreed extension replaces the timescale with the agreed number of working days, if it was agreed
    by the timescale's last day; one agreed later does not rescue the reply (the year-end figures count
    it outside timescale), so the deadline stays, and the date it would have given is kept beside it.
    Paused working days push the deadline on. A paused stage keeps the deadline it had when paused.
    """
    if is_closed(stage):
        return None
    step, start, provisional = clock_start(stage, rules, calendar)
    rule = rules.timescale(stage.procedure, step, step_and_start(stage)[1], stage.case_received)
    days = rule.days
    due = calendar.add(start, days + stage.paused_days)
    late = None
    if stage.extended_on is not None and step in EXTENDABLE:
        extended = stage.extended_days or rule.extended_days or rule.days
        if stage.extended_on <= due:
            days = extended
            due = calendar.add(start, days + stage.paused_days)
        else:
            late = calendar.add(start, extended + stage.paused_days)
    return Deadline(step, start, days, due, rules.relaxed(stage.procedure, step, due), late, provisional)


def clock_start(stage: StageFacts, rules: RuleBook, calendar: WorkingCalendar) -> tuple[str, date, bool]:
    """The step a live stage is at, the day its clock starts by the rule's starting event, and whether that
    day is provisional (a rule counting from an acknowledgement not yet recorded counts from the day the
    acknowledgement is due)."""
    step, natural = step_and_start(stage)
    rule = rules.timescale(stage.procedure, step, natural, stage.case_received)
    if rule.starts == "acknowledgement":
        if stage.acknowledged is not None:
            return step, stage.acknowledged, False
        owed = "acknowledgement" if stage.number == 1 else f"stage{stage.number}_acknowledgement"
        ack = rules.timescale(stage.procedure, owed, stage.requested, stage.case_received)
        return step, calendar.add(stage.requested, ack.days), True
    if rule.starts == "request":
        return step, stage.requested, False
    return step, natural, False


def late_extension_warning(extended_on: date, timescale_due: date, days: int | None = None) -> str | None:
    """What to tell an officer recording an extension after the timescale ran out (None when in time)."""
    if extended_on <= timescale_due:
        return None
    after = f"after day {days}" if days else "after the timescale ran out"
    return (f"agreed {after} ({timescale_due:%d/%m/%Y}): the reply will count as outside timescale, "
            "and the case stays overdue")


def provisional_words(dl: Deadline) -> str:
    """What follows a provisional due date on the case screen and in ``complaints show`` ("" when fixed)."""
    return " (provisional: counted from the acknowledgement's deadline until one is recorded)" if dl.provisional \
        else ""


def response_after(shown: Deadline | None, stage: Deadline | None) -> str:
    """The stage's provisional response date, after another deadline shown first (the acknowledgement owed)."""
    if stage is None or not stage.provisional or shown is stage:
        return ""
    return f" · response due {stage.due:%d/%m/%Y} (provisional until acknowledged)"


def late_extension_note(dl: Deadline) -> str | None:
    """The same warning for a deadline whose extension was agreed too late (None otherwise)."""
    if dl.late_extension is None:
        return None
    return (f"extension agreed after day {dl.days} ({dl.due:%d/%m/%Y}): the reply will count as outside "
            f"timescale (the extension would have given {dl.late_extension:%d/%m/%Y})")


def classify(due: date, today: date, calendar: WorkingCalendar, *, paused: bool = False,
             relaxed: bool = False) -> tuple[State, int]:
    """The state of a deadline on ``today`` and its working days left (negative = overdue)."""
    left = calendar.left(today, due)
    if paused:
        return State.PAUSED, left
    if relaxed:
        return State.RELAXED, left
    if today > due:  # a Friday deadline is overdue on Sunday, though no working day has passed
        return State.OVERDUE, left
    if left <= DUE_SOON_DAYS:
        return State.DUE_SOON, left
    return State.ON_TRACK, left


@dataclass(frozen=True)
class ClockReading:
    """A stage's clock read on one day."""

    state: State
    deadline: Deadline | None
    left: int | None

    @property
    def describe(self) -> str:
        if self.deadline is None or self.left is None:
            return self.state.label
        return due_phrase(self.left, self.state)


def due_phrase(left: int, state: State, *, short: bool = False) -> str:
    """Working days over or left, in words: '3 working days overdue', 'due today', '1 working day left';
    ``short``, for a column headed 'Working days': '3 over', 'due today', '1 left'."""
    if state is State.PAUSED:
        return "paused"
    if left < 0:
        return f"{-left} over" if short else f"{-left} working day{'s' if left != -1 else ''} overdue"
    if state is State.OVERDUE:  # due on the last working day, and today is not one
        return "overdue" if short else "overdue since the last working day"
    if left == 0:
        return "due today"
    return f"{left} left" if short else f"{left} working day{'s' if left != 1 else ''} left"


def read_clock(stage: StageFacts, rules: RuleBook, calendar: WorkingCalendar, today: date) -> ClockReading:
    """State, deadline and working days left of a stage on ``today``."""
    dl = deadline(stage, rules, calendar)
    if dl is None:
        return ClockReading(State.CLOSED, None, None)
    state, left = classify(dl.due, today, calendar, paused=stage.paused_since is not None,
                           relaxed=dl.relaxed is not None)
    return ClockReading(state, dl, left)


def within_timescale(received: date, responded: date, extended_on: date | None, days: int,
                     extended_days: int | None, calendar: WorkingCalendar) -> bool:
    """Whether a response met its timescale.

    Within ``days`` working days; or within ``extended_days`` where an extension was agreed on or
    before day ``days`` (an extension agreed later does not rescue a late reply).
    """
    taken = calendar.elapsed(received, responded)
    if taken <= days:
        return True
    if extended_on is None or extended_days is None:
        return False
    return calendar.elapsed(received, extended_on) <= days and taken <= extended_days


def escalation_ack_due(stage: StageFacts, rules: RuleBook, calendar: WorkingCalendar) -> date | None:
    """When an escalation's acknowledgement is owed (the Code's Stage 2), or None: not under the Code, or
    acknowledged, or closed."""
    if stage.number < 2 or stage.acknowledged is not None or is_closed(stage) \
            or not rules.under_code(stage.procedure, stage.case_received) \
            or stage.number > rules.stages(stage.procedure, stage.case_received):  # a Stage 3 from before
        return None
    owed = rules.timescale(stage.procedure, f"stage{stage.number}_acknowledgement", stage.requested,
                           stage.case_received)
    return calendar.add(stage.requested, owed.days)


def acknowledgement_due(rules: RuleBook, calendar: WorkingCalendar, kind: str, received: date,
                        acknowledged: date | None = None, settled: bool = False) -> date | None:
    """When an acknowledgement is owed: for a kind with a clock, not yet acknowledged, while no response or
    closing has ``settled`` it; None otherwise. The one rule for the forms, imports, corrections and re-syncs."""
    if acknowledged is not None or settled or not Kind(kind).has_clock:
        return None
    return calendar.add(received, rules.timescale(kind, "acknowledgement", received, received).days)
