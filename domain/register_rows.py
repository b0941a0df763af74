"""Reading one row of a case register: each cell by its column (``domain.register_cells``), then the
format's rules across the row's cells (dates in order, stages where they belong)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import fields
from datetime import date
from typing import Any

from domain import limits
from domain.harmless import from_csv
from domain.limits import text_problem
from domain.register import (
    AHEAD,
    COLUMNS,
    DATE_ORDER,
    MULTI_LINE,
    REQUIRED,
    STAGE_COLUMNS,
    TEXT_LIMITS,
    CellError,
    RegisterRow,
    UnreadableCell,
)
from domain.register_cells import BY_KIND, BadCell, parse_date, text_column
from domain.timescales import RuleError
from domain.vocab import COMPLAINT_KINDS, Kind

# Every field's default is immutable and kept on the class (as a dataclass does), so ``_as_row`` can
# leave out what a row does not record.
assert all(getattr(RegisterRow, f.name) == f.default and isinstance(f.default, date | str | int | tuple | None)
           for f in fields(RegisterRow))


def _as_row(values: dict[str, Any], row: int) -> RegisterRow:
    """``RegisterRow(row=row, **values)`` at a fifth of the cost: the values become the instance's own
    attributes (the class holds the defaults). It runs for every row of an import."""
    result = RegisterRow.__new__(RegisterRow)
    values["row"] = row
    result.__dict__ = values
    return result


class RowReader:
    """Reads one file's rows, whose cells come in a fixed order of columns, as of ``today``: cell by cell,
    each checked against the limits of ``domain.limits`` and read as its column's kind says.

    A CSV text cell marked as text with an apostrophe (``'=x``, as an export writes a text a spreadsheet
    would take for a formula) has the apostrophe taken off first (``domain.harmless``).
    """

    def __init__(self, columns: list[str], today: date) -> None:
        self.columns, self.today = columns, today
        self.parsers = [self._day if COLUMNS[c] == "date" and c not in AHEAD else
                        text_column(c) if COLUMNS[c] == "text" else BY_KIND[COLUMNS[c]] for c in columns]
        self.limits = [TEXT_LIMITS.get(c, limits.CELL) for c in columns]
        self.lines = [c in MULTI_LINE for c in columns]
        self.texts = [i for i, c in enumerate(columns) if COLUMNS[c] in ("text", "list")]

    def _day(self, raw: Any) -> date:
        day = parse_date(raw)
        if day > self.today:
            raise BadCell(f"{day.isoformat()} is in the future")
        return day

    def read_text(self, cells: Sequence[str], row: int) -> tuple[RegisterRow | None, list[CellError]]:
        """A CSV row's cells (strings, one per column); whitespace-only cells count as empty."""
        # A cell marked as text with an apostrophe: looked for only in rows with an apostrophe at all (asking every
        # cell of every row cost 0.3 s of a 100,000-row import).
        if "'" in "".join(cells) and any(cell.strip().startswith("'") for cell in cells):
            cells = [cell.strip() for cell in cells]
            for i in self.texts:
                cells[i] = from_csv(cells[i])
        return self.read(cells, row)

    def read(self, cells: Iterable[Any], row: int) -> tuple[RegisterRow | None, list[CellError]]:
        """Any row's cells, one per column, cell by cell: every wrong cell is reported."""
        errors: list[CellError] = []
        values: dict[str, Any] = {}
        for column, parse, limit, lines, raw in zip(self.columns, self.parsers, self.limits, self.lines, cells,
                                                    strict=True):
            if raw is None or raw == "" or (raw.__class__ is str and not raw.strip()):
                continue
            try:
                if raw.__class__ is UnreadableCell:
                    raise BadCell(raw.message)
                if isinstance(raw, str):
                    if lines:
                        raw = raw.replace("\r\n", "\n")  # a line break as Windows writes it
                    problem = text_problem(raw.strip(), limit, multiline=lines)
                    if problem:
                        raise BadCell(problem)
                values[column] = parse(raw)
            except RuleError as exc:
                errors.append(CellError(row, column, str(exc)))
        return self._row(values, errors, row)

    def _row(self, values: dict[str, Any], errors: list[CellError], row: int) -> tuple[RegisterRow | None,
                                                                                        list[CellError]]:
        if "kind" not in values or "received" not in values:
            for column in REQUIRED:
                if column not in values and not any(e.column == column for e in errors):
                    errors.append(CellError(row, column, "is required"))
        if errors:
            return None, errors
        if "not_accepted" in values:  # not accepted as a complaint: the format's row has no date for it
            values.setdefault("not_accepted_on", values.get("closed") or values["received"])
        errors = check_row(result := _as_row(values, row), values.keys())
        if errors:
            return None, errors
        if result.not_accepted is not None:  # the case closed the day it was not accepted
            result.closed = result.not_accepted_on
        return result, []


def read_row(cells: dict[str, Any], row: int, today: date) -> tuple[RegisterRow | None, list[CellError]]:
    """Read one row's cells (column -> raw value); a row only when it has no error."""
    return RowReader(list(cells), today).read(cells.values(), row)


_LATER2 = ("stage2_declined", "stage2_started", "stage2_extended", "stage2_responded", "stage2_outcome",
           "stage2_findings", "stage2_cost")
_LATER3 = ("stage3_panel", "stage3_responded", "stage3_outcome", "stage3_cost")
_OUTCOMES = ("stage1_outcome", "stage2_outcome", "stage3_outcome")
_EXTENSIONS = ("stage1_extended", "stage2_extended")
_OTHER_DATES = ("acknowledged", "persistent_start", "persistent_review", "persistent_end", "stage1_reopened_on",
                "stage1_reopened_responded")


def check_row(r: RegisterRow, recorded: AbstractSet[str]) -> list[CellError]:
    """The format's rules across a row's cells: dates in order, stages where they belong.

    ``recorded`` names the columns the row has cells in: it runs once for every row of an import,
    so each rule about which columns may be filled asks a set first, in C, and looks at the cells
    themselves only when some are.
    """
    errors: list[CellError] = []

    def err(column: str, message: str) -> None:
        errors.append(CellError(r.row, column, message))

    along = (r.received, r.stage1_responded, r.stage2_requested, r.stage2_started, r.stage2_responded,
             r.stage3_requested, r.stage3_panel, r.stage3_responded)
    dated = list(filter(None, along))  # a date is never false
    if dated != sorted(dated):
        previous: tuple[str, date] | None = None
        for column, value in zip(DATE_ORDER, along, strict=True):
            if value is None:
                continue
            if previous and value < previous[1]:
                err(column, f"{value.isoformat()} is before {previous[0]} ({previous[1].isoformat()})")
            previous = (column, value)
    complaint = r.kind in COMPLAINT_KINDS
    if not complaint and not recorded.isdisjoint(STAGE_COLUMNS):
        staged = [c for c in STAGE_COLUMNS if getattr(r, c) not in (None, (), 0)]
        if staged:
            err(staged[0], f"a {r.kind.replace('_', ' ')} has no stages: record when it ended in closed")
    if complaint and r.closed is not None and r.not_accepted is None:
        err("closed", "a complaint closes with its last stage's response: leave closed empty")
    if r.closed is not None and r.closed < r.received:
        err("closed", f"{r.closed.isoformat()} is before received ({r.received.isoformat()})")
    outcomes = () if recorded.isdisjoint(_OUTCOMES) else (
        (1, r.stage1_outcome, r.stage1_responded), (2, r.stage2_outcome, r.stage2_responded),
        (3, r.stage3_outcome, r.stage3_responded))
    for n, outcome, responded in outcomes:
        if outcome and not responded:
            err(f"stage{n}_outcome", f"an outcome needs the Stage {n} response date (stage{n}_responded)")
    if r.stage1_reopened and not r.stage1_responded:
        err("stage1_reopened", "only a Stage 1 complaint that was answered can be reopened")
    if r.stage2_requested is None or r.stage2_declined is not None:
        later2 = [c for c in _LATER2 if getattr(r, c) not in (None, ())] if not recorded.isdisjoint(_LATER2) else []
        if later2 and r.stage2_requested is None:
            err(later2[0], "Stage 2 needs the date it was requested (stage2_requested)")
        if r.stage2_declined is not None:
            other = [c for c in later2 if c != "stage2_declined"]
            if other:
                err(other[0], "a declined Stage 2 has no other Stage 2 dates or results")
            if r.stage2_requested and r.stage2_declined < r.stage2_requested:
                err("stage2_declined", "is before stage2_requested")
    if r.stage3_requested is None:
        later3 = [c for c in _LATER3 if getattr(r, c) is not None] if not recorded.isdisjoint(_LATER3) else []
        if later3:
            err(later3[0], "Stage 3 needs the date it was requested (stage3_requested)")
    elif r.stage2_responded is None or r.stage2_declined is not None:
        err("stage3_requested", "Stage 3 follows a Stage 2 response (stage2_responded)")
    if r.stage2_requested and r.stage1_responded is None:
        err("stage2_requested", "Stage 2 follows a Stage 1 response (stage1_responded)")
    extensions = () if recorded.isdisjoint(_EXTENSIONS) else (
        (1, r.received, r.stage1_extended, r.stage1_responded),
        (2, r.stage2_started or r.stage2_requested, r.stage2_extended, r.stage2_responded))
    for n, start, extended, end in extensions:
        if extended and ((start and extended < start) or (end and extended > end)):
            err(f"stage{n}_extended", f"{extended.isoformat()} is outside Stage {n} (from its start to its response)")
    if not recorded.isdisjoint(_OTHER_DATES):
        _check_other_dates(r, err)
    _check_code_columns(r, err)
    if r.lgo_received is None:
        if r.lgo_decision or r.lgo_closed or r.lgo_remedy or r.lgo_payment:
            err("lgo_received", "the Ombudsman's other columns need the date the enquiry was received")
    elif r.lgo_closed and r.lgo_closed < r.lgo_received:
        err("lgo_closed", "is before lgo_received")
    if r.lgo_decision and not r.lgo_closed:
        err("lgo_closed", "a decision needs the date the Ombudsman closed the enquiry")
    return errors


def _check_code_columns(r: RegisterRow, err: Callable[[str, str], None]) -> None:
    """A contact not accepted (``not_accepted``: its exclusion) was never answered as a complaint, and closed the day
    it was not accepted (``not_accepted_on``); Stage 2's acknowledgement and handler belong to a Stage 2 that was
    requested."""
    if r.not_accepted is not None:
        if r.stage1_responded is not None or r.stage2_requested is not None:
            err("not_accepted", "a contact not accepted as a complaint has no response or later stage")
        on = r.not_accepted_on or r.received
        if on < r.received and on != r.closed:  # a closed date before received is reported as such
            err("not_accepted_on", f"{on.isoformat()} is before received ({r.received.isoformat()})")
        if r.closed is not None and r.closed != on:
            err("closed", f"a contact not accepted as a complaint closed the day it was not accepted "
                          f"(not_accepted_on, {on.isoformat()})")
    elif r.not_accepted_on is not None or r.exclusion_note is not None:
        err("not_accepted_on" if r.not_accepted_on else "exclusion_note",
            "needs the exclusion under which the contact was not accepted as a complaint (not_accepted)")
    if (r.stage2_acknowledged or r.stage2_handler) and r.stage2_requested is None:
        err("stage2_acknowledged" if r.stage2_acknowledged else "stage2_handler",
            "Stage 2 needs the date it was requested (stage2_requested)")
    elif r.stage2_acknowledged and r.stage2_requested and r.stage2_acknowledged < r.stage2_requested:
        err("stage2_acknowledged", "is before stage2_requested")


def _check_other_dates(r: RegisterRow, err: Callable[[str, str], None]) -> None:
    """The acknowledgement, the persistent-complaints procedure (an ended one is no longer ``persistent``) and the
    last reopening of Stage 1."""
    if r.acknowledged is not None:
        if not Kind(r.kind).has_clock:
            err("acknowledged", f"a {r.kind.replace('_', ' ')} is not acknowledged")
        elif r.acknowledged < r.received:
            err("acknowledged", f"{r.acknowledged.isoformat()} is before received ({r.received.isoformat()})")
    if r.persistent_end is not None:
        if r.persistent:
            err("persistent_end", "the procedure has ended: leave persistent empty (or no), or persistent_end empty")
        elif r.persistent_start and r.persistent_end < r.persistent_start:
            err("persistent_end", f"{r.persistent_end.isoformat()} is before persistent_start "
                                  f"({r.persistent_start.isoformat()})")
    if r.persistent_start and r.persistent_review and r.persistent_review <= r.persistent_start:
        err("persistent_review", f"{r.persistent_review.isoformat()} is not after persistent_start "
                                 f"({r.persistent_start.isoformat()})")
    reopened, answered = r.stage1_reopened_on, r.stage1_reopened_responded
    if reopened is None:
        if answered is not None:
            err("stage1_reopened_responded", "needs the date Stage 1 was last reopened (stage1_reopened_on)")
        return
    if not r.stage1_reopened:
        err("stage1_reopened_on", "needs how many times Stage 1 was reopened (stage1_reopened)")
    elif r.stage1_responded and reopened < r.stage1_responded:
        err("stage1_reopened_on", f"{reopened.isoformat()} is before stage1_responded "
                                  f"({r.stage1_responded.isoformat()})")
    if answered is not None and answered < reopened:
        err("stage1_reopened_responded", f"{answered.isoformat()} is before stage1_reopened_on "
                                         f"({reopened.isoformat()})")
    if r.stage2_requested is not None:
        if answered is None:
            err("stage2_requested", "Stage 2 follows the response to the reopened Stage 1 "
                                    "(stage1_reopened_responded)")
        elif r.stage2_requested < answered:
            err("stage2_requested", f"{r.stage2_requested.isoformat()} is before stage1_reopened_responded "
                                    f"({answered.isoformat()})")
