"""What an action of the TUI is made of: a form's fields, the action itself, and helpers for their calls.

Each area of work has its module of actions (``tui.actions`` for the lifecycle; ``tui.actions_*`` for the case
file); ``tui.actions.ACTIONS`` puts them together, so the forms, keys, palette and help always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from domain import limits
from domain.limits import check_text, whole_number

if TYPE_CHECKING:  # the service (and SQLAlchemy) loads in the worker that runs an action
    from tui.data import CaseDetail, CaseService, Data

#: Lists a field picks from that the store reads for the form's case (``Data.choices``), not the council's: another
#: case (read again as a reference or a name is typed: True); the case's own open learning actions, linked cases
#: and notes (once).
FROM_STORE = {"case": True, "learning_action": False, "linked_case": False, "note": False}
#: Between an entry's value and what it is, in such a list ("CS-2026-00012 · Pat Example, statutory, ...").
SAID = " · "


@dataclass(frozen=True)
class Field:
    """One input of a form. ``kind``: date, datetime, text, multiline, choice, int, money, list (``;``-separated).

    ``limit``: the most characters a text (or each item of a list) may have; ``most``: the largest whole
    number, or the most items of a list (``domain.limits``). Every field but a multiline one (shown as a text
    area: tabs and line breaks allowed) is one line; none takes a control character.
    A field with ``choices`` is chosen from them (by display label or stored value); ``pick``: the council's
    list its names are chosen from (``LISTS``; ``@field``: the list another field names; ``FROM_STORE``: another
    case, a learning action of the case, each shown with what it is and read back as its value), ``new``: the form
    may offer to add a name not on it.
    ``issues``: an ordered list of issues, one a line (the statement of complaint's editor);
    ``findings``: a finding per issue of the case's live stage (the Respond form).
    """

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    default_today: bool = False
    placeholder: str = ""
    limit: int = limits.NAME
    most: int = limits.WHOLE_NUMBER
    pick: str = ""
    new: bool = False

    def choose(self, text: str) -> str:
        """The stored value of one of ``choices``, typed as its value or shown as its display label."""
        from domain.vocab import label

        value = text.strip().lower().replace(" ", "_").replace("-", "_")
        if value in self.choices:
            return value
        folded = text.strip().casefold()
        for choice in self.choices:
            if label(choice).casefold() == folded:
                return choice
        raise ValueError("one of " + ", ".join(label(choice) for choice in self.choices))

    def read(self, text: str) -> Any:
        """The checked value of ``text``; ValueError (a RuleError for a limit) with a message for the user."""
        from domain.register_cells import parse_date, parse_money  # the register's rules: loaded with a form

        text = text.strip()
        if self.pick in FROM_STORE:  # an entry as shown: its value, then what it is
            text = text.split(SAID, 1)[0].strip()
        if not text:
            if self.required:
                raise ValueError("required")
            return [] if self.kind in ("list", "findings", "issues") else None
        if self.kind == "date":
            return parse_date(text)
        if self.kind == "money":
            return parse_money(text)
        if self.kind == "datetime":
            from domain.contact_log import parse_when

            return parse_when(text)
        if self.kind == "multiline":
            return check_text(text, self.limit, multiline=True)
        if self.kind == "int":
            return whole_number(text, self.most)
        if self.kind == "choice":
            return self.choose(text)
        if self.kind in ("list", "findings", "issues"):
            separator = "\n" if self.kind == "issues" else ";"
            items = [check_text(t.strip(), self.limit) for t in text.split(separator) if t.strip()]
            if len(items) > self.most:
                raise ValueError(f"{len(items):,} given: at most {self.most:,}")
            if self.choices:
                chosen = []
                for item in items:
                    try:
                        chosen.append(self.choose(item))
                    except ValueError:
                        raise ValueError(f"{item!r} is not one of " + ", ".join(self.choices)) from None
                items = chosen
            return items
        return check_text(text, self.limit)


def values(enum: Any) -> tuple[str, ...]:
    return tuple(m.value for m in enum)


Run = Callable[["CaseService", str | None, dict[str, Any], int | None], str]
#: A form that fills in another: from its checked values, the other form's initial texts, the values it
#: carries unseen into that form's ``run`` (an email's bytes, say) and what the officer should check in it
#: (shown on that form as a warning; "" for nothing).
Reads = Callable[["CaseService", dict[str, Any]], tuple[dict[str, str], dict[str, Any], str]]


@dataclass(frozen=True)
class Action:
    """A transition: its id (for bindings and the palette), what it is called, its form and its call."""

    id: str
    title: str
    fields: tuple[Field, ...]
    run: Run
    key: str | None = None  # a key on the caseload and case screens
    needs_case: bool = True
    tooltip: str = ""
    creates: bool = False  # ``run`` logs a new case and returns its reference
    removes: bool = False  # the case is gone once saved (a duplicate merged into another): its screen closes
    #: A warning (not a refusal) from the values typed and the case's running due date, shown as you type.
    warn: Callable[[dict[str, Any], date | None], str | None] | None = None
    #: The form's fields filled in from the case as it is (an edit): field name -> text.
    prefill: Callable[[CaseDetail], dict[str, str]] | None = None
    #: On the caseload, acts on every marked case at once (their references, space-separated, as ``ref``).
    many: bool = False
    #: Instead of ``run``: ``reads`` reads what this form names, and the form of the action ``opens`` opens
    #: filled in from it (a new case from an email).
    reads: Reads | None = None
    opens: str | None = None
    #: A warning that needs the database (a complainant under the persistent-complaints procedure, say):
    #: ``(fields, call)``. As any of ``fields`` is typed, the form runs ``call(data, values)`` in a worker, a
    #: moment after the typing stops, and shows what it returns beside ``warn``'s; it never blocks the save.
    lookup: tuple[tuple[str, ...], Callable[[Data, dict[str, Any]], str | None]] | None = None
    #: What saving will do, read from the store when the form opens (an undo shows what it will undo).
    preview: Callable[[CaseService, str | None], str] | None = None
    #: ``(field, call)``: the choices of ``field`` that fit the case as it is (the letters its state allows),
    #: read from the store when the form opens: only they are offered, and any other is refused as you type.
    fitting: tuple[str, Callable[[CaseService, str | None], tuple[str, ...]]] | None = None
    #: Why the form would have nothing to choose for the case (no open learning action, no letter that fits, nobody
    #: in the pool), or None: read from the store before the form opens; said in a notice, and no form opens.
    empty: Callable[[Data, str | None], str | None] | None = None


def on(values: dict[str, Any]) -> date | None:
    return values.get("on")


ON = Field("on", "Date", "date", default_today=True)


def simple(method: str, done: str, *extra: str) -> Run:
    """An action whose call is ``service.method(ref, on=..., <extra>=..., expected_version=...)``."""

    def run(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
        extras = {name: v[name] for name in extra if v[name] is not None}
        result = getattr(svc, method)(ref or "", on=on(v), **extras, expected_version=version)
        suffix = f" (due {result:%d/%m/%Y})" if isinstance(result, date) else ""
        return f"{ref}: {done}{suffix}"

    return run


def done(ref: str | None, what: str, due: date) -> str:
    return f"{ref}: {what} {due:%d/%m/%Y}"


def none(ref: str | None, what: str, result: Any) -> str:
    notes = f" ({'; '.join(result)})" if isinstance(result, list) and result else ""
    return f"{ref}: {what}{notes}"


def add_chosen(svc: CaseService, v: dict[str, Any]) -> None:
    """The names the officer chose to add in a form's pickers (``v["new_names"]``, by list), added to their lists
    as Settings adds them: call it first, then the service with ``new_names=False`` (no other new name)."""
    chosen = v.get("new_names") or {}
    for kind in ("service_area", "officer", "theme", "team"):  # a new team's new service area first
        for name in chosen.get(kind, ()):
            extra = {"service_area": v.get("service_area")} if kind == "team" else {}
            svc.add_to_list(kind, name, **extra, if_new=True)  # added by a save the store then refused: kept


def then(ref: str | None, what: str, call: Callable[[], object]) -> str:
    call()
    return f"{ref}: {what}"
