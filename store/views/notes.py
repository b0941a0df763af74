"""A case's contact log, read for the case screen and the case file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from store.db.models import Note


@dataclass(frozen=True)
class NoteLine:
    """One note: when the contact was, what kind, in or out, with whom, its text, who wrote it."""

    id: int
    at: datetime
    kind: str
    direction: str | None
    with_whom: str | None
    text: str
    added_by: str
    added_at: datetime
    edited_at: datetime | None


def case_notes(session: Session, case_id: int) -> list[NoteLine]:
    """The notes of a case, in the order the contacts happened (by the index on case and time)."""
    rows = session.exec(select(Note).where(Note.case_id == case_id).order_by(col(Note.contact_at), col(Note.id)))
    return [NoteLine(n.id or 0, n.contact_at, n.kind, n.direction, n.with_whom, n.text, n.added_by, n.added_at,
                     n.edited_at) for n in rows]
