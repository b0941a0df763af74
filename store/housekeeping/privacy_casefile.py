"""Data protection for the case file: a case's notes, documents (their bytes written beside the export),
links and merge records in a subject access export, a person's persistent-procedure reviews; and what
retention removes with an anonymised case (its notes, documents and their bytes, merges into it) and an
anonymised person (their reviews, salutation and preferred contact). The year-end figures read none of it."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from store.db.database import Database
from store.db.location import written_whole
from store.db.models import Case, CaseLink, Document, DocumentContent, MergeRecord, Note, PersistentReview, Person

_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def _plain_row(obj: Any, *skip: str) -> dict[str, Any]:
    from store.housekeeping.privacy import _row

    return _row(obj, *skip)


def case_file_of(session: Session, case: Case) -> dict[str, Any]:
    """A case's notes, documents (without their bytes), links and the merges into it, for its export."""
    notes = session.exec(select(Note).where(Note.case_id == case.id).order_by(col(Note.contact_at), col(Note.id)))
    documents = session.exec(select(Document).where(Document.case_id == case.id).order_by(col(Document.id)))
    links = session.exec(select(CaseLink).where(sa.or_(col(CaseLink.case_id) == case.id,
                                                       col(CaseLink.other_id) == case.id)).order_by(col(CaseLink.id)))
    linked = []
    for link in links:
        other = session.get(Case, link.other_id if link.case_id == case.id else link.case_id)
        linked.append({"reference": other.reference if other else None, "linked_by": link.linked_by,
                       "linked_at": link.linked_at.isoformat()})
    merges = session.exec(select(MergeRecord).where(MergeRecord.into_case_id == case.id).order_by(col(MergeRecord.id)))
    return {"notes": [{"id": n.id, **_plain_row(n, "case_id")} for n in notes],
            "documents": [{"id": d.id, **_plain_row(d, "case_id")} for d in documents],
            "links": linked, "merges": [_plain_row(m, "into_case_id", "into_person_id") for m in merges]}


def person_file_of(session: Session, person: Person) -> dict[str, Any]:
    """A person's persistent-procedure reviews and the merges of duplicates into them."""
    reviews = session.exec(select(PersistentReview).where(PersistentReview.person_id == person.id)
                           .order_by(col(PersistentReview.reviewed_on), col(PersistentReview.id)))
    merges = session.exec(select(MergeRecord).where(MergeRecord.into_person_id == person.id)
                          .order_by(col(MergeRecord.id)))
    return {"persistent_reviews": [_plain_row(r, "person_id") for r in reviews],
            "merges": [_plain_row(m, "into_case_id", "into_person_id") for m in merges]}


def file_name(ident: int, name: str) -> str:
    """A document's file name in an export: its id, then its name with anything but plain characters made ``_``
    (no folder, no hidden file, no control character)."""
    safe = _UNSAFE.sub("_", os.path.basename(name.replace("\\", "/"))).strip(" .") or "document"
    return f"{ident}-{safe[:120]}"


def write_documents(db: Database, record: dict[str, Any], folder: Path) -> int:
    """Write the bytes of every document of ``record``'s cases into ``folder`` (made owner-only), one at a time,
    each file owner-only; each document's entry gets its ``file`` (relative to the JSON beside the folder) and
    ``bytes_match`` (its SHA-256 checked against the bytes). How many were written."""
    documents = [d for case in record["cases"] for d in case.get("documents", [])]
    if not documents:
        return 0
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    for doc in documents:
        with db.read() as session:
            content = session.get(DocumentContent, doc["id"])
            data = bytes(content.content) if content is not None else None
        if data is None:
            doc["file"] = None
            continue
        name = file_name(doc["id"], doc.get("name", ""))
        with written_whole(folder / name) as partial:
            partial.write_bytes(data)
        doc["file"] = f"{folder.name}/{name}"
        doc["bytes_match"] = hashlib.sha256(data).hexdigest() == doc.get("sha256")
    return len(documents)


def forget_case_files(session: Session, case_ids: list[int]) -> None:
    """Retention: the notes, documents (bytes first) and merge records into these cases go."""
    unsync = {"synchronize_session": False}
    documents = select(col(Document.id)).where(col(Document.case_id).in_(case_ids))
    session.execute(sa.delete(DocumentContent).where(col(DocumentContent.document_id).in_(documents))
                    .execution_options(**unsync))
    session.execute(sa.delete(Document).where(col(Document.case_id).in_(case_ids)).execution_options(**unsync))
    session.execute(sa.delete(Note).where(col(Note.case_id).in_(case_ids)).execution_options(**unsync))
    session.execute(sa.delete(MergeRecord).where(col(MergeRecord.into_case_id).in_(case_ids))
                    .execution_options(**unsync))


def forget_people(session: Session, person_ids: list[int]) -> None:
    """Retention: anonymised people's persistent-procedure reviews and the merges into them go."""
    unsync = {"synchronize_session": False}
    session.execute(sa.delete(PersistentReview).where(col(PersistentReview.person_id).in_(person_ids))
                    .execution_options(**unsync))
    session.execute(sa.delete(MergeRecord).where(col(MergeRecord.into_person_id).in_(person_ids))
                    .execution_options(**unsync))
