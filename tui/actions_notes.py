"""Actions of the case file: the contact log: notes of calls, emails, letters, meetings and visits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain import limits
from domain.timescales import RuleError
from domain.vocab import Direction, NoteKind
from tui.action_kit import Action, Field, values

if TYPE_CHECKING:  # the service (and SQLAlchemy) loads in the worker that runs an action
    from tui.data import CaseService, Data


def _note(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    ident = svc.add_note(ref or "", v["text"], kind=v["kind"] or "note", direction=v["direction"],
                         with_whom=v["with_whom"], at=v["at"], expected_version=version)
    return f"{ref}: note {ident} added to the contact log"


def _edit(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    if svc.note_case(v["note"]) != ref:  # a number typed from another case's timeline: never edit that one
        raise RuleError(f"{ref} has no note {v['note']}: the number is on the case's timeline")
    svc.edit_note(v["note"], v["text"], reason=v["reason"], expected_version=version)
    return f"{ref}: note {v['note']} corrected (the old text is in the audit trail)"


def _no_notes(data: Data, ref: str | None) -> str | None:
    """Why "Edit a note" has nothing to offer: the case's contact log is empty."""
    return None if data.choices("note", ref) else f"{ref} has no notes to edit (t adds one)"


ACTIONS: tuple[Action, ...] = (
    Action("note", "Note a contact", (
        Field("kind", "Kind", "choice", choices=values(NoteKind), placeholder="phone | email | letter | … (note)"),
        Field("direction", "In or out", "choice", choices=values(Direction)),
        Field("at", "When (blank: now)", "datetime", placeholder="29/11/2026 14:30"),
        Field("with_whom", "With whom"),
        Field("text", "What was said or done", "multiline", True, limit=limits.TEXT)),
        _note, key="t", tooltip="Add a call, email, letter, meeting, visit or note to the case's contact log"),
    Action("note_edit", "Edit a note", (
        Field("note", "Note", "int", True, most=2**31 - 1, pick="note",
              placeholder="type to choose, ↓ for the case's notes, newest first"),
        Field("text", "New text", "multiline", True, limit=limits.TEXT),
        Field("reason", "Reason", limit=limits.TEXT)),
        _edit, key="T", empty=_no_notes, tooltip="Correct a note's text; the old text stays in the audit trail"),
)
