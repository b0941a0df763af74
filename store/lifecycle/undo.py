"""Undo: an officer takes back their own last change to a case, as a change of its own ("undone").

Only the case's last change, and only if it was the officer's own: if a colleague has changed the case since,
the undo is refused naming them (their change may rest on it). A change is undone where its event holds what
it replaced (a field's old value, the note's old text, the row it added); where it does not, or where taking it
back would silently drop other facts (a response, a closing), the refusal says what to do instead.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.clock import acknowledgement_due
from domain.lifecycle import require_manager, stage_name
from domain.new_case import StageRow, columns
from domain.timescales import RuleError
from store.db.models import Case, Document, DocumentContent, Event, LearningAction, Note
from store.lifecycle.edits import CLOCK_CASE_COLUMNS, CLOCK_STARTED, KEPT
from store.lifecycle.links import LinkMixin, merge_id_of
from store.lifecycle.numbers import freed

#: The columns a complaint's clock starting may set, in the order its events are written: Stage 1's, then the case's.
CLOCK_COLUMNS = [("stage", c) for c in columns(StageRow) if c not in KEPT] + [("case", c) for c in CLOCK_CASE_COLUMNS]

#: Changes whose events do not hold enough to take them back, and what to do instead.
INSTEAD = {
    "responded": "correct the response's date with `complaints correct`, or reopen Stage 1 if the complainant "
                 "came back",
    "responded, outcome overridden": "correct the response's date with `complaints correct`",
    "closed": "a closed case is put right by a manager (`complaints correct`, or `complaints delete` if it was "
              "logged in error)",
    "withdrawn": "log the complaint again if the complainant did not withdraw it, or ask a manager to correct it",
    "resumed": "pause the clock again (p) from the day it was paused",
    "reopened": "respond to the reopened Stage 1 instead",
    "date corrected": "correct the date again with `complaints correct`",
    "merge undone": "merge the cases again",
    "merged": "a complainant merged with another is put back with 'Undo a merge' (`complaints unmerge`)",
    "logged": "a case logged in error is deleted by a manager (`complaints delete`)",
}


@dataclass(frozen=True)
class Undo:
    """What undoing a change will do: ``said`` for the officer, then either a field put back through
    ``edit_case`` (``field``, ``value``) or ``apply`` in the undo's own transaction."""

    said: str
    event: Event
    field: str | None = None
    value: str | None = None
    apply: Callable[[Session, Case], None] | None = None


def _stored(model: Any, column: str, text: str | None) -> Any:
    """An event's old value (as ``_describe`` wrote it) as the column holds it."""
    if text is None:
        return None
    kind = model.__table__.c[column].type.python_type
    if kind is date:
        return date.fromisoformat(text)
    if kind is bool:
        return text == "True"
    return int(text) if kind is int else text


def _numbered(detail: str | None, word: str) -> int | None:
    """The id in an event's detail such as "note 12" (or a bare "12")."""
    text = (detail or "").removeprefix(f"{word} ").strip()
    return int(text) if text.isdigit() else None


class UndoMixin(LinkMixin):
    def undo_last(self, reference: str, expected_version: int | None = None) -> str:
        """Undo your own last change to the case; returns what was undone. Refused (``RuleError``) saying why."""
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            undo = self._undo_plan(session, case)
            if undo.apply is not None:
                undo.apply(session, case)
                self._undone(session, case, undo)
                return undo.said
            version = case.version
        edit = getattr(self, "edit_case", None)
        if edit is None:
            raise RuleError(f"{undo.said} cannot be undone by this version: change it back with `complaints edit`")
        extra = {"expected_version": version} if "expected_version" in inspect.signature(edit).parameters else {}
        edit(reference, undo.field, undo.value, reason="undo", **extra)
        with self._writing() as session:
            self._undone(session, self._case(session, reference), undo)
        return undo.said

    def undo_preview(self, reference: str) -> str:
        """What ``undo_last`` would undo now (or its refusal, raised)."""
        with self.db.read() as session:
            return self._undo_plan(session, self._case(session, reference)).said

    def _undone(self, session: Session, case: Case, undo: Undo) -> None:
        last = undo.event
        self._event(session, case, "undone", f"{last.action} {last.detail or ''}".strip()[:120], last.new, last.old)
        self._touch(case)

    def _undo_plan(self, session: Session, case: Case) -> Undo:
        last = session.exec(select(Event).where(Event.case_id == case.id).order_by(col(Event.id).desc())).first()
        if last is None:
            raise RuleError(f"{case.reference} has no change to undo")
        when = f"{last.at:%d/%m/%Y %H:%M}"
        what = f"{last.action}{f' {last.detail}' if last.detail else ''}"
        if last.who != self.user:
            raise RuleError(f"{last.who} changed the case since: {what} ({when}); only your own last change can be "
                            "undone, and nothing was")
        kind_change = self._kind_change(session, case, last)
        if kind_change is not None:  # the kind, with the clocks it started: one change, taken back whole
            last, clocks = kind_change
            what = "edited kind"
        said = f"your last change to {case.reference}: {what}" + (
            f" ({last.old or '—'} → {last.new or '—'})" if last.old or last.new else "") + f", {when}"
        if kind_change is not None:
            return Undo(said, last, apply=partial(self._unkind, last, clocks))
        action = last.action
        if action == "undone":
            raise RuleError(f"your last change to {case.reference} was an undo ({last.detail}): make the change "
                            "again if you want it back")
        if action in ("edited", "reassigned", "officer assigned"):
            return Undo(said, last, last.detail or "officer", last.old)
        plan = self._undo_here(session, case, last)
        if plan is None:
            instead = INSTEAD.get(action, "make the opposite change yourself")
            raise RuleError(f"{what} ({when}) cannot be undone: {instead}")
        return Undo(said, last, apply=plan)

    def _kind_change(self, session: Session, case: Case, last: Event) -> tuple[Event, list[Event]] | None:
        """The change of kind ``last`` ends (an edit's ``edited kind`` and the clock events it wrote after it,
        oldest first), or None when ``last`` is not one."""
        if last.action == "edited" and last.detail == "kind":
            return last, []
        if last.action != CLOCK_STARTED:
            return None
        recent = session.exec(select(Event).where(Event.case_id == case.id, col(Event.id) <= last.id)
                              .order_by(col(Event.id).desc()).limit(len(CLOCK_COLUMNS) + 1))
        clocks: list[Event] = []
        for event in recent:
            if event.who != last.who:
                return None
            if event.action == "edited" and event.detail == "kind":
                return event, clocks[::-1]
            if event.action != CLOCK_STARTED:
                return None
            clocks.append(event)
        return None

    def _unkind(self, edit: Event, clocks: list[Event], session: Session, case: Case) -> None:
        """The case back as it was before its kind changed: the kind, every stage's procedure and clock, and
        what the complaint's clock starting had reset (Stage 1's dates, the case's acknowledgement and closing)."""
        stages = self._stages(session, case)
        first = next((s for s in stages if s.number == 1 and s.round == 0), None)
        at = 0
        for event in clocks:  # written in CLOCK_COLUMNS' order: Stage 1's "acknowledged" comes before the case's
            while at < len(CLOCK_COLUMNS) and CLOCK_COLUMNS[at][1] != event.detail:
                at += 1
            target = first if at < len(CLOCK_COLUMNS) and CLOCK_COLUMNS[at][0] == "stage" else case
            if at == len(CLOCK_COLUMNS) or target is None:
                raise RuleError(f"{case.reference}: its change of kind cannot be undone (its history is not as the "
                                "tool writes it): change the kind back in the edit form (E)")
            column = CLOCK_COLUMNS[at][1]
            setattr(target, column, _stored(type(target), column, event.old))
            at += 1
        old = edit.old or case.kind
        if not clocks and case.ack_due is not None and first is not None:  # owed by the old kind's timescale again
            case.ack_due = acknowledgement_due(self.rules, self.calendar, old, first.requested)
        case.kind = old
        for stage in stages:
            stage.procedure = old
            self._refresh(stage)

    def _undo_here(self, session: Session, case: Case, last: Event) -> Callable[[Session, Case], None] | None:
        """How to take back ``last`` in the undo's transaction, or None when it cannot be."""
        action = last.action
        ident = _numbered(last.detail, action.split()[0] if action.split()[0] in ("note", "document") else "action")
        if ident is not None and action in ("note added", "note edited", "document attached", "action done",
                                            "learning action done"):
            return partial(self._take_back_row, action, ident, last.old)
        if action in ("linked", "unlinked") and last.detail:
            def relink(s: Session, c: Case) -> None:
                other = self._case(s, last.detail or "")
                (self._unlink if action == "linked" else self._link)(s, c, other, action, None, True)
            return relink
        if action == "merged" and (merge := merge_id_of(last.new)) is not None:
            def unmerge(s: Session, _: Case) -> None:
                require_manager(self.role, "undoing a merge")
                self._undo_merge(s, merge, "undo")
            return unmerge
        if action == "acknowledged" and last.detail == "acknowledged" and case.acknowledged is not None:
            def unacknowledge(s: Session, c: Case) -> None:
                settled = c.closed is not None or any(st.responded is not None for st in self._stages(s, c))
                c.acknowledged = None
                c.ack_due = acknowledgement_due(self.rules, self.calendar, c.kind, c.received, settled=settled)
            return unacknowledge
        if action in ("extended", "paused"):
            live = [s for s in self._stages(session, case) if s.due is not None]
            stage = live[-1] if live else None
            field = "extended_on" if action == "extended" else "paused_since"
            if stage is None or getattr(stage, field) is None or not (last.detail or "").startswith(
                    stage_name(stage)):
                return None

            def unclock(s: Session, _: Case) -> None:
                assert stage is not None
                if action == "extended":
                    stage.extended_on, stage.extended_days = None, None
                else:
                    stage.paused_since, stage.paused_reason = None, None
                self._refresh(stage)
            return unclock
        return None

    def _take_back_row(self, action: str, ident: int, old: str | None, session: Session, case: Case) -> None:
        """A note, a document or a learning action back as it was before ``action``."""
        if action == "note added":
            self._gone(session, Note, ident, case)
        elif action == "note edited":
            self._own(session, Note, ident, case).text = old or ""
        elif action == "document attached":
            session.execute(sa.delete(DocumentContent).where(col(DocumentContent.document_id) == ident))
            self._gone(session, Document, ident, case)
        else:
            row = self._own(session, LearningAction, ident, case)
            row.done, row.done_note = None, None

    def _own(self, session: Session, model: type, ident: int, case: Case) -> Any:
        row = session.get(model, ident)
        if row is None or getattr(row, "case_id", None) != case.id:
            raise RuleError(f"{model.__name__.lower()} {ident} is no longer on {case.reference}: nothing to undo")
        return row

    def _gone(self, session: Session, model: type, ident: int, case: Case) -> None:
        row = self._own(session, model, ident, case)
        freed(session, self.db.is_sqlite, model, ident)  # "note 3" in the history stays that note
        session.delete(row)
        session.flush()
