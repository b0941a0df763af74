"""A case's related cases and the history of the duplicates merged into it, for the case screen and ``show``."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlmodel import Session, col, select

from store.db.models import Case, CaseLink, MergeRecord

#: (reference, kind, received, state)
LinkedCase = tuple[str, str, date, str]
#: As ``CaseDetail.events``: (at, who, action, detail, old, new, reason)
EventLine = tuple[datetime, str, str, str | None, str | None, str | None, str | None]


def linked_cases(session: Session, case_id: int, linked_case_id: int | None) -> list[LinkedCase]:
    """The cases linked to this one, both ways, the register's ``linked_case_id`` among them; oldest first."""
    ids: set[int] = set()
    for a, b in session.exec(select(CaseLink.case_id, CaseLink.other_id).where(
            (col(CaseLink.case_id) == case_id) | (col(CaseLink.other_id) == case_id))):
        ids.add(b if a == case_id else a)
    ids.update(i for i in session.exec(select(Case.id).where(Case.linked_case_id == case_id)) if i is not None)
    if linked_case_id is not None:
        ids.add(linked_case_id)
    ids.discard(case_id)
    if not ids:
        return []
    rows = session.exec(select(Case).where(col(Case.id).in_(ids)).order_by(col(Case.received), col(Case.id)))
    return [(c.reference, c.kind, c.received, f"closed {c.closed:%d/%m/%Y}" if c.closed else "open") for c in rows]


def merged_events(session: Session, case_id: int) -> list[EventLine]:
    """The history of each duplicate merged into this case (kept in its merge record), each event marked with
    the duplicate's reference."""
    lines: list[EventLine] = []
    for record in session.exec(select(MergeRecord).where(MergeRecord.into_case_id == case_id,
                                                         MergeRecord.kind == "case",
                                                         col(MergeRecord.undone_at).is_(None))):
        for e in json.loads(record.moved).get("removed", {}).get("event", []):
            lines.append((datetime.fromisoformat(e["at"]), e["who"], f"{e['action']} (on {record.duplicate})",
                          e["detail"], e["old"], e["new"], e["reason"]))
    return lines
