"""`complaints import`: a case register into the database, all of it or none of it.

Every row is read and checked first; any error stops the import with all the errors of the file,
each naming its row and column, and nothing is written. A valid file is then applied in one
write transaction: new references are bulk-inserted (people matched by ``complainant_id``, else
by normalised name), matched references are compared with what is stored and updated column by
column with an event for each change, and identical rows are left alone (importing a file twice
changes nothing). A dry run does all of this and rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.clock import StageDates, deadline
from domain.register import COLUMNS, CellError, RegisterRow, match_header, read_row
from domain.vocab import Kind, Role
from store.bulk import BulkWriter
from store.intake import PREFIXES
from store.models import (
    Assignment,
    Case,
    CaseTheme,
    ComplaintIssue,
    OmbudsmanEnquiry,
    Person,
    ServiceArea,
    Stage,
    Team,
    Theme,
)
from store.register_export import RegisterReader
from store.register_files import RegisterFile
from store.service_base import ServiceBase, name_key, row_id

#: Columns whose change on a closed stage rewrites timeliness: manager only, as councils asked.
DATES_OF_RECORD = {"received": 1, "stage1_responded": 1, "stage2_responded": 2, "stage3_responded": 3}
COMPLAINTS = (Kind.STATUTORY.value, Kind.CORPORATE.value)


class ImportRefused(Exception):
    """The file has errors; ``errors`` lists every one of them."""

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # reference -> changed columns
    unchanged: int = 0
    new_names: dict[str, list[str]] = field(default_factory=dict)  # "themes" -> names added to the lists
    dry_run: bool = False


def read_register(path: Path, *, today: date, mapping: dict[str, str] | None = None,
                  ignore: set[str] | None = None,
                  progress: Callable[[int], None] | None = None) -> list[RegisterRow]:
    """Every row of the file, or ImportRefused with every error (header, cells, repeated references)."""
    file = RegisterFile(path)
    try:
        where, errors = match_header(file.header, mapping or {}, ignore or set())
        if errors:
            raise ImportRefused(errors)
        rows: list[RegisterRow] = []
        seen: dict[str, int] = {}
        items = list(where.items())
        width = len(file.header)
        for n, cells in file.rows():
            if len(cells) > width and any(c not in (None, "") for c in cells[width:]):
                errors.append(CellError(n, "(whole row)", f"has {len(cells)} cells but the header names {width} "
                                                          "columns (a comma in a value that is not in quotes?)"))
                continue
            filled = len(cells)
            raw = {column: cells[i] for column, i in items if i < filled and cells[i] not in ("", None)}
            row, row_errors = read_row(raw, n, today)
            errors += row_errors
            if row is not None:
                if row.reference and row.reference in seen:
                    errors.append(CellError(n, "reference", f"{row.reference!r} is also on row {seen[row.reference]}"))
                elif row.reference:
                    seen[row.reference] = n
                rows.append(row)
            if progress and n % 1000 == 0:
                progress(n)
    finally:
        file.close()
    if errors:
        raise ImportRefused(errors)
    return rows


class RegisterImport(ServiceBase):
    """Applies read rows to the database in one transaction."""

    def apply(self, rows: list[RegisterRow], *, source: str, strict: bool = False, dry_run: bool = False,
              progress: Callable[[int], None] | None = None) -> ImportResult:
        from domain.lifecycle import require_writer

        require_writer(self.role)
        result = ImportResult(dry_run=dry_run)
        self.source = source
        try:
            with self.db.write_engine.begin() as conn:
                self._apply(conn, rows, result, strict, progress)
                if dry_run:
                    raise _DryRun()
        except _DryRun:
            pass
        if self.db.path is not None:
            from store.database import make_owner_only

            make_owner_only(self.db.path)
        return result

    # -- the transaction -----------------------------------------------------------------------

    def _apply(self, conn: sa.Connection, rows: list[RegisterRow], result: ImportResult, strict: bool,
               progress: Callable[[int], None] | None) -> None:
        self.lists: dict[type, dict[str, int]] = {}
        for model in (Theme, Team, ServiceArea):
            table: sa.Table = model.__table__  # type: ignore[union-attr]
            self.lists[model] = {name: ident for name, ident in conn.execute(sa.select(table.c.name, table.c.id))}
        errors = self._new_names(rows, result, strict)
        self.empty = conn.execute(sa.select(col(Case.id)).limit(1)).first() is None  # a first import: no matching
        if not self.empty:
            self._match_unreferenced(conn, rows)
        existing: dict[str, int] = {}
        refs = [r.reference for r in rows if r.reference] if not self.empty else []
        for i in range(0, len(refs), 500):
            existing.update(conn.execute(sa.select(Case.reference, Case.id)  # type: ignore[call-overload]
                                         .where(col(Case.reference).in_(refs[i:i + 500]))).all())
        matched = [r for r in rows if r.reference in existing]
        fresh = [r for r in rows if r.reference not in existing]
        stored = RegisterReader(conn.connection.driver_connection, self.db.placeholder).by_ids(
            [existing[r.reference] for r in matched if r.reference])
        changes: list[tuple[RegisterRow, int, dict[str, tuple[str, str]]]] = []
        for r in matched:
            cid = existing[r.reference or ""]
            old, new = stored[cid].cells(), r.cells()
            diff = {c: (old[c], new[c]) for c in COLUMNS if old[c] != new[c] and c != "reference"}
            if not diff:
                result.unchanged += 1
                continue
            errors += self._check_change(r, stored[cid], diff)
            changes.append((r, cid, diff))
        if errors:
            raise ImportRefused(errors)
        self._insert(conn, fresh, result, progress)
        if changes:
            with Session(bind=conn) as session:
                for r, cid, diff in changes:
                    self._update(session, r, cid, diff)
                    result.updated[r.reference or ""] = list(diff)
                session.flush()

    def _match_unreferenced(self, conn: sa.Connection, rows: list[RegisterRow]) -> None:
        """Rows without a reference match a stored case of the same kind, date and person, if there is one.

        So a file whose references the tool generated can be imported again without doubling.
        """
        loose = [r for r in rows if not r.reference]
        days = sorted({r.received for r in loose})
        stored: dict[tuple[Any, ...], list[str]] = {}
        for i in range(0, len(days), 500):
            query = (sa.select(Case.reference, Case.kind, Case.received, Person.external_id,  # type: ignore[call-overload]
                               Person.name_key)
                     .outerjoin(Person, col(Person.id) == Case.person_id)
                     .where(col(Case.received).in_(days[i:i + 500])).order_by(Case.id))
            for reference, kind, received, external, key in conn.execute(query):
                stored.setdefault((kind, received, external or key), []).append(reference)
        for r in loose:
            who = r.complainant_id or (name_key(r.complainant) if r.complainant else None)
            candidates = stored.get((r.kind, r.received, who))
            if candidates:
                r.reference = candidates.pop(0)

    def _new_names(self, rows: list[RegisterRow], result: ImportResult, strict: bool) -> list[CellError]:
        errors: list[CellError] = []
        for column, model in (("themes", Theme), ("team", Team), ("service_area", ServiceArea)):
            known, added = self.lists[model], {}
            for r in rows:
                value = getattr(r, column)
                for name in (value if isinstance(value, tuple) else (value,) if value else ()):
                    if name not in known and name not in added:
                        added[name] = r.row
            if added and strict:
                errors += [CellError(n, column, f"{name!r} is not on the council's list (--strict)")
                           for name, n in added.items()]
            result.new_names[column] = sorted(added)
        return errors

    def _check_change(self, r: RegisterRow, old: RegisterRow, diff: dict[str, tuple[str, str]]) -> list[CellError]:
        errors = []
        if "kind" in diff:
            errors.append(CellError(r.row, "kind", f"{r.reference} is stored as a {old.kind}: the kind of a case "
                                                   "cannot be changed by an import"))
        for column in DATES_OF_RECORD:
            if column in diff and diff[column][0] and self.role is not Role.MANAGER:
                closed = column != "received" or old.stage1_responded is not None or old.closed is not None
                if closed:
                    errors.append(CellError(r.row, column, f"changing this date of a closed stage of {r.reference} "
                                                           "needs the manager role"))
        return errors

    # -- new cases, in bulk --------------------------------------------------------------------

    def _insert(self, conn: sa.Connection, rows: list[RegisterRow], result: ImportResult,
                progress: Callable[[int], None] | None) -> None:
        if not rows:
            return
        w = BulkWriter(conn)
        w.continue_ids()
        people = self._people(conn, rows)
        numbers: dict[str, int] = {}
        for model, column, table in ((Theme, "themes", "theme"), (Team, "team", "team"),
                                     (ServiceArea, "service_area", "service_area")):
            for name in result.new_names.get(column, []):
                self.lists[model][name] = w.next_id(table)
                extra = {"service_area_id": None} if model is Team else {}
                w.add(model, {"id": self.lists[model][name], "name": name, "active": True, **extra})
        for i, r in enumerate(rows):
            cid = w.next_id("case")
            reference = r.reference or self._next_reference(conn, numbers, r)
            person = self._person_id(w, people, r)
            closed = self._write_stages(w, cid, r)
            w.add(Case, {"id": cid, "reference": reference, "kind": r.kind, "received": r.received,
                         "channel": r.channel, "person_id": person, "complainant_group": r.complainant_group,
                         "child_status": r.child_status, "advocate": r.advocate,
                         "service_area_id": self.lists[ServiceArea].get(r.service_area or ""),
                         "team_id": self.lists[Team].get(r.team or ""), "summary": r.summary, "closed": closed,
                         "version": 1})
            for theme in r.themes:
                w.add(CaseTheme, {"case_id": cid, "theme_id": self.lists[Theme][theme]})
            if r.lgo_received:
                w.add(OmbudsmanEnquiry, {"id": w.next_id("ombudsman_enquiry"), "case_id": cid,
                                         "received": r.lgo_received, "decision": r.lgo_decision,
                                         "decided": r.lgo_closed, "remedy": r.lgo_remedy, "payment": r.lgo_payment})
            w.add_event(cid, self.user, "imported", f"from {self.source}"[:120])
            result.created.append(reference)
            w.flush_if_full()
            if progress and i % 1000 == 0:
                progress(i)
        w.finish()

    def _people(self, conn: sa.Connection, rows: list[RegisterRow]) -> dict[str, int]:
        """Stored people the file's rows name: ``id:<complainant_id>`` and ``name:<name key>`` -> person id."""
        found: dict[str, int] = {}
        if conn.execute(sa.select(col(Person.id)).limit(1)).first() is None:
            return found
        ids = sorted({r.complainant_id for r in rows if r.complainant_id})
        keys = sorted({name_key(r.complainant) for r in rows if r.complainant and not r.complainant_id})
        for i in range(0, len(ids), 500):
            for ext, pid in conn.execute(sa.select(Person.external_id, Person.id)  # type: ignore[call-overload]
                                         .where(col(Person.external_id).in_(ids[i:i + 500]))):
                found[f"id:{ext}"] = pid
        for i in range(0, len(keys), 500):
            for key, pid in conn.execute(sa.select(Person.name_key, Person.id)  # type: ignore[call-overload]
                                         .where(col(Person.name_key).in_(keys[i:i + 500])).order_by(Person.id)):
                found.setdefault(f"name:{key}", pid)
        return found

    def _person_id(self, w: BulkWriter, people: dict[str, int], r: RegisterRow) -> int | None:
        if not r.complainant_id and not r.complainant:
            return None
        key = f"id:{r.complainant_id}" if r.complainant_id else f"name:{name_key(r.complainant or '')}"
        if key not in people:
            pid = people[key] = w.next_id("person")
            name = r.complainant or r.complainant_id or ""
            w.add(Person, {"id": pid, "external_id": r.complainant_id, "name": name, "name_key": name_key(name),
                           "complainant_group": r.complainant_group, "persistent": bool(r.persistent),
                           "anonymised": False, "persistent_start": r.received if r.persistent else None})
        return people[key]

    def _next_reference(self, conn: sa.Connection, numbers: dict[str, int], r: RegisterRow) -> str:
        prefix = f"{PREFIXES[Kind(r.kind)]}-{r.received.year}-"
        if prefix not in numbers:
            last = conn.execute(sa.select(Case.reference).where(col(Case.reference) >= prefix,  # type: ignore[call-overload]
                                                                col(Case.reference) < prefix + "~")
                                .order_by(col(Case.reference).desc()).limit(1)).scalar()
            tail = last.rsplit("-", 1)[1] if last else "0"
            numbers[prefix] = int(tail) if tail.isdigit() else 0
        numbers[prefix] += 1
        return f"{prefix}{numbers[prefix]:05d}"

    def _stage_row(self, w: BulkWriter, cid: int, st: StageDates, **extra: Any) -> int:
        sid = w.next_id("stage")
        dl = None if st.responded or st.declined else deadline(st, self.rules, self.calendar)
        row = {"id": sid, "case_id": cid, "procedure": st.procedure, "number": st.number, "round": 0,
               "requested": st.requested, "declined": st.declined, "late_request": False,
               "statement_agreed": st.statement_agreed, "extended_on": st.extended_on,
               "extended_days": st.extended_days, "paused_days": 0, "panel_on": st.panel_on,
               "responded": st.responded, "outcome_overridden": False, "step": dl.step if dl else None,
               "due": dl.due if dl else None, **extra}
        w.add(Stage, row)
        return sid

    def _extended_days(self, kind: str, step: str, on: date, extended: date | None) -> int | None:
        if extended is None:
            return None
        rule = self.rules.timescale(kind, step, on)
        return rule.extended_days or rule.days

    def _write_stages(self, w: BulkWriter, cid: int, r: RegisterRow) -> date | None:
        """Write a row's stages; return the date the case closed (None while open)."""
        kind = Kind(r.kind)
        if not kind.has_clock:
            return r.closed or r.received
        if r.kind not in COMPLAINTS:
            self._stage_row(w, cid, StageDates(r.kind, 1, r.received, responded=r.closed))
            return r.closed
        one = StageDates(r.kind, 1, r.received, extended_on=r.stage1_extended, responded=r.stage1_responded,
                         extended_days=self._extended_days(r.kind, "stage1", r.received, r.stage1_extended))
        self._stage_row(w, cid, one, outcome=r.stage1_outcome)
        for n in range(1, r.stage1_reopened + 1):  # the register keeps how often, not when: dated at the reply
            self._stage_row(w, cid, StageDates(r.kind, 1, one.responded or r.received,
                                               responded=one.responded), round=n)
        end: date | None = r.stage1_responded
        if r.stage2_requested:
            end = self._stage2(w, cid, r)
        if r.stage3_requested:
            three = StageDates(r.kind, 3, r.stage3_requested, panel_on=r.stage3_panel, responded=r.stage3_responded)
            sid = self._stage_row(w, cid, three, outcome=r.stage3_outcome, accepted=r.stage3_requested)
            self._cost(w, sid, r.stage3_cost)
            end = r.stage3_responded
        return end

    def _stage2(self, w: BulkWriter, cid: int, r: RegisterRow) -> date | None:
        assert r.stage2_requested is not None
        if r.stage2_declined:
            self._stage_row(w, cid, StageDates(r.kind, 2, r.stage2_requested, declined=r.stage2_declined))
            return r.stage2_declined
        start = r.stage2_started or r.stage2_requested
        two = StageDates(r.kind, 2, r.stage2_requested, statement_agreed=r.stage2_started,
                         extended_on=r.stage2_extended, responded=r.stage2_responded,
                         extended_days=self._extended_days(r.kind, "stage2", start, r.stage2_extended))
        sid = self._stage_row(w, cid, two, outcome=r.stage2_outcome, accepted=start)
        number = 0
        for finding, count in r.stage2_findings:
            for _ in range(count):
                number += 1
                w.add(ComplaintIssue, {"id": w.next_id("complaint_issue"), "stage_id": sid, "number": number,
                                       "description": None, "finding": finding})
        self._cost(w, sid, r.stage2_cost)
        return r.stage2_responded

    def _cost(self, w: BulkWriter, sid: int, cost: Decimal | None) -> None:
        if cost is not None:
            w.add(Assignment, {"id": w.next_id("assignment"), "stage_id": sid, "person_id": None,
                               "role": "stage_total", "assigned_on": None, "cost": cost, "cost_recorded_on": None})

    # -- matched cases, column by column -------------------------------------------------------

    def _update(self, session: Session, r: RegisterRow, cid: int, diff: dict[str, tuple[str, str]]) -> None:
        case = session.get(Case, cid)
        assert case is not None
        stages = {(s.number, s.round): s for s in session.exec(select(Stage).where(Stage.case_id == cid))}
        reason = f"import of {self.source}"
        for column, (old, new) in diff.items():
            self._event(session, case, "changed by import", column, old or None, new or None, reason)
            self._set_column(session, case, stages, r, column)
        for stage in stages.values():
            self._refresh(stage)
        case.version += 1
        self._touch(case)

    def _set_column(self, session: Session, case: Case, stages: dict[tuple[int, int], Stage], r: RegisterRow,
                    column: str) -> None:
        value = getattr(r, column)
        if column in ("channel", "complainant_group", "child_status", "advocate", "summary"):
            setattr(case, column, value)
        elif column == "received":
            case.received = value
            if (1, 0) in stages:
                stages[1, 0].requested = value
        elif column == "closed":
            case.closed = value
            if (1, 0) in stages:
                stages[1, 0].responded = value
        elif column in ("service_area", "team"):
            model = ServiceArea if column == "service_area" else Team
            row = self._named(session, model, value)
            setattr(case, f"{column}_id", row.id if row else None)
        elif column == "themes":
            for link in session.exec(select(CaseTheme).where(CaseTheme.case_id == case.id)):
                session.delete(link)
            session.flush()
            for name in value:
                session.add(CaseTheme(case_id=row_id(case), theme_id=self._named(session, Theme, name).id))
        elif column in ("complainant", "complainant_id", "persistent"):
            person = self._person(session, r.complainant, r.complainant_id, r.complainant_group)
            case.person_id = person.id if person else None
            if person is not None and r.persistent and not person.persistent:
                person.persistent, person.persistent_start = True, r.received
        elif column.startswith("lgo_"):
            self._set_enquiry(session, case, r)
        elif column == "stage1_reopened":
            self._set_reopenings(session, case, stages, r)
        else:
            self._set_stage(session, case, stages, r, column, value)

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
            stage.extended_days = self._extended_days(case.kind, step, requested, value)
        elif name == "panel":
            stage.panel_on = value
        else:  # requested, declined, responded, outcome
            setattr(stage, name, value)

    def _set_reopenings(self, session: Session, case: Case, stages: dict[tuple[int, int], Stage],
                        r: RegisterRow) -> None:
        rounds = sorted(k[1] for k in stages if k[0] == 1 and k[1] > 0)
        for n in rounds[r.stage1_reopened:]:
            session.delete(stages.pop((1, n)))
        for n in range(len(rounds) + 1, r.stage1_reopened + 1):
            on = r.stage1_responded or r.received
            stages[1, n] = Stage(case_id=row_id(case), procedure=case.kind, number=1, round=n, requested=on,
                                 responded=on)
            session.add(stages[1, n])

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
