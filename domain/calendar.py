"""The working-day calendar of the statutory procedure.

A working day is not a Saturday, Sunday, Christmas Day, Boxing Day, Good Friday or bank holiday
(reg 2, SI 2006/1738), nor one of the council's own closure days. Counting follows the domain
README: the start date is day 0; elapsed working days are those strictly after the start up to
and including the end; "due in N working days" is the Nth working day after the start.

Arithmetic is O(log n): a closed formula counts weekdays, a sorted list of non-working weekdays
is bisected. Years of holidays are loaded lazily, so any date works without a fixed range.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from datetime import date

#: Regions of the United Kingdom, as subdivisions of the ``holidays`` package.
REGIONS = {"ENG": "England", "WLS": "Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}

HolidaySource = Callable[[int], Iterable[date]]


def _weekdays_through(ordinal: int) -> int:
    """Number of Mondays-to-Fridays among ordinals 1..ordinal (ordinal 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def region_holidays(region: str = "ENG") -> HolidaySource:
    """Bank holidays of a UK region from the ``holidays`` package, one year at a time.

    The subdivision matters: ``country_holidays("GB")`` without one silently drops Easter
    Monday and the August bank holiday.
    """
    if region not in REGIONS:
        raise ValueError(f"calendar region {region!r} is not one of: {', '.join(REGIONS)}")

    def source(year: int) -> list[date]:
        import holidays  # imported lazily: it is slow, and stored calendars do not need it

        return list(holidays.country_holidays("GB", subdiv=region, years=year).keys())

    return source


class WorkingCalendar:
    """Working-day arithmetic over weekends, holidays from a source, and extra closure days."""

    def __init__(self, holidays: HolidaySource, closures: Iterable[date] = ()) -> None:
        self._source = holidays
        self._closures = frozenset(closures)
        self._years: tuple[int, int] | None = None
        self._off: set[int] = set()  # ordinals of non-working weekdays
        self._sorted: list[int] = []

    @classmethod
    def for_region(cls, region: str = "ENG", closures: Iterable[date] = ()) -> WorkingCalendar:
        return cls(region_holidays(region), closures)

    @classmethod
    def stored(cls, days: Iterable[date], first: int, last: int, outside: HolidaySource,
               closures: Iterable[date] = ()) -> WorkingCalendar:
        """Stored non-working days for the years ``first``..``last``; ``outside`` for any other year."""
        by_year: dict[int, list[date]] = {}
        for day in days:
            by_year.setdefault(day.year, []).append(day)

        def source(year: int) -> Iterable[date]:
            return by_year.get(year, ()) if first <= year <= last else outside(year)

        return cls(source, closures)

    @classmethod
    def from_days(cls, days: Iterable[date]) -> WorkingCalendar:
        """A calendar whose only non-working weekdays are ``days`` (e.g. as stored in a database)."""
        by_year: dict[int, list[date]] = {}
        for day in days:
            by_year.setdefault(day.year, []).append(day)
        return cls(lambda year: by_year.get(year, ()))

    # -- loading ---------------------------------------------------------------------------

    def _ensure(self, first: int, last: int) -> None:
        """Load the holidays of every year from ``first`` to ``last``, keeping a contiguous range."""
        if self._years is not None:
            lo, hi = self._years
            if lo <= first and last <= hi:
                return
            wanted = range(min(first, lo), max(last, hi) + 1)
            missing = [y for y in wanted if not lo <= y <= hi]
        else:
            wanted = range(first, last + 1)
            missing = list(wanted)
        for year in missing:
            days = list(self._source(year)) + [c for c in self._closures if c.year == year]
            self._off.update(d.toordinal() for d in days if d.weekday() < 5 and d.year == year)
        self._sorted = sorted(self._off)
        self._years = (wanted.start, wanted.stop - 1)

    def _count(self, ordinal: int) -> int:
        """Working days up to and including ``ordinal``, from an arbitrary origin."""
        return _weekdays_through(ordinal) - bisect.bisect_right(self._sorted, ordinal)

    # -- questions -------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        self._ensure(day.year, day.year)
        return day.toordinal() not in self._off

    def non_working_weekdays(self, first_year: int, last_year: int) -> list[date]:
        """Every non-working weekday (holiday or closure) of the years, in order."""
        self._ensure(first_year, last_year)
        return [
            date.fromordinal(o) for o in self._sorted if first_year <= date.fromordinal(o).year <= last_year
        ]

    def elapsed(self, start: date, end: date) -> int:
        """Working days strictly after ``start`` up to and including ``end`` (negative if ``end`` is earlier)."""
        self._ensure(min(start, end).year, max(start, end).year)
        return self._count(end.toordinal()) - self._count(start.toordinal())

    def add(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself when ``days`` is 0)."""
        if days < 0:
            raise ValueError("a number of working days to add cannot be negative")
        if days == 0:
            return start
        lo = start.toordinal()
        hi = lo + days * 2 + 14
        self._ensure(start.year, date.fromordinal(hi).year)
        target = self._count(lo) + days
        while self._count(hi) < target:  # only for long runs of closures
            hi += days + 14
            self._ensure(start.year, date.fromordinal(hi).year)
        # the smallest ordinal whose count reaches the target is the working day we want
        while lo + 1 < hi:
            mid = (lo + hi) // 2
            if self._count(mid) >= target:
                hi = mid
            else:
                lo = mid
        return date.fromordinal(hi)

    def left(self, today: date, due: date) -> int:
        """Working days from ``today`` to ``due``: 0 when due today, negative when overdue."""
        return self.elapsed(today, due)
