"""What the year-end figures are computed from: plain records the store loads for one year.

The store loads only the year's rows (received in it, or live at some point in it) through
indexed date ranges; everything in ``domain.figures`` then counts from these records, so the
counting rules live in one place and are tested without a database. The records are named tuples:
a year at 100,000 cases builds ~20,000 of them, at 3-5 µs each as frozen dataclasses, ~0.6 µs as tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from domain.vocab import COMPLAINT_KINDS
from domain.year import FinancialYear


class CaseFact(NamedTuple):
    """A representation received in the year (no names, no references: figures never need them)."""

    case_id: int
    kind: str
    received: date
    channel: str | None = None
    group: str | None = None
    advocate: str | None = None
    service_area: str | None = None
    person: int | None = None
    themes: tuple[str, ...] = ()
    stage1_outcome: str | None = None  # the first Stage 1 response's outcome, when there is one


class StageFact(NamedTuple):
    """A stage that was live at some point in the year (requested by its end, not ended before it)."""

    case_id: int
    procedure: str
    number: int
    requested: date
    received: date  # the case's receipt: where a Stage 1 complaint starts, whatever its round
    round: int = 0
    accepted: date | None = None
    declined: date | None = None
    statement_agreed: date | None = None
    extended_on: date | None = None
    extended_days: int | None = None
    paused_days: int = 0
    panel_on: date | None = None
    responded: date | None = None
    closed: date | None = None  # the case's closing date (enquiries and concerns end there too)
    outcome: str | None = None
    findings: tuple[str | None, ...] = ()
    costs: tuple[Decimal, ...] = ()
    themes: tuple[str, ...] = ()

    @property
    def start(self) -> date | None:
        """When the stage's work starts, for ``stage_activity``: receipt (Stage 1), or the date of the
        request (Stages 2 and 3: the request's own date, not its acceptance or the statement's agreement);
        None for a declined request."""
        if self.number == 1 or self.procedure not in COMPLAINT_KINDS:
            return self.received if self.number == 1 and self.round == 0 else self.requested
        if self.declined is not None:
            return None
        return self.requested

    @property
    def started(self) -> date | None:
        """When an investigation started, for ``escalations``: the statement of complaint's agreement;
        where none was recorded, the date of the request once it was accepted (or answered)."""
        if self.declined is not None:
            return None
        if self.statement_agreed is not None:
            return self.statement_agreed
        return self.requested if self.accepted is not None or self.responded is not None else None

    @property
    def ended(self) -> date | None:
        if self.responded is not None:
            return self.responded
        if self.procedure not in COMPLAINT_KINDS:
            return self.closed
        return None


class EnquiryFact(NamedTuple):
    """An Ombudsman enquiry live in the year."""

    received: date
    decided: date | None = None
    decision: str | None = None
    payment: Decimal | None = None


class ActionFact(NamedTuple):
    """A learning action due or completed in the year."""

    due: date | None
    done: date | None


@dataclass
class YearFacts:
    """Everything one year's tables count, plus the case ids whose complaint went on to Stage 2."""

    year: FinancialYear
    cases: list[CaseFact] = field(default_factory=list)
    stages: list[StageFact] = field(default_factory=list)
    enquiries: list[EnquiryFact] = field(default_factory=list)
    actions: list[ActionFact] = field(default_factory=list)
    escalated: frozenset[int] = frozenset()  # cases with a Stage 2 request at any time
    reopenings: dict[int, int] = field(default_factory=dict)  # case -> times its Stage 1 was reopened
    received_by_kind: dict[str, dict[str, int]] = field(default_factory=dict)  # year label -> kind -> count
    monthly_statutory: dict[str, dict[str, int]] = field(default_factory=dict)  # year label -> month -> count
    as_of: date | None = None  # the day the figures are taken (actions overdue "by then")
