"""A note's or a document's number (its id, which the audit trail names: "note 3") is never given twice.

SQLite gives a new row the highest id plus one, so once undo deletes the newest note its number would come back
for the next note, and "note 3" in the case's history would mean two notes. Undo keeps the highest number it
freed (``setting``), and a new note or document is numbered above it. PostgreSQL's sequences never give a
number twice: nothing to do there.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from store.db.models import Document, Note, Setting

FREED = {Note: "freed note number", Document: "freed document number"}


def freed(session: Session, sqlite: bool, model: Any, ident: int) -> None:
    """``model``'s row ``ident`` is being deleted: its number is not to be given again."""
    if not sqlite or model not in FREED:
        return
    row = session.get(Setting, FREED[model])
    if row is None:
        session.add(Setting(key=FREED[model], value=str(ident)))
    elif int(row.value) < ident:
        row.value = str(ident)


def next_number(session: Session, sqlite: bool, model: Any) -> int | None:
    """The id for a new row of ``model``: above any number freed; None to let the database give it."""
    row = session.get(Setting, FREED[model]) if sqlite else None
    if row is None:
        return None
    top = session.exec(sa.select(sa.func.max(model.id))).scalar_one_or_none() or 0  # type: ignore[call-overload]
    return max(int(top), int(row.value)) + 1
