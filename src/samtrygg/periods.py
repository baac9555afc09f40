"""Periods in Swedish local time: the one home of the product's calendar rules.

The situational picture's periods, the lägesbild's year (:func:`lagesbild_year`), the public
page's quarters (:func:`complete_quarters`) and the bounds of a run of local days
(:func:`local_day_bounds`) are all made here, so that "a day", "a week" and "a quarter" mean the
same on every page. Incidents are stored in UTC; a local day begins at local midnight.

A period is a run of whole local days ``[start, end)`` in Europe/Stockholm. Weeks are ISO weeks
(Monday–Sunday); tertials are January–April, May–August and September–December. Each period
knows the two periods it is compared with:

* the **previous** period: the week, four weeks, quarter, tertial or year just before (for a
  custom period, the same number of days just before);
* the **same period last year**: 52 weeks (364 days, the same weekdays) earlier for week-based
  periods, the same calendar dates a year earlier for the others.

A period that has not ended yet is observed only up to and including today; its comparison
periods are cut to the same number of days, so that "this week so far" is compared with the same
weekdays of the previous week and of last year (exposure in days, docs/methods-reference.md §5).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

STOCKHOLM = ZoneInfo("Europe/Stockholm")

KINDS = ("week", "4weeks", "quarter", "tertial", "year", "custom")
WEEK_BASED = ("week", "4weeks")


def local_midnight(day: date) -> datetime:
    """The aware datetime of 00:00 Stockholm time on ``day`` (DST handled by zoneinfo)."""
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM)


def monday_of(day: date) -> date:
    """The Monday of the ISO week that contains ``day``."""
    return day - timedelta(days=day.weekday())


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February: the last day of February a year earlier.
        return day.replace(year=day.year - 1, day=28)


def _month_start(year: int, month: int) -> date:
    """The first of ``month`` (which may run past 12 or below 1) in ``year``."""
    year += (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Local days ``start`` (inclusive) to ``end`` (exclusive), observed up to ``observed_end``."""

    kind: str
    start: date
    end: date
    observed_end: date

    @property
    def days(self) -> int:
        """Days observed (the exposure of the count tests)."""
        return (self.observed_end - self.start).days

    @property
    def last_day(self) -> date:
        """The last observed day (inclusive)."""
        return self.observed_end - timedelta(days=1)

    @property
    def is_complete(self) -> bool:
        return self.observed_end >= self.end

    @property
    def start_utc(self) -> datetime:
        return local_midnight(self.start)

    @property
    def end_utc(self) -> datetime:
        """The end of the observed part, as an aware datetime (exclusive)."""
        return local_midnight(self.observed_end)

    def label(self) -> str:
        """A short Swedish/English label such as "Vecka 47 2026" or "Kvartal 3 2026"."""
        s = self.start
        if self.kind == "week":
            year, week, _day = s.isocalendar()
            return _("Week %(week)d, %(year)d") % {"week": week, "year": year}
        if self.kind == "quarter":
            return _("Quarter %(n)d, %(year)d") % {"n": (s.month - 1) // 3 + 1, "year": s.year}
        if self.kind == "tertial":
            return _("Tertial %(n)d, %(year)d") % {"n": (s.month - 1) // 4 + 1, "year": s.year}
        if self.kind == "year":
            return str(s.year)
        return f"{s.isoformat()} – {(self.end - timedelta(days=1)).isoformat()}"

    def span_label(self) -> str:
        """The observed dates, e.g. "2026-11-16 – 2026-11-22"."""
        return f"{self.start.isoformat()} – {self.last_day.isoformat()}"

    def _cut(self, start: date, end: date) -> Period:
        """A comparison period ``[start, end)`` cut to this period's observed length."""
        observed = end if self.is_complete else min(end, start + timedelta(days=self.days))
        return Period(self.kind, start, end, observed)

    def previous(self) -> Period:
        """The period just before (see the module docstring)."""
        s = self.start
        if self.kind == "week":
            return self._cut(s - timedelta(days=7), s)
        if self.kind == "4weeks":
            return self._cut(s - timedelta(days=28), s)
        if self.kind in ("quarter", "tertial", "year"):
            months = {"quarter": 3, "tertial": 4, "year": 12}[self.kind]
            return self._cut(_month_start(s.year, s.month - months), s)
        length = self.end - self.start
        return self._cut(s - length, s)

    def last_year(self) -> Period:
        """The same period a year earlier."""
        if self.kind in WEEK_BASED:
            shift = timedelta(days=364)
            return self._cut(self.start - shift, self.end - shift)
        return self._cut(_year_earlier(self.start), _year_earlier(self.end))


def make_period(
    kind: str,
    *,
    at: date,
    today: date,
    start: date | None = None,
    end: date | None = None,
) -> Period:
    """The period of ``kind`` that contains ``at``; custom periods run from ``start`` to ``end``.

    ``end`` of a custom period is inclusive (the last day), as people write dates. Days after
    ``today`` are not observed yet.
    """
    if kind == "week":
        first = monday_of(at)
        after = first + timedelta(days=7)
    elif kind == "4weeks":
        after = monday_of(at) + timedelta(days=7)
        first = after - timedelta(days=28)
    elif kind in ("quarter", "tertial"):
        months = 3 if kind == "quarter" else 4
        first = date(at.year, (at.month - 1) // months * months + 1, 1)
        after = _month_start(first.year, first.month + months)
    elif kind == "year":
        first, after = date(at.year, 1, 1), date(at.year + 1, 1, 1)
    elif kind == "custom":
        if start is None or end is None:
            raise ValueError("A custom period needs a first and a last day.")
        first, after = start, end + timedelta(days=1)
    else:
        raise ValueError(f"Unknown period {kind!r}; use one of {', '.join(KINDS)}.")
    observed = min(after, max(first + timedelta(days=1), today + timedelta(days=1)))
    return Period(kind, first, after, observed)


def local_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """Local days ``first``..``last`` (inclusive) as aware datetimes ``[start, end)``."""
    return local_midnight(first), local_midnight(last + timedelta(days=1))


def lagesbild_year(year: int) -> tuple[date, date]:
    """The lägesbild year ``year``: 1 October of the year before to 30 September (inclusive)."""
    return date(year - 1, 10, 1), date(year, 9, 30)


def complete_quarters(today: date, n: int) -> list[Period]:
    """The last ``n`` complete calendar quarters before ``today``, oldest first."""
    current = make_period("quarter", at=today, today=today)
    quarters: list[Period] = []
    end = current.start
    for _i in range(n):
        start = _month_start(end.year, end.month - 3)
        quarters.append(Period("quarter", start, end, end))
        end = start
    return quarters[::-1]


def today_local(now: datetime | None = None) -> date:
    """Today's date in Stockholm."""
    moment = now if now is not None else datetime.now(tz=STOCKHOLM)
    return moment.astimezone(STOCKHOLM).date()


def cycle_window(period: Period) -> Period:
    """The window of the annual cycle: the period itself if a year or longer, else the year up to
    its last observed day."""
    if period.days >= 365:
        return period
    start = _year_earlier(period.observed_end)
    return replace(period, kind="custom", start=start, end=period.observed_end)


def week_of(period: Period) -> Period:
    """The ISO week of the period's last observed day (for "veckans platser")."""
    first = monday_of(period.last_day)
    after = first + timedelta(days=7)
    return Period("week", first, after, min(after, period.observed_end))
