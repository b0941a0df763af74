"""The case register (``../shared/formats/case-register.md``): its columns, and reading one row of it.

Pure rules: a row of cells (strings from CSV, or dates and numbers from Excel) becomes a typed
``RegisterRow`` or a list of ``CellError``s, each naming the spreadsheet row, the column and what
is wrong. Values are echoed in messages only for coded columns (dates, kinds, money), never for
free text such as names, so an error report carries no personal data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.vocab import (
    Advocate,
    Channel,
    ChildStatus,
    ComplainantGroup,
    Kind,
    LgoDecision,
    Outcome,
    Remedy,
)

FINDING_NAMES = ("upheld", "partially_upheld", "not_upheld", "not_determined", "outside_remit")

#: Every column of the register, in the order an export writes them, with how its cells are read.
COLUMNS: dict[str, str] = {
    "reference": "text", "kind": "kind", "received": "date", "channel": "channel", "complainant_id": "text",
    "complainant": "text", "complainant_group": "group", "persistent": "yesno", "child_status": "child_status",
    "advocate": "advocate", "service_area": "text", "team": "text", "themes": "list", "summary": "text",
    "closed": "date", "stage1_extended": "date", "stage1_responded": "date", "stage1_outcome": "outcome",
    "stage1_reopened": "count", "stage2_requested": "date", "stage2_declined": "date", "stage2_started": "date",
    "stage2_extended": "date", "stage2_responded": "date", "stage2_outcome": "outcome",
    "stage2_findings": "findings", "stage2_cost": "money", "stage3_requested": "date", "stage3_panel": "date",
    "stage3_responded": "date", "stage3_outcome": "outcome", "stage3_cost": "money", "lgo_received": "date",
    "lgo_decision": "lgo_decision", "lgo_closed": "date", "lgo_remedy": "remedy", "lgo_payment": "money",
}
REQUIRED = ("kind", "received")
STAGE_COLUMNS = tuple(c for c in COLUMNS if c.startswith(("stage1_", "stage2_", "stage3_")))
CHOICES = {"kind": Kind, "channel": Channel, "group": ComplainantGroup, "child_status": ChildStatus,
           "advocate": Advocate, "outcome": Outcome, "lgo_decision": LgoDecision}
#: The order dates must keep along a complaint's way (the format's rule).
DATE_ORDER = ("received", "stage1_responded", "stage2_requested", "stage2_started", "stage2_responded",
              "stage3_requested", "stage3_panel", "stage3_responded")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONEY = re.compile(r"£?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?")


@dataclass(frozen=True)
class CellError:
    row: int  # as a spreadsheet shows it: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}" if self.row else f"{self.column}: {self.message}"


@dataclass
class RegisterRow:
    """One representation as the register describes it (None = not recorded)."""

    row: int = 0
    reference: str | None = None
    kind: str = ""
    received: date = date.min
    channel: str | None = None
    complainant_id: str | None = None
    complainant: str | None = None
    complainant_group: str | None = None
    persistent: bool | None = None
    child_status: str | None = None
    advocate: str | None = None
    service_area: str | None = None
    team: str | None = None
    themes: tuple[str, ...] = ()
    summary: str | None = None
    closed: date | None = None
    stage1_extended: date | None = None
    stage1_responded: date | None = None
    stage1_outcome: str | None = None
    stage1_reopened: int = 0
    stage2_requested: date | None = None
    stage2_declined: date | None = None
    stage2_started: date | None = None
    stage2_extended: date | None = None
    stage2_responded: date | None = None
    stage2_outcome: str | None = None
    stage2_findings: tuple[tuple[str, int], ...] = ()
    stage2_cost: Decimal | None = None
    stage3_requested: date | None = None
    stage3_panel: date | None = None
    stage3_responded: date | None = None
    stage3_outcome: str | None = None
    stage3_cost: Decimal | None = None
    lgo_received: date | None = None
    lgo_decision: str | None = None
    lgo_closed: date | None = None
    lgo_remedy: str | None = None
    lgo_payment: Decimal | None = None

    def cells(self) -> dict[str, str]:
        """The row as register cells (the export's text), keyed by column."""
        return {name: format_cell(COLUMNS[name], getattr(self, name)) for name in COLUMNS}


assert [f.name for f in fields(RegisterRow)][1:] == list(COLUMNS)
#: A row with nothing recorded; every default is immutable, so rows can start as a copy of it.
_BLANK = {f.name: f.default for f in fields(RegisterRow)}
assert all(isinstance(v, date | str | int | tuple | None) for v in _BLANK.values())


def format_cell(kind: str, value: Any) -> str:
    if value is None or value == () or (kind == "count" and value == 0):
        return ""
    if kind == "date":
        return value.isoformat()
    if kind == "yesno":
        return "yes" if value else "no"
    if kind == "list":
        return ";".join(value)
    if kind == "findings":
        return ";".join(f"{k}:{n}" for k, n in value)
    if kind == "money":
        return f"{value:.2f}"
    return str(value)


class _Bad(ValueError):
    """A cell that cannot be read; the message is what the user sees."""


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value: Any) -> date:
    """``2024-04-03`` or day-first ``03/04/2024`` (Excel dates as they are); never month-first."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    m = _ISO_DATE.fullmatch(text[:10]) if len(text) >= 10 else None
    if m and text[10:].strip(" T0:.") == "":  # a time of midnight, as some exports add, is no time
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif (m := _UK_DATE.fullmatch(text)) is not None:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        raise _Bad(f"{_show(text)} is not a date: write 2024-04-03 or 03/04/2024 (day first)")
    try:
        return date(y, mo, d)
    except ValueError:
        raise _Bad(f"{_show(text)} is not a date that exists") from None


def parse_money(value: Any) -> Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    text = _text(value).replace(" ", "")
    m = _MONEY.fullmatch(text)
    if not m:
        raise _Bad(f"{_show(text)} is not an amount of money: write 4017.98 or £4,017.98")
    return Decimal(m.group(1).replace(",", "") + (m.group(2) or "")).quantize(Decimal("0.01"))


def _show(text: str) -> str:
    return repr(text if len(text) <= 30 else text[:27] + "...")


_ALLOWED = {kind: frozenset(m.value for m in enum) for kind, enum in CHOICES.items()}
_REMEDIES = frozenset(r.value for r in Remedy)


def _choice(kind: str) -> Callable[[Any], str]:
    allowed = _ALLOWED[kind]

    def parse(value: Any) -> str:
        text = value if isinstance(value, str) else _text(value)
        if text in allowed:  # the usual case, checked first: an import reads millions of these
            return text
        text = text.strip().lower().replace(" ", "_").replace("-", "_")
        if text in allowed:
            return text
        raise _Bad(f"{_show(_text(value))} is not one of: {', '.join(m.value for m in CHOICES[kind])}")

    return parse


def _parse_text(value: Any) -> str | None:
    return (value.strip() if isinstance(value, str) else _text(value)) or None


#: Dates read, by their text: a register of 100,000 rows holds a few thousand different days, so
#: most cells are a lookup; and equal days are then one object, which a pickle (the import's second
#: process) writes once per batch instead of once per cell.
_DAYS: dict[str, date] = {}


def _parse_date(value: Any) -> date:
    if isinstance(value, str):
        day = _DAYS.get(value)
        if day is None:
            day = parse_date(value)
            if len(_DAYS) < 100_000:
                _DAYS[value] = day
        return day
    return parse_date(value)


def _parse_yesno(value: Any) -> bool:
    text = _text(value).lower()
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    raise _Bad(f"{_show(_text(value))} is not yes or no")


def _parse_count(value: Any) -> int:
    text = _text(value)
    if not text.isdigit():
        raise _Bad(f"{_show(text)} is not a whole number")
    return int(text)


def _parse_list(value: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.strip() for t in _text(value).split(";") if t.strip()))


def _parse_remedy(value: Any) -> str | None:
    parts = [p.strip().lower() for p in _text(value).split(";") if p.strip()]
    wrong = [p for p in parts if p not in _REMEDIES]
    if wrong:
        raise _Bad(f"{_show(wrong[0])} is not a remedy: {', '.join(r.value for r in Remedy)}")
    return ";".join(parts) or None


def _parse_findings(value: Any) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    for part in (p.strip() for p in _text(value).split(";") if p.strip()):
        name, _, number = part.partition(":")
        name = name.strip().lower()
        if name not in FINDING_NAMES or not number.strip().isdigit():
            raise _Bad(f"{_show(part)} is not finding:count, e.g. upheld:7;not_upheld:45 "
                       f"(findings: {', '.join(FINDING_NAMES)})")
        counts[name] = counts.get(name, 0) + int(number)
    return tuple((k, counts[k]) for k in FINDING_NAMES if counts.get(k))


_BY_KIND: dict[str, Callable[[Any], Any]] = {
    "text": _parse_text, "date": _parse_date, "money": parse_money, "yesno": _parse_yesno,
    "count": _parse_count, "list": _parse_list, "remedy": _parse_remedy, "findings": _parse_findings,
    **{kind: _choice(kind) for kind in CHOICES},
}
#: How each column's cell is read: looked up once per cell, so no dispatch on the kind per value.
PARSERS: dict[str, Callable[[Any], Any]] = {column: _BY_KIND[kind] for column, kind in COLUMNS.items()}
_DATES = frozenset(c for c, kind in COLUMNS.items() if kind == "date")


def read_row(cells: dict[str, Any], row: int, today: date) -> tuple[RegisterRow | None, list[CellError]]:
    """Read one row's cells (column -> raw value); a row only when it has no error."""
    return read_cells(cells.items(), row, today)


def read_cells(cells: Iterable[tuple[str, Any]], row: int, today: date) -> tuple[RegisterRow | None,
                                                                                  list[CellError]]:
    """``read_row`` over (column, raw value) pairs, as a file's rows give them; empty cells are skipped."""
    errors: list[CellError] = []
    values: dict[str, Any] = {}
    parsers, dates = PARSERS, _DATES  # locals: this loop runs for every cell of an import
    for column, raw in cells:
        if raw is None or raw == "" or (raw.__class__ is str and raw[0].isspace() and not raw.strip()):
            continue
        try:
            value = values[column] = parsers[column](raw)
        except _Bad as exc:
            errors.append(CellError(row, column, str(exc)))
            continue
        if column in dates and value > today:
            errors.append(CellError(row, column, f"{value.isoformat()} is in the future"))
    if "kind" not in values or "received" not in values:
        for column in REQUIRED:
            if column not in values and not any(e.column == column for e in errors):
                errors.append(CellError(row, column, "is required"))
    if errors:
        return None, errors
    result = RegisterRow.__new__(RegisterRow)  # as RegisterRow(row=row, **values), at a fifth of the cost
    result.__dict__ = {**_BLANK, **values, "row": row}
    errors = check_row(result, today)
    return (None, errors) if errors else (result, [])


_LATER2 = ("stage2_declined", "stage2_started", "stage2_extended", "stage2_responded", "stage2_outcome",
           "stage2_findings", "stage2_cost")
_LATER3 = ("stage3_panel", "stage3_responded", "stage3_outcome", "stage3_cost")


def check_row(r: RegisterRow, today: date) -> list[CellError]:
    """The format's rules across a row's cells: dates in order, stages where they belong.

    Read by attribute rather than by name in loops where it can: it runs once for every row of
    an import.
    """
    errors: list[CellError] = []

    def err(column: str, message: str) -> None:
        errors.append(CellError(r.row, column, message))

    previous: tuple[str, date] | None = None
    for column, value in zip(DATE_ORDER, (r.received, r.stage1_responded, r.stage2_requested, r.stage2_started,
                                          r.stage2_responded, r.stage3_requested, r.stage3_panel,
                                          r.stage3_responded), strict=True):
        if value is None:
            continue
        if previous and value < previous[1]:
            err(column, f"{value.isoformat()} is before {previous[0]} ({previous[1].isoformat()})")
        previous = (column, value)
    complaint = r.kind in ("statutory", "corporate")
    if not complaint:
        cell = r.__dict__  # by key: this runs for half the rows of a register (every non-complaint)
        staged = [c for c in STAGE_COLUMNS if cell[c] not in (None, (), 0)]
        if staged:
            err(staged[0], f"a {r.kind.replace('_', ' ')} has no stages: record when it ended in closed")
    if complaint and r.closed is not None:
        err("closed", "a complaint closes with its last stage's response: leave closed empty")
    if r.closed is not None and r.closed < r.received:
        err("closed", f"{r.closed.isoformat()} is before received ({r.received.isoformat()})")
    for n, outcome, responded in ((1, r.stage1_outcome, r.stage1_responded), (2, r.stage2_outcome, r.stage2_responded),
                                  (3, r.stage3_outcome, r.stage3_responded)):
        if outcome and not responded:
            err(f"stage{n}_outcome", f"an outcome needs the Stage {n} response date (stage{n}_responded)")
    if r.stage1_reopened and not r.stage1_responded:
        err("stage1_reopened", "only a Stage 1 complaint that was answered can be reopened")
    if r.stage2_requested is None or r.stage2_declined is not None:
        later2 = [c for c in _LATER2 if getattr(r, c) not in (None, ())]
        if later2 and r.stage2_requested is None:
            err(later2[0], "Stage 2 needs the date it was requested (stage2_requested)")
        if r.stage2_declined is not None:
            other = [c for c in later2 if c != "stage2_declined"]
            if other:
                err(other[0], "a declined Stage 2 has no other Stage 2 dates or results")
            if r.stage2_requested and r.stage2_declined < r.stage2_requested:
                err("stage2_declined", "is before stage2_requested")
    if r.stage3_requested is None:
        later3 = [c for c in _LATER3 if getattr(r, c) is not None]
        if later3:
            err(later3[0], "Stage 3 needs the date it was requested (stage3_requested)")
    elif r.stage2_responded is None or r.stage2_declined is not None:
        err("stage3_requested", "Stage 3 follows a Stage 2 response (stage2_responded)")
    if r.stage2_requested and r.stage1_responded is None:
        err("stage2_requested", "Stage 2 follows a Stage 1 response (stage1_responded)")
    for n, start, extended, end in ((1, r.received, r.stage1_extended, r.stage1_responded),
                                    (2, r.stage2_started or r.stage2_requested, r.stage2_extended,
                                     r.stage2_responded)):
        if extended and ((start and extended < start) or (end and extended > end)):
            err(f"stage{n}_extended", f"{extended.isoformat()} is outside Stage {n} (from its start to its response)")
    if r.lgo_received is None:
        if r.lgo_decision or r.lgo_closed or r.lgo_remedy or r.lgo_payment:
            err("lgo_received", "the Ombudsman's other columns need the date the enquiry was received")
    elif r.lgo_closed and r.lgo_closed < r.lgo_received:
        err("lgo_closed", "is before lgo_received")
    if r.lgo_decision and not r.lgo_closed:
        err("lgo_closed", "a decision needs the date the Ombudsman closed the enquiry")
    return errors


def normalise_header(name: str) -> str:
    return re.sub(r"\s+", " ", str(name or "")).strip().lower()


def match_header(header: list[Any], mapping: dict[str, str], ignore: set[str]) -> tuple[dict[str, int],
                                                                                        list[CellError]]:
    """Which cell index holds each column: names case-insensitive, ``--map HEADER=column``, ``--ignore``."""
    mapped = {normalise_header(k): v for k, v in mapping.items()}
    ignored = {normalise_header(i) for i in ignore}
    errors: list[CellError] = []
    for target in mapped.values():
        if target not in COLUMNS:
            errors.append(CellError(0, "--map", f"{target!r} is not a register column"))
    where: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = normalise_header(raw)
        if not name or name in ignored:
            continue
        column = mapped.get(name, name)
        if column not in COLUMNS:
            errors.append(CellError(1, str(raw).strip(), "is not a register column: rename it, or use "
                                                         f"--map \"{str(raw).strip()}=COLUMN\" or "
                                                         f"--ignore \"{str(raw).strip()}\""))
        elif column in where:
            errors.append(CellError(1, str(raw).strip(), f"is a second {column} column"))
        else:
            where[column] = i
    for column in REQUIRED:
        if column not in where and not errors:
            errors.append(CellError(1, column, "the header has no such column, and it is required"))
    return where, errors
