"""A case's audit trail by its reference, for ``complaints history``: a deleted case's too (one event
naming its reference is all that is left of it)."""

from __future__ import annotations

from sqlmodel import col, select

from store.db.database import Database
from store.db.models import Case, Event


def audit_trail(database: Database, reference: str) -> list[Event] | None:
    """The events of the case with ``reference``, oldest first; None when no case has it, nor ever had."""
    with database.read() as session:
        case = session.exec(select(Case).where(Case.reference == reference)).first()
        where = (Event.case_id == case.id) if case is not None else (  # a deleted case: one event names it
            col(Event.case_id).is_(None) & (Event.action == "deleted") & (Event.detail == reference))
        events = list(session.exec(select(Event).where(where).order_by(col(Event.at), col(Event.id))))
    return None if case is None and not events else events
