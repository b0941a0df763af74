"""The contact log: a note of a call, email, letter, meeting or visit added to a case, and corrected in place.

A correction keeps the old text in the audit trail. The events' shape is a contract (undo reads it):
adding writes ``note added`` (detail ``note {id}``, new: the text); editing writes ``note edited`` (detail
``note {id}``, old and new: the texts).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import col, select

from domain import limits
from domain.contact_log import check_when
from domain.limits import check_text
from domain.timescales import RuleError
from domain.vocab import Direction, NoteKind, parse_choice
from store.db.models import Case, Note
from store.lifecycle.base import NotFound, ServiceBase, row_id
from store.lifecycle.numbers import next_number


def _choice(enum: type, value: str, what: str) -> str:
    try:
        return str(parse_choice(enum, value, what).value)
    except ValueError as exc:
        raise RuleError(str(exc)) from None


def note_text(text: str) -> str:
    """A note's text, several lines allowed, or RuleError."""
    try:
        text = check_text(text, limits.TEXT, multiline=True)
    except RuleError as exc:
        raise RuleError(f"the note's text {exc}") from None
    if not text:
        raise RuleError("a note says what was said or done: its text is empty")
    return text


class NotesMixin(ServiceBase):
    def add_note(self, reference: str, text: str, *, kind: str = "note", direction: str | None = None,
                 with_whom: str | None = None, at: datetime | None = None,
                 expected_version: int | None = None) -> int:
        """Add a note to a case's contact log; its id. ``at``: when the contact happened (default now)."""
        text = note_text(text)
        kind_value = _choice(NoteKind, kind, "kind of contact")
        way = _choice(Direction, direction, "direction") if direction and direction.strip() else None
        try:
            whom = (check_text(with_whom, limits.NAME) or None) if with_whom is not None else None
        except RuleError as exc:
            raise RuleError(f"'with whom' {exc}") from None
        today = self.today()
        when = check_when(at if at is not None else datetime.combine(today, datetime.now().time()), today)
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            count = session.exec(select(sa.func.count()).select_from(Note).where(Note.case_id == case.id)).one()
            if count >= limits.NOTES:
                raise RuleError(f"{case.reference} has {count:,} notes: at most {limits.NOTES:,} fit on one case")
            note = Note(id=next_number(session, self.db.is_sqlite, Note), case_id=row_id(case), contact_at=when,
                        kind=kind_value, direction=way, with_whom=whom, text=text, added_by=self.user,
                        added_at=datetime.now(UTC).replace(tzinfo=None))
            session.add(note)
            session.flush()
            self._event(session, case, "note added", f"note {row_id(note)}", None, text)
            self._touch(case)
            return row_id(note)

    def edit_note(self, note_id: int, text: str, *, reason: str | None = None,
                  expected_version: int | None = None) -> None:
        """Put a note's text right; the old text stays in the audit trail."""
        text = note_text(text)
        if reason is not None:
            reason = check_text(reason, limits.TEXT) or None
        with self._writing() as session:
            note = session.get(Note, note_id)
            case = session.get(Case, note.case_id) if note is not None else None
            if note is None or case is None:
                raise NotFound(f"there is no note {note_id}")
            case = self._case(session, case.reference, expected_version)
            if note.text == text:
                raise RuleError(f"note {note_id} already says that: nothing to change")
            old = note.text
            note.text, note.edited_at = text, datetime.now(UTC).replace(tzinfo=None)
            self._event(session, case, "note edited", f"note {note_id}", old, text, reason)
            self._touch(case)

    def note_case(self, note_id: int) -> str | None:
        """The reference of the case a note is on, or None."""
        with self.db.read() as session:
            return session.exec(select(Case.reference).join(Note, col(Note.case_id) == Case.id)
                                .where(Note.id == note_id)).first()
