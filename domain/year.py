"""The financial year reports cover (1 April to 31 March, labelled ``2024/25``), and rounding rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

MONTHS = ("apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "jan", "feb", "mar")


class YearError(ValueError):
    """A year the user typed that is not a financial year."""


@dataclass(frozen=True, order=True)
class FinancialYear:
    first: int  # the calendar year in which it starts

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """``2024``, ``2024/25``, ``2024-25`` or ``2024/2025`` -> the year from 1 April 2024."""
        m = re.fullmatch(r"\s*(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?\s*", text or "")
        if not m:
            raise YearError(f"{text!r} is not a financial year: write 2024, 2024/25 or 2024-25")
        first = int(m.group(1))
        if m.group(2):
            second = int(m.group(2))
            expected = first + 1 if len(m.group(2)) == 4 else (first + 1) % 100
            if second != expected:
                raise YearError(f"{text!r} is not a financial year: the second year must follow the first "
                                f"(did you mean {first}/{(first + 1) % 100:02d}?)")
        if not 1900 <= first <= 2200:
            raise YearError(f"{text!r} is out of range: years from 1900 to 2200")
        return cls(first)

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def label(self) -> str:
        return f"{self.first}/{(self.first + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.first, 4, 1)

    @property
    def end(self) -> date:
        return date(self.first + 1, 3, 31)

    @property
    def previous(self) -> FinancialYear:
        return FinancialYear(self.first - 1)

    def back(self, years: int) -> FinancialYear:
        return FinancialYear(self.first - years)

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
