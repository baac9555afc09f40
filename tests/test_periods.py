"""Periods in Stockholm time: ISO weeks, quarters, tertials, comparisons, DST, the lägesbild year
and the public quarters (samtrygg.periods, the one home of these rules)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from samtrygg.periods import (
    complete_quarters,
    cycle_window,
    lagesbild_year,
    local_day_bounds,
    make_period,
    monday_of,
    today_local,
    week_of,
)

UTC = ZoneInfo("UTC")
FAR = date(2030, 1, 1)  # "today" after every period below, so they are complete


def test_week_runs_monday_to_sunday_in_stockholm_time() -> None:
    p = make_period("week", at=date(2026, 11, 26), today=FAR)  # a Thursday
    assert (p.start, p.end) == (date(2026, 11, 23), date(2026, 11, 30))
    assert p.start.isoweekday() == 1 and p.days == 7
    # Midnight in Stockholm is 23:00 UTC the evening before in winter.
    assert p.start_utc.astimezone(UTC) == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)
    assert p.end_utc.astimezone(UTC) == datetime(2026, 11, 29, 23, 0, tzinfo=UTC)


def test_week_across_the_spring_dst_change_is_167_hours() -> None:
    # 29 March 2026: clocks go from 02:00 to 03:00 in Stockholm.
    p = make_period("week", at=date(2026, 3, 25), today=FAR)
    assert p.start == date(2026, 3, 23)
    assert p.end_utc.astimezone(UTC) - p.start_utc.astimezone(UTC) == timedelta(hours=167)
    assert p.start_utc.astimezone(UTC).hour == 23  # CET
    assert p.end_utc.astimezone(UTC).hour == 22  # CEST


def test_week_across_the_autumn_dst_change_is_169_hours() -> None:
    p = make_period("week", at=date(2026, 10, 25), today=FAR)  # a Sunday
    assert p.start == date(2026, 10, 19)
    assert p.end_utc.astimezone(UTC) - p.start_utc.astimezone(UTC) == timedelta(hours=169)


def test_iso_week_one_may_start_in_december() -> None:
    p = make_period("week", at=date(2025, 1, 1), today=FAR)
    assert p.start == date(2024, 12, 30)
    assert p.label().endswith("2025")
    assert "1" in p.label()


def test_four_weeks_end_with_the_week_of_the_date() -> None:
    p = make_period("4weeks", at=date(2026, 11, 26), today=FAR)
    assert (p.start, p.end) == (date(2026, 11, 2), date(2026, 11, 30))
    assert p.previous().start == date(2026, 10, 5) and p.previous().days == 28


@pytest.mark.parametrize(
    ("at", "start", "end"),
    [
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 5, 1)),
        (date(2026, 4, 30), date(2026, 1, 1), date(2026, 5, 1)),
        (date(2026, 5, 1), date(2026, 5, 1), date(2026, 9, 1)),
        (date(2026, 8, 31), date(2026, 5, 1), date(2026, 9, 1)),
        (date(2026, 9, 1), date(2026, 9, 1), date(2027, 1, 1)),
        (date(2026, 12, 31), date(2026, 9, 1), date(2027, 1, 1)),
    ],
)
def test_tertials_are_jan_apr_may_aug_sep_dec(at: date, start: date, end: date) -> None:
    p = make_period("tertial", at=at, today=FAR)
    assert (p.start, p.end) == (start, end)


def test_quarter_and_its_previous_and_last_year() -> None:
    p = make_period("quarter", at=date(2026, 2, 14), today=FAR)
    assert (p.start, p.end) == (date(2026, 1, 1), date(2026, 4, 1))
    prev = p.previous()
    assert (prev.start, prev.end) == (date(2025, 10, 1), date(2026, 1, 1))
    assert prev.days == 92 and p.days == 90  # the tests use days as exposure
    ly = p.last_year()
    assert (ly.start, ly.end) == (date(2025, 1, 1), date(2025, 4, 1))


def test_tertial_previous_crosses_the_year() -> None:
    p = make_period("tertial", at=date(2026, 3, 1), today=FAR)
    assert (p.previous().start, p.previous().end) == (date(2025, 9, 1), date(2026, 1, 1))


def test_year_previous_and_last_year_are_the_year_before() -> None:
    p = make_period("year", at=date(2024, 6, 1), today=FAR)
    assert p.days == 366
    assert (p.previous().start, p.previous().end) == (date(2023, 1, 1), date(2024, 1, 1))
    assert p.last_year().start == date(2023, 1, 1)


def test_week_last_year_is_52_weeks_earlier_on_the_same_weekdays() -> None:
    p = make_period("week", at=date(2026, 11, 26), today=FAR)
    ly = p.last_year()
    assert ly.start == date(2025, 11, 24) and ly.start.isoweekday() == 1
    assert p.start.isocalendar().week == ly.start.isocalendar().week
    prev = p.previous()
    assert (prev.start, prev.end) == (date(2026, 11, 16), date(2026, 11, 23))


def test_custom_period_compares_with_the_days_just_before() -> None:
    p = make_period("custom", at=FAR, today=FAR, start=date(2026, 3, 10), end=date(2026, 3, 19))
    assert p.days == 10 and p.end == date(2026, 3, 20)
    assert (p.previous().start, p.previous().end) == (date(2026, 2, 28), date(2026, 3, 10))
    assert p.last_year().start == date(2025, 3, 10)


def test_leap_day_last_year_is_the_28th() -> None:
    p = make_period("custom", at=FAR, today=FAR, start=date(2024, 2, 29), end=date(2024, 2, 29))
    assert p.last_year().start == date(2023, 2, 28)


def test_unfinished_period_is_observed_to_today_and_cuts_its_comparisons() -> None:
    p = make_period("week", at=date(2026, 11, 26), today=date(2026, 11, 26))
    assert not p.is_complete and p.days == 4 and p.last_day == date(2026, 11, 26)
    assert p.previous().days == 4 and p.previous().observed_end == date(2026, 11, 20)
    assert p.last_year().days == 4


def test_today_local_uses_stockholm_time() -> None:
    late = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)  # 00:30 on 1 July in Stockholm
    assert today_local(late) == date(2026, 7, 1)


def test_cycle_window_is_the_year_up_to_the_period_end() -> None:
    p = make_period("week", at=date(2026, 11, 26), today=FAR)
    w = cycle_window(p)
    assert (w.start, w.observed_end) == (date(2025, 11, 30), date(2026, 11, 30))
    year = make_period("year", at=date(2025, 5, 5), today=FAR)
    assert cycle_window(year) == year


def test_week_of_a_quarter_is_its_last_iso_week() -> None:
    p = make_period("quarter", at=date(2026, 5, 5), today=FAR)
    w = week_of(p)
    assert w.start == monday_of(date(2026, 6, 30)) == date(2026, 6, 29)
    assert w.observed_end == date(2026, 7, 1)  # the quarter ends on a Tuesday


def test_unknown_period_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown period"):
        make_period("fortnight", at=FAR, today=FAR)


def test_the_lagesbild_year_runs_from_october_to_september() -> None:
    assert lagesbild_year(2026) == (date(2025, 10, 1), date(2026, 9, 30))


def test_local_day_bounds_follow_summer_time() -> None:
    # 29 March 2026: clocks go forward, so the day is 23 hours long.
    start, end = local_day_bounds(date(2026, 3, 29), date(2026, 3, 29))
    assert start.astimezone(UTC) == datetime(2026, 3, 28, 23, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 3, 29, 22, tzinfo=UTC)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)


def test_complete_quarters_end_before_the_current_one_and_cross_years() -> None:
    quarters = complete_quarters(date(2026, 2, 15), 3)
    assert [(q.start, q.end) for q in quarters] == [
        (date(2025, 4, 1), date(2025, 7, 1)),
        (date(2025, 7, 1), date(2025, 10, 1)),
        (date(2025, 10, 1), date(2026, 1, 1)),
    ]
    assert all(q.is_complete and q.kind == "quarter" for q in quarters)
    # The first day of a quarter: the quarter that just began is not complete.
    assert complete_quarters(date(2026, 4, 1), 1)[0].start == date(2026, 1, 1)
