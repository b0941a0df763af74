"""Planning an import, a chunk of rows at a time: what is new, what changes a stored case, what is wrong.

The plan runs inside the import's write transaction. The rows of new cases (and of new theme, team,
service-area and officer names) are written in batches as they are planned (``store.register.bulk``).
Changes to stored cases are kept for the importer to apply at the end, and every error of the file is
collected; once there is one, nothing more is written, but the rest of the file is still checked.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import col

from domain.calendar import WorkingCalendar
from domain.changes import REOPENING, StoredCase, check_change, check_outcome
from domain.clock import StageDates
from domain.lifecycle import require_manager
from domain.new_case import CaseRow, StageRow, ThemeLink, columns, new_case, stage_row
from domain.register import COLUMNS, CellError, RegisterRow, changed_cells
from domain.timescales import RuleBook, RuleError
from domain.vocab import COMPLAINT_KINDS, NO_CLOCK_KINDS, Role
from store.db.models import (
    Assignment,
    Case,
    CaseTheme,
    ComplaintIssue,
    Officer,
    OmbudsmanEnquiry,
    Person,
    ServiceArea,
    Stage,
    Team,
    Theme,
)
from store.db.names import name_key
from store.lifecycle.references import STARTS, Numbers, prefix_of
from store.register.bulk import BulkWriter
from store.register.export import RegisterReader
from store.register.files import RegisterFile, read_chunks

LISTS = (("themes", Theme, "theme"), ("team", Team, "team"), ("service_area", ServiceArea, "service_area"),
         ("officer", Officer, "officer"), ("stage2_handler", Officer, "officer"))

#: A stored case the file changes: the file's row, the case's id, and column -> (stored, file) cells.
Change = tuple[RegisterRow, int, dict[str, tuple[str, str]]]
#: The columns of a contact not accepted as a complaint (its exclusion, date and reason in words).
NOT_ACCEPTED = ("not_accepted", "not_accepted_on", "exclusion_note")
#: The columns of the rows an import writes for each new person, in the order of its tuples; the rest
#: of the table is NULL.
PERSON_COLUMNS = ("id", "external_id", "name", "name_key", "complainant_group", "persistent", "persistent_start",
                  "anonymised", "persistent_review", "persistent_ended")
R = TypeVar("R")


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # reference -> changed columns
    unchanged: int = 0
    new_names: dict[str, list[str]] = field(default_factory=dict)  # "themes" -> names added to the lists
    #: Rows of new cases without a complainant_id taken as one person by their name: (their spreadsheet
    #: rows, whether a person already stored has that name too), in the order of the file.
    merged_by_name: list[tuple[list[int], bool]] = field(default_factory=list)
    dry_run: bool = False


@dataclass(frozen=True)
class Who:
    """Who imports what, under which rules: all the plan needs of the service and its settings."""

    user: str
    role: Role
    rules: RuleBook
    calendar: WorkingCalendar
    source: str  # the file's name, for the events
    strict: bool = False
    reason: str | None = None  # why, for the changes the rules for changes ask a reason for
    columns: frozenset[str] = frozenset(COLUMNS)  # the file's: what it does not have, it does not change


def extended_days(rules: RuleBook, kind: str, step: str, on: date, extended: date | None,
                  received: date | None = None) -> int | None:
    """The working days an extension on ``extended`` gives a stage that started ``on``."""
    if extended is None:
        return None
    rule = rules.timescale(kind, step, on, received)
    return rule.extended_days or rule.days


def by_columns(writer: BulkWriter, model: type[Any], row_type: type[R]) -> Callable[[R], None]:
    """The writer's ``appender`` for rows given as ``row_type`` dataclasses, whose fields name the columns:
    their values are read by name, in C (``attrgetter``), and written in that order."""
    names = columns(row_type)
    add, values = writer.appender(model, names), operator.attrgetter(*names)
    return lambda row: add(values(row))


class ListNames(dict[str, int]):
    """A council list's ids by name, letter case aside: "delays" in a file is the stored "Delays", as it is
    in a form (``store.lifecycle.base.same_name``), so an import never splits a theme in two."""

    def __init__(self, rows: Iterable[tuple[str, int]] = ()) -> None:
        super().__init__()
        for name, ident in rows:
            self.setdefault(name.casefold(), ident)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.casefold())

    def __getitem__(self, name: str) -> int:
        return super().__getitem__(name.casefold())

    def __setitem__(self, name: str, ident: int) -> None:
        super().__setitem__(name.casefold(), ident)

    def get(self, name: str, default: Any = None) -> Any:
        return super().get(name.casefold(), default)


class ImportPlan:
    """Takes a file's rows chunk by chunk (see the module's docstring)."""

    def __init__(self, conn: sa.Connection, who: Who) -> None:
        self.conn, self.who = conn, who
        self.placeholder = "%s" if conn.dialect.paramstyle in ("format", "pyformat") else "?"
        self.result = ImportResult()
        self.errors: list[CellError] = []
        self.changes: list[Change] = []
        self.lists: dict[type, dict[str, int]] = {}
        for _, model, _ in LISTS:
            table: sa.Table = model.__table__  # type: ignore[union-attr]
            self.lists[model] = ListNames(conn.execute(sa.select(table.c.name, table.c.id)))
        self.added: dict[str, list[str]] = {column: [] for column, _, _ in LISTS}
        self.empty = conn.execute(sa.select(col(Case.id)).limit(1)).first() is None  # a first import: no matching
        self.no_people = conn.execute(sa.select(col(Person.id)).limit(1)).first() is None
        self.people: dict[str, int] = {}  # "id:<complainant_id>" or "name:<name key>" -> person id
        # new cases' references: generated ones (-> their row), and those the file gives, which numbering skips
        self.generated: dict[str, int] = {}
        self.named: set[str] = set()
        self.numbers = Numbers(conn, avoid=self.named, stored=not self.empty)
        self.by_name: dict[str, list[int]] = {}  # name key -> the rows of new cases with it and no complainant_id
        self.stored_names: set[str] = set()  # the name keys of those that are stored people's too
        self.writer = w = BulkWriter(conn)
        self.next_person, self.next_stage = w.counter("person"), w.counter("stage")
        self.add_person = w.appender(Person, PERSON_COLUMNS)
        self.add_case, self.add_stage = by_columns(w, Case, CaseRow), by_columns(w, Stage, StageRow)
        self.add_theme = by_columns(w, CaseTheme, ThemeLink)

    def take(self, rows: list[RegisterRow], errors: list[CellError]) -> None:
        """Plan one chunk: the rows that read cleanly, and the errors of the rows that did not."""
        self.errors += errors
        self._new_names(rows)
        if not self.empty:
            self._match_unreferenced(rows)
        existing: dict[str, int] = {}
        refs = [r.reference for r in rows if r.reference] if not self.empty else []
        for i in range(0, len(refs), 500):
            existing.update(self.conn.execute(sa.select(Case.reference, Case.id)  # type: ignore[call-overload]
                                              .where(col(Case.reference).in_(refs[i:i + 500]))).all())
        if existing:
            self._compare([r for r in rows if r.reference in existing], existing)
            rows = [r for r in rows if r.reference not in existing]
        self._named_references(rows)
        if not self.errors:
            self._insert(rows)

    def finish(self) -> ImportResult:
        """Send what is left to be written; the result, with the names added to the lists in order."""
        if not self.errors:
            self.writer.finish()
            self.numbers.finish()
        self.result.new_names = {column: sorted(names) for column, names in self.added.items()}
        self.result.merged_by_name = [(rows, key in self.stored_names) for key, rows in self.by_name.items()
                                      if len(rows) > 1 or key in self.stored_names]
        return self.result

    # -- checking ------------------------------------------------------------------------------

    def _new_names(self, rows: list[RegisterRow]) -> None:
        """Names not on the council's lists: added (each once), or with --strict an error at its first row."""
        for column, model, table in LISTS:
            known = self.lists[model]
            values = ((r, r.themes) for r in rows) if column == "themes" else (
                (r, (getattr(r, column),)) for r in rows)
            for r, names in values:
                for name in names:
                    if name is None or name in known:
                        continue
                    known[name] = self.writer.next_id(table)
                    self.added[column].append(name)
                    if self.who.strict:
                        self.errors.append(CellError(r.row, column,
                                                     f"{name!r} is not on the council's list (--strict)"))
                    else:
                        extra = {"service_area_id": None} if model is Team else {}
                        self.writer.add(model, {"id": known[name], "name": name, "active": True, **extra})

    def _match_unreferenced(self, rows: list[RegisterRow]) -> None:
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
            for reference, kind, received, external, key in self.conn.execute(query):
                stored.setdefault((kind, received, external or key), []).append(reference)
        for r in loose:
            who = r.complainant_id or (name_key(r.complainant) if r.complainant else None)
            candidates = stored.get((r.kind, r.received, who))
            if candidates:
                r.reference = candidates.pop(0)

    def _compare(self, matched: list[RegisterRow], existing: dict[str, int]) -> None:
        """Rows of stored cases: unchanged, or a change to apply, checked against the rules for changes."""
        reader = RegisterReader(self.conn.connection.driver_connection, self.placeholder)
        stored = reader.by_ids([existing[r.reference] for r in matched if r.reference])
        columns = [c for c in COLUMNS if c in self.who.columns and c != "reference"]
        for r in matched:
            cid = existing[r.reference or ""]
            diff = changed_cells(stored[cid], r, columns)
            if not diff:
                self.result.unchanged += 1
                continue
            self.errors += self._check_change(r, stored[cid], diff)
            self.changes.append((r, cid, diff))

    def _check_change(self, r: RegisterRow, old: RegisterRow, diff: dict[str, tuple[str, str]]) -> list[CellError]:
        """The rules for changes (``domain.changes``), as a form and `complaints correct` apply them."""
        errors = []
        if "kind" in diff:
            errors.append(CellError(r.row, "kind", f"{r.reference} is stored as a {old.kind}: the kind of a case "
                                                   "cannot be changed by an import"))
        stored, role, reason = StoredCase.of_row(old), self.who.role, self.who.reason
        for column in diff:
            if column in NOT_ACCEPTED:
                errors += self._check_not_accepted(r, old, column, diff)
                continue
            if column in REOPENING and r.stage1_reopened > old.stage1_reopened:
                continue  # the dates of a new reopening: reopening is a transition every writer makes
            try:
                check_change(stored, column, getattr(old, column), getattr(r, column), role, reason)
            except RuleError as exc:
                errors.append(CellError(r.row, column, str(exc)))
        judged = [c for c in ("stage2_outcome", "stage2_findings") if c in diff]
        if judged and not any(e.column in judged for e in errors):
            try:  # which findings there are, not how many, gives the outcome
                check_outcome(r.stage2_outcome, (f for f, n in r.stage2_findings if n), role, reason)
            except RuleError as exc:
                errors.append(CellError(r.row, judged[0], str(exc)))
        return errors

    def _check_not_accepted(self, r: RegisterRow, old: RegisterRow, column: str,
                            diff: dict[str, tuple[str, str]]) -> list[CellError]:
        """A stored contact is recorded as not accepted as a complaint with `complaints not-accepted` (its open
        stages declined, the annual report told), not by an import; the exclusion and the date of one already
        recorded are what the council has reported (a manager's, with a reason), the reason in words anyone's."""
        now = r.not_accepted if "not_accepted" in self.who.columns else old.not_accepted
        if (old.not_accepted is None) != (now is None) or (now is not None and r.not_accepted_on is None):
            if column != next(c for c in NOT_ACCEPTED if c in diff):
                return []  # said once, at the row's first such column
            what = "record" if old.not_accepted is None else "undo"
            return [CellError(r.row, column, f"an import does not {what} a contact not accepted as a "
                                             "complaint: use complaints not-accepted (R on the case)")]
        if column == "exclusion_note" or now is None:
            return []
        try:
            require_manager(self.who.role, f"changing {column.replace('_', ' ')} of a contact not accepted")
            if not (self.who.reason or "").strip():
                raise RuleError(f"changing {column.replace('_', ' ')} of a contact not accepted needs a reason")
        except RuleError as exc:
            return [CellError(r.row, column, str(exc))]
        return []

    # -- new cases -----------------------------------------------------------------------------

    def _insert(self, rows: list[RegisterRow]) -> None:
        """Rows for new cases, from ``domain.new_case`` as every new case's are, each given to the writer by
        its fields' names (the columns): a 100,000-row register makes half a million rows."""
        if not rows:
            return
        w, lists, created, who = self.writer, self.lists, self.result.created, self.who
        rules, calendar, source = who.rules, who.calendar, who.source
        themes, teams, areas, officers = lists[Theme], lists[Team], lists[ServiceArea], lists[Officer]
        next_case, add_case, add_stage, add_theme = w.counter("case"), self.add_case, self.add_stage, self.add_theme
        person_id, write_stages = self._person_id, self._write_stages
        self._find_people(rows)
        for r in rows:
            cid = next_case()
            reference = r.reference or self._next_reference(r)
            first, stage_id, outcome, closed = write_stages(cid, r)
            new = new_case(rules, calendar, r.kind, r.received, reference, id=cid, channel=r.channel,
                           person_id=person_id(r), complainant_group=r.complainant_group, child_status=r.child_status,
                           advocate=r.advocate, service_area_id=areas.get(r.service_area or ""),
                           team_id=teams.get(r.team or ""), officer_id=officers.get(r.officer or ""),
                           summary=r.summary, theme_ids=[themes[t] for t in r.themes], acknowledged=r.acknowledged,
                           first_stage=first, stage_id=stage_id, outcome=outcome, closed=closed, source=source)
            if r.not_accepted is not None:  # not accepted as a complaint: closed then, with its exclusion
                new.case.not_accepted, new.case.exclusion = r.not_accepted_on, r.not_accepted
                new.case.exclusion_note, new.case.closed, new.case.ack_due = r.exclusion_note, r.not_accepted_on, None
            add_case(new.case)
            if new.stage is not None:
                add_stage(new.stage)
            for link in new.themes:
                add_theme(link)
            if r.lgo_received:
                w.add(OmbudsmanEnquiry, {"id": w.next_id("ombudsman_enquiry"), "case_id": cid,
                                         "received": r.lgo_received, "decision": r.lgo_decision,
                                         "decided": r.lgo_closed, "remedy": r.lgo_remedy, "payment": r.lgo_payment})
            w.add_event(cid, who.user, new.event.action, new.event.detail, new.event.old, new.event.new)
            created.append(reference)
            w.flush_if_full()

    def _find_people(self, rows: list[RegisterRow]) -> None:
        """Stored people these rows name and the plan does not know yet, by complainant_id or name key."""
        if self.no_people:
            return
        found = self.people
        ids = sorted({r.complainant_id for r in rows if r.complainant_id and f"id:{r.complainant_id}" not in found})
        keys = sorted(k for k in {name_key(r.complainant) for r in rows if r.complainant and not r.complainant_id}
                      if f"name:{k}" not in found)
        for i in range(0, len(ids), 500):
            for ext, pid in self.conn.execute(sa.select(Person.external_id, Person.id)  # type: ignore[call-overload]
                                              .where(col(Person.external_id).in_(ids[i:i + 500]))):
                found[f"id:{ext}"] = pid
        for i in range(0, len(keys), 500):
            for key, pid in self.conn.execute(sa.select(Person.name_key, Person.id)  # type: ignore[call-overload]
                                              .where(col(Person.name_key).in_(keys[i:i + 500]))
                                              .order_by(Person.id)):
                found.setdefault(f"name:{key}", pid)
                self.stored_names.add(key)

    def _person_id(self, r: RegisterRow) -> int | None:
        if r.complainant_id:
            named, key = None, "id:" + r.complainant_id
        elif r.complainant:
            named = name_key(r.complainant)
            key = "name:" + named
        else:
            return None
        pid = self.people.get(key)
        if pid is None:
            pid = self.people[key] = self.next_person()
            name = r.complainant or r.complainant_id or ""
            self.add_person((pid, r.complainant_id, name, named or name_key(name), r.complainant_group,
                             bool(r.persistent), r.persistent_start, False, r.persistent_review, r.persistent_end))
        if named is not None:  # matched by name alone: the import's report says which rows
            self.by_name.setdefault(named, []).append(r.row)
        return pid

    def _named_references(self, rows: list[RegisterRow]) -> None:
        """The references new cases of the file give, in the generated form: numbering skips them; and one
        already given to an earlier row without a reference is an error (the plan cannot look ahead)."""
        for r in rows:
            if r.reference and r.reference[:3] in STARTS:
                if r.reference in self.generated:
                    self.errors.append(CellError(r.row, "reference", (
                        f"{r.reference!r} is the reference given to the new case of row "
                        f"{self.generated[r.reference]}, which had none: give that row a reference of its own")))
                self.named.add(r.reference)

    def _next_reference(self, r: RegisterRow) -> str:
        reference = self.numbers.next(prefix_of(r.kind, r.received))
        self.generated[reference] = r.row
        return reference

    def _stage_row(self, cid: int, st: StageDates, *, outcome: str | None = None, accepted: date | None = None,
                   round: int = 0, received: date | None = None,  # noqa: A002 - the column's name
                   handler: str | None = None) -> int:
        sid = self.next_stage()
        st.case_received = st.case_received or received
        handler_id = self.lists[Officer].get(handler) if handler else None
        self.add_stage(stage_row(st, self.who.rules, self.who.calendar, id=sid, case_id=cid, outcome=outcome,
                                 accepted=accepted, round=round, handler_id=handler_id))
        return sid

    def _write_stages(self, cid: int, r: RegisterRow) -> tuple[StageDates | None, int | None, str | None, date | None]:
        """Write a row's later stages. Return its first stage (for ``new_case`` to write), the id taken for it
        and its outcome, and the date the case closed (None while open)."""
        if r.kind in NO_CLOCK_KINDS:
            return None, None, None, r.closed
        first_id = self.next_stage()  # before the later stages', so a case's stages are numbered in order
        if r.kind not in COMPLAINT_KINDS:
            return StageDates(r.kind, 1, r.received, responded=r.closed), first_id, None, r.closed
        if r.not_accepted_on is not None:  # not accepted (an import's row has its date: check_row's default)
            return StageDates(r.kind, 1, r.received, declined=r.not_accepted_on), first_id, None, r.not_accepted_on
        one = StageDates(r.kind, 1, r.received, extended_on=r.stage1_extended, responded=r.stage1_responded,
                         extended_days=extended_days(self.who.rules, r.kind, "stage1", r.received, r.stage1_extended,
                                                       r.received))
        end: date | None = r.stage1_responded
        for n in range(1, r.stage1_reopened + 1):
            if n == r.stage1_reopened and r.stage1_reopened_on is not None:  # the last reopening, dated
                again = StageDates(r.kind, 1, r.stage1_reopened_on, responded=r.stage1_reopened_responded)
                end = r.stage1_reopened_responded  # None while it is open
            else:  # the register keeps how often, not when: dated at the reply
                again = StageDates(r.kind, 1, one.responded or r.received, responded=one.responded)
            self._stage_row(cid, again, round=n, received=r.received)
        if r.stage2_requested:
            end = self._stage2(cid, r)
        if r.stage3_requested:
            three = StageDates(r.kind, 3, r.stage3_requested, panel_on=r.stage3_panel, responded=r.stage3_responded)
            sid = self._stage_row(cid, three, outcome=r.stage3_outcome, accepted=r.stage3_requested,
                                  received=r.received)
            self._cost(sid, r.stage3_cost)
            end = r.stage3_responded
        return one, first_id, r.stage1_outcome, end

    def _stage2(self, cid: int, r: RegisterRow) -> date | None:
        assert r.stage2_requested is not None
        if r.stage2_declined:
            self._stage_row(cid, StageDates(r.kind, 2, r.stage2_requested, declined=r.stage2_declined,
                                            acknowledged=r.stage2_acknowledged),
                            received=r.received, handler=r.stage2_handler)
            return r.stage2_declined
        start = r.stage2_started or r.stage2_requested
        two = StageDates(r.kind, 2, r.stage2_requested, statement_agreed=r.stage2_started,
                         extended_on=r.stage2_extended, responded=r.stage2_responded,
                         acknowledged=r.stage2_acknowledged, case_received=r.received,
                         extended_days=extended_days(self.who.rules, r.kind, "stage2", start, r.stage2_extended,
                                                       r.received))
        sid = self._stage_row(cid, two, outcome=r.stage2_outcome, accepted=start, handler=r.stage2_handler)
        number = 0
        for finding, count in r.stage2_findings:
            for _ in range(count):
                number += 1
                self.writer.add(ComplaintIssue, {"id": self.writer.next_id("complaint_issue"), "stage_id": sid,
                                                 "number": number, "description": None, "finding": finding})
        self._cost(sid, r.stage2_cost)
        return r.stage2_responded

    def _cost(self, sid: int, cost: Decimal | None) -> None:
        if cost is not None:
            self.writer.add(Assignment, {"id": self.writer.next_id("assignment"), "stage_id": sid, "person_id": None,
                                         "role": "stage_total", "assigned_on": None, "cost": cost,
                                         "cost_recorded_on": None})


#: What a plan tells the writer, in order: ("progress", spreadsheet row reached), then ("done", result, errors,
#: changes).
Message = tuple[Any, ...]


def plan_file(plan: ImportPlan, file: RegisterFile, where: dict[str, int], today: date) -> Iterator[Message]:
    """Plan a whole file, chunk by chunk."""
    return plan_chunks(plan, read_chunks(file, today, where))


def plan_chunks(plan: ImportPlan, chunks: Iterable[tuple[list[RegisterRow], list[CellError], int]]
                ) -> Iterator[Message]:
    """Plan the chunks ``read_chunks`` gives."""
    for rows, errors, reached in chunks:
        plan.take(rows, errors)
        yield ("progress", reached)
    yield ("done", plan.finish(), plan.errors, plan.changes)
