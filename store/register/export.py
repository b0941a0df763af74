"""The register view of stored cases: one ``RegisterRow`` per case, as `complaints export --register` writes.

Cases are read in id order, a block at a time, with their stages, themes, findings, costs and
Ombudsman enquiry fetched per block, so a million cases stream in constant memory. The same
view tells the import whether a row in a file differs from what is stored.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from domain.register import RegisterRow
from domain.vocab import COMPLAINT_KINDS, FINDING_NAMES, Kind
from domain.year import FinancialYear
from store.db.values import day as _day
from store.db.values import money as _money

BLOCK = 2000

CASES = """SELECT c.id, c.reference, c.kind, c.received, c.channel, p.external_id, p.name, c.complainant_group,
  p.persistent, c.child_status, c.advocate, a.name, t.name, c.summary, c.closed, o.name, c.acknowledged,
  p.persistent_start, p.persistent_review
FROM "case" c LEFT JOIN person p ON p.id = c.person_id LEFT JOIN service_area a ON a.id = c.service_area_id
LEFT JOIN team t ON t.id = c.team_id LEFT JOIN officer o ON o.id = c.officer_id
WHERE {where} ORDER BY c.id LIMIT {limit}"""
THEMES = """SELECT ct.case_id, th.name FROM case_theme ct JOIN theme th ON th.id = ct.theme_id
WHERE ct.case_id BETWEEN {p} AND {p}"""
STAGES = """SELECT s.id, s.case_id, s.number, s.round, s.requested, s.declined, s.statement_agreed, s.extended_on,
  s.responded, s.outcome, s.panel_on FROM stage s WHERE s.case_id BETWEEN {p} AND {p} ORDER BY s.id"""
FINDINGS = """SELECT s.case_id, i.finding FROM complaint_issue i JOIN stage s ON s.id = i.stage_id
WHERE s.case_id BETWEEN {p} AND {p} AND s.number = 2 AND i.finding IS NOT NULL"""
COSTS = """SELECT s.case_id, s.number, a.cost FROM assignment a JOIN stage s ON s.id = a.stage_id
WHERE s.case_id BETWEEN {p} AND {p} AND a.cost IS NOT NULL"""
ENQUIRIES = """SELECT case_id, received, decision, decided, remedy, payment FROM ombudsman_enquiry
WHERE case_id BETWEEN {p} AND {p} ORDER BY id"""


class RegisterReader:
    """Reads cases as register rows over one DB-API connection."""

    def __init__(self, connection: Any, placeholder: str = "?") -> None:
        self.cursor = connection.cursor()
        self.p = placeholder
        self.iso = placeholder == "?"

    def _param(self, value: Any) -> Any:
        return value.isoformat() if self.iso and isinstance(value, date) else value

    def _rows(self, sql: str, *args: Any) -> list[Any]:
        self.cursor.execute(sql.replace("{p}", self.p), [self._param(a) for a in args])
        return self.cursor.fetchall()

    def count(self, year: FinancialYear | None = None) -> int:
        if year is None:
            return int(self._rows('SELECT count(*) FROM "case"')[0][0])
        return int(self._rows('SELECT count(*) FROM "case" WHERE received BETWEEN {p} AND {p}',
                              year.start, year.end)[0][0])

    def rows(self, year: FinancialYear | None = None) -> Iterator[tuple[int, RegisterRow]]:
        """(case id, row) for every case, or those received in ``year``, in id order."""
        last = 0
        while True:
            where = "c.id > {p}"
            args: list[Any] = [last]
            if year is not None:
                where += " AND c.received BETWEEN {p} AND {p}"
                args += [year.start, year.end]
            block = self._rows(CASES.format(where=where, limit=BLOCK), *args)
            if not block:
                return
            yield from self._block(block)
            last = block[-1][0]

    def by_ids(self, ids: list[int]) -> dict[int, RegisterRow]:
        """The register rows of particular cases (the import's matches)."""
        found: dict[int, RegisterRow] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join([self.p] * len(chunk))
            block = self._rows(CASES.format(where=f"c.id IN ({marks})", limit=len(chunk)), *chunk)
            found.update(self._block(block, exact=True))
        return found

    def _block(self, block: list[Any], *, exact: bool = False) -> Iterator[tuple[int, RegisterRow]]:
        lo, hi = block[0][0], block[-1][0]
        if exact:
            lo, hi = min(r[0] for r in block), max(r[0] for r in block)
        themes: dict[int, list[str]] = defaultdict(list)
        for case_id, name in self._rows(THEMES, lo, hi):
            themes[case_id].append(name)
        stages: dict[int, list[Any]] = defaultdict(list)
        for s in self._rows(STAGES, lo, hi):
            stages[s[1]].append(s)
        findings: dict[int, Counter[str]] = defaultdict(Counter)
        for case_id, finding in self._rows(FINDINGS, lo, hi):
            findings[case_id][finding] += 1
        costs: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        for case_id, number, cost in self._rows(COSTS, lo, hi):
            costs[case_id, number] += _money(cost) or Decimal(0)
        enquiries: dict[int, Any] = {}
        for e in self._rows(ENQUIRIES, lo, hi):
            enquiries.setdefault(e[0], e)
        for c in block:
            cid = c[0]
            row = RegisterRow(
                reference=c[1], kind=c[2], received=_day(c[3]) or date.min, channel=c[4], complainant_id=c[5],
                complainant=c[6], complainant_group=c[7], persistent=True if c[8] else None, child_status=c[9],
                advocate=c[10], service_area=c[11], team=c[12], themes=tuple(sorted(themes.get(cid, ()))),
                summary=c[13], officer=c[15], acknowledged=_day(c[16]), persistent_start=_day(c[17]),
                persistent_review=_day(c[18]))
            complaint = row.kind in COMPLAINT_KINDS
            if not complaint:
                row.closed = _day(c[14]) if row.kind != Kind.COMPLIMENT else None
            else:
                self._stages(row, stages.get(cid, []), findings.get(cid), costs, cid)
            if cid in enquiries:
                _, received, decision, decided, remedy, payment = enquiries[cid]
                row.lgo_received, row.lgo_decision, row.lgo_closed = _day(received), decision, _day(decided)
                row.lgo_remedy, row.lgo_payment = remedy, _money(payment)
            yield cid, row

    @staticmethod
    def _stages(row: RegisterRow, stages: list[Any], findings: Counter[str] | None,
                costs: dict[tuple[int, int], Decimal], cid: int) -> None:
        last = 0
        for _sid, _, number, round_, requested, declined, agreed, extended, responded, outcome, panel in stages:
            if number == 1 and round_ > 0:
                row.stage1_reopened += 1
                if round_ > last:  # the last reopening's dates
                    last, row.stage1_reopened_on, row.stage1_reopened_responded = round_, _day(requested), _day(
                        responded)
            elif number == 1:
                row.stage1_extended, row.stage1_responded = _day(extended), _day(responded)
                row.stage1_outcome = outcome
            elif number == 2:
                row.stage2_requested, row.stage2_declined = _day(requested), _day(declined)
                row.stage2_started, row.stage2_extended = _day(agreed), _day(extended)
                row.stage2_responded, row.stage2_outcome = _day(responded), outcome
            elif number == 3:
                row.stage3_requested, row.stage3_panel = _day(requested), _day(panel)
                row.stage3_responded, row.stage3_outcome = _day(responded), outcome
        if (row.stage1_reopened_on, row.stage1_reopened_responded) == (row.stage1_responded,) * 2:
            # dated at the Stage 1 reply, as an import dates a reopening whose dates it was not given:
            # the count says it all
            row.stage1_reopened_on = row.stage1_reopened_responded = None
        if findings:  # the domain's findings in order, then any stored before there was one vocabulary
            order = [*FINDING_NAMES, *sorted(findings.keys() - set(FINDING_NAMES))]
            row.stage2_findings = tuple((k, findings[k]) for k in order if findings[k])
        row.stage2_cost = costs.get((cid, 2))
        row.stage3_cost = costs.get((cid, 3))
