"""Putting right what was recorded at intake, and giving cases to another officer.

``edit_case`` changes one fact of a case (``FIELDS``, named as the CLI takes them); ``edit_fields`` several in
one transaction (the TUI's form). Each changed field writes one event: action "edited", detail the field's name,
old and new as ``edit_case`` takes them (list entries by name, themes joined by "; "), and the reason; an
unchanged value writes nothing. Values are checked by intake's rules (limits, the vocabularies, the council's
lists); an edit never adds a team, theme, service area or officer: adding one is deliberate (Settings).
Received and response dates are corrected by ``correct_date`` (``complaints correct``), not here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from domain import limits
from domain.changes import StoredCase, check_kind
from domain.clock import acknowledgement_due
from domain.new_case import as_columns, new_case
from domain.timescales import RuleError
from domain.vocab import Advocate, ChildStatus, ComplainantGroup, Kind, PreferredContact, parse_choice
from store.db.models import Case, CaseTheme, Officer, Person, ServiceArea, Team, Theme
from store.db.names import name_key
from store.lifecycle.base import ServiceBase, row_id

#: The complainant's details: they belong to the person, so an edit changes every case of theirs.
PERSON_FIELDS = {"complainant": "name", "complainant_id": "external_id", "email": "email", "phone": "phone",
                 "address": "address", "preferred_contact": "preferred_contact", "salutation": "salutation"}
#: The case's own facts, by their column.
CASE_FIELDS = {"group": "complainant_group", "child_name": "child_name", "child_status": "child_status",
               "advocate": "advocate", "summary": "summary"}
LISTED: dict[str, Any] = {"service_area": ServiceArea, "team": Team, "officer": Officer}
#: Every field an edit changes, in the order the form shows them.
FIELDS = ("complainant", "complainant_id", "email", "phone", "address", "preferred_contact", "salutation", "group",
          "child_name", "child_status", "advocate", "service_area", "team", "themes", "summary", "officer", "kind")
CHOICES: dict[str, Any] = {"preferred_contact": PreferredContact, "group": ComplainantGroup,
                           "child_status": ChildStatus, "advocate": Advocate, "kind": Kind}
LIMITS = {"complainant": limits.NAME, "complainant_id": limits.EXTERNAL_ID, "email": limits.NAME,
          "phone": limits.EXTERNAL_ID, "address": limits.TEXT, "salutation": limits.LIST_NAME,
          "child_name": limits.NAME, "summary": limits.TEXT}
MULTILINE = ("address", "summary")
#: Facts kept elsewhere, and where.
ELSEWHERE = {"received": "dates are corrected with `complaints correct` (received, stageN_responded), which keeps "
                         "the rules for closed stages", "channel": "the channel is how it arrived: it is not edited"}
#: A stage's columns the new Stage 1 does not take from the builder: its place, and what ``_refresh`` sets.
KEPT = ("id", "case_id", "round", "number", "procedure", "step", "due")
#: What a complaint's clock starting sets on the case itself, in the order its events are written (undo reads them).
CLOCK_CASE_COLUMNS = ("closed", "acknowledged", "ack_due")
CLOCK_STARTED = "complaint's clock started"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"[0-9 +()\-]{3,}")


def field_name(field: str) -> str:
    """``field`` as an edit names it; RuleError listing the fields when it is none of them."""
    name = field.strip().lower().replace("-", "_").replace(" ", "_")
    if name in FIELDS:
        return name
    if name in ELSEWHERE or name.endswith("_responded"):
        raise RuleError(f"{field!r} cannot be edited here: {ELSEWHERE.get(name, ELSEWHERE['received'])}")
    raise RuleError(f"{field!r} is not a field that can be edited: one of {', '.join(FIELDS)}")


def clean(field: str, value: str | Iterable[str] | None) -> str | None:
    """The checked value of ``field``, as events record it (None: blank); RuleError naming the field if wrong."""
    if value is not None and not isinstance(value, str):
        value = "; ".join(value)
    text = (value or "").strip()
    if not text:
        if field == "kind":
            raise RuleError("kind: a case needs a kind: one of " + ", ".join(Kind))
        return None
    try:
        if field in CHOICES:
            return str(parse_choice(CHOICES[field], text, field).value)
        if field == "themes":
            names = [limits.check_text(t, limits.LIST_NAME) for t in text.split(";") if t.strip()]
            if len(names) > limits.THEMES:
                raise RuleError(f"{len(names):,} given: at most {limits.THEMES}")
            return "; ".join(dict.fromkeys(names)) or None
        text = limits.check_text(text, LIMITS.get(field, limits.LIST_NAME), multiline=field in MULTILINE)
    except (RuleError, ValueError) as exc:
        message = str(exc)
        raise RuleError(message if message.startswith(field) else f"{field}: {message}") from None
    if field == "email" and not _EMAIL.fullmatch(text):
        raise RuleError(f"email: {limits.quoted(text)} is not an email address (name@example.org)")
    if field == "phone" and not _PHONE.fullmatch(text):
        raise RuleError(f"phone: {limits.quoted(text)} is not a phone number: digits, spaces and + ( ) - only")
    return text


class EditMixin(ServiceBase):
    def edit_case(self, reference: str, field: str, value: str | Iterable[str] | None, *, reason: str | None = None,
                  expected_version: int | None = None) -> bool:
        """Set one fact of a case (``FIELDS``); False if it already had that value (nothing written)."""
        return bool(self.edit_fields(reference, {field: value}, reason=reason, expected_version=expected_version))

    def edit_fields(self, reference: str, values: Mapping[str, str | Iterable[str] | None], *,
                    reason: str | None = None, expected_version: int | None = None) -> list[str]:
        """Set several facts in one transaction; the fields that changed (each with its event)."""
        cleaned = {name: clean(name, v) for name, v in ((field_name(f), v) for f, v in values.items())}
        reason = (reason or "").strip() or None
        if reason is not None:
            reason = limits.check_text(reason, limits.TEXT, multiline=True)
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            changed = [f for f, v in cleaned.items() if self._edit(session, case, f, v, reason)]
            if changed:
                self._touch(case)
            return changed

    def reassign(self, references: list[str], officer: str, *, expected_versions: list[int | None] | None = None
                 ) -> int:
        """Give every case of ``references`` to ``officer`` (on the list, not retired), in one transaction.

        Returns how many changed hands (a case already theirs writes nothing)."""
        if not references:
            raise RuleError("reassign: no case chosen")
        versions = list(expected_versions or [None] * len(references))
        if len(versions) != len(references):
            raise RuleError("reassign: one expected version for each case")
        with self._writing() as session:
            row = self._named(session, Officer, clean("officer", officer), for_new_work=True, new=False)
            if row is None:
                raise RuleError("officer: whom to give the cases to is needed")
            moved = 0
            for reference, version in zip(references, versions, strict=True):
                case = self._case(session, reference, version)
                if case.officer_id == row.id:
                    continue
                current = session.get(Officer, case.officer_id) if case.officer_id else None
                case.officer_id = row.id
                self._event(session, case, "reassigned", "officer", current.name if current else None, row.name)
                self._touch(case)
                moved += 1
            return moved

    # -- one field ------------------------------------------------------------------------------

    def _edit(self, session: Session, case: Case, field: str, value: str | None, reason: str | None) -> bool:
        if field in PERSON_FIELDS:
            return self._edit_person(session, case, field, value, reason)
        if field in CASE_FIELDS:
            old = getattr(case, CASE_FIELDS[field])
            if old == value:
                return False
            setattr(case, CASE_FIELDS[field], value)
            self._event(session, case, "edited", field, old, value, reason)
            return True
        if field in LISTED:
            return self._edit_listed(session, case, field, value, reason)
        if field == "themes":
            return self._edit_themes(session, case, value, reason)
        assert field == "kind" and value is not None
        return self._edit_kind(session, case, value, reason)

    def _edit_person(self, session: Session, case: Case, field: str, value: str | None, reason: str | None) -> bool:
        person = session.get(Person, case.person_id) if case.person_id else None
        if person is None:
            if value is None:
                return False
            if field != "complainant":
                raise RuleError(f"{field}: {case.reference} has no complainant yet: give their name first")
            person = Person(name=value, name_key=name_key(value), complainant_group=case.complainant_group)
            session.add(person)
            session.flush()
            case.person_id = row_id(person)
            self._event(session, case, "edited", field, None, value, reason)
            return True
        column = PERSON_FIELDS[field]
        old = getattr(person, column)
        if old == value:
            return False
        if field == "complainant" and value is None:
            raise RuleError("complainant: a complainant's name cannot be blank")
        if field == "complainant_id" and value is not None and session.exec(
                select(Person.id).where(Person.external_id == value, Person.id != person.id)).first() is not None:
            raise RuleError(f"complainant_id: {limits.quoted(value)} is another person's id: if they are the same "
                            "person, merge them")
        setattr(person, column, value)
        if field == "complainant" and value is not None:
            person.name_key = name_key(value)
        others = session.exec(select(func.count()).select_from(Case)
                              .where(Case.person_id == person.id, Case.id != case.id)).one()
        whose = f"the complainant's, on all {others + 1} of their cases" if others else None
        self._event(session, case, "edited", field, old, value, "; ".join(r for r in (reason, whose) if r) or None)
        return True

    def _edit_listed(self, session: Session, case: Case, field: str, value: str | None, reason: str | None) -> bool:
        model = LISTED[field]
        column = f"{field}_id"
        current = session.get(model, getattr(case, column)) if getattr(case, column) else None
        old = current.name if current else None
        if value is None:
            if current is None:
                return False
            row = None
        elif current is not None and value.casefold() in (current.name.casefold(),
                                                          (getattr(current, "username", None) or "").casefold()):
            return False  # the same entry (even retired): nothing to change
        else:
            row = self._named(session, model, value, for_new_work=True, new=False)
        setattr(case, column, row.id if row is not None else None)
        self._event(session, case, "edited", field, old, row.name if row is not None else None, reason)
        return True

    def _edit_themes(self, session: Session, case: Case, value: str | None, reason: str | None) -> bool:
        current = list(session.exec(select(Theme).join(CaseTheme, col(CaseTheme.theme_id) == Theme.id)
                                    .where(CaseTheme.case_id == case.id).order_by(col(CaseTheme.theme_id))))
        by_name = {t.name.casefold(): t for t in current}
        chosen: list[Theme] = []
        for name in (value or "").split(";"):
            if name.strip():
                kept = by_name.get(name.strip().casefold())  # kept even if retired since
                row = kept or self._named(session, Theme, name.strip(), for_new_work=True, new=False)
                if row not in chosen:
                    chosen.append(row)
        if {row_id(t) for t in chosen} == {row_id(t) for t in current}:
            return False
        for link in session.exec(select(CaseTheme).where(CaseTheme.case_id == case.id)):
            session.delete(link)
        session.flush()
        for theme in chosen:
            session.add(CaseTheme(case_id=row_id(case), theme_id=row_id(theme)))
        self._event(session, case, "edited", "themes", "; ".join(t.name for t in current) or None,
                    "; ".join(t.name for t in chosen) or None, reason)
        return True

    def _edit_kind(self, session: Session, case: Case, new: str, reason: str | None) -> bool:
        """Change the kind; a concern or enquiry that becomes a complaint starts the complaint's clocks.

        The procedure's clocks start at receipt (the domain's README: acknowledgement and Stage 1 "clock starts:
        receipt"). A concern is handled outside the formal procedure ("passed to the team to resolve locally,
        outside the formal procedure", rules-reference section 4, seed 000 §3.3, where "two of these then
        progressed to a formal complaint"): the complaint is received on the day it progresses, so its
        acknowledgement and Stage 1 count from that day (today), not from the concern's receipt, which the case
        keeps (its history, and the year it is counted in: once, under its final kind). The new Stage 1 is the
        one builder's (``domain.new_case``), as if logged that day; the concern's stage dates stay in the events.
        Between complaints, or enquiries, the dates stay and the procedure's timescales apply to them.
        """
        old = case.kind
        if old == new:
            return False
        stages = self._stages(session, case)
        stored = StoredCase(case.closed is not None, frozenset(
            s.number for s in stages if s.round == 0 and (s.responded or s.declined) is not None))
        check_kind(stored, old, new, any(s.number > 1 for s in stages), self.role, reason)
        self._event(session, case, "edited", "kind", old, new, reason)
        case.kind = new
        first = next((s for s in stages if s.number == 1 and s.round == 0), None)
        if Kind(new).is_complaint and not Kind(old).is_complaint and first is not None:
            on = self.today()
            rows = new_case(self.rules, self.calendar, new, on, case.reference)
            assert rows.stage is not None
            for column, value in as_columns(rows.stage).items():
                if column not in KEPT and getattr(first, column) != value:
                    self._set(session, case, first, column, value, CLOCK_STARTED, reason)
            for column in CLOCK_CASE_COLUMNS:
                if getattr(case, column) != getattr(rows.case, column):
                    self._set(session, case, case, column, getattr(rows.case, column), CLOCK_STARTED, reason)
        elif case.ack_due is not None and first is not None:  # still owed: by the new kind's timescale
            case.ack_due = acknowledgement_due(self.rules, self.calendar, new, first.requested)
        for stage in stages:
            stage.procedure = new
            self._refresh(stage)
        return True

