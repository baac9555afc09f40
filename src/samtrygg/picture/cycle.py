"""The annual cycle: month × weekday and weekday × hour heat maps.

The 12-month grouping is done in the database (:class:`HourText`, :func:`hour_groups`) and cached
until the incidents change; readers of aggregates get published counts of whole incidents
(:func:`published_cycle_maps`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.core.cache import cache
from django.db import connections
from django.db.models import Case, CharField, Count, Func, Max, QuerySet, Value, When
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from samtrygg.analysis import trends
from samtrygg.analysis.cycle import annual_cycle
from samtrygg.incidents.models import TimeBand
from samtrygg.periods import Period, cycle_window
from samtrygg.picture.counts import fmt_number, publish_groups
from samtrygg.picture.filters import in_period

# How long an unchanged annual cycle is reused (a day; new incidents invalidate it at once).
CYCLE_CACHE_SECONDS = 24 * 3600


class HourText(Func):
    """A datetime column truncated to its UTC hour (``YYYY-MM-DD HH`` text on SQLite).

    Grouping by this in the database turns a year of incidents into at most 8,784 hour groups
    per (end hour, exactness), whatever the number of incidents; Stockholm's offset from UTC is
    always whole hours, so local months, weekdays and hours follow exactly from the UTC hour.
    """

    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django stores datetimes in SQLite as UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]".
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 13)", **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # A timestamp truncated to the hour groups faster than text (psycopg returns datetimes).
        template = "date_trunc('hour', %(expressions)s AT TIME ZONE 'UTC')"
        return self.as_sql(compiler, connection, template=template, **extra)


@dataclass(frozen=True)
class HeatCell:
    text: str
    level: int


@dataclass(frozen=True)
class HeatMap:
    caption: str
    corner: str
    columns: list[str]
    rows: list[tuple[str, list[HeatCell]]]
    note: str = ""


def heat_map(
    caption: str,
    corner: str,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    values: npt.NDArray[np.float64],
    note: str = "",
) -> HeatMap:
    """A table whose cells carry a colour level 0–5 (relative to the largest cell).

    ``values`` are what the reader may see: exact (aoristic) sums or published counts.
    """
    top = float(values.max()) if values.size else 0.0
    rows = []
    for i, label in enumerate(row_labels):
        cells = []
        for j in range(len(col_labels)):
            v = float(values[i, j])
            level = 0 if top <= 0 or v <= 0 else min(5, int(np.ceil(5 * v / top)))
            cells.append(HeatCell(fmt_number(v, 0 if v.is_integer() else 1), level))
        rows.append((label, cells))
    return HeatMap(caption, corner, list(col_labels), rows, note)


def hour_groups(
    qs: QuerySet[Any],
) -> tuple[
    npt.NDArray[np.datetime64],
    npt.NDArray[np.datetime64],
    npt.NDArray[np.bool_],
    npt.NDArray[np.int64],
]:
    """Incidents grouped by (start hour, end hour, exact time) in one database query.

    Returns the local start and end hours as ``datetime64[s]``, whether the times are exact,
    and the number of incidents in each group. The query runs through a plain cursor: with a
    few thousand groups the ORM's per-row conversions would cost more than the query.
    """
    grouped = (
        qs.order_by()
        .annotate(
            h0=HourText("occurred_from"),
            h1=HourText("occurred_to"),
            exact=Case(When(time_band=TimeBand.EXACT, then=Value(1)), default=Value(0)),
        )
        .values("h0", "h1", "exact")
        .annotate(n=Count("id"))
        .values_list("h0", "h1", "exact", "n")
    )
    sql, params = grouped.query.sql_with_params()
    connection = connections[grouped.db]
    # The outer query turns each group's hours into epoch seconds: plain integers for numpy.
    if connection.vendor == "postgresql":
        epoch = "CAST(EXTRACT(EPOCH FROM g.{0}) AS BIGINT)"
    else:
        epoch = "CAST(strftime('%%s', g.{0} || ':00:00') AS INTEGER)"
    outer = f"SELECT {epoch.format('h0')}, {epoch.format('h1')}, g.exact, g.n FROM ({sql}) g"
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        rows = cursor.fetchall()
    if not rows:
        empty = np.empty(0, dtype="datetime64[s]")
        return empty, empty, np.empty(0, dtype=bool), np.empty(0, dtype=np.int64)
    table = np.asarray(rows, dtype=np.int64)
    # One time-zone conversion for starts and ends together.
    local = trends.to_local_time(table[:, :2].ravel().astype("datetime64[s]")).reshape(-1, 2)
    return local[:, 0], local[:, 1], table[:, 2].astype(bool), table[:, 3]


def cached_hour_groups(
    qs: QuerySet[Any],
) -> tuple[
    npt.NDArray[np.datetime64],
    npt.NDArray[np.datetime64],
    npt.NDArray[np.bool_],
    npt.NDArray[np.int64],
]:
    """:func:`hour_groups`, cached until the incidents it covers change.

    The 12-month grouping is the picture's most expensive query, yet its input changes only when
    incidents are added or removed. The key is the query itself plus the number and the highest id
    of the incidents it selects, which changes with every insert or delete (incidents are never
    edited in place; a future edit view must add a change stamp to this key).
    """
    version = qs.order_by().aggregate(n=Count("id"), last=Max("id"))
    sql, params = qs.order_by().values("id").query.sql_with_params()
    digest = hashlib.sha1(f"{qs.db}|{sql}|{params}".encode()).hexdigest()
    key = f"picture:hours:{digest}:{version['n']}:{version['last']}"
    cached = cache.get(key)
    if cached is None:
        cached = hour_groups(qs)
        cache.set(key, cached, CYCLE_CACHE_SECONDS)
    return cached  # type: ignore[no-any-return]


def annual_cycle_maps(qs: QuerySet[Any], period: Period, exact: bool) -> list[HeatMap]:
    """Month × weekday (every incident, by its start) and weekday × hour (exact times with a
    window of at most 48 h, spread over the hours by aoristic weights; to the hour)."""
    window = cycle_window(period)
    if not exact:
        return published_cycle_maps(in_period(qs, window), window)
    start, end, is_exact, n = cached_hour_groups(in_period(qs, window))
    first, last = window.start.isoformat(), window.last_day.isoformat()
    month_weekday = np.zeros((12, 7))
    weekday_hour = np.zeros((7, 24))
    total = int(n.sum())
    used = 0
    if total:
        # One entry per incident (np.repeat) so that the library's profiles apply unchanged.
        cycle = annual_cycle(np.repeat(start, n), start=first, end=last, max_days=0.0)
        month_weekday = cycle.month_weekday.astype(float)
        short = is_exact & (end >= start) & (end - start <= np.timedelta64(48, "h"))
        if short.any():
            # Hour buckets stand for their middle, so a window keeps its length in hours.
            half = np.timedelta64(30, "m")
            hours = annual_cycle(
                np.repeat(start[short] + half, n[short]),
                np.repeat(end[short] + half, n[short]),
                start=first,
                end=last,
                max_days=2.0,
            )
            weekday_hour = hours.weekday_hour
            used = int(round(weekday_hour.sum()))
    note = _(
        "Only incidents with an exact time and a window of at most 48 hours; "
        "%(n)d incidents with an imprecise time are left out. A window is spread over "
        "its hours (aoristic weights)."
    ) % {"n": total - used}
    return cycle_heat_maps(window, month_weekday, weekday_hour, note)


def cycle_heat_maps(
    window: Period,
    month_weekday: npt.NDArray[np.float64],
    weekday_hour: npt.NDArray[np.float64],
    note: str,
) -> list[HeatMap]:
    """The two heat maps of the annual cycle (12 × 7 and 7 × 24 values) for ``window``."""
    weekdays = [str(WEEKDAYS_ABBR[d]) for d in range(7)]
    months = [str(MONTHS_3[m]) for m in range(1, 13)]
    span = {"start": window.start.isoformat(), "end": window.last_day.isoformat()}
    return [
        heat_map(
            _("Incidents by month and weekday, %(start)s – %(end)s") % span,
            _("Month"),
            months,
            weekdays,
            month_weekday,
        ),
        heat_map(
            _("Incidents by weekday and hour, %(start)s – %(end)s") % span,
            _("Weekday"),
            weekdays,
            [f"{h:02d}" for h in range(24)],
            weekday_hour,
            note=note,
        ),
    ]


def _epoch_rows(qs: QuerySet[Any]) -> npt.NDArray[np.int64]:
    """(id, start, end, exact) of every incident, times as UTC epoch seconds.

    Through a plain cursor, as :func:`hour_groups`: a year of incidents is up to a million rows,
    and turning each time into a Python datetime would cost seconds.
    """
    rows = (
        qs.order_by()
        .annotate(exact=Case(When(time_band=TimeBand.EXACT, then=Value(1)), default=Value(0)))
        .values_list("id", "occurred_from", "occurred_to", "exact")
    )
    sql, params = rows.query.sql_with_params()
    connection = connections[rows.db]
    if connection.vendor == "postgresql":
        epoch = "CAST(EXTRACT(EPOCH FROM g.{0}) AS BIGINT)"
    else:  # Django's SQLite text "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC
        epoch = "CAST(strftime('%%s', g.{0}) AS INTEGER)"
    columns = [c.split(".")[-1].strip('"') for c in ("id", "occurred_from", "occurred_to")]
    outer = (
        f"SELECT g.{columns[0]}, {epoch.format(columns[1])}, {epoch.format(columns[2])}, g.exact "
        f"FROM ({sql}) g"
    )
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        fetched = cursor.fetchall()
    return np.asarray(fetched, dtype=np.int64).reshape(-1, 4)


def published_cycle_maps(qs: QuerySet[Any], window: Period) -> list[HeatMap]:
    """The annual cycle for readers of aggregates: published counts of whole incidents.

    Aoristic weights split an incident over hours, and fractions of incidents cannot be given a
    cell key, so here each incident counts once: by its start for month × weekday, and, if its
    time is exact with a window of at most 48 hours, in the hour it began for weekday × hour.
    """
    table = _epoch_rows(qs)
    ids = table[:, 0]
    utc_starts = table[:, 1].astype("datetime64[s]")
    ends = table[:, 2].astype("datetime64[s]")
    starts = trends.to_local_time(utc_starts)
    short = table[:, 3].astype(bool) & (
        (ends >= utc_starts) & (ends - utc_starts <= np.timedelta64(48, "h"))
    )
    days = starts.astype("datetime64[D]")
    month = (starts.astype("datetime64[M]").astype(np.int64) % 12).astype(np.int64)
    weekday = ((days.astype(np.int64) + 3) % 7).astype(np.int64)  # 1970-01-01 was a Thursday
    hour = ((starts - days).astype("timedelta64[h]").astype(np.int64)).astype(np.int64)
    month_weekday = np.asarray(publish_groups(ids, month * 7 + weekday, 84), dtype=float)
    weekday_hour = np.asarray(
        publish_groups(ids[short], weekday[short] * 24 + hour[short], 168), dtype=float
    )
    note = _(
        "Only incidents with an exact time and a window of at most 48 hours, each counted "
        "in the hour it began."
    )
    return cycle_heat_maps(window, month_weekday.reshape(12, 7), weekday_hour.reshape(7, 24), note)
