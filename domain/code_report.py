"""The Complaint Handling Code's annual report (Code 8.1-8.3): the figures of corporate complaints run under the
Code, complaints not accepted by exclusion, service improvements, the Ombudsman's letter beside the council's own
records, and the self-assessment. Pure: the store gives the facts, ``reports.code_report`` lays the sections out.

How each figure is counted (also in docs/year-end-figures.md): a Code case is a corporate complaint received on
or after the day the Code governs (``RuleBook.code_from``). An acknowledgement counts in the year it was sent;
"within 5" compares the working days from receipt (Stage 1) or the escalation request (Stage 2) with the rule.
A response counts in the year it was sent; "within 10/20" counts working days from the acknowledgement (or, if
none was recorded, from the day it was due); "within the extension" a response after the timescale but inside
an extension agreed by its last day; escalations by the Stage 2 request's date; outcomes by the response's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from domain.calendar import WorkingCalendar
from domain.clock import StageDates, clock_start, within_timescale
from domain.timescales import RuleBook
from domain.vocab import CodeSection, Exclusion, LgoDecision, Outcome, label
from domain.year import FinancialYear

Cell = str | int | None


@dataclass
class Section:
    """One part of the report: a title, what it counts, a header and rows (text or whole numbers)."""

    id: str
    title: str
    basis: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class LetterFigures:
    received: int
    decided: int
    upheld: int
    compliance_percent: int | None
    remedied_by_council: int | None


@dataclass
class EnquiryFact:
    received: date
    decided: date | None
    decision: str | None
    compliance_due: date | None
    complied: date | None


@dataclass
class CodeFacts:
    """A year's facts for the report, as the store reads them."""

    year: FinancialYear
    stages: list[StageDates]  # corporate stages of Code cases, with ``outcome`` beside them
    outcomes: list[str | None]
    refused: list[tuple[str, str | None]]  # (exclusion, kind) of contacts not accepted in the year
    improvements: list[tuple[date, str, str | None]]  # learning actions done in the year: when, what, what was done
    letter: LetterFigures | None
    enquiries: list[EnquiryFact]
    assessments: dict[str, tuple[str, str | None, str | None, date | None]]  # section -> compliance, evidence, ...


SECTION_TITLES = {
    "code_timeliness": ("Corporate complaints under the Complaint Handling Code",
                        "acknowledgements and responses sent in the year; within = the Code's working days"),
    "code_outcomes": ("Outcomes under the Code", "responses sent in the year, by stage"),
    "code_refused": ("Complaints not accepted, by exclusion", "contacts recorded as not accepted in the year"),
    "code_improvements": ("Service improvements from learning", "learning actions on corporate complaints done "
                                                                "in the year"),
    "code_ombudsman": ("The Ombudsman's annual letter beside the council's records",
                       "the letter's figures as entered; the council's: Ombudsman enquiries in the year"),
    "code_self_assessment": ("Self-assessment against the Code", "recorded for the year, one line per section"),
}


def _within(year: FinancialYear) -> Callable[[date | None], bool]:
    start, end = year.start, year.end
    return lambda day: day is not None and start <= day <= end


def _section(section_id: str, header: list[str], rows: list[list[Cell]]) -> Section:
    title, basis = SECTION_TITLES[section_id]
    return Section(section_id, title, basis, header, rows)


def _timeliness(facts: CodeFacts, calendar: WorkingCalendar, rules: RuleBook) -> Section:
    inside = _within(facts.year)
    counts: dict[int, Counter[str]] = {1: Counter(), 2: Counter()}
    for s in facts.stages:
        c = counts.setdefault(s.number, Counter())
        if s.number == 2 and inside(s.requested):
            counts[1]["escalated"] += 1
        ack_step = "acknowledgement" if s.number == 1 else f"stage{s.number}_acknowledgement"
        if s.acknowledged is not None and inside(s.acknowledged):
            c["acknowledged"] += 1
            ack = rules.timescale(s.procedure, ack_step, s.requested, s.case_received)
            if calendar.elapsed(s.requested, s.acknowledged) <= ack.days:
                c["acknowledged_in_time"] += 1
        if s.extended_on is not None and inside(s.extended_on):
            c["extended"] += 1
        if s.responded is None or not inside(s.responded) or s.declined is not None:
            continue
        c["responded"] += 1
        step, start, _ = clock_start(s, rules, calendar)
        rule = rules.timescale(s.procedure, step, s.requested, s.case_received)
        if within_timescale(start, s.responded, None, rule.days, None, calendar):
            c["responded_in_time"] += 1
        elif within_timescale(start, s.responded, s.extended_on, rule.days, s.extended_days or rule.extended_days,
                              calendar):
            c["responded_within_extension"] += 1
        else:
            c["responded_late"] += 1
    rows: list[list[Cell]] = [
        ["Acknowledged", counts[1]["acknowledged"], counts[2]["acknowledged"]],
        ["Acknowledged within 5 working days", counts[1]["acknowledged_in_time"], counts[2]["acknowledged_in_time"]],
        ["Responded", counts[1]["responded"], counts[2]["responded"]],
        ["Responded within 10 / 20 working days", counts[1]["responded_in_time"], counts[2]["responded_in_time"]],
        ["Responded within an agreed extension", counts[1]["responded_within_extension"],
         counts[2]["responded_within_extension"]],
        ["Responded late", counts[1]["responded_late"], counts[2]["responded_late"]],
        ["Extended", counts[1]["extended"], counts[2]["extended"]],
        ["Escalated to Stage 2", counts[1]["escalated"], None],
    ]
    return _section("code_timeliness", ["", "Stage 1", "Stage 2"], rows)


def _outcomes(facts: CodeFacts) -> Section:
    counts: Counter[tuple[int, str]] = Counter()
    for s, outcome in zip(facts.stages, facts.outcomes, strict=True):
        if s.responded is not None and _within(facts.year)(s.responded) and s.declined is None:
            counts[s.number, outcome or "not_recorded"] += 1
    keys = [o.value for o in Outcome if counts[1, o.value] or counts[2, o.value]]
    keys += ["not_recorded"] if counts[1, "not_recorded"] or counts[2, "not_recorded"] else []
    rows: list[list[Cell]] = [[label(k) if k != "not_recorded" else "Not recorded", counts[1, k], counts[2, k]]
                              for k in keys]
    rows.append(["Total", sum(v for (n, _), v in counts.items() if n == 1),
                 sum(v for (n, _), v in counts.items() if n == 2)])
    return _section("code_outcomes", ["Outcome", "Stage 1", "Stage 2"], rows)


def _refused(facts: CodeFacts) -> Section:
    counts = Counter(exclusion for exclusion, _ in facts.refused)
    keys = [e.value for e in Exclusion] + sorted(set(counts) - {e.value for e in Exclusion})
    rows: list[list[Cell]] = [[label(k), counts[k]] for k in keys]
    rows.append(["Total", sum(counts.values())])
    return _section("code_refused", ["Exclusion", "Count"], rows)


def _letter(facts: CodeFacts) -> Section:
    own = facts.enquiries
    inside = _within(facts.year)
    received = sum(1 for e in own if inside(e.received))
    decided = [e for e in own if e.decided is not None and inside(e.decided)]
    upheld = sum(1 for e in decided if e.decision == LgoDecision.INVESTIGATED_FAULT)
    due = [e for e in own if e.compliance_due is not None and inside(e.compliance_due)]
    complied = sum(1 for e in due if e.complied is not None and e.compliance_due and e.complied <= e.compliance_due)
    percent = round(100 * complied / len(due)) if due else None
    letter = facts.letter
    rows: list[list[Cell]] = [
        ["Complaints and enquiries received", letter.received if letter else None, received],
        ["Decisions made", letter.decided if letter else None, len(decided)],
        ["Upheld", letter.upheld if letter else None, upheld],
        ["Upheld rate (%)", round(100 * letter.upheld / letter.decided) if letter and letter.decided else None,
         round(100 * upheld / len(decided)) if decided else None],
        ["Compliance with recommendations (%)", letter.compliance_percent if letter else None, percent],
        ["Satisfactory remedy by the council first", letter.remedied_by_council if letter else None, None],
    ]
    return _section("code_ombudsman", ["", "Ombudsman's letter", "Council's records"], rows)


def compute(facts: CodeFacts, calendar: WorkingCalendar, rules: RuleBook) -> list[Section]:
    """The report's sections, in the Code's order (8.3)."""
    improvements = _section("code_improvements", ["Done", "Action", "What was done"],
                            [[f"{d:%d/%m/%Y}", what, note] for d, what, note in sorted(facts.improvements)])
    assessed = _section("code_self_assessment", ["Section", "Compliance", "Evidence", "Actions"], [
        [label(s.value), label(facts.assessments[s.value][0]) if s.value in facts.assessments else "Not assessed",
         facts.assessments.get(s.value, ("", None, None, None))[1],
         facts.assessments.get(s.value, ("", None, None, None))[2]] for s in CodeSection])
    return [assessed, _timeliness(facts, calendar, rules), _outcomes(facts), _refused(facts), improvements,
            _letter(facts)]
