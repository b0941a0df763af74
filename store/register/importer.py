"""`complaints import`: a case register into the database, all of it or none of it.

A file is read and checked a chunk of rows at a time and planned (``store.register.plan``): new
references are bulk-inserted (people matched by ``complainant_id``, else by normalised name),
matched references are compared with what is stored, and identical rows are left alone (importing
a file twice changes nothing). Everything happens in one write transaction: any error of the file
rolls it back, with all the errors reported, each naming its row and column; changes to stored
cases are applied column by column at the end, with an event for each. A dry run rolls back too.

It all runs in this one process, cell by cell. Four speed-ups were measured against that and taken out, none
buying the 1.5x that would pay for its code (issue 15: bench/run.py's 100,000-row register, ``complaints
import`` end to end, A/B interleaved on a shared two-core machine, medians of wall / CPU time, with -> without):
planning in a forked second process 9.6 s -> 9.1 s (CPU 6.1 -> 5.6 s, n=10); a second, C-level way of reading
CSV rows with cached cells 10.5 -> 13.0 s (CPU 6.5 -> 8.3 s, n=22, 1.27x); sqlite3 adapters for NULL and
booleans with a cache of days 10.7 -> 11.8 s (CPU 1.09x, n=15); the cycle collector paused 11.3 -> 12.3 s
(CPU 1.10x, n=15). All four: 10.8 -> 13.2 s (CPU 6.0 -> 8.5 s, n=17). `sqlite-utils insert`: 55 s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.changes import REOPENING, check_outcome
from domain.clock import acknowledgement_due
from domain.errors import ComplaintsError
from domain.lifecycle import require_writer
from domain.register import CellError, RegisterRow, match_header
from store.db.models import (
    Assignment,
    Case,
    CaseTheme,
    ComplaintIssue,
    Officer,
    OmbudsmanEnquiry,
    ServiceArea,
    Stage,
    Team,
    Theme,
)
from store.lifecycle.base import ServiceBase, row_id
from store.lifecycle.references import lock_for_bulk
from store.register.bulk import IndexesSetAside
from store.register.files import RegisterFile
from store.register.plan import (
    NOT_ACCEPTED,
    Change,
    ImportPlan,
    ImportResult,
    Message,
    Who,
    extended_days,
    plan_file,
)

__all__ = ["ImportRefused", "ImportResult", "RegisterImport"]


class ImportRefused(ComplaintsError):
    """The file has errors; ``errors`` lists every one of them."""

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def _where(file: RegisterFile, mapping: dict[str, str] | None, ignore: set[str] | None) -> dict[str, int]:
    """The file's header matched to register columns, or ImportRefused naming what is wrong with it."""
    where, errors = match_header(file.header, mapping or {}, ignore or set())
    if errors:
        raise ImportRefused(errors)
    return where


def _reason(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None


class RegisterImport(ServiceBase):
    """Imports a register file in one transaction."""

    def import_file(self, path: Path, *, mapping: dict[str, str] | None = None, ignore: set[str] | None = None,
                    strict: bool = False, dry_run: bool = False, reason: str | None = None,
                    progress: Callable[[int, int | None], None] | None = None) -> ImportResult:
        """Import a CSV or XLSX register.

        ``reason``: why, for the changes to stored cases that the rules for changes ask one for (a manager's
        change to a closed stage, an outcome against its findings); ``progress(rows done, about how many in
        all)`` is called as the file is read.
        """
        require_writer(self.role)
        file = RegisterFile(path)
        try:
            where = _where(file, mapping, ignore)
            who = self._who(path.name, strict, reason, frozenset(where))
            tick = None
            if progress is not None:
                total, report = file.estimated_rows(), progress
                tick = lambda reached: report(reached - 1, total)  # noqa: E731 - the header is row 1
            return self._run(lambda conn: plan_file(ImportPlan(conn, who), file, where, self.today()), dry_run, tick)
        finally:
            file.close()

    def _who(self, source: str, strict: bool, reason: str | None, columns: frozenset[str]) -> Who:
        self.source = source  # named in the events of the changes, with the reason given
        self.reason = _reason(reason)
        self.columns = columns
        return Who(user=self.user, role=self.role, rules=self.rules, calendar=self.calendar, source=source,
                   strict=strict, reason=self.reason, columns=columns)

    def _run(self, plan: Callable[[sa.Connection], Iterator[Message]], dry_run: bool,
             progress: Callable[[int], None] | None) -> ImportResult:
        """One transaction: the plan's rows written as they come, then the changes; rolled back on any error."""
        result = ImportResult()
        try:
            with self.db.write_engine.begin() as conn:
                lock_for_bulk(conn)
                aside = IndexesSetAside.for_bulk_load(conn)
                errors: list[CellError] = []
                changes: list[Change] = []
                for message in plan(conn):
                    if message[0] == "progress" and progress:
                        progress(message[1])
                    elif message[0] == "done":
                        result, errors, changes = message[1], message[2], message[3]
                if errors:
                    raise ImportRefused(errors)
                if aside is not None:
                    aside.restore()
                self._apply_changes(conn, changes, result)
                result.dry_run = dry_run
                if dry_run:
                    raise _DryRun()
        except _DryRun:
            pass
        else:
            self.db.checkpoint()  # the .db file alone holds it all
        if self.db.path is not None:
            from store.db.database import make_owner_only

            make_owner_only(self.db.path)
        return result

    # -- matched cases, column by column -------------------------------------------------------

    def _apply_changes(self, conn: sa.Connection, changes: list[Change], result: ImportResult) -> None:
        if not changes:
            return
        with Session(bind=conn) as session:
            for r, cid, diff in changes:
                self._update(session, r, cid, diff)
                result.updated[r.reference or ""] = list(diff)
            session.flush()

    def _update(self, session: Session, r: RegisterRow, cid: int, diff: dict[str, tuple[str, str]]) -> None:
        case = session.get(Case, cid)
        assert case is not None
        stages = {(s.number, s.round): s for s in session.exec(select(Stage).where(Stage.case_id == cid))}
        reason = f"import of {self.source}" + (f": {self.reason}" if self.reason else "")
        for column, (old, new) in diff.items():
            self._event(session, case, "changed by import", column, old or None, new or None, reason)
            self._set_column(session, case, stages, r, column)
        if (2, 0) in stages and ("stage2_outcome" in diff or "stage2_findings" in diff):
            stage = stages[2, 0]  # the plan checked the override (``domain.changes.check_outcome``)
            found = (f for f, n in r.stage2_findings if n)
            overridden = check_outcome(r.stage2_outcome, found, self.role, self.reason)
            stage.outcome_overridden, stage.override_reason = overridden, self.reason if overridden else None
        for stage in stages.values():
            self._refresh(stage)
        settled = case.closed is not None or any(s.responded is not None for s in stages.values())
        case.ack_due = acknowledgement_due(self.rules, self.calendar, case.kind, case.received, case.acknowledged,
                                           settled)
        case.version += 1
        self._touch(case)

    def _set_column(self, session: Session, case: Case, stages: dict[tuple[int, int], Stage], r: RegisterRow,
                    column: str) -> None:
        value = getattr(r, column)
        if column in ("channel", "complainant_group", "child_status", "advocate", "summary", "acknowledged"):
            setattr(case, column, value)
        elif column == "received":
            case.received = value
            if (1, 0) in stages:
                stages[1, 0].requested = value
        elif column == "closed" and r.not_accepted is not None:  # the day it was not accepted
            self._set_not_accepted(case, stages, r)
        elif column == "closed":
            case.closed = value
            if (1, 0) in stages:
                stages[1, 0].responded = value
        elif column in ("service_area", "team", "officer"):
            model = {"service_area": ServiceArea, "team": Team, "officer": Officer}[column]
            row = self._named(session, model, value)
            setattr(case, f"{column}_id", row.id if row else None)
        elif column == "themes":
            for link in session.exec(select(CaseTheme).where(CaseTheme.case_id == case.id)):
                session.delete(link)
            session.flush()
            for name in value:
                session.add(CaseTheme(case_id=row_id(case), theme_id=self._named(session, Theme, name).id))
        elif column in ("complainant", "complainant_id", "persistent", "persistent_start", "persistent_review",
                        "persistent_end"):
            person = self._person(session, r.complainant, r.complainant_id, r.complainant_group)
            case.person_id = person.id if person else None
            if person is not None and column.startswith("persistent"):  # the person's procedure, as the row says
                name = "persistent_ended" if column == "persistent_end" else column
                setattr(person, name, bool(value) if column == "persistent" else value)
        elif column in NOT_ACCEPTED:  # one already recorded, corrected (the plan refused recording or undoing one)
            self._set_not_accepted(case, stages, r)
        elif column.startswith("lgo_"):
            self._set_enquiry(session, case, r)
        elif column in ("stage1_reopened", *REOPENING):
            self._set_reopenings(session, case, stages, r)
        else:
            self._set_stage(session, case, stages, r, column, value)

    @staticmethod
    def _set_not_accepted(case: Case, stages: dict[tuple[int, int], Stage], r: RegisterRow) -> None:
        case.exclusion, case.exclusion_note = r.not_accepted, r.exclusion_note
        if r.not_accepted_on is not None and r.not_accepted_on != case.not_accepted:
            case.not_accepted = case.closed = r.not_accepted_on
            for stage in stages.values():
                if stage.declined is not None and stage.responded is None and stage.number == 1:
                    stage.declined = r.not_accepted_on

    def _stage(self, session: Session, case: Case, stages: dict[tuple[int, int], Stage], number: int,
               requested: date) -> Stage:
        if (number, 0) not in stages:
            stage = Stage(case_id=row_id(case), procedure=case.kind, number=number, requested=requested)
            session.add(stage)
            stages[number, 0] = stage
        return stages[number, 0]

    def _set_stage(self, session: Session, case: Case, stages: dict[tuple[int, int], Stage], r: RegisterRow,
                   column: str, value: Any) -> None:
        number, name = int(column[5]), column[7:]
        requested = {1: r.received, 2: r.stage2_requested, 3: r.stage3_requested}[number]
        if requested is None:  # the stage is gone from the file: clear what it said
            if (number, 0) in stages:
                session.delete(stages.pop((number, 0)))
            return
        stage = self._stage(session, case, stages, number, requested)
        if name == "findings":
            session.flush()
            for issue in session.exec(select(ComplaintIssue).where(ComplaintIssue.stage_id == stage.id)):
                session.delete(issue)
            n = 0
            for finding, count in value:
                for _ in range(count):
                    n += 1
                    session.add(ComplaintIssue(stage_id=row_id(stage), number=n, finding=finding))
        elif name == "cost":
            session.flush()
            for a in session.exec(select(Assignment).where(Assignment.stage_id == stage.id)):
                if a.role == "stage_total":
                    session.delete(a)
                else:
                    a.cost = None
            if value is not None:
                session.add(Assignment(stage_id=row_id(stage), role="stage_total", cost=value))
        elif name == "started":
            stage.statement_agreed, stage.accepted = value, value or stage.requested
        elif name == "extended":
            step = "stage1" if number == 1 else "stage2"
            stage.extended_on = value
            stage.extended_days = extended_days(self.rules, case.kind, step, requested, value)
        elif name == "panel":
            stage.panel_on = value
        else:  # requested, declined, responded, outcome
            setattr(stage, name, value)

    def _set_reopenings(self, session: Session, case: Case, stages: dict[tuple[int, int], Stage],
                        r: RegisterRow) -> None:
        """The rounds of Stage 1 after the first as the row has them: how many, and the last one's dates
        (undated ones at the Stage 1 reply, as a new case's) if the file has a column for them. Idempotent:
        any of its columns calls it."""
        rounds = sorted(k[1] for k in stages if k[0] == 1 and k[1] > 0)
        for n in rounds[r.stage1_reopened:]:
            session.delete(stages.pop((1, n)))
        for n in range(len(rounds) + 1, r.stage1_reopened + 1):
            on = r.stage1_responded or r.received
            stages[1, n] = Stage(case_id=row_id(case), procedure=case.kind, number=1, round=n, requested=on,
                                 responded=on)
            session.add(stages[1, n])
        if r.stage1_reopened and not self.columns.isdisjoint(REOPENING):
            last = stages[1, max(k[1] for k in stages if k[0] == 1)]
            on = r.stage1_responded or r.received
            last.requested = r.stage1_reopened_on or on
            last.responded = r.stage1_reopened_responded if r.stage1_reopened_on else on
            if last.responded is None:
                case.closed = None  # open again, as a reopening leaves it
            elif case.closed is None and not any(number > 1 for number, _ in stages):
                case.closed = last.responded

    def _set_enquiry(self, session: Session, case: Case, r: RegisterRow) -> None:
        enquiry = session.exec(select(OmbudsmanEnquiry).where(OmbudsmanEnquiry.case_id == case.id)
                               .order_by(col(OmbudsmanEnquiry.id))).first()
        if r.lgo_received is None:
            if enquiry is not None:
                session.delete(enquiry)
            return
        if enquiry is None:
            enquiry = OmbudsmanEnquiry(case_id=row_id(case), received=r.lgo_received)
            session.add(enquiry)
        enquiry.received, enquiry.decision, enquiry.decided = r.lgo_received, r.lgo_decision, r.lgo_closed
        enquiry.remedy, enquiry.payment = r.lgo_remedy, r.lgo_payment
