"""The whole case file of one case, for ``complaints show``: what the case screen reads (the same clock), and
the documents (never their bytes) and links to other cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import col, select

from domain.calendar import WorkingCalendar
from domain.timescales import RuleBook
from store.db.database import Database
from store.db.models import Case, CaseLink
from store.views.case import CaseDetail, case_detail
from store.views.documents import DocumentLine


@dataclass(frozen=True)
class LinkLine:
    reference: str
    kind: str
    received: date
    linked_by: str
    linked_at: datetime


@dataclass
class CaseFile:
    detail: CaseDetail
    documents: list[DocumentLine] = field(default_factory=list)  # the case screen's list (never the bytes)
    links: list[LinkLine] = field(default_factory=list)


def case_file(db: Database, reference: str, today: date, calendar: WorkingCalendar, rules: RuleBook) -> CaseFile:
    """The case called ``reference``, whole; RuleError when there is none."""
    detail = case_detail(db, reference, today, calendar, rules)
    with db.read() as session:
        links = []
        for link in session.exec(select(CaseLink).where(sa.or_(col(CaseLink.case_id) == detail.id,
                                                               col(CaseLink.other_id) == detail.id))):
            other = session.get(Case, link.other_id if link.case_id == detail.id else link.case_id)
            if other is not None:
                links.append(LinkLine(other.reference, other.kind, other.received, link.linked_by, link.linked_at))
        links.sort(key=lambda line: line.reference)
    return CaseFile(detail, detail.documents, links)
