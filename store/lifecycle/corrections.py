"""Putting a case right after the fact: correcting its dates, or deleting one recorded in error.

Councils found that back-dating received and response dates distorted their timeliness figures:
once a stage is closed, changing the date it was received or answered needs the manager role
and a reason (the rules for changes, ``domain.changes``, as an import applies them), and the
change (old -> new, who, why) is kept in the case's history.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import col, select

from domain.changes import StoredCase, check_change
from domain.clock import acknowledgement_due
from domain.lifecycle import check_date, require_manager
from domain.timescales import RuleError
from store.db.models import (
    Assignment,
    Case,
    CaseLink,
    CaseTheme,
    ComplaintIssue,
    Document,
    DocumentContent,
    Event,
    LearningAction,
    MergeRecord,
    OmbudsmanEnquiry,
    Person,
    Stage,
)
from store.lifecycle.base import ServiceBase, row_id

#: The dates that can be corrected, by their register column names.
CORRECTABLE = {"received": 1, "stage1_responded": 1, "stage2_responded": 2, "stage3_responded": 3}


class CorrectionMixin(ServiceBase):
    def correct_date(self, reference: str, field: str, value: date, *, reason: str | None = None,
                     expected_version: int | None = None) -> None:
        """Set ``received`` or ``stageN_responded`` to ``value``; closed stages need a manager and a reason."""
        if field not in CORRECTABLE:
            raise RuleError(f"{field!r} cannot be corrected here: one of {', '.join(CORRECTABLE)}")
        check_date(field, value, self.today())
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            stages = {(s.number, s.round): s for s in self._stages(session, case)}
            stage = stages.get((CORRECTABLE[field], 0))
            if field != "received" and stage is None:
                raise RuleError(f"{case.reference} has no Stage {CORRECTABLE[field]}")
            stored = StoredCase(case.closed is not None, frozenset(
                s.number for s in stages.values() if s.round == 0 and (s.responded or s.declined) is not None))
            old = case.received if field == "received" else stage.responded if stage is not None else None
            check_change(stored, field, old, value, self.role, reason)
            if field == "received":
                if stage is not None and stage.responded is not None and value > stage.responded:
                    raise RuleError(f"received {value.isoformat()} would be after the Stage 1 response "
                                    f"({stage.responded.isoformat()})")
                self._event(session, case, "date corrected", field, case.received, value, reason)
                case.received = value
                if stage is not None:
                    stage.requested = value
                for s in stages.values():  # the rules a case runs under follow the day it was received
                    s.case_received = value
                if case.ack_due is not None:  # still owed: it moves with the date it counts from
                    case.ack_due = acknowledgement_due(self.rules, self.calendar, case.kind, value)
            else:
                assert stage is not None
                if stage.responded is None:
                    raise RuleError(f"Stage {stage.number} of {case.reference} has no response to correct: "
                                    "record the response instead")
                start = stage.requested
                if value < start:
                    raise RuleError(f"{value.isoformat()} is before Stage {stage.number} began "
                                    f"({start.isoformat()})")
                self._event(session, case, "date corrected", field, stage.responded, value, reason)
                stage.responded = value
            for s in stages.values():
                self._refresh(s)
            self._touch(case)

    def delete_case(self, reference: str, *, reason: str, expected_version: int | None = None) -> None:
        """Delete a case recorded in error (a duplicate, the wrong person): managers only, with a reason.

        The case goes with its stages, findings, enquiries, actions and its own history (which would
        otherwise keep personal data), and so does its person if no other case names them. One event,
        kept without the case, records who deleted which reference, when and why.
        """
        require_manager(self.role, "deleting a case")
        if not reason or not reason.strip():
            raise RuleError("deleting a case needs a reason")
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            case_id, person_id = row_id(case), case.person_id
            by_the_server = self._server_keeps_the_trail(session, reason.strip())  # its trigger writes the event
            stage_ids = sa.select(col(Stage.id)).where(col(Stage.case_id) == case_id)
            session.execute(sa.delete(ComplaintIssue).where(col(ComplaintIssue.stage_id).in_(stage_ids)))
            session.execute(sa.delete(Assignment).where(col(Assignment.stage_id).in_(stage_ids)))
            session.execute(sa.delete(Stage).where(col(Stage.case_id) == case_id))
            session.execute(sa.delete(CaseTheme).where(col(CaseTheme.case_id) == case_id))
            session.execute(sa.delete(OmbudsmanEnquiry).where(col(OmbudsmanEnquiry.case_id) == case_id))
            session.execute(sa.delete(LearningAction).where(col(LearningAction.case_id) == case_id))
            documents = sa.select(col(Document.id)).where(col(Document.case_id) == case_id)  # the bytes first
            session.execute(sa.delete(DocumentContent).where(col(DocumentContent.document_id).in_(documents)))
            session.execute(sa.delete(Document).where(col(Document.case_id) == case_id))
            if not by_the_server:
                session.execute(sa.delete(Event).where(col(Event.case_id) == case_id))
            session.execute(sa.update(Case).where(col(Case.linked_case_id) == case_id).values(linked_case_id=None))
            session.execute(sa.delete(CaseLink).where((col(CaseLink.case_id) == case_id)
                                                      | (col(CaseLink.other_id) == case_id)))
            session.execute(sa.update(MergeRecord).where(col(MergeRecord.into_case_id) == case_id)
                            .values(into_case_id=None))  # merges into it can no longer be undone
            session.delete(case)
            session.flush()
            if person_id is not None and session.exec(
                    select(col(Case.id)).where(col(Case.person_id) == person_id)).first() is None:
                session.execute(sa.delete(Person).where(col(Person.id) == person_id))
            if not by_the_server:
                self._event(session, None, "deleted", case.reference, None, None, reason.strip())
