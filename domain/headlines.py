"""The executive summary: one line per headline figure, this year beside last, in the seeds' style.

"↑ 190 (164) Stage 1 statutory complaints received, a 16% increase". Counts change by a
percentage of last year's figure; rates (timeliness, escalation) by percentage points. The arrow
says which way a figure moved; its colour (``verdict``) says whether that is good news: fewer
complaints, more replies within timescale and a lower escalation rate are good, more compliments too.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from domain.figures import Figures, Value
from domain.year import half_up

ARROWS = {"up": "↑", "down": "↓", "level": "↔"}
ASCII_ARROWS = {"up": "+", "down": "-", "level": "="}


@dataclass(frozen=True)
class Headline:
    what: str  # "Stage 1 statutory complaints received"
    value: Value
    previous: Value  # None when there is no comparison
    rate: bool = False
    detail: str = ""  # ", of which 16 (11) still ongoing"
    better: str = "down"  # the direction that is good news: fewer complaints; "up" for compliments, timeliness

    @property
    def nothing(self) -> bool:
        """Nothing to report in either year (a council that does not record this), so no line."""
        empty = (None,) if self.rate else (None, 0)
        return self.value in empty and self.previous in empty

    @property
    def direction(self) -> str | None:
        """Up, down or level as the reader sees it (rates compare in whole percentage points)."""
        if self.previous is None or self.value is None:
            return None
        now, before = self.value, self.previous
        if self.rate:
            now, before = half_up(Fraction(now) * 100), half_up(Fraction(before) * 100)
        return "up" if now > before else "down" if now < before else "level"

    @property
    def verdict(self) -> str | None:
        """'good', 'bad' or 'level': what the change means for the service (None without a comparison)."""
        direction = self.direction
        if direction is None or direction == "level":
            return direction
        return "good" if direction == self.better else "bad"

    def change(self) -> str:
        """'a 16% increase', 'a 6% reduction', 'no change', '3 percentage points higher', 'new this year'."""
        if self.previous is None or self.value is None:
            return ""
        if self.rate:
            points = half_up((Fraction(self.value) - Fraction(self.previous)) * 100)
            if points == 0:
                return "no change"
            return f"{abs(points)} percentage point{'s' if abs(points) != 1 else ''} " + (
                "higher" if points > 0 else "lower")
        if self.value == self.previous:
            return "no change"
        if not self.previous:
            return "new this year"
        pct = half_up(abs(Fraction(self.value) - Fraction(self.previous)) / Fraction(self.previous) * 100)
        return f"{_article(int(pct))} {pct}% {'increase' if self.value > self.previous else 'reduction'}"

    def line(self, *, ascii_only: bool = False) -> str:
        shown = _show(self.value, self.rate)
        if self.previous is not None:
            shown += f" ({_show(self.previous, self.rate)})"
        arrow = (ASCII_ARROWS if ascii_only else ARROWS).get(self.direction or "", "")
        change = self.change()
        text = f"{shown} {self.what}" + (f", {change}" if change else "") + self.detail
        return f"{arrow} {text}" if arrow else text


def _article(number: int) -> str:
    """'an' before the numbers said with a vowel first: 8, 11, 18, 80-89, 800-899, 8,000, 11,000..."""
    digits = str(number)
    vowel = digits[0] == "8" or (len(digits) % 3 == 2 and digits[:2] in ("11", "18"))
    return "an" if vowel else "a"


def _show(value: Value, rate: bool) -> str:
    if value is None:
        return "-"
    if rate:
        return f"{half_up(Fraction(value) * 100)}%"
    return f"{value:,}" if isinstance(value, int) else str(value)


def headlines(now: Figures, before: Figures | None) -> list[Headline]:
    """The summary lines of ``now``, compared with ``before`` when given."""

    def get(f: Figures | None, table: str, key: str, column: str = "count") -> Value:
        return f.table(table).value(key, column) if f is not None else None

    def line(what: str, table: str, key: str, column: str = "count", *, rate: bool = False,
             detail: str = "", better: str = "down") -> Headline:
        def value(f: Figures) -> Value:
            v = get(f, table, key, column)
            return 0 if v is None and not rate else v

        return Headline(what, value(now), None if before is None else value(before), rate, detail, better)

    end = now.year.end
    when = "at the year's end" if now.year.complete else f"on {end.day} {end:%B}"

    def ongoing(key: str) -> str:
        n, p = get(now, "stage_activity", key, "ongoing"), get(before, "stage_activity", key, "ongoing")
        return f"; {n}" + (f" ({p})" if before is not None else "") + f" still ongoing {when}"

    lines = [
        line("compliments received", "compliments", "total", better="up"),
        line("concerns and enquiries received", "stage_activity", "concern", "received"),
        line("MP enquiries received", "stage_activity", "mp_enquiry", "received"),
        line("councillor enquiries received", "stage_activity", "councillor_enquiry", "received"),
        line("Stage 1 statutory complaints received", "stage_activity", "statutory_stage1", "received",
             detail=ongoing("statutory_stage1")),
        line("Stage 1 corporate complaints received", "stage_activity", "corporate_stage1", "received",
             detail=ongoing("corporate_stage1")),
        line("Stage 2 statutory complaints worked with", "stage_activity", "statutory_stage2", "worked_with",
             detail=ongoing("statutory_stage2")),
        line("Stage 2 corporate complaints worked with", "stage_activity", "corporate_stage2", "worked_with"),
        line("Stage 3 statutory complaints worked with", "stage_activity", "statutory_stage3", "worked_with"),
        line("Stage 3 corporate complaints worked with", "stage_activity", "corporate_stage3", "worked_with"),
        line("Ombudsman enquiries worked with", "stage_activity", "lgo", "worked_with"),
        line("of Stage 1 statutory responses within timescale", "stage1_timeliness", "within_timescale",
             "percent", rate=True, better="up"),
        line("of Stage 1 statutory responses went on to Stage 2 (escalation rate)", "escalations",
             "escalation_rate", rate=True),
    ]
    return [h for h in lines if not h.nothing]
