"""The 21 year-end tables (``../shared/formats/year-end-figures.md``), counted from one year's facts.

Every counting rule lives here: what is received, responded, concluded or worked with; working
days from day 0 less paused days; within timescale only with an extension agreed by the day the
timescale ran out; per-issue findings; money in exact decimals, averages rounded half up.
Values are ints, exact ``Fraction`` shares (rendered as percentages) or ``Decimal`` amounts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from domain.calendar import WorkingCalendar
from domain.clock import within_timescale
from domain.facts import StageFact, YearFacts
from domain.timescales import RuleBook
from domain.vocab import (
    COMPLAINT_KINDS,
    COMPLAINTS_AND_CONCERNS,
    DECIDED_OUTCOMES,
    FINDING_NAMES,
    UPHELD_OUTCOMES,
    Channel,
    ComplainantGroup,
    Kind,
    LgoDecision,
    Outcome,
)
from domain.year import MONTHS, FinancialYear, half_up, share

Value = int | Fraction | Decimal | None


@dataclass
class Row:
    key: str
    values: list[Value]

    @property
    def empty(self) -> bool:
        return all(v in (None, 0) for v in self.values)


@dataclass
class Table:
    """One table: ``rows`` of ``[key, value per column]``, as in the JSON export."""

    id: str
    title: str
    basis: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)

    @property
    def fixed(self) -> bool:
        """Rows are a fixed structure (buckets, months, stages), shown even when zero."""
        return self.id in FIXED_ROWS

    def shown_rows(self, previous: Table | None = None) -> list[Row]:
        """Rows worth showing: all of a fixed table; otherwise those with a figure this year or last."""
        if self.fixed:
            return self.rows
        before = {r.key: r for r in previous.rows} if previous else {}
        return [r for r in self.rows
                if r.key == "total" or not r.empty or (r.key in before and not before[r.key].empty)]

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)

    def value(self, key: str, column: str = "count") -> Value:
        row = self.row(key)
        return row.values[self.columns.index(column)] if row else None


@dataclass
class Figures:
    """All tables of one financial year."""

    year: FinancialYear
    tables: list[Table]

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)


TITLES: dict[str, tuple[str, str]] = {
    "representations_by_type": ("Representations received by type", "received in the year"),
    "contact_channel": ("Method of contact", "all representations received"),
    "complainant_group": ("Statutory complaints by complainant group", "statutory complaints received"),
    "stage1_response_times": ("Statutory Stage 1 response times",
                              "statutory Stage 1 responses in the year; reopened responses not counted again"),
    "stage1_timeliness": ("Statutory Stage 1 timeliness",
                          "statutory Stage 1 responses in the year; within timescale = at most 10 working days, "
                          "or at most 20 with an extension agreed on or before day 10"),
    "stage2_durations": ("Duration of statutory Stage 2 investigations",
                         "statutory Stage 2 concluded in the year (declined requests excluded); start = statement "
                         "agreed, else the request"),
    "stage1_outcomes": ("Statutory Stage 1 outcomes", "statutory Stage 1 responses in the year"),
    "escalations": ("Escalations of statutory complaints", "statutory complaints, dates in the year"),
    "stage_activity": ("Work by procedure and stage",
                       "carried forward + received = worked with; concluded = response in the year; ongoing = "
                       "open at the year's end"),
    "themes": ("Themes of statutory complaints",
               "statutory complaints received; a complaint counts once under each of its themes"),
    "stage2_findings": ("Findings on issues at statutory Stage 2",
                        "issues in statutory Stage 2 investigations concluded in the year"),
    "monthly_received": ("Statutory complaints received by month", "statutory complaints received"),
    "by_service_area": ("Statutory complaints by service area", "statutory complaints received"),
    "repeat_complainants": ("Repeat complainants",
                            "statutory, corporate and concern contacts received, per person"),
    "reopened": ("Reopened Stage 1 complaints",
                 "statutory Stage 1 responses in the year that were reopened (then or since)"),
    "young_people": ("Children and young people", "statutory and corporate complaints received"),
    "costs": ("Costs of Stage 2 and Stage 3",
              "statutory and corporate Stage 2 and 3 concluded in the year with a cost recorded"),
    "lgo": ("Ombudsman enquiries", "Ombudsman enquiries received / closed in the year"),
    "compliments": ("Compliments by service area", "compliments received"),
    "outcome_by_theme": ("Stage 1 outcomes by theme",
                         "statutory and corporate complaints concluded at Stage 1 in the year"),
    "actions": ("Learning actions", "learning actions due or completed in the year"),
}
TABLE_IDS = tuple(TITLES)
FIXED_ROWS = frozenset({"representations_by_type", "stage1_response_times", "stage1_timeliness", "stage2_durations",
                        "escalations", "stage_activity", "monthly_received", "reopened", "young_people", "costs",
                        "actions"})


def _table(table_id: str, columns: list[str], rows: Iterable[Row]) -> Table:
    title, basis = TITLES[table_id]
    return Table(table_id, title, basis, columns, list(rows))


def _count_percent(table_id: str, counts: Counter[str], order: Iterable[str], *,
                   extra: Callable[[str], list[Value]] | None = None, extra_columns: list[str] | None = None,
                   total_extra: list[Value] | None = None) -> Table:
    """A ``count, percent`` table over ``order`` (then any other keys seen), ending with ``total``."""
    keys = list(dict.fromkeys([*order, *sorted(counts)]))
    total = sum(counts.values())
    rows = [Row(k, [counts[k], share(counts[k], total), *(extra(k) if extra else [])]) for k in keys]
    rows.append(Row("total", [total, share(total, total), *(total_extra or [])]))
    return _table(table_id, ["count", "percent", *(extra_columns or [])], rows)


class _Counter:
    """Computes the tables of one year's facts with the council's calendar and rule book."""

    def __init__(self, facts: YearFacts, calendar: WorkingCalendar, rules: RuleBook) -> None:
        self.f, self.cal, self.rules, self.year = facts, calendar, rules, facts.year
        self.received = facts.cases
        self.statutory = [c for c in facts.cases if c.kind == "statutory"]
        start, end = self.year.start, self.year.end  # ``year.end`` builds a date each time: ~100,000 calls a year
        self.in_year: Callable[[date | None], bool] = lambda d: d is not None and start <= d <= end
        self.stage1_responses = [s for s in facts.stages if s.procedure == "statutory" and s.number == 1
                                 and s.round == 0 and self.in_year(s.responded)]

    def taken(self, stage: StageFact, start: date) -> int:
        """Working days from ``start`` (day 0) to the response, less days the clock was paused."""
        assert stage.responded is not None
        return self.cal.elapsed(start, stage.responded) - stage.paused_days

    # -- received ------------------------------------------------------------------------------

    def representations_by_type(self, years: int) -> Table:
        labels = [self.year.back(n).label for n in range(years)]
        by_year = self.f.received_by_kind
        rows = [Row(k.value, [by_year.get(y, {}).get(k.value, 0) for y in labels]) for k in Kind]
        rows.append(Row("total", [sum(by_year.get(y, {}).values()) for y in labels]))
        return _table("representations_by_type", labels, rows)

    def contact_channel(self) -> Table:
        counts = Counter(c.channel or "not_recorded" for c in self.received)
        return _count_percent("contact_channel", counts, [*Channel, "not_recorded"])

    def complainant_group(self) -> Table:
        counts = Counter(c.group or "not_recorded" for c in self.statutory)
        return _count_percent("complainant_group", counts, [*ComplainantGroup, "not_recorded"])

    def themes(self) -> Table:
        counts = Counter(t for c in self.statutory for t in c.themes)
        upheld = Counter(t for c in self.statutory if c.stage1_outcome in UPHELD_OUTCOMES for t in c.themes)
        return _count_percent("themes", counts, [], extra=lambda k: [upheld[k]], extra_columns=["upheld_or_partly"],
                              total_extra=[sum(upheld.values())])

    def monthly_received(self, years: int) -> Table:
        labels = [self.year.back(n).label for n in range(max(2, years))]
        by_year = self.f.monthly_statutory
        return _table("monthly_received", labels,
                      [Row(m, [by_year.get(y, {}).get(m, 0) for y in labels]) for m in MONTHS])

    def by_service_area(self) -> Table:
        counts = Counter(c.service_area or "not_recorded" for c in self.statutory)
        upheld = Counter(c.service_area or "not_recorded" for c in self.statutory
                         if c.stage1_outcome in UPHELD_OUTCOMES)
        return _count_percent("by_service_area", counts, [], extra=lambda k: [upheld[k]],
                              extra_columns=["upheld_or_partly"], total_extra=[sum(upheld.values())])

    def repeat_complainants(self) -> Table:
        per_person = Counter(c.person for c in self.received
                             if c.person is not None and c.kind in COMPLAINTS_AND_CONCERNS)
        people = Counter(n for n in per_person.values() if n >= 2)
        rows = [Row(str(n), [people[n], n * people[n]]) for n in sorted(people)]
        rows.append(Row("total", [sum(people.values()), sum(n * p for n, p in people.items())]))
        return _table("repeat_complainants", ["people", "contacts"], rows)

    def young_people(self) -> Table:
        complaints = [c for c in self.received if c.kind in COMPLAINT_KINDS]
        return _table("young_people", ["count"], [
            Row("from_child", [sum(c.group == "child" for c in complaints)]),
            Row("with_advocate", [sum(c.advocate is not None for c in complaints)]),
            Row("with_nyas", [sum(c.advocate == "nyas" for c in complaints)]),
        ])

    def compliments(self) -> Table:
        counts = Counter(c.service_area or "not_recorded" for c in self.received if c.kind == "compliment")
        rows = [Row(k, [counts[k]]) for k in sorted(counts)]
        rows.append(Row("total", [sum(counts.values())]))
        return _table("compliments", ["count"], rows)

    # -- responded -----------------------------------------------------------------------------

    def stage1_response_times(self) -> Table:
        days = [self.taken(s, s.requested) for s in self.stage1_responses]
        counts = Counter("within_10" if d <= 10 else "11_to_20" if d <= 20 else "over_20" for d in days)
        return _count_percent("stage1_response_times", counts, ["within_10", "11_to_20", "over_20"])

    def stage1_timeliness(self) -> Table:
        responses = self.stage1_responses
        within = 0
        for s in responses:
            rule = self.rules.timescale("statutory", "stage1", s.requested)
            assert s.responded is not None
            on_time = within_timescale(s.requested, s.responded, s.extended_on, rule.days + s.paused_days,
                                       (s.extended_days or rule.extended_days or rule.days) + s.paused_days,
                                       self.cal)
            within += on_time
        n = len(responses)
        extended = sum(s.extended_on is not None for s in responses)
        return _table("stage1_timeliness", ["count", "percent"], [
            Row("responded", [n, share(n, n)]),
            Row("extended", [extended, share(extended, n)]),
            Row("within_timescale", [within, share(within, n)]),
            Row("outside_timescale", [n - within, share(n - within, n)]),
        ])

    def stage2_durations(self) -> Table:
        done = [s for s in self.f.stages if s.procedure == "statutory" and s.number == 2 and s.declined is None
                and self.in_year(s.responded)]
        days = [self.taken(s, s.statement_agreed or s.requested) for s in done]
        counts = Counter("within_25" if d <= 25 else "26_to_65" if d <= 65 else "over_65" for d in days)
        table = _count_percent("stage2_durations", counts, ["within_25", "26_to_65", "over_65"])
        mean = half_up(Fraction(sum(days), len(days)), 1) if days else None
        table.rows.append(Row("average_working_days", [mean, None]))
        return table

    def stage1_outcomes(self) -> Table:
        counts = Counter(s.outcome or "not_recorded" for s in self.stage1_responses)
        return _count_percent("stage1_outcomes", counts, [*Outcome, "not_recorded"])

    def escalations(self) -> Table:
        stat = [s for s in self.f.stages if s.procedure == "statutory"]
        two = [s for s in stat if s.number == 2]
        three = [s for s in stat if s.number == 3]
        responded = self.stage1_responses
        went_on = sum(s.case_id in self.f.escalated for s in responded)
        return _table("escalations", ["count"], [
            Row("stage2_requested", [sum(self.in_year(s.requested) for s in two)]),
            Row("stage2_declined", [sum(self.in_year(s.declined) for s in two)]),
            Row("stage2_started", [sum(self.in_year(s.started) for s in two)]),
            Row("stage3_requested", [sum(self.in_year(s.requested) for s in three)]),
            Row("stage3_panels", [sum(self.in_year(s.panel_on) for s in three)]),
            Row("escalation_rate", [share(went_on, len(responded))]),
        ])

    def stage2_findings(self) -> Table:
        done = [s for s in self.f.stages if s.procedure == "statutory" and s.number == 2 and s.declined is None
                and self.in_year(s.responded)]
        counts = Counter(f or "not_recorded" for s in done for f in s.findings)
        keys = list(dict.fromkeys([*FINDING_NAMES, *sorted(counts)]))
        rows = [Row(k, [counts[k]]) for k in keys]
        rows.append(Row("total", [sum(counts.values())]))
        return _table("stage2_findings", ["count"], rows)

    def reopened(self) -> Table:
        responded = {s.case_id for s in self.stage1_responses}
        rounds = {case_id: n for case_id, n in self.f.reopenings.items() if case_id in responded}
        return _table("reopened", ["count"], [
            Row("reopened_complaints", [len(rounds)]),
            Row("reopenings", [sum(rounds.values())]),
            Row("reopened_more_than_once", [sum(n > 1 for n in rounds.values())]),
        ])

    def costs(self) -> Table:
        rows = []
        totals: list[tuple[int, Decimal]] = []
        for number in (2, 3):
            paid = [sum(s.costs, Decimal(0)) for s in self.f.stages if s.procedure in COMPLAINT_KINDS
                    and s.number == number and self.in_year(s.responded) and s.costs]
            totals.append((len(paid), sum(paid, Decimal(0))))
            rows.append(Row(f"stage{number}", _money_row(len(paid), sum(paid, Decimal(0)))))
        rows.append(Row("total", _money_row(sum(n for n, _ in totals), sum((t for _, t in totals), Decimal(0)))))
        return _table("costs", ["cases", "total_cost", "average_cost"], rows)

    def lgo(self) -> Table:
        received = [e for e in self.f.enquiries if self.in_year(e.received)]
        closed = [e for e in self.f.enquiries if self.in_year(e.decided)]
        decisions = Counter(e.decision or "not_recorded" for e in closed)
        keys = list(dict.fromkeys([*LgoDecision, *sorted(decisions)]))
        paid = [e.payment for e in closed if e.payment]
        rows = [Row("received", [len(received), None]), Row("closed", [len(closed), None])]
        rows += [Row(k, [decisions[k], None]) for k in keys]
        rows.append(Row("payments", [len(paid), _money(sum(paid, Decimal(0)))]))
        return _table("lgo", ["count", "amount"], rows)

    def outcome_by_theme(self) -> Table:
        concluded = [s for s in self.f.stages if s.procedure in COMPLAINT_KINDS and s.number == 1 and s.round == 0
                     and self.in_year(s.responded)]
        cells: dict[str, Counter[str]] = defaultdict(Counter)
        for s in concluded:
            bucket = s.outcome if s.outcome in DECIDED_OUTCOMES else "other"
            for theme in s.themes:
                cells[theme][bucket] += 1
        columns = [*DECIDED_OUTCOMES, "other", "total"]
        rows = [Row(t, [*(cells[t][c] for c in columns[:-1]), sum(cells[t].values())]) for t in sorted(cells)]
        return _table("outcome_by_theme", columns, rows)

    def actions(self) -> Table:
        end = min(self.year.end, self.f.as_of) if self.f.as_of else self.year.end
        done = sum(a.done is not None and a.done <= self.year.end for a in self.f.actions)
        late = sum((a.done is None or a.done > self.year.end) and a.due is not None and a.due < end
                   for a in self.f.actions)
        return _table("actions", ["count"], [
            Row("open", [len(self.f.actions) - done - late]), Row("done", [done]), Row("overdue", [late])])

    # -- worked with ---------------------------------------------------------------------------

    def stage_activity(self) -> Table:
        by_stage: dict[tuple[str, int], list[StageFact]] = defaultdict(list)  # the stages read once, not 9 times
        for s in self.f.stages:
            by_stage[s.procedure, s.number].append(s)
        rows = []
        for proc in COMPLAINT_KINDS:
            # Stage 1 runs from receipt to the first response: a reopening is counted in ``reopened``,
            # not as work carried forward or ongoing (the format's "concluded" = responded in the year)
            spans = [(s.start, s.ended) for s in by_stage[proc, 1] if s.round == 0]
            rows.append(Row(f"{proc}_stage1", self._activity(spans)))
            for number in (2, 3):
                spans = [(s.start, s.ended) for s in by_stage[proc, number]]
                rows.append(Row(f"{proc}_stage{number}", self._activity(spans)))
        for kind in ("concern", "mp_enquiry", "councillor_enquiry"):
            spans = [(s.start, s.ended) for s in self.f.stages if s.procedure == kind]
            rows.append(Row(kind, self._activity(spans)))
        rows.append(Row("lgo", self._activity([(e.received, e.decided) for e in self.f.enquiries])))
        return _table("stage_activity", ["carried_forward", "received", "worked_with", "concluded", "ongoing"], rows)

    def _activity(self, spans: Iterable[tuple[date | None, date | None]]) -> list[Value]:
        start, end = self.year.start, self.year.end
        live = [(a, b) for a, b in spans if a is not None and a <= end and (b is None or b >= start)]
        carried = sum(a < start for a, _ in live)
        received = len(live) - carried
        concluded = sum(b is not None and b <= end for _, b in live)
        ongoing = sum(b is None or b > end for _, b in live)
        return [carried, received, carried + received, concluded, ongoing]


def _money(amount: Decimal) -> Decimal:
    return half_up(amount, 2)


def _money_row(cases: int, total: Decimal) -> list[Value]:
    return [cases, _money(total), half_up(total / cases, 2) if cases else None]


def compute(facts: YearFacts, calendar: WorkingCalendar, rules: RuleBook, *, years: int | None = None) -> Figures:
    """All 21 tables of ``facts.year``.

    ``years`` sets how many years the trend tables show (by type: 3 unless more; by month: 2).
    """
    c = _Counter(facts, calendar, rules)
    tables = [
        c.representations_by_type(max(3, years or 3)), c.contact_channel(), c.complainant_group(),
        c.stage1_response_times(), c.stage1_timeliness(), c.stage2_durations(), c.stage1_outcomes(),
        c.escalations(), c.stage_activity(), c.themes(), c.stage2_findings(), c.monthly_received(years or 2),
        c.by_service_area(), c.repeat_complainants(), c.reopened(), c.young_people(), c.costs(), c.lgo(),
        c.compliments(), c.outcome_by_theme(), c.actions(),
    ]
    assert [t.id for t in tables] == list(TABLE_IDS)
    if not facts.year.complete:  # a year in progress has no end yet: "ongoing" is open today
        end = facts.year.end
        for t in tables:
            t.basis = t.basis.replace("at the year's end", f"on {end.day} {end:%B %Y}")
    return Figures(facts.year, tables)
