"""A new case's rows, whichever way it comes in: logged by an officer (``store.lifecycle.intake``), read
from a case register (``store.register.plan``) or made up for the demo (``store.housekeeping.demo``).

One function for the three, so they agree on what a new case holds: when it closed, when its
acknowledgement is owed (``domain.clock.acknowledgement_due``, the one rule), its first stage and that
stage's deadline, its links to the complainant and the themes, and the event that records its arrival.
The rows are plain dataclasses whose fields are named as the columns they fill; ids the caller has not
taken yet are None (the database gives them).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from domain.calendar import WorkingCalendar
from domain.clock import StageDates, acknowledgement_due, deadline
from domain.timescales import RuleBook
from domain.vocab import NO_CLOCK_KINDS


@dataclass(slots=True)
class CaseRow:
    """The ``case`` row of a new case (the table's other columns keep their defaults)."""

    id: int | None
    reference: str
    kind: str
    received: date
    channel: str | None
    person_id: int | None
    complainant_group: str | None
    child_name: str | None
    child_status: str | None
    advocate: str | None
    service_area_id: int | None
    team_id: int | None
    officer_id: int | None
    summary: str | None
    acknowledged: date | None
    ack_due: date | None
    closed: date | None
    version: int = 1
    not_accepted: date | None = None
    exclusion: str | None = None
    exclusion_note: str | None = None


@dataclass(slots=True)
class StageRow:
    """A ``stage`` row with its running deadline (``step`` and ``due``, None once it is closed)."""

    id: int | None
    case_id: int | None
    procedure: str
    number: int
    round: int
    requested: date
    accepted: date | None
    declined: date | None
    statement_agreed: date | None
    extended_on: date | None
    extended_days: int | None
    paused_since: date | None
    paused_days: int
    panel_on: date | None
    findings_on: date | None
    responded: date | None
    outcome: str | None
    step: str | None
    due: date | None
    late_request: bool = False
    outcome_overridden: bool = False
    acknowledged: date | None = None
    case_received: date | None = None
    provisional: bool = False
    handler_id: int | None = None


@dataclass(slots=True)
class ThemeLink:
    """A ``case_theme`` row: one of the case's themes (the issues it raises)."""

    case_id: int | None
    theme_id: int


@dataclass(slots=True, frozen=True)
class EventText:
    """What the event recording the case's arrival says (who and when are the writer's)."""

    action: str
    detail: str | None
    old: str | None
    new: str | None


@dataclass(slots=True)
class NewCaseRows:
    """Every row a new case starts with: its later stages, if it comes with a history, are ``stage_row``'s."""

    case: CaseRow
    stage: StageRow | None
    themes: list[ThemeLink]
    event: EventText


def columns(row_type: type) -> tuple[str, ...]:
    """The columns a row dataclass fills, in the order of its fields."""
    return tuple(f.name for f in fields(row_type))


_READERS: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {}


def as_columns(row: Any) -> dict[str, Any]:
    """A row dataclass as column -> value."""
    reader = _READERS.get(type(row))
    if reader is None:
        names = columns(type(row))
        reader = _READERS[type(row)] = (names, operator.attrgetter(*names))
    return dict(zip(reader[0], reader[1](row), strict=True))


_ARRIVALS: dict[tuple[str, str | None], EventText] = {}


def arrival(kind: str, source: str | None = None) -> EventText:
    """The event that records a new case: "imported" from the register ``source``, else "logged".

    Made once for each kind and source (an import of 100,000 rows asks 100,000 times); so not to be changed.
    """
    found = _ARRIVALS.get((kind, source))
    if found is None:
        found = (EventText("imported", f"from {source}"[:120], None, None) if source is not None
                 else EventText("logged", "kind", None, kind))
        if len(_ARRIVALS) < 1000:
            _ARRIVALS[kind, source] = found
    return found


def stage_row(stage: StageDates, rules: RuleBook, calendar: WorkingCalendar, *, id: int | None = None,  # noqa: A002
              case_id: int | None = None, outcome: str | None = None, accepted: date | None = None,
              round: int = 0, handler_id: int | None = None) -> StageRow:  # noqa: A002 - the columns' names
    """A stage's row, with the deadline it runs against while it is live."""
    dl = deadline(stage, rules, calendar)
    return StageRow(id, case_id, stage.procedure, stage.number, round, stage.requested, accepted, stage.declined,
                    stage.statement_agreed, stage.extended_on, stage.extended_days, stage.paused_since,
                    stage.paused_days, stage.panel_on, stage.findings_on, stage.responded, outcome,
                    dl.step if dl else None, dl.due if dl else None, acknowledged=stage.acknowledged,
                    case_received=stage.case_received, provisional=bool(dl and dl.provisional),
                    handler_id=handler_id)


def new_case(rules: RuleBook, calendar: WorkingCalendar, kind: str, received: date, reference: str, *,
             id: int | None = None, channel: str | None = None, person_id: int | None = None,  # noqa: A002
             complainant_group: str | None = None, child_name: str | None = None, child_status: str | None = None,
             advocate: str | None = None, service_area_id: int | None = None, team_id: int | None = None,
             officer_id: int | None = None, summary: str | None = None, theme_ids: Iterable[int] = (),
             acknowledged: date | None = None, first_stage: StageDates | None = None, stage_id: int | None = None,
             outcome: str | None = None, closed: date | None = None, source: str | None = None) -> NewCaseRows:
    """The rows of a new case of ``kind`` received on ``received``.

    A case that comes with a history (an import, the demo) gives how far its first stage has gone
    (``first_stage``, its ``outcome``) and the day it ``closed``; a case just logged gives neither.
    A kind without a clock is closed on receipt and has no stage; any other has a first stage,
    running from receipt. The acknowledgement is owed by the one rule: not once acknowledged, nor once
    a reply or the closing settled it. ``source``: the register an import reads, which its event names
    (an import's case is "imported"; any other is "logged").
    """
    if kind in NO_CLOCK_KINDS:
        closed, stage = closed or received, None
    else:
        first = first_stage or StageDates(kind, 1, received)
        first.case_received = first.case_received or received
        if first.number == 1:
            first.acknowledged = first.acknowledged or acknowledged
        stage = stage_row(first, rules, calendar, id=stage_id, case_id=id, outcome=outcome)
    settled = closed is not None or (stage is not None and stage.responded is not None)
    owed = acknowledgement_due(rules, calendar, kind, received, acknowledged, settled)
    case = CaseRow(id, reference, kind, received, channel, person_id, complainant_group, child_name, child_status,
                   advocate, service_area_id, team_id, officer_id, summary, acknowledged, owed, closed)
    return NewCaseRows(case, stage, [ThemeLink(id, t) for t in dict.fromkeys(theme_ids)], arrival(kind, source))
