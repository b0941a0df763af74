"""The financial year reports cover (1 April to 31 March, labelled ``2024/25``), and rounding rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from domain.errors import ComplaintsError

#: The first financial year there can be figures for: the Children Act 1989's representations procedure began on
#: 14 October 1991 (an earlier year is a mistyped one, and its report would be a page of zeros).
FIRST_YEAR = 1991
LAST_YEAR = 2200

MONTHS = ("apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "jan", "feb", "mar")


class YearError(ValueError, ComplaintsError):
    """A year the user typed that is not a financial year."""


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A financial year; with ``until``, the part of it up to that day (a year in progress).

    A year in progress is compared like with like: its ``previous`` and ``back`` years are cut at
    the same day of their own year, so "this year so far" always stands beside the same months.
    """

    first: int  # the calendar year in which it starts
    until: date | None = None  # a year in progress: its figures run to this day, not to 31 March

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """``2024``, ``2024/25``, ``2024-25`` or ``2024/2025`` -> the year from 1 April 2024."""
        m = re.fullmatch(r"\s*(\d{4,})(?:\s*[/-]\s*(\d{2}|\d{4}))?\s*", text or "")
        if not m:
            raise YearError(f"{text!r} is not a financial year: write 2024, 2024/25 or 2024-25")
        digits = m.group(1)
        first = int(digits) if len(digits) <= 6 else LAST_YEAR + 1  # never a 5,000-digit int
        if not FIRST_YEAR <= first <= LAST_YEAR:
            raise YearError(f"{text.strip()[:20]!r} is out of range: a financial year from {FIRST_YEAR}/"
                            f"{(FIRST_YEAR + 1) % 100:02d} (the Children Act 1989's procedure began in October "
                            f"{FIRST_YEAR}) to this one")
        if m.group(2):
            second = int(m.group(2))
            expected = first + 1 if len(m.group(2)) == 4 else (first + 1) % 100
            if second != expected:
                raise YearError(f"{text!r} is not a financial year: the second year must follow the first "
                                f"(did you mean {first}/{(first + 1) % 100:02d}?)")
        return cls(first)

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    def so_far(self, today: date) -> FinancialYear:
        """This year as it stands on ``today``: whole once it is over, cut at ``today`` while in progress.

        A year that has not started has no figures: asking for one is an error, not a year of zeros.
        """
        whole = FinancialYear(self.first)
        if today < whole.start:
            raise YearError(f"{whole.label} has not started: it begins on 1 April {self.first} "
                            f"(today is {today.day} {today:%B %Y})")
        return whole if today >= whole.end else FinancialYear(self.first, today)

    @property
    def complete(self) -> bool:
        return self.until is None

    @property
    def months(self) -> int:
        """How many of the year's 12 months it covers (the month in progress counts)."""
        return (self.end.month - 4) % 12 + 1

    @property
    def period(self) -> str:
        """'1 April 2024 to 31 March 2025', or '1 April to 29 November 2026' for a year in progress."""
        if self.until is None:
            return f"1 April {self.first} to 31 March {self.first + 1}"
        end = self.until
        return f"1 April {'' if end.year == self.first else f'{self.first} '}to {end.day} {end:%B %Y}"

    @property
    def label(self) -> str:
        return f"{self.first}/{(self.first + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.first, 4, 1)

    @property
    def end(self) -> date:
        return self.until or date(self.first + 1, 3, 31)

    @property
    def previous(self) -> FinancialYear:
        return self.back(1)

    def back(self, years: int) -> FinancialYear:
        """The year ``years`` before, cut at the same day when this one is in progress."""
        if self.until is None:
            return FinancialYear(self.first - years)
        until = self.until
        target = until.year - years
        day = min(until.day, 28) if (until.month, until.day) == (2, 29) else until.day
        return FinancialYear(self.first - years, date(target, until.month, day))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def month_key(self, day: date) -> str:
        return MONTHS[(day.month - 4) % 12]

    def __str__(self) -> str:
        return self.label


def half_up(value: Fraction | Decimal | int, places: int = 0) -> Decimal:
    """Round half up (as people do, not to even) to ``places`` decimals."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def share(part: int, whole: int) -> Fraction | None:
    """``part`` as an exact fraction of ``whole`` (None when there is no whole)."""
    return Fraction(part, whole) if whole else None
