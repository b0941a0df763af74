"""Data protection: everything held about one person (a subject access request), and retention.

A subject access search finds a person in every role the database holds them in: complainant (by
complainant_id or name), the child a case is about, independent person, officer, and wherever free text
or the audit trail names them: a complainant's single point of contact, a learning action's owner,
summaries, reasons, and events' old and new values, the events left by deleted cases included. Their own
cases (as complainant or child) are exported whole; every other record that names them is exported on its
own, and each says in which role it names them.

Retention anonymises the personal fields of cases closed more than N years ago: names, contact
details, descriptions and free text go; dates, kinds, outcomes, themes, teams and costs stay,
so the year-end figures of past years do not change. Every anonymised case keeps an event. It works in
batches of cases, each one short transaction, so other people's saves get in between; stopped at any
moment, each case is anonymised whole or not at all, and running it again finishes the job. What deleted
cases left in the audit trail (the reason given for deleting one) goes too: once it is older than the
retention period, or as soon as it names someone whose cases retention anonymises. Free text of a case
that is kept may still name them: it goes with that case.
"""

from __future__ import annotations

import time as clock
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from domain.lifecycle import require_manager
from domain.timescales import RuleError
from store.db.database import Database
from store.db.models import (
    Assignment,
    Case,
    CaseTheme,
    ComplaintIssue,
    Document,
    Event,
    IndependentPerson,
    LearningAction,
    MergeRecord,
    Note,
    Officer,
    OmbudsmanEnquiry,
    PersistentReview,
    Person,
    ServiceArea,
    Stage,
    Team,
    Theme,
)
from store.db.names import mentions, name_key, name_words
from store.db.search_index import SEARCH_PURGE
from store.housekeeping.privacy_casefile import case_file_of, forget_case_files, forget_people, person_file_of
from store.lifecycle.base import ServiceBase, row_id


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def _row(obj: Any, *skip: str) -> dict[str, Any]:
    return {k: _plain(v) for k, v in obj.model_dump().items() if k not in ("id", *skip) and v not in (None, "")}


def find_person(session: Session, who: str) -> Person | None:
    """The complainant by complainant_id, else by name; None if no complainant has either.

    Several people of one name is an error that says so (name one by complainant_id)."""
    person = session.exec(select(Person).where(Person.external_id == who.strip())).first()
    if person is not None:
        return person
    matches = list(session.exec(select(Person).where(Person.name_key == name_key(who))))
    if len(matches) > 1:
        ids = ", ".join(m.external_id or f"#{m.id}" for m in matches)
        raise RuleError(f"{len(matches)} people have that name; name one by complainant_id: {ids}")
    return matches[0] if matches else None


# -- finding a name anywhere ---------------------------------------------------------------------

def _may_mention(column: Any, names: Iterable[str]) -> Any:
    """A cheap SQL test passing every row whose ``column`` may name one of ``names``: each word of a name
    somewhere in it, case ignored. ``mentions`` then decides. (Words with letters outside ASCII are left
    to ``mentions``: SQLite's lower() knows only ASCII.)"""
    either = []
    for name in names:
        words = [w.lower().replace("_", "\\_") for w in name_words(name) if w.isascii()]
        if not words:
            return col(column).is_not(None)
        either.append(sa.and_(*(sa.func.lower(column).like(f"%{w}%", escape="\\") for w in words)))
    return sa.or_(*either) if either else sa.false()


def _naming(session: Session, model: Any, column: str, names: Collection[str], keys: Collection[str],
            *, exactly: bool = False) -> list[Any]:
    """The rows of ``model`` whose ``column`` names one of the people (``exactly``: is that name)."""
    rows = session.exec(select(model).where(_may_mention(getattr(model, column), names))
                        .order_by(col(model.id))).all()
    if exactly:
        return [r for r in rows if name_key(getattr(r, column) or "") in keys]
    return [r for r in rows if mentions(getattr(r, column), keys)]


#: Free text that may name anyone, by table and column, with the role such a mention gives its person.
_FREE_TEXT: tuple[tuple[Any, str, str], ...] = (
    (Case, "summary", "named in a case's summary"),
    (Case, "closed_reason", "named in a case's closing reason"),
    (Stage, "declined_reason", "named in a stage's reason for declining"),
    (Stage, "paused_reason", "named in a stage's reason for pausing"),
    (Stage, "override_reason", "named in a stage's reason for an outcome override"),
    (ComplaintIssue, "description", "named in a complaint's issue"),
    (LearningAction, "description", "named in a learning action"),
    (LearningAction, "owner", "owner of a learning action"),
    (LearningAction, "done_note", "named in what a learning action did"),
    (Person, "persistent_contact", "single point of contact (persistent-complaints procedure)"),
    (Person, "persistent_arrangements", "named in a complainant's persistent-procedure arrangements"),
    (Note, "text", "named in a case's note"),
    (Note, "with_whom", "contact in a case's note"),
    (Document, "email_from", "sender of an email kept with a case"),
    (Document, "text", "named in an email kept with a case"),
    (LearningAction, "done_note", "named in what a learning action did"),
    (MergeRecord, "moved", "named in a merge record"),
    (PersistentReview, "note", "named in a persistent-procedure review"),
)
_IN_EVENTS = "named in the audit trail"
_IN_DELETED = "named in the audit trail of a deleted case"


def person_record(db: Database, who: str) -> dict[str, Any]:
    """Everything held about one person, for a subject access request.

    ``who`` is a complainant_id or a name. ``cases`` are theirs whole (as complainant or child); each
    of ``other_records`` names them in some other role; ``roles`` counts the records by role.
    """
    with db.read() as session:
        person = find_person(session, who)
        names = {n for n in ((person.name, person.external_id) if person else (who,)) if n and name_key(n)}
        keys = {name_key(n) for n in names}
        if not keys:
            raise RuleError("no person has that complainant_id or name")
        roles: dict[int, list[str]] = defaultdict(list)
        if person is not None:
            for cid in session.exec(select(Case.id).where(Case.person_id == person.id)):
                roles[cid or 0].append("complainant")
        for case in _naming(session, Case, "child_name", names, keys, exactly=True):
            roles[row_id(case)].append("child")
        cases = list(session.exec(select(Case).where(col(Case.id).in_(list(roles)))
                                  .order_by(col(Case.received), col(Case.id))))
        own = [{"names_them_as": roles[row_id(c)], **_case_record(session, c)} for c in cases]
        others = _other_records(session, names, keys, set(roles), person)
        counts = Counter(r for c in own for r in c["names_them_as"])
        counts.update(r["names_them_as"] for r in others)
        if not counts and person is None:
            raise RuleError("no person has that complainant_id or name")
        return {"person": {**_row(person), **person_file_of(session, person)} if person else None,
                "cases": own, "other_records": others,
                "roles": dict(counts), "produced": datetime.now(UTC).replace(microsecond=0).isoformat()}


def _case_record(session: Session, case: Case) -> dict[str, Any]:
    """A case whole: its details, stages, findings, costs, Ombudsman enquiries, learning and history."""
    area = session.get(ServiceArea, case.service_area_id) if case.service_area_id else None
    team = session.get(Team, case.team_id) if case.team_id else None
    themes = session.exec(select(Theme.name).join(CaseTheme, col(CaseTheme.theme_id) == Theme.id)
                          .where(CaseTheme.case_id == case.id)).all()
    stages = []
    for stage in session.exec(select(Stage).where(Stage.case_id == case.id).order_by(col(Stage.id))):
        issues = session.exec(select(ComplaintIssue).where(ComplaintIssue.stage_id == stage.id)).all()
        costs = session.exec(select(Assignment).where(Assignment.stage_id == stage.id)).all()
        stages.append({**_row(stage, "case_id", "step", "due"),
                       "issues": [_row(i, "stage_id") for i in issues],
                       "independent_people": [_row(a, "stage_id", "person_id") for a in costs]})
    return {
        **_row(case, "person_id", "service_area_id", "team_id", "officer_id", "linked_case_id", "version"),
        "service_area": area.name if area else None, "team": team.name if team else None,
        "themes": list(themes), "stages": stages,
        "ombudsman": [_row(e, "case_id") for e in session.exec(
            select(OmbudsmanEnquiry).where(OmbudsmanEnquiry.case_id == case.id))],
        "learning_actions": [_row(a, "case_id") for a in session.exec(
            select(LearningAction).where(LearningAction.case_id == case.id))],
        "history": [_row(e, "case_id") for e in session.exec(
            select(Event).where(Event.case_id == case.id).order_by(col(Event.id)))],
        **case_file_of(session, case),
    }


def _other_records(session: Session, names: Collection[str], keys: Collection[str], own: set[int],
                   person: Person | None) -> list[dict[str, Any]]:
    """Every record outside the person's own cases that names them, with the role it names them in."""
    references = _References(session)
    found: list[dict[str, Any]] = []
    for ip in _naming(session, IndependentPerson, "name", names, keys, exactly=True):
        work = session.exec(select(Assignment, Stage.case_id).join(Stage, col(Stage.id) == Assignment.stage_id)
                            .where(Assignment.person_id == ip.id).order_by(col(Assignment.id))).all()
        found.append({"names_them_as": "independent person", "record": "independent_person", **_row(ip),
                      "assignments": [{"reference": references.of_case(cid), **_row(a, "stage_id", "person_id")}
                                      for a, cid in work]})
    for officer in _naming(session, Officer, "name", names, keys, exactly=True):
        assigned = session.exec(select(Case.reference).where(Case.officer_id == officer.id)
                                .order_by(col(Case.id))).all()
        found.append({"names_them_as": "officer", "record": "officer", **_row(officer), "cases": list(assigned)})
    for model, column, role in _FREE_TEXT:
        for row in _naming(session, model, column, names, keys):
            if model is Person or model is PersistentReview:
                owner = row_id(row) if model is Person else row.person_id
                if person is not None and owner == person.id:
                    continue  # their own record, exported whole as "person"
                where: dict[str, Any] = {"references": references.of_person(owner)}
            else:
                case_id = references.case_id(model, row)
                if case_id in own:
                    continue  # exported whole among their cases
                where = {"reference": references.of_case(case_id)}
            found.append({"names_them_as": role, "record": model.__tablename__, "field": column, **where,
                          "text": getattr(row, column)})
    naming_events: dict[int, Event] = {}
    for column in ("detail", "old", "new", "reason"):
        for event in _naming(session, Event, column, names, keys):
            if event.case_id not in own:
                naming_events[row_id(event)] = event
    for _, event in sorted(naming_events.items()):
        deleted = event.case_id is None and event.action == "deleted"
        fields = [c for c in ("detail", "old", "new", "reason") if mentions(getattr(event, c), keys)]
        found.append({"names_them_as": _IN_DELETED if deleted else _IN_EVENTS, "record": "event",
                      "reference": event.detail if deleted else references.of_case(event.case_id),
                      "fields": fields, **_row(event, "case_id")})
    return found


class _References:
    """Case references of the rows found, looked up once each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cases: dict[int, str] = {}

    def case_id(self, model: Any, row: Any) -> int | None:
        if model is Case:
            return row_id(row)
        if model is ComplaintIssue:
            stage = self.session.get(Stage, row.stage_id)
            return stage.case_id if stage else None
        if model is MergeRecord:
            return row.into_case_id
        return row.case_id

    def of_case(self, case_id: int | None) -> str | None:
        if case_id is None:
            return None
        if case_id not in self._cases:
            case = self.session.get(Case, case_id)
            self._cases[case_id] = case.reference if case else ""
        return self._cases[case_id] or None

    def of_person(self, person_id: int) -> list[str]:
        return list(self.session.exec(select(Case.reference).where(Case.person_id == person_id)
                                      .order_by(col(Case.id))))


# -- retention -----------------------------------------------------------------------------------

#: What an anonymised case's closing reason says (the reason itself may have named someone).
ANONYMISED = "anonymised"
#: Cases anonymised in one transaction: short enough that a colleague's save waits a moment at most.
BATCH = 500
#: Seconds between two batches on SQLite, longer than the 100 ms a waiting writer sleeps between tries,
#: so that every save waiting for the database gets in.
PAUSE = 0.15


@dataclass
class RetentionPlan:
    cutoff: date
    references: list[str]
    people: int
    deleted_events: int = 0  # events left by deleted cases whose reasons go (older, or naming someone anonymised)
    batches: int = 0


class Retention(ServiceBase):
    """Cases closed before a cut-off, and anonymising them (manager only)."""

    @staticmethod
    def _due(cutoff: date) -> Any:
        """Cases with no stage open whose last step (closing, response, decline) came before ``cutoff``."""
        open_cases = select(Stage.case_id).where(col(Stage.due).is_not(None))
        last_stage = (select(sa.func.max(sa.func.coalesce(Stage.responded, Stage.declined)))
                      .where(Stage.case_id == Case.id).scalar_subquery())
        ended = sa.func.coalesce(Case.closed, last_stage)
        return sa.and_(ended.is_not(None), ended < cutoff, col(Case.id).not_in(open_cases),
                       col(Case.closed_reason).is_distinct_from(ANONYMISED))

    @staticmethod
    def _deleted_events(cutoff: date | None = None) -> Any:
        """What deleted cases left in the audit trail that still says something (older than ``cutoff``)."""
        said = sa.or_(col(Event.old).is_not(None), col(Event.new).is_not(None), col(Event.reason).is_not(None))
        left = sa.and_(col(Event.case_id).is_(None), col(Event.action) == "deleted", said)
        return left if cutoff is None else sa.and_(left, col(Event.at) < datetime.combine(cutoff, time()))

    def plan(self, years: int) -> RetentionPlan:
        """What ``apply`` would anonymise: references, the number of people, the deleted cases' events."""
        cutoff = self.today() - relativedelta(years=years)
        with self.db.read() as session:
            rows = session.exec(select(Case.reference, Case.person_id, Case.child_name).where(self._due(cutoff))
                                .order_by(col(Case.id))).all()
            due_people = select(Case.person_id).where(self._due(cutoff))
            kept = select(Case.person_id).where(col(Case.person_id).in_(due_people), sa.not_(self._due(cutoff)),
                                                col(Case.closed_reason).is_distinct_from(ANONYMISED))
            going = session.exec(select(Person.name, Person.external_id).where(
                col(Person.id).in_(due_people), col(Person.id).not_in(kept))).all()
            names = {c for *_, c in rows if c} | {n for row in going for n in row if n}
            events = set(self._deleted_naming(session, names)) | {
                i or 0 for i in session.exec(select(Event.id).where(self._deleted_events(cutoff)))}
            return RetentionPlan(cutoff, [r for r, *_ in rows], len({p for _, p, _ in rows if p is not None}),
                                 len(events))

    def apply(self, years: int, *, batch: int = BATCH,
              progress: Callable[[RetentionPlan], None] | None = None) -> RetentionPlan:
        """Anonymise what ``plan`` lists, ``batch`` cases to a transaction; ``progress`` hears of each one."""
        require_manager(self.role, "anonymising old cases")
        cutoff = self.today() - relativedelta(years=years)
        with self.db.read() as session:
            due = list(session.exec(select(Case.id).where(self._due(cutoff)).order_by(col(Case.id))))
        done, people = RetentionPlan(cutoff, [], 0), set[int]()
        for start in range(0, len(due), batch):
            self._pause(done.batches)
            with self._writing() as session:
                cases = list(session.exec(select(Case).where(col(Case.id).in_(due[start:start + batch]),
                                                             self._due(cutoff)).order_by(col(Case.id))))
                anonymised, names = self._anonymise_cases(session, cases)
                forgotten = self._forget_deleted(session, self._deleted_naming(session, names))
            done.references += [c.reference for c in cases]
            done.deleted_events += forgotten
            people |= anonymised
            done.people, done.batches = len(people), done.batches + 1
            if progress is not None:
                progress(done)
        while True:  # what deleted cases left, older than the retention period
            self._pause(done.batches)
            with self._writing() as session:
                old = list(session.exec(select(Event.id).where(self._deleted_events(cutoff))
                                        .order_by(col(Event.id)).limit(batch)))
                if not old:
                    break
                forgotten = self._forget_deleted(session, [i or 0 for i in old])
            done.deleted_events += forgotten
            done.batches += 1
            if progress is not None:
                progress(done)
        _forget_saved_copies(done.references)
        if done.references and self.db.is_sqlite:  # the search index's old segments still hold the words
            with self._writing() as session:
                for merge in SEARCH_PURGE:
                    session.execute(sa.text(merge))
        _purge_old_pages(self.db)
        return done

    def _pause(self, batches_done: int) -> None:
        """Between two batches on SQLite, time for anyone waiting to write (PostgreSQL locks rows, not files)."""
        if batches_done and self.db.is_sqlite:
            clock.sleep(PAUSE)

    def _anonymise_cases(self, session: Session, cases: list[Case]) -> tuple[set[int], set[str]]:
        """Anonymise ``cases`` and the people no other case keeps: their ids, and every name they held."""
        ids = [row_id(c) for c in cases]
        names = {c.child_name for c in cases if c.child_name}
        unsync = {"synchronize_session": False}
        stage_ids = select(col(Stage.id)).where(col(Stage.case_id).in_(ids))
        session.execute(sa.update(ComplaintIssue).where(col(ComplaintIssue.stage_id).in_(stage_ids))
                        .values(description=None).execution_options(**unsync))
        session.execute(sa.update(Stage).where(col(Stage.case_id).in_(ids))
                        .values(declined_reason=None, paused_reason=None, override_reason=None)
                        .execution_options(**unsync))
        session.execute(sa.update(LearningAction).where(col(LearningAction.case_id).in_(ids))
                        .values(description="(removed under the retention policy)", owner=None, done_note=None)
                        .execution_options(**unsync))
        forget_case_files(session, ids)
        why = f"closed before {self.today().isoformat()} less the retention period"
        self._anonymise_histories(session, cases, why)
        for case in cases:
            case.child_name = case.summary = None
            case.closed_reason = ANONYMISED
            self._touch(case)
        session.flush()
        people = {c.person_id for c in cases if c.person_id is not None}
        kept = set(session.exec(select(Case.person_id).where(col(Case.person_id).in_(people), col(Case.closed_reason)
                                                             .is_distinct_from(ANONYMISED))))
        for person in session.exec(select(Person).where(col(Person.id).in_(people - kept))):
            names.update(n for n in (person.name, person.external_id) if n)
            _anonymise_person(person)
        forget_people(session, [p for p in people - kept if p is not None])
        return people, names

    def _anonymise_histories(self, session: Session, cases: list[Case], reason: str) -> None:
        """Blank what the cases' events say (old, new, reason); record that, with ``reason``, as one event each.

        The only place retention changes a case's events. A team server lets no login edit an event: there the
        owner's function does it, for the whole batch in one call, and writes the events (migration 0003)."""
        ids = [row_id(c) for c in cases]
        if self._server_keeps_the_trail(session):
            session.execute(sa.text("SELECT complaints_anonymise_events(CAST(:cases AS bigint[]), :why)"),
                            {"cases": ids, "why": reason})
            return
        session.execute(sa.update(Event).where(col(Event.case_id).in_(ids))
                        .values(old=None, new=None, reason=None).execution_options(synchronize_session=False))
        for case in cases:
            self._event(session, case, "anonymised", "retention", None, None, reason)

    def _deleted_naming(self, session: Session, names: Collection[str]) -> list[int]:
        """The events left by deleted cases that name any of ``names`` (they are few: read them all)."""
        keys = {k for k in map(name_key, names) if k}
        if not keys:
            return []
        rows = session.exec(select(Event.id, Event.old, Event.new, Event.reason).where(self._deleted_events()))
        return [i or 0 for i, *said in rows if any(mentions(s, keys) for s in said)]

    def _forget_deleted(self, session: Session, event_ids: list[int]) -> int:
        """Blank what these events of deleted cases say, and record how many went; how many that is.

        On a team server the owner's function does both (migration 0003): no login may edit an event."""
        if not event_ids:
            return 0
        why = "events of deleted cases, under the retention policy"
        if self._server_keeps_the_trail(session):
            forgotten = session.execute(sa.text("SELECT complaints_forget_deleted_events(CAST(:events AS bigint[]), "
                                                ":why)"), {"events": event_ids, "why": why}).scalar()
            return int(forgotten or 0)
        session.execute(sa.update(Event).where(col(Event.id).in_(event_ids))
                        .values(old=None, new=None, reason=None).execution_options(synchronize_session=False))
        self._event(session, None, "anonymised", "deleted cases", None, len(event_ids), why)
        return len(event_ids)


def _forget_saved_copies(references: Iterable[str]) -> None:
    """Letters and documents the tool saved for these cases in its own folder (``REF-...``: a letter's default
    place) go with the cases' personal data; files an officer saved elsewhere are theirs to keep or delete."""
    from store.lifecycle.documents import documents_folder

    folder = documents_folder()
    if not folder.is_dir():
        return
    for reference in references:
        for copy in folder.glob(f"{reference}-*"):
            copy.unlink(missing_ok=True)


def _anonymise_person(person: Person) -> None:
    person.name = person.name_key = f"anonymised person {person.id}"
    person.external_id = None
    person.email = person.phone = person.address = None
    person.persistent_contact = person.persistent_arrangements = None
    person.salutation = person.preferred_contact = None
    person.anonymised = True


def _purge_old_pages(db: Database) -> None:
    """SQLite: copy the anonymised pages into the database file and empty the write-ahead log, so that the
    old text is in neither file (every connection sets ``secure_delete``: freed space is zeroed)."""
    if db.is_sqlite:
        with db.dbapi() as connection:
            cursor = connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
