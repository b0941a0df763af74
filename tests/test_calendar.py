"""The working-day clock against the rules of the domain README and an independent count."""

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import WorkingCalendar

ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=range(2005, 2036))


def plain_count(start: date, end: date) -> int:
    """Independent count: walk day by day, skipping weekends and England's holidays."""
    n, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in ENGLAND:
            n += 1
    return n


@pytest.mark.parametrize("day", [date(2012, 6, 4), date(2012, 6, 5), date(2020, 5, 8), date(2022, 6, 2),
                                 date(2022, 6, 3), date(2022, 9, 19), date(2023, 5, 8)])
def test_one_off_days_are_not_working_days(calendar, day):
    assert not calendar.is_working_day(day)


@pytest.mark.parametrize("day", [date(2020, 5, 4), date(2022, 5, 30), date(2012, 5, 28)])
def test_moved_holidays_original_dates_are_working_days(calendar, day):
    assert calendar.is_working_day(day)


def test_easter_monday_and_august_holiday_count_in_england(calendar):
    assert not calendar.is_working_day(date(2026, 4, 6))
    assert not calendar.is_working_day(date(2026, 8, 31))


def test_start_day_is_day_zero(calendar):
    monday = date(2026, 11, 2)
    assert calendar.add(monday, 0) == monday
    assert calendar.add(monday, 1) == date(2026, 11, 3)
    assert calendar.add(monday, 10) == date(2026, 11, 16)
    assert calendar.elapsed(monday, date(2026, 11, 16)) == 10


def test_ten_days_over_christmas_skip_the_substitute_boxing_day(calendar):
    # Fri 25 Dec 2026, Mon 28 Dec (Boxing Day observed) and Fri 1 Jan 2027 are not working days
    assert calendar.add(date(2026, 12, 18), 10) == date(2027, 1, 6)


def test_received_on_a_saturday_counts_from_monday(calendar):
    assert calendar.add(date(2026, 11, 21), 1) == date(2026, 11, 23)


def test_closure_days_from_config_are_skipped():
    cal = WorkingCalendar.for_region("ENG", closures=[date(2026, 12, 29), date(2026, 12, 30)])
    assert cal.add(date(2026, 12, 24), 1) == date(2026, 12, 31)


def test_regions_differ_scotland_has_no_easter_monday():
    assert not WorkingCalendar.for_region("ENG").is_working_day(date(2026, 4, 6))
    assert WorkingCalendar.for_region("SCT").is_working_day(date(2026, 4, 6))
    with pytest.raises(ValueError, match="region"):
        WorkingCalendar.for_region("XX")


def test_stored_days_calendar_matches_the_library(calendar):
    stored = WorkingCalendar.from_days(calendar.non_working_weekdays(2020, 2027))
    start = date(2021, 3, 1)
    assert all(stored.add(start, n) == calendar.add(start, n) for n in range(0, 400, 7))


dates = st.dates(min_value=date(2008, 1, 1), max_value=date(2033, 12, 31))


@settings(max_examples=300, deadline=None)
@given(start=dates, end=dates)
def test_elapsed_matches_a_plain_count(start, end):
    cal = WorkingCalendar.for_region("ENG")
    if end >= start:
        assert cal.elapsed(start, end) == plain_count(start, end)
    else:
        assert cal.elapsed(start, end) == -plain_count(end, start)


@settings(max_examples=300, deadline=None)
@given(start=dates, n=st.integers(min_value=0, max_value=130))
def test_add_is_the_nth_working_day_after(start, n):
    cal = WorkingCalendar.for_region("ENG")
    due = cal.add(start, n)
    assert plain_count(start, due) == n
    if n:
        assert due.weekday() < 5 and due not in ENGLAND  # lands on a working day
        assert plain_count(start, due - timedelta(days=1)) == n - 1  # and is the first such day
