"""The case register (``../shared/formats/case-register.md``): its columns, a row of it, and its header.

Pure rules. Reading a file's cells is ``domain.register_cells`` (one cell) and ``domain.register_rows``
(a row, with the format's rules across its cells): a row of cells becomes a typed ``RegisterRow`` or a list
of ``CellError``s, each naming the spreadsheet row, the column and what is wrong. Values are echoed in
messages only for coded columns (dates, kinds, money), never for free text such as names, so an error
report carries no personal data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from domain import limits
from domain.limits import text_problem
from domain.vocab import (
    Advocate,
    Channel,
    ChildStatus,
    ComplainantGroup,
    Exclusion,
    Kind,
    LgoDecision,
    Outcome,
)

#: Every column of the register, in the order an export writes them, with how its cells are read: the format's
#: own columns in its order (``../shared/formats/case-register.md``), then the columns this tool adds (``EXTRA``).
COLUMNS: dict[str, str] = {
    "reference": "text", "kind": "kind", "received": "date", "channel": "channel", "complainant_id": "text",
    "complainant": "text", "complainant_group": "group", "persistent": "yesno", "child_status": "child_status",
    "advocate": "advocate", "service_area": "text", "team": "text", "themes": "list", "summary": "text",
    "officer": "text", "acknowledged": "date", "persistent_start": "date", "persistent_review": "date",
    "persistent_end": "date", "not_accepted": "exclusion", "closed": "date", "stage1_extended": "date",
    "stage1_responded": "date", "stage1_outcome": "outcome", "stage1_reopened": "count",
    "stage2_requested": "date", "stage2_declined": "date", "stage2_acknowledged": "date", "stage2_started": "date",
    "stage2_extended": "date", "stage2_responded": "date", "stage2_outcome": "outcome",
    "stage2_findings": "findings", "stage2_cost": "money", "stage3_requested": "date", "stage3_panel": "date",
    "stage3_responded": "date", "stage3_outcome": "outcome", "stage3_cost": "money", "lgo_received": "date",
    "lgo_decision": "lgo_decision", "lgo_closed": "date", "lgo_remedy": "remedy", "lgo_payment": "money",
    # the tool's own, after the format's
    "stage1_reopened_on": "date", "stage1_reopened_responded": "date", "stage2_handler": "text",
    "not_accepted_on": "date", "exclusion_note": "text",
}
#: The columns this tool adds to the format's, which an export writes after them.
EXTRA = ("stage1_reopened_on", "stage1_reopened_responded", "stage2_handler", "not_accepted_on", "exclusion_note")
REQUIRED = ("kind", "received")
#: Date columns whose dates may lie ahead of today (a review is planned); every other date has happened.
AHEAD = frozenset({"persistent_review"})
STAGE_COLUMNS = tuple(c for c in COLUMNS if c.startswith(("stage1_", "stage2_", "stage3_")))
CHOICES = {"kind": Kind, "channel": Channel, "group": ComplainantGroup, "child_status": ChildStatus,
           "advocate": Advocate, "outcome": Outcome, "lgo_decision": LgoDecision, "exclusion": Exclusion}
#: The order dates must keep along a complaint's way (the format's rule).
DATE_ORDER = ("received", "stage1_responded", "stage2_requested", "stage2_started", "stage2_responded",
              "stage3_requested", "stage3_panel", "stage3_responded")
#: The most characters each text column holds (``domain.limits``); every other cell holds at most ``CELL``.
TEXT_LIMITS = {"reference": limits.REFERENCE, "complainant_id": limits.EXTERNAL_ID, "complainant": limits.NAME,
               "service_area": limits.LIST_NAME, "team": limits.LIST_NAME, "officer": limits.LIST_NAME,
               "summary": limits.TEXT, "stage2_handler": limits.LIST_NAME, "exclusion_note": limits.TEXT}
#: Text columns whose cells may hold several lines (and tabs).
MULTI_LINE = frozenset({"summary", "exclusion_note"})


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
    persistent_end: date | None = None  # the person's procedure ended (Person.persistent_ended)
    not_accepted: str | None = None  # the contact was not accepted as a complaint: why (Exclusion)
    closed: date | None = None
    stage1_extended: date | None = None
    stage1_responded: date | None = None
    stage1_outcome: str | None = None
    stage1_reopened: int = 0
    stage2_requested: date | None = None
    stage2_declined: date | None = None
    stage2_acknowledged: date | None = None  # under the Complaint Handling Code: the escalation's acknowledgement
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
    stage1_reopened_on: date | None = None
    stage1_reopened_responded: date | None = None
    stage2_handler: str | None = None  # the officer handling Stage 2 (the Code: not Stage 1's)
    not_accepted_on: date | None = None  # the day it was not accepted (an import's default: closed, else received)
    exclusion_note: str | None = None  # the reason in words
    def cells(self) -> dict[str, str]:
        """The row as register cells (the export's text), keyed by column."""
        return {name: format_cell(COLUMNS[name], getattr(self, name)) for name in COLUMNS}


assert [f.name for f in fields(RegisterRow)][1:] == list(COLUMNS)
assert list(COLUMNS)[-len(EXTRA):] == list(EXTRA)


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


def _folded(value: str | None) -> str | None:
    return None if value is None else value.casefold()


#: The council's lists match a name whatever its letter case ("delays" is the listed "Delays"), so a file that
#: spells one differently changes nothing (``store.lifecycle.base.same_name``).
_SAME_ENTRY: dict[str, Callable[[Any], Any]] = {
    "themes": lambda names: frozenset(name.casefold() for name in names),
    "team": _folded, "service_area": _folded, "officer": _folded,
}


def changed_cells(old: RegisterRow, new: RegisterRow, columns: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Column -> (old cell, new cell) for each of ``columns`` whose value differs between a stored case
    (``old``, as the export shows it) and a file's row (``new``); lists are compared as sets."""
    before, after = old.cells(), new.cells()
    diff = {}
    for column in columns:
        if before[column] != after[column]:
            same = _SAME_ENTRY.get(column) or _SAME_AS.get(COLUMNS[column])
            if same is None or same(getattr(old, column)) != same(getattr(new, column)):
                diff[column] = (before[column], after[column])
    return diff


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
