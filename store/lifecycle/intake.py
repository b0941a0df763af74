"""Transitions at the door: logging a representation, acknowledging, closing, withdrawing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain import limits
from domain.lifecycle import check_date, check_open
from domain.limits import check_text
from domain.new_case import as_columns, new_case
from domain.timescales import RuleError
from domain.vocab import (
    Advocate,
    Channel,
    ChildStatus,
    ComplainantGroup,
    Kind,
    Outcome,
    parse_choice,
)
from store.db.models import Case, CaseTheme, Officer, Person, ServiceArea, Stage, Team, Theme
from store.db.names import name_key
from store.lifecycle.base import row_id
from store.lifecycle.code import CodeMixin
from store.lifecycle.followup import persistent_warning
from store.lifecycle.references import reference_for_new_case


def _choice(enum: type, value: str | None, what: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return parse_choice(enum, value, what).value
    except ValueError as exc:
        raise RuleError(str(exc)) from None


def _email(value: str | None) -> str | None:
    """An email address as a person's: one line, at most NAME long, something@somewhere."""
    if value is None or not value.strip():
        return None
    value = check_text(value, limits.NAME)
    if value.count("@") != 1 or " " in value or value.startswith("@") or value.endswith("@"):
        raise RuleError("the complainant's email is not an address like name@example.org")
    return value
class Logged(str):
    """A new case's reference, with the warning its logging gave (the complainant, or someone of the same name,
    is under the persistent-complaints procedure), if any: the form's result and the CLI say it."""

    warning: str | None = None


class IntakeMixin(CodeMixin):
    def log(self, kind: str, received: date | None = None, *, channel: str | None = None,
            complainant: str | None = None, complainant_id: str | None = None, group: str | None = None,
            child_status: str | None = None, child_name: str | None = None, advocate: str | None = None,
            service_area: str | None = None, team: str | None = None, officer: str | None = None,
            themes: Iterable[str] = (), summary: str | None = None, reference: str | None = None,
            complainant_email: str | None = None, new_names: bool = True) -> Logged:
        """Log a new representation of any kind; its clocks start at receipt. Returns its reference, with the
        warning (recorded on the case too) when the complainant is under the persistent-complaints procedure.

        ``complainant_email``: how to reach the complainant, kept on the person (a known person's is kept).
        ``new_names``: False refuses a service area, team, officer or theme not on the council's lists (the TUI
        passes it: there, a new name is added only by an explicit choice, through ``add_to_list``)."""
        chosen = _choice(Kind, kind, "kind")
        if chosen is None:
            raise RuleError("a kind is needed: one of " + ", ".join(Kind))
        the_kind = Kind(chosen)
        received = received or self.today()
        check_date("received", received, self.today())
        email = _email(complainant_email)
        values: dict[str, Any] = dict(channel=_choice(Channel, channel, "channel"),
                      complainant_group=_choice(ComplainantGroup, group, "complainant group"),
                      child_status=_choice(ChildStatus, child_status, "child status"),
                      advocate=_choice(Advocate, advocate, "advocate"))
        with self._writing() as session:
            # first, so that the counter (or the reference) is held before anything else this transaction writes
            made = reference_for_new_case(session.connection(), the_kind, received, reference)
            if reference and session.exec(select(Case.id).where(Case.reference == reference)).first():
                raise RuleError(f"the reference {reference} is already used by another case")
            person, namesake = self._complainant(session, complainant, complainant_id, email,
                                                 values["complainant_group"])
            area = self._named(session, ServiceArea, service_area, for_new_work=True, new=new_names)
            team_row = self._named(session, Team, team, for_new_work=True, new=new_names)
            officer_row = self._named(session, Officer, officer, for_new_work=True, new=new_names)
            theme_ids = [row_id(self._named(session, Theme, name, for_new_work=True, new=new_names))
                         for name in dict.fromkeys(t.strip() for t in themes if t.strip())]
            rows = new_case(self.rules, self.calendar, the_kind.value, received, made,
                            person_id=person.id if person else None, child_name=child_name, summary=summary,
                            service_area_id=area.id if area else None, team_id=team_row.id if team_row else None,
                            officer_id=officer_row.id if officer_row else None, theme_ids=theme_ids, **values)
            case = Case(**as_columns(rows.case))
            session.add(case)
            session.flush()
            for link in rows.themes:
                session.add(CaseTheme(**as_columns(link) | {"case_id": row_id(case)}))
            if rows.stage is not None:
                session.add(Stage(**as_columns(rows.stage) | {"case_id": row_id(case)}))
            self._event(session, case, rows.event.action, rows.event.detail, rows.event.old, rows.event.new)
            logged = Logged(case.reference)
            warnings = (persistent_warning(session, complainant, person), namesake)
            logged.warning = "; ".join(w for w in warnings if w) or None
            if logged.warning:
                self._event(session, case, "persistent warning", None, None, None, logged.warning)
            return logged

    def _complainant(self, session: Session, name: str | None, external_id: str | None, email: str | None,
                     group: str | None) -> tuple[Person | None, str | None]:
        """Who the complainant is, and a word when someone else of the same name is on record.

        With an email address (a case from an email, say) the address decides: the person who has it, else a new
        person, never a stranger of the same name (two families can share a name, and a letter would go to the
        wrong one). Without one, the usual rule: their id, else their name (``_person``)."""
        if not email or external_id:
            person = self._person(session, name, external_id, group)
            if person is not None and email and not person.email:
                person.email = email
            return person, None
        known = session.exec(select(Person).where(sa.func.lower(Person.email) == email.lower())
                             .order_by(col(Person.id))).first()
        if known is not None:
            return known, None
        same = session.exec(select(Person).where(Person.name_key == name_key(name or email))
                            .order_by(col(Person.id))).first() if name else None
        person = Person(name=name or email, name_key=name_key(name or email), email=email, complainant_group=group)
        session.add(person)
        session.flush()
        namesake = (f"someone else named {same.name} is on record ({same.external_id or f'person {same.id}'}, "
                    f"{same.email or 'no email'}): logged as a new person, as the email is from {email}; merge "
                    "them if they are the same") if same is not None else None
        return person, namesake

    def acknowledge(self, reference: str, on: date | None = None, *, handler: str | None = None,
                    expected_version: int | None = None) -> None:
        """Record the acknowledgement: of the case, or under the Complaint Handling Code of an escalation to
        Stage 2 (with its ``handler``, who must not be Stage 1's). A clock counting from it becomes fixed."""
        on = on or self.today()
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            if self._acknowledge_escalation(session, case, on, handler):
                return
            if handler and handler.strip():
                raise RuleError(f"{case.reference}: a handler is named when a Complaint Handling Code escalation to "
                                "Stage 2 is acknowledged; leave it blank here")
            if case.acknowledged is not None:
                raise RuleError(f"{case.reference} was already acknowledged on {case.acknowledged:%d/%m/%Y}")
            if not Kind(case.kind).has_clock:
                raise RuleError(f"a {Kind(case.kind).label.lower()} is not acknowledged")
            check_date("acknowledgement", on, self.today(), ("date received", case.received))
            self._set(session, case, case, "acknowledged", on, "acknowledged")
            case.ack_due = None
            for stage in self._stages(session, case):
                if stage.number == 1 and stage.acknowledged is None:
                    stage.acknowledged = on
                    self._refresh(stage)
            self._touch(case)

    def close(self, reference: str, on: date | None = None, outcome: str | None = None, *,
              expected_version: int | None = None) -> None:
        """Close a concern, enquiry or comment with its reply (complaints are closed by responding)."""
        on = on or self.today()
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            if Kind(case.kind).is_complaint:
                raise RuleError(f"{case.reference} is a {case.kind} complaint: it closes with a response "
                                "at each stage, or by withdrawal")
            if case.closed is not None:
                raise RuleError(f"{case.reference} was already closed on {case.closed:%d/%m/%Y}")
            check_date("closing", on, self.today(), ("date received", case.received))
            for stage in self._stages(session, case):
                if stage.due is not None:
                    self._set(session, case, stage, "responded", on, "closed")
                    stage.outcome = _choice(Outcome, outcome, "outcome")
                    stage.paused_since = None
                    self._refresh(stage)
            case.ack_due = None
            self._set(session, case, case, "closed", on, "closed")
            self._touch(case)

    def withdraw(self, reference: str, on: date | None = None, reason: str = "", *,
                 expected_version: int | None = None) -> None:
        """The complainant withdraws: every open stage closes with the outcome withdrawn."""
        on = on or self.today()
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            live = [s for s in self._stages(session, case) if s.due is not None]
            if not live:
                raise RuleError(f"{case.reference} has no open stage to withdraw")
            for stage in live:
                check_open(stage)
                check_date("withdrawal", on, self.today(), ("start of the stage", stage.requested))
                stage.responded, stage.outcome, stage.paused_since = on, Outcome.WITHDRAWN.value, None
                self._refresh(stage)
            case.ack_due = None
            case.closed = on
            self._set(session, case, case, "withdrawn", on, "withdrawn", reason or None)
            self._touch(case)

    def assign_officer(self, reference: str, officer: str, *, expected_version: int | None = None) -> None:
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            row = self._named(session, Officer, officer, for_new_work=True)
            current = session.get(Officer, case.officer_id) if case.officer_id else None
            old = current.name if current else None
            case.officer_id = row.id
            self._event(session, case, "officer assigned", "officer", old, row.name)
            self._touch(case)
