"""The letters a complaints team sends (``shared/domain/correspondence.md``): which fit a case, and the one
function that builds a letter's fields from the case, so that a letter never quotes a date the case screen
does not show. Pure: the store reads the case (``LetterCase``), the ``letters`` package fills the template in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.calendar import WorkingCalendar
from domain.timescales import RuleBook, RuleError
from domain.vocab import label


class LetterError(RuleError):
    """A letter cannot be produced as asked: the message says what is missing and where to put it right."""


@dataclass(frozen=True)
class Letter:
    name: str  # the template's name: its file is ``<name>.docx``
    title: str  # "Stage 1 response letter": the event and the document say it
    to_family: bool = True  # the child is named only in a letter to the family
    records: str | None = None  # the step producing it may record: "acknowledge" or "respond"


LETTERS: tuple[Letter, ...] = (
    Letter("acknowledgement", "Acknowledgement letter", records="acknowledge"),
    Letter("extension", "Extension letter"),
    Letter("stage1-response", "Stage 1 response letter", records="respond"),
    Letter("stage2-statement", "Stage 2 statement of complaint letter"),
    Letter("stage2-declined", "Stage 2 declined letter"),
    Letter("stage2-adjudication", "Stage 2 adjudication letter", records="respond"),
    Letter("stage3-panel-invitation", "Stage 3 panel invitation letter"),
    Letter("stage3-final-response", "Stage 3 final response letter", records="respond"),
    Letter("ombudsman-response", "Ombudsman response letter", to_family=False),
    Letter("persistent-procedure", "Persistent complaints procedure letter"),
    Letter("member-reply", "MP or councillor reply", to_family=False),
)
BY_NAME = {letter.name: letter for letter in LETTERS}
FORMATS = ("docx", "eml", "text")


def letter_named(name: str) -> Letter | None:
    return BY_NAME.get(name.strip().lower())


@dataclass(frozen=True)
class Council:
    """The council's own details and the Ombudsman's (settings ``[council]``)."""

    name: str = "the Council"
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    ombudsman_name: str = "Local Government and Social Care Ombudsman"
    ombudsman_website: str = "www.lgo.org.uk"
    ombudsman_phone: str = "0300 061 0614"
    advocacy: str = "NYAS (National Youth Advocacy Service), 0808 808 1001"
    panel_place: str = ""  # where review panels meet, unless the case says


@dataclass(frozen=True)
class LetterStage:
    """One stage of the case as a letter needs it; ``due`` is the case screen's running deadline."""

    number: int
    name: str
    requested: date
    responded: date | None = None
    declined: date | None = None
    declined_reason: str | None = None
    extended_on: date | None = None
    extended_reason: str | None = None
    due: date | None = None  # the live stage's due date, from the same clock as the case screen
    panel_on: date | None = None
    issues: tuple[tuple[str, str | None], ...] = ()  # (issue, finding)
    people: tuple[tuple[str, str], ...] = ()  # (role, name)
    outcome: str | None = None


@dataclass(frozen=True)
class LetterCase:
    """What a letter may say about one case, read by the store from the case file."""

    reference: str
    kind: str
    received: date
    complainant: str | None = None
    salutation: str | None = None
    address: str | None = None
    email: str | None = None
    group: str | None = None
    child: str | None = None
    officer: str | None = None
    acknowledged: date | None = None
    acknowledgement_due: date | None = None
    stages: tuple[LetterStage, ...] = ()
    actions: tuple[tuple[str, str | None, date | None], ...] = ()  # (what, owner, due)
    ombudsman: tuple[tuple[date, str | None], ...] = ()  # (received, decision)
    persistent: bool = False
    persistent_start: date | None = None
    persistent_review: date | None = None
    persistent_contact: str | None = None
    persistent_arrangements: str | None = None
    closed: date | None = None
    panel_time: str | None = None
    panel_place: str | None = None


def long_date(day: date | None) -> str:
    """A date as letters write it: "Friday 4 December 2026" ("" for none)."""
    return f"{day:%A} {day.day} {day:%B %Y}" if day else ""


def _last(case: LetterCase, number: int) -> LetterStage | None:
    found = [s for s in case.stages if s.number == number]
    return found[-1] if found else None


def fits(case: LetterCase) -> list[str]:
    """The letters that fit the case's state now, most likely first."""
    live = next((s for s in reversed(case.stages) if s.responded is None and s.declined is None), None)
    out: list[str] = []
    if case.acknowledged is None and case.closed is None:
        out.append("acknowledgement")
    if live is not None and live.extended_on is not None:
        out.append("extension")
    if case.kind in ("mp_enquiry", "councillor_enquiry"):
        out.append("member-reply")
    one, two, three = _last(case, 1), _last(case, 2), _last(case, 3)
    if one is not None and (one.responded is None or two is None) and case.kind in ("statutory", "corporate"):
        out.append("stage1-response")
    if two is not None:
        if two.declined is not None:
            out.append("stage2-declined")
        elif two.responded is None:
            out += ["stage2-statement", "stage2-adjudication"]
        elif three is None:
            out.append("stage2-adjudication")
    if three is not None:
        out += ["stage3-panel-invitation", "stage3-final-response"]
    if case.ombudsman:
        out.append("ombudsman-response")
    if case.persistent:
        out.append("persistent-procedure")
    if case.acknowledged is not None and case.closed is None and live is not None:
        out.append("acknowledgement")  # sent already: a copy again, last (its dates are still the clock's)
    return list(dict.fromkeys(out))


def next_request_by(case: LetterCase, rules: RuleBook, calendar: WorkingCalendar,
                    responding: date | None = None) -> tuple[date | None, date | None]:
    """The dates by which to ask for Stage 2 and for Stage 3: the practice timescale after each response.
    ``responding``: the live stage is being answered that day (its response letter is being written)."""
    found: list[date | None] = []
    for number, step in ((1, "stage2_request"), (2, "stage3_request")):
        stage = _last(case, number)
        by = None
        answered = stage.responded if stage is not None else None
        if stage is not None and answered is None and stage.declined is None:
            answered = responding
        if answered is not None and case.kind in ("statutory", "corporate"):
            try:
                by = calendar.add(answered, rules.timescale(case.kind, step, answered).days)
            except ValueError:  # no such step for this procedure
                by = None
        found.append(by)
    return found[0], found[1]


def _stage_fields(stage: LetterStage | None) -> dict[str, Any]:
    if stage is None:
        return {"exists": False, "name": "", "requested": "", "responded": "", "declined": "", "reason": "",
                "extended_on": "", "extension_reason": "", "due": "", "panel_date": "", "issues": [],
                "people": [], "investigating_officer": "", "independent_person": "", "outcome": ""}
    issues = [{"number": i, "text": text, "finding": label(finding).lower() if finding else "not yet decided"}
              for i, (text, finding) in enumerate(stage.issues, start=1)]
    people = [{"role": role, "name": name} for role, name in stage.people]
    def person(role: str) -> str:
        return next((name for r, name in stage.people if r.lower() == role), "")
    return {"exists": True, "name": stage.name, "requested": long_date(stage.requested),
            "responded": long_date(stage.responded), "declined": long_date(stage.declined),
            "reason": stage.declined_reason or "", "extended_on": long_date(stage.extended_on),
            "extension_reason": stage.extended_reason or "", "due": long_date(stage.due),
            "panel_date": long_date(stage.panel_on), "issues": issues, "people": people,
            "investigating_officer": person("investigating officer"),
            "independent_person": person("independent person"),
            "outcome": label(stage.outcome).lower() if stage.outcome else ""}


def letter_fields(case: LetterCase, council: Council, rules: RuleBook, calendar: WorkingCalendar,
                  today: date, letter: Letter | None = None) -> dict[str, Any]:
    """Every field a template may use, from the case. Dates are written out ("Friday 4 December 2026"); the
    running due date is the case screen's; the child is named only in a letter to the family."""
    live = next((s for s in reversed(case.stages) if s.responded is None and s.declined is None), None)
    latest = case.stages[-1] if case.stages else None
    responding = today if letter is not None and letter.records == "respond" else None
    stage2_by, stage3_by = next_request_by(case, rules, calendar, responding)
    name = case.complainant or ""
    salutation = case.salutation or (f"Dear {name}" if name else "Dear Sir or Madam")
    to_family = letter.to_family if letter is not None else True
    stage = live or latest
    three = _last(case, 3)
    issues = _stage_fields(stage)["issues"] if stage else []
    return {
        "today": long_date(today),
        "reference": case.reference,
        "kind": label(case.kind),
        "received": long_date(case.received),
        "complainant": {"name": name, "salutation": salutation, "address": case.address or "",
                        "address_lines": [line.strip() for line in (case.address or "").splitlines() if line.strip()],
                        "email": case.email or ""},
        "child": {"name": (case.child or "") if to_family else "", "is_complainant": case.group == "child"},
        "officer": case.officer or council.name + " complaints team",
        "acknowledged": long_date(case.acknowledged),
        "acknowledgement_due": long_date(case.acknowledgement_due),
        "response_due": long_date(live.due if live else None),
        "extended": bool(live and live.extended_on),
        "extended_date": long_date(live.due if live and live.extended_on else None),
        "stage2_request_by": long_date(stage2_by),
        "stage3_request_by": long_date(stage3_by),
        "issues": issues,
        "stage": _stage_fields(stage),
        "stage1": _stage_fields(_last(case, 1)),
        "stage2": _stage_fields(_last(case, 2)),
        "stage3": _stage_fields(_last(case, 3)),
        "actions": [{"number": i, "text": what, "owner": owner or "", "due": long_date(due)}
                    for i, (what, owner, due) in enumerate(case.actions, start=1)],
        "ombudsman_enquiries": [{"received": long_date(received), "decision": label(decision) if decision else ""}
                                for received, decision in case.ombudsman],
        "persistent": {"applies": case.persistent, "start": long_date(case.persistent_start),
                       "review": long_date(case.persistent_review), "contact": case.persistent_contact or "",
                       "arrangements": case.persistent_arrangements or ""},
        "council": {"name": council.name, "address": council.address, "phone": council.phone,
                    "email": council.email, "website": council.website, "advocacy": council.advocacy},
        "ombudsman": {"name": council.ombudsman_name, "website": council.ombudsman_website,
                      "phone": council.ombudsman_phone},
        "panel": {"date": long_date(three.panel_on if three else None), "time": case.panel_time or "",
                  "place": case.panel_place or council.panel_place,
                  "members": [{"role": role, "name": who} for role, who in (three.people if three else ())]},
    }


#: The names a template may use at its top level (``complaints letter --check`` refuses any other).
FIELDS = frozenset(letter_fields(LetterCase("X", "statutory", date(2026, 1, 1)), Council(), RuleBook(),
                                 WorkingCalendar.from_days([]), date(2026, 1, 1)))


def missing_for(case: LetterCase, fmt: str) -> str | None:
    """What the case lacks for a letter in ``fmt`` (said before anything is produced), or None."""
    if not case.complainant:
        return f"{case.reference} has no complainant's name: add one (e) before writing to them"
    if fmt == "eml" and not case.email:
        return f"{case.reference}: {case.complainant} has no email address: add one, or produce a docx letter"
    if fmt == "docx" and not case.address:
        return (f"{case.reference}: {case.complainant} has no postal address: add one, or send it by email "
                "(--format eml)")
    return None


def sample_fields(council: Council | None = None) -> dict[str, Any]:
    """Every field filled in, every list with an item (synthetic): what ``--check`` fills a template in with, so
    that a misspelt field anywhere, inside a loop too, is found before a letter is due."""
    day = date(2026, 11, 2)
    issues = (("Visits were cancelled", "upheld"), ("No one called back", "not_upheld"))
    people = (("Investigating officer", "I. Investigator"), ("Independent person", "P. Person"))
    case = LetterCase(
        "CS-2026-00001", "statutory", day, "Alex Example", "Dear Alex", "1 High Street\nAnytown", "a@example.org",
        "parent", "Sam Example", "Jo Officer", day, day,
        (LetterStage(1, "Stage 1", day, day, None, None, day, None, None, None, issues, (), "upheld"),
         LetterStage(2, "Stage 2", day, day, None, "out of time", day, "more time", None, None, issues, people),
         LetterStage(3, "Stage 3", day, None, None, None, None, None, day, day, issues, people)),
        (("Train the team", "Team manager", day),), ((day, "upheld"),), True, day, day, "Jo Officer", "Email only",
        None, "10am", "Town Hall")
    return letter_fields(case, council or Council(), RuleBook(), WorkingCalendar.from_days([]), day)
