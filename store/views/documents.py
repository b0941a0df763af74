"""A case's documents as its screen and the commands list them: what each is, never its bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from store.db.models import Document

SHOWN_TEXT = 5_000  # of an email's text, the characters the case screen shows (v saves the whole email)


@dataclass(frozen=True)
class DocumentLine:
    """One document of a case. ``text``: the start of an email's text; ``text_length``: all of it."""

    id: int
    name: str
    size: int
    media_type: str
    sha256: str
    origin: str
    added_by: str
    added_at: datetime
    email_from: str | None
    email_date: datetime | None
    email_subject: str | None
    text: str | None
    text_length: int


def case_documents(session: Session, case_id: int) -> list[DocumentLine]:
    """The case's documents, oldest first; the bytes (in ``document_content``) are not read."""
    columns = [col(Document.id), col(Document.name), col(Document.size), col(Document.media_type),
               col(Document.sha256), col(Document.origin), col(Document.added_by), col(Document.added_at),
               col(Document.email_from), col(Document.email_date), col(Document.email_subject),
               sa.func.substr(Document.text, 1, SHOWN_TEXT), sa.func.coalesce(sa.func.length(Document.text), 0)]
    rows = session.execute(
        sa.select(*columns).where(col(Document.case_id) == case_id).order_by(col(Document.added_at), col(Document.id)))
    return [DocumentLine(*row) for row in rows]
