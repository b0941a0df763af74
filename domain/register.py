"""The case register (``../shared/formats/case-register.md``): its columns, and reading one row of it.

Pure rules: a row of cells (strings from CSV, or dates and numbers from Excel) becomes a typed
``RegisterRow`` or a list of ``CellError``s, each naming the spreadsheet row, the column and what
is wrong. Values are echoed in messages only for coded columns (dates, kinds, money), never for
free text such as names, so an error report carries no personal data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from itertools import compress
from operator import call, gt, itemgetter, methodcaller
from typing import Any

from domain import limits
from domain.harmless import from_csv
from domain.limits import check_day, check_money, check_text, quoted, text_problem, whole_number
from domain.timescales import RuleError
from domain.vocab import (
    COMPLAINT_KINDS,
    FINDING_NAMES,
    Advocate,
    Channel,
    ChildStatus,
    ComplainantGroup,
    Kind,
    LgoDecision,
    Outcome,
    Remedy,
)

#: Every column of the register, in the order an export writes them, with how its cells are read.
COLUMNS: dict[str, str] = {
    "reference": "text", "kind": "kind", "received": "date", "channel": "channel", "complainant_id": "text",
    "complainant": "text", "complainant_group": "group", "persistent": "yesno", "child_status": "child_status",
    "advocate": "advocate", "service_area": "text", "team": "text", "themes": "list", "summary": "text",
    "officer": "text", "acknowledged": "date", "persistent_start": "date", "persistent_review": "date",
    "closed": "date", "stage1_extended": "date", "stage1_responded": "date", "stage1_outcome": "outcome",
    "stage1_reopened": "count", "stage1_reopened_on": "date", "stage1_reopened_responded": "date",
    "stage2_requested": "date", "stage2_declined": "date", "stage2_started": "date",
    "stage2_extended": "date", "stage2_responded": "date", "stage2_outcome": "outcome",
    "stage2_findings": "findings", "stage2_cost": "money", "stage3_requested": "date", "stage3_panel": "date",
    "stage3_responded": "date", "stage3_outcome": "outcome", "stage3_cost": "money", "lgo_received": "date",
    "lgo_decision": "lgo_decision", "lgo_closed": "date", "lgo_remedy": "remedy", "lgo_payment": "money",
}
REQUIRED = ("kind", "received")
#: Date columns whose dates may lie ahead of today (a review is planned); every other date has happened.
AHEAD = frozenset({"persistent_review"})
STAGE_COLUMNS = tuple(c for c in COLUMNS if c.startswith(("stage1_", "stage2_", "stage3_")))
CHOICES = {"kind": Kind, "channel": Channel, "group": ComplainantGroup, "child_status": ChildStatus,
           "advocate": Advocate, "outcome": Outcome, "lgo_decision": LgoDecision}
#: The order dates must keep along a complaint's way (the format's rule).
DATE_ORDER = ("received", "stage1_responded", "stage2_requested", "stage2_started", "stage2_responded",
              "stage3_requested", "stage3_panel", "stage3_responded")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_MONEY = re.compile(r"£?\s*([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]{1,2})?")
#: The most characters each text column holds (``domain.limits``); every other cell holds at most ``CELL``.
TEXT_LIMITS = {"reference": limits.REFERENCE, "complainant_id": limits.EXTERNAL_ID, "complainant": limits.NAME,
               "service_area": limits.LIST_NAME, "team": limits.LIST_NAME, "officer": limits.LIST_NAME,
               "summary": limits.TEXT}
#: Text columns whose cells may hold several lines (and tabs).
MULTI_LINE = frozenset({"summary"})
_MARKED = methodcaller("startswith", "'")


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
    officer: str | None = None
    acknowledged: date | None = None
    persistent_start: date | None = None
    persistent_review: date | None = None
    closed: date | None = None
    stage1_extended: date | None = None
    stage1_responded: date | None = None
    stage1_outcome: str | None = None
    stage1_reopened: int = 0
    stage1_reopened_on: date | None = None
    stage1_reopened_responded: date | None = None
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


class _Bad(RuleError):
    """A cell that cannot be read; the message is what the user sees (a limit refuses with a RuleError too)."""


class UnreadableCell:
    """A cell a file holds but whose value cannot be had (an Excel formula never calculated, an error value):
    the file's reader puts one in its place, and reading it is an error saying ``message``."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __repr__(self) -> str:
        return f"UnreadableCell({self.message!r})"


def _set_of_parts(value: str | None) -> frozenset[str]:
    return frozenset(filter(None, (value or "").split(";")))


#: How the import tells a file's value from a stored one, by kind of column, where unequal cells are not
#: enough: a list's order and repeats say nothing (``Delays;Communication`` is ``Communication;Delays``),
#: and an empty ``persistent`` cell is how the register shows a person who is not (``no``).
_SAME_AS: dict[str, Callable[[Any], Any]] = {"list": frozenset, "remedy": _set_of_parts, "findings": dict,
                                             "yesno": bool}


def changed_cells(old: RegisterRow, new: RegisterRow, columns: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Column -> (old cell, new cell) for each of ``columns`` whose value differs between a stored case
    (``old``, as the export shows it) and a file's row (``new``); lists are compared as sets."""
    before, after = old.cells(), new.cells()
    diff = {}
    for column in columns:
        if before[column] != after[column]:
            same = _SAME_AS.get(COLUMNS[column])
            if same is None or same(getattr(old, column)) != same(getattr(new, column)):
                diff[column] = (before[column], after[column])
    return diff



def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value: Any) -> date:
    """``2024-04-03`` or day-first ``03/04/2024`` (Excel dates as they are); never month-first; from 1989 on."""
    if isinstance(value, datetime):
        return check_day(value.date())
    if isinstance(value, date):
        return check_day(value)
    text = _text(value)
    m = _ISO_DATE.fullmatch(text[:10]) if len(text) >= 10 else None
    if m and text[10:].strip(" T0:.") == "":  # a time of midnight, as some exports add, is no time
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif (m := _UK_DATE.fullmatch(text)) is not None:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        raise _Bad(f"{quoted(text)} is not a date: write 2024-04-03 or 03/04/2024 (day first)")
    try:
        day = date(y, mo, d)
    except ValueError:
        raise _Bad(f"{quoted(text)} is not a date that exists") from None
    return check_day(day)


def parse_money(value: Any) -> Decimal:
    """``4017.98`` or ``£4,017.98`` (or Excel's number), from 0 to what the money columns hold."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        text, amount = str(value), Decimal(str(value))
    else:
        text = _text(value).replace(" ", "")
        m = _MONEY.fullmatch(text)
        if not m:
            raise _Bad(f"{quoted(text)} is not an amount of money: write 4017.98 or £4,017.98")
        amount = Decimal(m.group(1).replace(",", "") + (m.group(2) or ""))
    try:
        return check_money(amount)
    except RuleError as exc:
        raise _Bad(f"{quoted(text)} {exc}") from None


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
        raise _Bad(f"{quoted(_text(value))} is not one of: {', '.join(m.value for m in CHOICES[kind])}")

    return parse


def _text_column(column: str) -> Callable[[Any], str | None]:
    """The parser of a text column: its cell stripped, within the column's limit."""
    limit, lines = TEXT_LIMITS[column], column in MULTI_LINE

    def parse(value: Any) -> str | None:
        return check_text(value if isinstance(value, str) else _text(value), limit, multiline=lines) or None

    return parse


def _parse_yesno(value: Any) -> bool:
    text = _text(value).lower()
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    raise _Bad(f"{quoted(_text(value))} is not yes or no")


def _parse_count(value: Any) -> int:
    """``stage1_reopened``: the register's only count."""
    return whole_number(_text(value), limits.REOPENINGS, "times one Stage 1 complaint is reopened")


def _parse_list(value: Any) -> tuple[str, ...]:
    """Themes: ``;``-separated names of the council's list, each at most once."""
    names = tuple(dict.fromkeys(t.strip() for t in _text(value).split(";") if t.strip()))
    if len(names) > limits.THEMES:
        raise _Bad(f"names {len(names):,} themes: a case has at most {limits.THEMES}")
    long = next((n for n in names if len(n) > limits.LIST_NAME), None)
    if long is not None:
        raise _Bad(f"names a theme {len(long):,} characters long: at most {limits.LIST_NAME} fit")
    return names


def _parse_remedy(value: Any) -> str | None:
    parts = list(dict.fromkeys(p.strip().lower() for p in _text(value).split(";") if p.strip()))
    wrong = [p for p in parts if p not in _REMEDIES]
    if wrong:
        raise _Bad(f"{quoted(wrong[0])} is not a remedy: {', '.join(r.value for r in Remedy)}")
    return ";".join(parts) or None


_COUNT = re.compile("[0-9]+")
_ISSUES = "issues in one statement of complaint"


def _parse_findings(value: Any) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    for part in (p.strip() for p in _text(value).split(";") if p.strip()):
        name, _, number = part.partition(":")
        name = name.strip().lower()
        if name not in FINDING_NAMES or not _COUNT.fullmatch(number.strip()):
            raise _Bad(f"{quoted(part)} is not finding:count, e.g. upheld:7;not_upheld:45 "
                       f"(findings: {', '.join(FINDING_NAMES)})")
        counts[name] = counts.get(name, 0) + whole_number(number, limits.ISSUES, _ISSUES)
    if sum(counts.values()) > limits.ISSUES:
        raise _Bad(f"counts {sum(counts.values()):,} issues: {limits.ISSUES:,} is the most {_ISSUES}")
    return tuple((k, counts[k]) for k in FINDING_NAMES if counts.get(k))


_BY_KIND: dict[str, Callable[[Any], Any]] = {
    "date": parse_date, "money": parse_money, "yesno": _parse_yesno,
    "count": _parse_count, "list": _parse_list, "remedy": _parse_remedy, "findings": _parse_findings,
    **{kind: _choice(kind) for kind in CHOICES},
}


class _Remembered(dict[Any, Any]):
    """Cells read once per distinct text: a register of 100,000 rows holds a few thousand different
    days, choices and theme lists, so most cells are a dictionary hit, made in C with no Python frame.
    Equal values are then one object, which a pickle (the import's second process) writes once per
    batch instead of once per cell."""

    LIMIT = 100_000

    def __init__(self, parse: Callable[[Any], Any]) -> None:
        super().__init__()
        self.parse = parse

    def __missing__(self, raw: Any) -> Any:
        value = self.parse(raw)  # a wrong cell raises (RuleError), and is never remembered
        if len(self) < self.LIMIT:
            self[raw] = value
        return value


class RowReader:
    """Reads one file's rows, whose cells come in a fixed order of columns, as of ``today``.

    ``read_text`` takes a CSV's cells (all strings) on a fast path: blank cells dropped and every
    cell parsed in C-level loops, falling back to ``read`` (cell by cell) for a row with an error,
    a control character or a line break, or a cell longer than its column's limit. ``read`` takes any
    cells (Excel's dates and numbers too) and checks each against the limits of ``domain.limits``.
    A CSV text cell marked as text with an apostrophe (``'=x``, as an export writes a text a
    spreadsheet would take for a formula) has the apostrophe taken off first (``domain.harmless``).
    """

    def __init__(self, columns: list[str], today: date) -> None:
        self.columns, self.today = columns, today
        days = _Remembered(self._day)
        self.parsers = [days.__getitem__ if COLUMNS[c] == "date" and c not in AHEAD else
                        _text_column(c) if COLUMNS[c] == "text" else _BY_KIND[COLUMNS[c]] for c in columns]
        fast: dict[str, Callable[[str], Any]] = {"text": str.strip, "list": _Remembered(_parse_list).__getitem__,
                                                 **{kind: _Remembered(_choice(kind)).__getitem__ for kind in CHOICES}}
        self.text_parsers = [fast.get(COLUMNS[c], p) for c, p in zip(columns, self.parsers, strict=True)]
        self.limits = [TEXT_LIMITS.get(c, limits.CELL) for c in columns]
        self.lines = [c in MULTI_LINE for c in columns]
        texts = [i for i, c in enumerate(columns) if c in TEXT_LIMITS]  # the fast path measures these cells
        self.text_cells: Callable[[Sequence[str]], Sequence[str]] = (
            itemgetter(*texts) if len(texts) > 1 else lambda cells: [cells[i] for i in texts])
        self.text_limits = [TEXT_LIMITS[columns[i]] for i in texts]
        self.texts = [i for i, c in enumerate(columns) if COLUMNS[c] in ("text", "list")]

    def _day(self, raw: Any) -> date:
        day = parse_date(raw)
        if day > self.today:
            raise _Bad(f"{day.isoformat()} is in the future")
        return day

    def read_text(self, cells: Sequence[str], row: int) -> tuple[RegisterRow | None, list[CellError]]:
        """A CSV row's cells (strings, one per column); whitespace-only cells count as empty."""
        joined = "".join(cells)  # every control character is unprintable; no cell is longer than its row
        keep = list(map(str.strip, cells))
        # A cell marked as text with an apostrophe: asked only of rows with an apostrophe at all (asking every
        # cell of every row cost 0.3 s of a 100,000-row import).
        if "'" in joined and any(map(_MARKED, keep)):
            cells = list(keep)
            for i in self.texts:
                cells[i] = from_csv(cells[i])
            joined = "".join(cells)
        if (not joined.isprintable() or len(joined) > limits.CELL
                or any(map(gt, map(len, self.text_cells(cells)), self.text_limits))):
            return self.read(cells, row)  # which says what is wrong, if anything (NBSP is unprintable, and fine)
        try:
            values = dict(zip(compress(self.columns, keep),
                              map(call, compress(self.text_parsers, keep), compress(cells, keep)), strict=True))
        except RuleError:
            return self.read(cells, row)
        return self._row(values, [], row)

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
                    raise _Bad(raw.message)
                if isinstance(raw, str):
                    if lines:
                        raw = raw.replace("\r\n", "\n")  # a line break as Windows writes it
                    problem = text_problem(raw.strip(), limit, multiline=lines)
                    if problem:
                        raise _Bad(problem)
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
        errors = check_row(result := _as_row(values, row), values.keys())
        return (None, errors) if errors else (result, [])


def read_row(cells: dict[str, Any], row: int, today: date) -> tuple[RegisterRow | None, list[CellError]]:
    """Read one row's cells (column -> raw value); a row only when it has no error."""
    return RowReader(list(cells), today).read(cells.values(), row)


_LATER2 = ("stage2_declined", "stage2_started", "stage2_extended", "stage2_responded", "stage2_outcome",
           "stage2_findings", "stage2_cost")
_LATER3 = ("stage3_panel", "stage3_responded", "stage3_outcome", "stage3_cost")
_OUTCOMES = ("stage1_outcome", "stage2_outcome", "stage3_outcome")
_EXTENSIONS = ("stage1_extended", "stage2_extended")
_OTHER_DATES = ("acknowledged", "persistent_start", "persistent_review", "stage1_reopened_on",
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
    if complaint and r.closed is not None:
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
    if r.lgo_received is None:
        if r.lgo_decision or r.lgo_closed or r.lgo_remedy or r.lgo_payment:
            err("lgo_received", "the Ombudsman's other columns need the date the enquiry was received")
    elif r.lgo_closed and r.lgo_closed < r.lgo_received:
        err("lgo_closed", "is before lgo_received")
    if r.lgo_decision and not r.lgo_closed:
        err("lgo_closed", "a decision needs the date the Ombudsman closed the enquiry")
    return errors


def _check_other_dates(r: RegisterRow, err: Callable[[str, str], None]) -> None:
    """The acknowledgement, the persistent-complaints procedure and the last reopening of Stage 1."""
    if r.acknowledged is not None:
        if not Kind(r.kind).has_clock:
            err("acknowledged", f"a {r.kind.replace('_', ' ')} is not acknowledged")
        elif r.acknowledged < r.received:
            err("acknowledged", f"{r.acknowledged.isoformat()} is before received ({r.received.isoformat()})")
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
        label = " ".join(str(raw).split())  # line breaks in a header are spaces
        problem = raw.message if isinstance(raw, UnreadableCell) else text_problem(label, limits.NAME)
        if problem:  # the header cell is not shown: it may hold anything
            errors.append(CellError(1, f"column {i + 1}", problem))
            continue
        name = normalise_header(raw)
        if not name or name in ignored:
            continue
        column = mapped.get(name, name)
        if column not in COLUMNS:
            errors.append(CellError(1, label, "is not a register column: rename it, or use "
                                              f"--map \"{label}=COLUMN\" or --ignore \"{label}\""))
        elif column in where:
            errors.append(CellError(1, label, f"is a second {column} column"))
        else:
            where[column] = i
    for column in REQUIRED:
        if column not in where and not errors:
            errors.append(CellError(1, column, "the header has no such column, and it is required"))
    return where, errors
