"""Everything the case screen shows about one case, read in one go (in a worker, never on the UI thread)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.calendar import WorkingCalendar
from domain.clock import ClockReading, Deadline, State, read_clock
from domain.lifecycle import stage_name
from domain.next_steps import Enquiry, Step, next_steps
from domain.timescales import NotFound, RuleBook
from domain.vocab import label
from store.db.database import Database
from store.db.models import (
    Assignment,
    Case,
    CaseTheme,
    ComplaintIssue,
    Event,
    IndependentPerson,
    LearningAction,
    Officer,
    OmbudsmanEnquiry,
    Person,
    ServiceArea,
    Stage,
    Team,
    Theme,
)
from store.views.caseload import CaseloadQuery, CaseloadRow, caseload_page, work_of
from store.views.documents import DocumentLine, case_documents
from store.views.links import linked_cases, merged_events
from store.views.notes import NoteLine, case_notes


@dataclass(frozen=True)
class StageLine:
    name: str
    requested: date
    responded: date | None
    declined: date | None
    extended_on: date | None
    outcome: str | None
    due: date | None
    findings: tuple[tuple[str, str | None], ...] = ()  # (issue, finding)
    people: tuple[tuple[str, str, Decimal | None], ...] = ()  # (role, name, cost)


@dataclass(frozen=True)
class PersonView:
    name: str
    external_id: str | None
    group: str | None
    persistent: bool
    persistent_start: date | None
    persistent_review: date | None
    persistent_contact: str | None
    persistent_arrangements: str | None
    contacts: int
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    preferred_contact: str | None = None
    salutation: str | None = None


@dataclass
class CaseDetail:
    id: int
    reference: str
    kind: str
    received: date
    version: int
    channel: str | None
    summary: str | None
    child_name: str | None
    child_status: str | None
    advocate: str | None
    service_area: str | None
    team: str | None
    officer: str | None
    themes: list[str]
    acknowledged: date | None
    closed: date | None
    stage: str | None
    clock: ClockReading  # the earliest deadline the case has: the caseload's first row for it
    stage_clock: ClockReading  # the live stage's (what an extension is measured against)
    due_for: str | None = None  # what ``clock`` is for when not the live stage: 'Acknowledgement', 'Ombudsman'
    stages: list[StageLine] = field(default_factory=list)
    events: list[tuple[datetime, str, str, str | None, str | None, str | None, str | None]] = field(
        default_factory=list)
    actions: list[tuple[int, str, str | None, date | None, date | None]] = field(default_factory=list)
    done_notes: dict[int, str] = field(default_factory=dict)  # a learning action's id -> what was done
    ombudsman: list[tuple[date, str | None, date | None, str | None, Decimal | None]] = field(default_factory=list)
    person: PersonView | None = None
    linked: list[tuple[str, str, date, str]] = field(default_factory=list)  # same person's other cases
    notes: list[NoteLine] = field(default_factory=list)  # the contact log, by when each contact happened
    group: str | None = None  # the complainant's group on this case
    documents: list[DocumentLine] = field(default_factory=list)  # without their bytes
    case_links: list[tuple[str, str, date, str]] = field(default_factory=list)  # linked cases (store.views.links)
    next_steps: list[Step] = field(default_factory=list)  # what its state allows next (domain.next_steps)


def local(at: datetime) -> datetime:
    """An event's time (stored in UTC) as the officer's clock shows it: a note's time is typed in that clock,
    and the timeline puts the two in one order."""
    return at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def _name(session: Session, model: type, ident: int | None) -> str | None:
    if ident is None:
        return None
    row = session.get(model, ident)
    return getattr(row, "name", None) if row else None


def _earliest(session: Session, db: Database, case_id: int, today: date, calendar: WorkingCalendar,
              rules: RuleBook) -> CaseloadRow | None:
    """The case's first row of open work (its earliest deadline), read in the session's own transaction."""
    connection = session.connection().connection
    rows = caseload_page(connection, today, calendar, rules, query=CaseloadQuery(case=case_id), limit=1,
                         placeholder=db.placeholder)
    return rows[0] if rows else None


def case_detail(db: Database, reference: str, today: date, calendar: WorkingCalendar,
                rules: RuleBook) -> CaseDetail:
    """The case called ``reference``; RuleError when there is none."""
    with db.read() as session:
        case = session.exec(select(Case).where(Case.reference == reference.strip())).first()
        if case is None or case.id is None:
            raise NotFound(f"no case has the reference {reference!r}")
        stages = list(session.exec(select(Stage).where(Stage.case_id == case.id)
                                   .order_by(col(Stage.number), col(Stage.round))))
        live = [s for s in stages if s.due is not None]
        current = live[-1] if live else (stages[-1] if stages else None)
        stage_clock = (read_clock(live[-1], rules, calendar, today) if live
                       else ClockReading(State.CLOSED, None, None))
        clock, due_for = stage_clock, None
        enquiries = list(session.exec(select(OmbudsmanEnquiry).where(OmbudsmanEnquiry.case_id == case.id)
                                      .order_by(col(OmbudsmanEnquiry.id))))
        first = _earliest(session, db, case.id, today, calendar, rules)
        if first is not None and first.due is not None and first.left is not None:
            what, ident = work_of(first.stage_id)
            stage = next((s for s in live if s.id == ident), None) if what == "stage" else None
            if stage is not None:
                current, clock = stage, read_clock(stage, rules, calendar, today)
                stage_clock = clock
            elif what != "stage":
                start = case.received if what == "acknowledgement" else next(
                    (e.received for e in enquiries if e.id == ident), case.received)
                clock = ClockReading(first.state, Deadline(what, start, calendar.elapsed(start, first.due),
                                                           first.due), first.left)
                due_for = first.stage
        themes = list(session.exec(select(Theme.name).join(CaseTheme, col(CaseTheme.theme_id) == Theme.id)
                                   .where(CaseTheme.case_id == case.id).order_by(col(Theme.name))))
        detail = CaseDetail(
            id=case.id, reference=case.reference, kind=case.kind, received=case.received, version=case.version,
            channel=case.channel, summary=case.summary, child_name=case.child_name,
            child_status=case.child_status, advocate=case.advocate,
            service_area=_name(session, ServiceArea, case.service_area_id), team=_name(session, Team, case.team_id),
            officer=_name(session, Officer, case.officer_id), themes=themes, acknowledged=case.acknowledged,
            closed=case.closed, stage=stage_name(current) if current else None, clock=clock,
            stage_clock=stage_clock, due_for=due_for, group=case.complainant_group)
        for s in stages:
            issues = session.exec(select(ComplaintIssue).where(ComplaintIssue.stage_id == s.id)
                                  .order_by(col(ComplaintIssue.number)))
            people = []
            for a in session.exec(select(Assignment).where(Assignment.stage_id == s.id)):
                who = _name(session, IndependentPerson, a.person_id) or "(total recorded)"
                people.append((label(a.role), who, a.cost))
            name = stage_name(s) + (f" (reopened{f' {s.round}' if s.round > 1 else ''})" if s.round else "")
            detail.stages.append(StageLine(name, s.requested, s.responded, s.declined, s.extended_on,
                                           s.outcome, s.due,
                                           tuple((i.description or f"Issue {i.number}", i.finding) for i in issues),
                                           tuple(people)))
        detail.events = [(local(at), *rest) for at, *rest in session.execute(  # columns, not mapped rows: 2x faster
            sa.select(col(Event.at), col(Event.who), col(Event.action), col(Event.detail), col(Event.old),
                      col(Event.new), col(Event.reason))
            .where(col(Event.case_id) == case.id).order_by(col(Event.at), col(Event.id)))]
        learning = list(session.exec(
            select(LearningAction).where(LearningAction.case_id == case.id).order_by(col(LearningAction.id))))
        detail.actions = [(a.id or 0, a.description, a.owner, a.due, a.done) for a in learning]
        detail.done_notes = {a.id or 0: a.done_note for a in learning if a.done_note}
        detail.notes = case_notes(session, case.id)
        merged = merged_events(session, case.id)
        if merged:  # the history of the duplicates merged into it, marked, in time order
            detail.events = sorted(detail.events + [(local(e[0]), *e[1:]) for e in merged], key=lambda e: e[0])
        detail.case_links = linked_cases(session, case.id, case.linked_case_id)
        detail.ombudsman = [(e.received, e.decision, e.decided, e.remedy, e.payment) for e in enquiries]
        detail.documents = case_documents(session, case.id)
        detail.next_steps = next_steps(
            case.kind, stages, acknowledged=case.ack_due is None,
            closed=case.closed is not None, accepted=[s.accepted is not None for s in stages],
            most=rules.stages(case.kind), enquiries=[Enquiry(e.received, e.responded is not None, e.decided is not None,
                                                             bool(e.remedy) and e.complied is None)
                                                     for e in enquiries])
        if case.person_id is not None:
            person = session.get(Person, case.person_id)
            others = list(session.exec(select(Case).where(Case.person_id == case.person_id, Case.id != case.id)
                                       .order_by(col(Case.received).desc()).limit(50)))
            if person is not None:
                detail.person = PersonView(person.name, person.external_id, person.complainant_group,
                                           person.persistent, person.persistent_start, person.persistent_review,
                                           person.persistent_contact, person.persistent_arrangements,
                                           len(others) + 1, person.email, person.phone, person.address,
                                           person.preferred_contact, person.salutation)
            detail.linked = [(c.reference, c.kind, c.received, "closed" if c.closed else "open") for c in others]
        return detail


def warm_case_reads(db: Database, today: date, calendar: WorkingCalendar, rules: RuleBook) -> CaseDetail | None:
    """Read one case the full way: SQLAlchemy configures its mappers and compiles these queries on the first read
    (150-200 ms), which would otherwise land on the first case an officer opens. The case read (the newest), or
    None in an empty database: the TUI builds its case screen on it before any is asked for."""
    with db.dbapi() as connection:
        cursor = connection.cursor()
        cursor.execute('SELECT reference FROM "case" ORDER BY id DESC LIMIT 1')
        row = cursor.fetchone()
    return case_detail(db, row[0], today, calendar, rules) if row is not None else None
