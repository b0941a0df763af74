"""The tables of the whole domain, as SQLModel classes.

Vocabulary fields (kind, channel, outcome, ...) are plain strings checked by the service against
``domain.vocab``, so a council's data never depends on a database enum type. Dates are dates,
money is an exact decimal. Personal data lives in ``person`` and a few free-text fields of
``case``; everything else is safe to count.

Schema changes go through Alembic migrations in ``store/migrations``; never edit a released
migration, add a new one.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

MONEY = sa.Numeric(12, 2)


class Setting(SQLModel, table=True):
    """Small key/value facts about this database (e.g. the calendar it was computed with)."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_type=sa.Text)


class NonWorkingDay(SQLModel, table=True):
    """Weekdays that are not working days under the council's calendar (holidays and closures)."""

    __tablename__ = "non_working_day"
    day: date = Field(primary_key=True)
    name: str = Field(default="", max_length=120)


class ReferenceCounter(SQLModel, table=True):
    """The last number given to a new case's reference, per prefix and year ("CS-2026").

    See store.lifecycle.references."""

    __tablename__ = "reference_counter"
    prefix: str = Field(primary_key=True, max_length=16)
    last_number: int = Field(default=0, sa_type=sa.BigInteger)


class Officer(SQLModel, table=True):
    """A member of council staff: complaints officers and managers, responding managers."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    username: str | None = Field(default=None, max_length=64, unique=True)
    email: str | None = Field(default=None, max_length=200)
    active: bool = True


class ServiceArea(SQLModel, table=True):
    __tablename__ = "service_area"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    active: bool = True


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    service_area_id: int | None = Field(default=None, foreign_key="service_area.id")
    active: bool = True


class Theme(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    active: bool = True


class Person(SQLModel, table=True):
    """A complainant (or someone who compliments), with the persistent-complaints procedure."""

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=64, unique=True)  # complainant_id
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, index=True)  # normalised name, for matching
    complainant_group: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=64)
    address: str | None = Field(default=None, sa_type=sa.Text)
    persistent: bool = False
    persistent_start: date | None = None
    persistent_review: date | None = Field(default=None, index=True)  # when the procedure is next reviewed
    persistent_contact: str | None = Field(default=None, max_length=200)  # single point of contact
    persistent_arrangements: str | None = Field(default=None, sa_type=sa.Text)
    persistent_ended: date | None = None
    preferred_contact: str | None = Field(default=None, max_length=16)  # PreferredContact
    salutation: str | None = Field(default=None, max_length=120)  # how letters address them ("Dear Ms Khan")
    anonymised: bool = False


#: Optimistic locking: every UPDATE of a case checks and bumps it; a stale one fails.
_CASE_VERSION = sa.Column("version", sa.Integer, nullable=False, default=1)


class Case(SQLModel, table=True):
    """One representation of any kind: complaint, concern, enquiry, compliment, comment."""

    __tablename__ = "case"
    __mapper_args__ = {"version_id_col": _CASE_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=40, unique=True)
    kind: str = Field(max_length=32, index=True)
    received: date = Field(index=True)
    channel: str | None = Field(default=None, max_length=32)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    complainant_group: str | None = Field(default=None, max_length=32)
    child_name: str | None = Field(default=None, max_length=200)
    child_status: str | None = Field(default=None, max_length=32)
    advocate: str | None = Field(default=None, max_length=16)
    service_area_id: int | None = Field(default=None, foreign_key="service_area.id")
    team_id: int | None = Field(default=None, foreign_key="team.id")
    officer_id: int | None = Field(default=None, foreign_key="officer.id", index=True)
    summary: str | None = Field(default=None, sa_type=sa.Text)
    acknowledged: date | None = None
    ack_due: date | None = Field(default=None, index=True)  # set while an acknowledgement is owed
    closed: date | None = None
    closed_reason: str | None = Field(default=None, max_length=200)
    withdrawn: date | None = None
    not_accepted: date | None = Field(default=None, index=True)  # a contact not accepted as a complaint
    exclusion: str | None = Field(default=None, max_length=32)  # Exclusion: why
    exclusion_note: str | None = Field(default=None, sa_type=sa.Text)
    linked_case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    version: int = Field(default=1, sa_column=_CASE_VERSION)
    updated_at: datetime | None = Field(default=None, sa_type=sa.DateTime)


class CaseTheme(SQLModel, table=True):
    __tablename__ = "case_theme"
    case_id: int = Field(foreign_key="case.id", primary_key=True)
    theme_id: int = Field(foreign_key="theme.id", primary_key=True, index=True)


class Stage(SQLModel, table=True):
    """One stage of a case (Stage 1/2/3, or the single response stage of an enquiry or concern).

    ``due`` holds the running deadline while the stage is live and is NULL once it is closed, so
    "what is due" is an index range scan at any size of history. ``round`` counts reopenings: a
    reopened Stage 1 is a new row with round 1, 2, ... and a clock of its own.
    """

    __table_args__ = (sa.Index("ix_stage_due_id", "due", "id"), sa.Index("ix_stage_case", "case_id", "number"))

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    procedure: str = Field(max_length=32)
    number: int = 1
    round: int = 0
    requested: date = Field(index=True)
    accepted: date | None = None
    declined: date | None = Field(default=None, index=True)
    declined_reason: str | None = Field(default=None, sa_type=sa.Text)
    late_request: bool = False
    statement_agreed: date | None = None
    extended_on: date | None = None
    extended_days: int | None = None
    paused_since: date | None = None
    paused_reason: str | None = Field(default=None, max_length=200)
    paused_days: int = 0
    panel_on: date | None = None
    findings_on: date | None = None
    responded: date | None = Field(default=None, index=True)
    outcome: str | None = Field(default=None, max_length=32)
    outcome_overridden: bool = False
    override_reason: str | None = Field(default=None, sa_type=sa.Text)
    step: str | None = Field(default=None, max_length=32)
    due: date | None = None
    acknowledged: date | None = None  # Stage 1: the case's acknowledgement; Stage 2 under the Code: its own
    case_received: date | None = None  # the case's receipt: the rules the stage runs under
    handler_id: int | None = Field(default=None, foreign_key="officer.id")  # who handles it (Code: not Stage 1's)
    provisional: bool = False  # ``due`` counts from an acknowledgement's deadline: none is recorded yet


class ComplaintIssue(SQLModel, table=True):
    """One issue of a complaint's statement, with its own finding."""

    __tablename__ = "complaint_issue"
    id: int | None = Field(default=None, primary_key=True)
    stage_id: int = Field(foreign_key="stage.id", index=True)
    number: int
    description: str | None = Field(default=None, sa_type=sa.Text)
    finding: str | None = Field(default=None, max_length=32)


class IndependentPerson(SQLModel, table=True):
    """Someone outside the council: Investigating Officer, Independent Person, panel chair or member."""

    __tablename__ = "independent_person"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    organisation: str | None = Field(default=None, max_length=200)
    roles: str = Field(default="", max_length=200)  # comma-separated IndependentRole values
    active: bool = True


class Assignment(SQLModel, table=True):
    """An independent person on a stage, with the cost of their work when known.

    ``person_id`` is empty for a cost brought in from a register without the people's names.
    """

    id: int | None = Field(default=None, primary_key=True)
    stage_id: int = Field(foreign_key="stage.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="independent_person.id")
    role: str = Field(max_length=32)
    assigned_on: date | None = None
    cost: Decimal | None = Field(default=None, sa_type=MONEY)
    cost_recorded_on: date | None = None


class OmbudsmanEnquiry(SQLModel, table=True):
    """An enquiry from the Local Government and Social Care Ombudsman about a case."""

    __tablename__ = "ombudsman_enquiry"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    lgo_reference: str | None = Field(default=None, max_length=40)
    received: date = Field(index=True)
    enquiry_type: str | None = Field(default=None, max_length=32)
    respond_by: date | None = None
    responded: date | None = None
    decision: str | None = Field(default=None, max_length=40)
    decided: date | None = Field(default=None, index=True)
    remedy: str | None = Field(default=None, max_length=200)  # ;-separated Remedy values
    payment: Decimal | None = Field(default=None, sa_type=MONEY)
    compliance_due: date | None = None
    complied: date | None = None
    due: date | None = Field(default=None, index=True)  # what the council owes next, if anything


class LearningAction(SQLModel, table=True):
    """What will change because of a complaint ("you said, we did"), chased until done."""

    __tablename__ = "learning_action"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    description: str = Field(sa_type=sa.Text)
    owner: str | None = Field(default=None, max_length=200)
    due: date | None = Field(default=None, index=True)
    done: date | None = Field(default=None, index=True)
    done_note: str | None = Field(default=None, sa_type=sa.Text)  # what was done ("we did")


class Event(SQLModel, table=True):
    """The audit trail: every transition, who made it, when, and what changed."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    at: datetime = Field(sa_type=sa.DateTime)
    who: str = Field(max_length=120)
    action: str = Field(max_length=64)
    detail: str | None = Field(default=None, max_length=120)
    old: str | None = Field(default=None, sa_type=sa.Text)
    new: str | None = Field(default=None, sa_type=sa.Text)
    reason: str | None = Field(default=None, sa_type=sa.Text)


class Note(SQLModel, table=True):
    """One entry of a case's contact log: a call, an email, a letter, a meeting, a visit, or a note.

    A correction edits ``text`` in place and writes the old text to the audit trail (``event``)."""

    __table_args__ = (sa.Index("ix_note_case_at", "case_id", "contact_at"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    contact_at: datetime = Field(sa_type=sa.DateTime)  # when the contact happened
    kind: str = Field(max_length=16)  # NoteKind
    direction: str | None = Field(default=None, max_length=8)  # Direction
    with_whom: str | None = Field(default=None, max_length=200)
    text: str = Field(sa_type=sa.Text)
    added_by: str = Field(max_length=120)
    added_at: datetime = Field(sa_type=sa.DateTime)
    edited_at: datetime | None = Field(default=None, sa_type=sa.DateTime)


class Document(SQLModel, table=True):
    """A file kept with a case: what it is. Its bytes are in ``document_content``, read only on request, so
    listing a case's documents never reads them. An email's sender, date, subject and text are kept here."""

    __table_args__ = (sa.Index("ix_document_case", "case_id", "added_at"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    name: str = Field(max_length=255)
    size: int = Field(sa_type=sa.BigInteger)
    media_type: str = Field(max_length=120)
    sha256: str = Field(max_length=64)
    origin: str = Field(default="attached", max_length=16)  # attached; letter (produced by the tool)
    added_by: str = Field(max_length=120)
    added_at: datetime = Field(sa_type=sa.DateTime)
    email_from: str | None = Field(default=None, max_length=300)
    email_date: datetime | None = Field(default=None, sa_type=sa.DateTime)
    email_subject: str | None = Field(default=None, max_length=300)
    text: str | None = Field(default=None, sa_type=sa.Text)  # an email's text, for the case file and search


class DocumentContent(SQLModel, table=True):
    """The bytes of a document."""

    __tablename__ = "document_content"
    document_id: int = Field(foreign_key="document.id", primary_key=True)
    content: bytes = Field(sa_type=sa.LargeBinary)


class CaseLink(SQLModel, table=True):
    """Two related cases, shown on both; stored once, the lower id first."""

    __tablename__ = "case_link"
    __table_args__ = (sa.UniqueConstraint("case_id", "other_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    other_id: int = Field(foreign_key="case.id", index=True)
    linked_by: str = Field(max_length=120)
    linked_at: datetime = Field(sa_type=sa.DateTime)


class MergeRecord(SQLModel, table=True):
    """A duplicate case or person merged into another, with what moved, so that the merge can be undone.

    ``kind``: case or person. ``moved``: JSON of the rows carried over and of the duplicate itself."""

    __tablename__ = "merge_record"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    duplicate: str = Field(max_length=200)  # the duplicate's reference, or the person's id
    into_case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    into_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    moved: str = Field(sa_type=sa.Text)
    merged_by: str = Field(max_length=120)
    merged_at: datetime = Field(sa_type=sa.DateTime)
    undone_at: datetime | None = Field(default=None, sa_type=sa.DateTime)


class PersistentReview(SQLModel, table=True):
    """One review of a person's persistent-complaints procedure: what it decided and when it is next due."""

    __tablename__ = "persistent_review"
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    reviewed_on: date
    outcome: str = Field(max_length=16)  # PersistentOutcome
    next_review: date | None = None
    note: str | None = Field(default=None, sa_type=sa.Text)
    reviewed_by: str = Field(max_length=120)


class OmbudsmanLetter(SQLModel, table=True):
    """The Ombudsman's annual letter's figures for the council, entered once a year (financial year ``year``)."""

    __tablename__ = "ombudsman_letter"
    year: int = Field(primary_key=True)  # the financial year's first calendar year (2026 = 2026/27)
    received: int = 0  # complaints and enquiries received
    decided: int = 0  # decisions made
    upheld: int = 0  # of those, upheld
    compliance_percent: int | None = None  # compliance with the Ombudsman's recommendations
    remedied_by_council: int | None = None  # satisfactory remedy by the council before the Ombudsman's involvement
    entered_by: str = Field(default="", max_length=120)
    entered_on: date | None = None


class CodeSelfAssessment(SQLModel, table=True):
    """A year's self-assessment against one section of the Complaint Handling Code."""

    __tablename__ = "code_self_assessment"
    year: int = Field(primary_key=True)
    section: str = Field(primary_key=True, max_length=32)  # CodeSection
    compliance: str = Field(max_length=16)  # Compliance
    evidence: str | None = Field(default=None, sa_type=sa.Text)
    actions: str | None = Field(default=None, sa_type=sa.Text)
    assessed_by: str = Field(default="", max_length=120)
    assessed_on: date | None = None
class SavedView(SQLModel, table=True):
    """A view of the caseload a user saved (a view, the text searched, a sort), on a key of their own (``slot``
    1-9: shift+1..9). Kept in the database by login rather than in the settings file: that file is the user's
    own, hand-written and commented, and a team's login finds its views on any machine."""

    __tablename__ = "saved_view"
    __table_args__ = (sa.UniqueConstraint("login", "slot"),)

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=120)
    slot: int
    name: str = Field(max_length=120)
    view: str = Field(max_length=32)
    text: str = Field(default="", max_length=200)
    sort: str = Field(default="due", max_length=16)
