"""The numbers of the situational picture ("lägesbilden"), computed in the database and in numpy.

Counts are grouped in the database (``values().annotate(Count)``); the annual cycle pulls one
column of epoch seconds per incident and hands it to :mod:`samtrygg.analysis.trends`; changes are
tested with the product's one change test, :func:`samtrygg.analysis.changes.change_test`
(the Poisson E-test, exposures in days, and Holm's correction over the categories;
docs/methods-reference.md §5), the same as the lägesbild. People who may not see every
incident in detail (viewers, reporters) get aggregates under the small-count rule of
docs/domain.md §11:

* the category, area and organisation tables with their totals go through
  :func:`samtrygg.analysis.disclosure.suppress_series` (primary and secondary suppression, one
  neutral marker);
* map cells and heat-map cells are published without margins, so primary suppression
  (0 < n < k shown as "<5") is enough: :func:`samtrygg.analysis.disclosure.aggregate_to_grid` for
  the cells and :func:`primary_suppressed` here for the heat maps.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.core.cache import cache
from django.db import connections
from django.db.models import Case, CharField, Count, Func, Max, Q, QuerySet, Value, When
from django.utils import formats, timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from samtrygg.analysis import disclosure, trends
from samtrygg.analysis.changes import ALPHA, change_test
from samtrygg.analysis.cycle import annual_cycle
from samtrygg.analysis.geo import CELL_SIZE as CELL
from samtrygg.analysis.geo import SWEREF99TM, to_lonlat, to_metric
from samtrygg.areas.models import Area
from samtrygg.incidents.models import (
    Category,
    Incident,
    IncidentArea,
    IncidentQuerySet,
    PoliceEvent,
    TimeBand,
)
from samtrygg.partnerships.access import Access
from samtrygg.partnerships.models import Organisation, Role
from samtrygg.periods import Period, cycle_window, week_of

# How long an unchanged annual cycle is reused (a day; new incidents invalidate it at once).
CYCLE_CACHE_SECONDS = 24 * 3600

K = 5  # the small-count threshold (docs/domain.md §11)
MAX_POINTS = 5000
PLACES = 10
REPORTS_PER_PLACE = 20
HIDDEN = "<5"


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
class Filters:
    """What the user chose: the period and optionally one area and one category."""

    period: Period
    area: Area | None = None
    category: Category | None = None


def incidents(access: Access, filters: Filters) -> IncidentQuerySet:
    """The partnership's incidents under the area and category filters (no time filter)."""
    qs = Incident.objects.filter(partnership=access.partnership)
    if filters.area is not None:
        qs = qs.filter(pk__in=IncidentArea.objects.filter(area=filters.area).values("incident_id"))
    if filters.category is not None:
        qs = qs.filter(category=filters.category)
    return qs


def in_period(qs: QuerySet[Any], period: Period) -> Any:
    """Incidents that began in the observed part of ``period`` (local days)."""
    return qs.filter(occurred_from__gte=period.start_utc, occurred_from__lt=period.end_utc)


def visible_part(qs: QuerySet[Any], user: Any, access: Access) -> Any:
    """The incidents of ``qs`` the user may see in detail.

    The two querysets are ANDed (``&``): the database applies ``visible_to``'s conditions to
    the same rows, rather than matching ids against a subquery of the whole partnership.
    """
    return qs & Incident.objects.visible_to(user, access.partnership)


def detail_queryset(user: Any, access: Access, filters: Filters) -> IncidentQuerySet:
    """The period's incidents the user may see in detail (none for viewers)."""
    qs: IncidentQuerySet = visible_part(
        in_period(incidents(access, filters), filters.period), user, access
    )
    return qs


def sees_details(access: Access) -> bool:
    """Viewers see aggregates only; everyone else sees the incidents ``visible_to`` allows."""
    return access.role != Role.VIEWER


# --------------------------------------------------------------------------- formatting


def fmt_number(value: float, decimals: int = 0) -> str:
    return str(formats.number_format(round(value, decimals), decimals))


def fmt_p(p: float) -> str:
    if p < 0.001:
        return "< " + fmt_number(0.001, 3)
    return "= " + fmt_number(p, 3)


def primary_suppressed(values: npt.ArrayLike, k: int = K) -> list[int | None]:
    """Counts with 0 < n < k replaced by None (for tables published without margins)."""
    arr = np.rint(np.asarray(values, dtype=float)).astype(np.int64).ravel()
    return [None if 0 < n < k else int(n) for n in arr]


@dataclass(frozen=True)
class CountRow:
    label: str
    count: int | None  # None: suppressed

    @property
    def text(self) -> str:
        return str(self.count) if self.count is not None else _("hidden")


@dataclass(frozen=True)
class CountTable:
    caption: str
    heading: str
    rows: list[CountRow]
    total: CountRow
    suppressed: bool


def count_table(
    caption: str, heading: str, labels: Sequence[str], counts: Sequence[int], exact: bool
) -> CountTable:
    """A one-way table with its total; suppressed (primary and secondary) unless ``exact``."""
    if exact or not labels:
        values: Sequence[int | None] = list(counts)
        total: int | None = int(sum(counts))
    else:
        s = disclosure.suppress_series(np.asarray(counts, dtype=np.int64), k=K)
        values, total = s.values, s.total
    rows = [CountRow(lab, v) for lab, v in zip(labels, values, strict=True)]
    return CountTable(
        caption, heading, rows, CountRow(_("Total"), total), suppressed=None in values
    )


# --------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class ChangeRow:
    """One tested change; the numbers are None where they are hidden or not tested."""

    label: str
    current: int | None
    baseline: int | None
    difference: float | None = None
    p: float | None = None
    p_adjusted: float | None = None
    verdict: str = ""
    flagged: bool = False
    direction: str = ""  # "up", "down" or ""

    @property
    def texts(self) -> dict[str, str]:
        def p_text(p: float | None) -> str:
            if p is None:
                return "–"
            return "< " + fmt_number(0.001, 3) if p < 0.001 else fmt_number(p, 3)

        return {
            "current": HIDDEN if self.current is None else str(self.current),
            "baseline": HIDDEN if self.baseline is None else str(self.baseline),
            "difference": "–" if self.difference is None else _signed(self.difference),
            "p": p_text(self.p),
            "p_adjusted": p_text(self.p_adjusted),
        }


@dataclass(frozen=True)
class ChangeTable:
    caption: str
    baseline_label: str
    rows: list[ChangeRow]


def verdict(difference: float, p: float, flagged: bool) -> tuple[str, str]:
    """Plain words for a tested change, and its direction."""
    if not flagged:
        return _("no reliable change"), ""
    if difference > 0:
        return _("increase, unlikely to be chance (p %(p)s)") % {"p": fmt_p(p)}, "up"
    return _("decrease, unlikely to be chance (p %(p)s)") % {"p": fmt_p(p)}, "down"


def _visible(current: int, baseline: int, exact: bool) -> bool:
    return exact or (not 0 < current < K and not 0 < baseline < K)


def change_table(
    caption: str,
    baseline_label: str,
    labels: Sequence[str],
    current: Sequence[int],
    baseline: Sequence[int],
    t_current: int,
    t_baseline: int,
    exact: bool,
) -> ChangeTable:
    """Each category's count against a baseline period.

    1. Every category with incidents in either period is tested with the Poisson E-test,
       exposures in days, and Holm's correction runs over those categories (a category without
       incidents in both periods is no test and stays out of the family):
       :func:`samtrygg.analysis.changes.change_test`, shared with the lägesbild.
    3. A change is called an increase or decrease only when the Holm-adjusted p < 0.05.
    4. The total of all categories is one test of its own, without correction.
    For people who see aggregates only, a row with a count 0 < n < k shows no numbers.
    """
    rows: list[ChangeRow] = []
    if labels:
        result = change_test(current, baseline, t_current, t_baseline, labels=list(labels))
        comp, tested, adjusted = result.comparison, result.tested, result.p_adjusted
        for i, label in enumerate(labels):
            if not _visible(current[i], baseline[i], exact):
                rows.append(ChangeRow(label, None, None, verdict=_("hidden")))
            elif not tested[i]:
                rows.append(ChangeRow(label, 0, 0, 0.0, verdict=_("no incidents")))
            else:
                flagged = bool(result.changed[i])
                text, direction = verdict(comp.difference[i], adjusted[i], flagged)
                rows.append(
                    ChangeRow(
                        label,
                        int(comp.current[i]),
                        int(comp.baseline[i]),
                        float(comp.difference[i]),
                        float(comp.p_values[i]),
                        float(adjusted[i]),
                        text,
                        flagged,
                        direction,
                    )
                )
    tot_c, tot_b = int(sum(current)), int(sum(baseline))
    if _visible(tot_c, tot_b, exact):
        total = change_test(tot_c, tot_b, t_current, t_baseline).comparison
        p = float(total.p_values[0])
        text, direction = verdict(total.difference[0], p, p < ALPHA)
        rows.append(
            ChangeRow(
                _("All categories"),
                tot_c,
                tot_b,
                float(total.difference[0]),
                p,
                None,
                text,
                p < ALPHA,
                direction,
            )
        )
    return ChangeTable(caption, baseline_label, rows)


def _signed(value: float) -> str:
    decimals = 0 if float(value).is_integer() else 1
    text = fmt_number(value, decimals)
    return "+" + text if value > 0 else text.replace("-", "−")


# --------------------------------------------------------------------------- heat maps


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
    exact: bool,
    note: str = "",
) -> HeatMap:
    """A table whose cells carry a colour level 0–5 (relative to the largest cell)."""
    top = float(values.max()) if values.size else 0.0
    published = None if exact else primary_suppressed(values)
    rows = []
    for i, label in enumerate(row_labels):
        cells = []
        for j in range(len(col_labels)):
            v = float(values[i, j])
            level = 0 if top <= 0 or v <= 0 else min(5, int(np.ceil(5 * v / top)))
            if published is not None and published[i * len(col_labels) + j] is None:
                cells.append(HeatCell(HIDDEN, 1))
            else:
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
    start, end, is_exact, n = cached_hour_groups(in_period(qs, window))
    weekdays = [str(WEEKDAYS_ABBR[d]) for d in range(7)]
    months = [str(MONTHS_3[m]) for m in range(1, 13)]
    first, last = window.start.isoformat(), window.last_day.isoformat()
    span = {"start": first, "end": last}
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
    return [
        heat_map(
            _("Incidents by month and weekday, %(start)s – %(end)s") % span,
            _("Month"),
            months,
            weekdays,
            month_weekday,
            exact,
        ),
        heat_map(
            _("Incidents by weekday and hour, %(start)s – %(end)s") % span,
            _("Weekday"),
            weekdays,
            [f"{h:02d}" for h in range(24)],
            weekday_hour,
            exact,
            note=_(
                "Only incidents with an exact time and a window of at most 48 hours; "
                "%(n)d incidents with an imprecise time are left out. A window is spread over "
                "its hours (aoristic weights)."
            )
            % {"n": total - used},
        ),
    ]


# --------------------------------------------------------------------------- the week's places


@dataclass(frozen=True)
class ReportLine:
    """One report of a place, formatted once here rather than by template filters."""

    category: str
    when: str
    organisation: str
    place: str
    description: str
    pk: int = 0  # for the log of sensitive details shown

    @classmethod
    def of(cls, incident: Incident) -> ReportLine:
        local = timezone.localtime(incident.occurred_from)
        weekday = str(WEEKDAYS_ABBR[local.weekday()])
        text = incident.description
        return cls(
            incident.category.name,
            f"{weekday} {local:%Y-%m-%d %H:%M}",
            incident.organisation.name,
            incident.place,
            text if len(text) <= 200 else text[:199] + "…",
            incident.pk,
        )


@dataclass
class Place:
    label: str
    count: str
    reports: list[ReportLine] = field(default_factory=list)
    hidden: str = ""


def cell_index(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[npt.NDArray[np.int64], ...]:
    """Column and row of the 250 m SWEREF 99 TM cell of each point (origin 0, 0)."""
    x, y, _crs = to_metric(lon, lat, SWEREF99TM)
    return np.floor(x / CELL).astype(np.int64), np.floor(y / CELL).astype(np.int64)


def weekly_places(user: Any, access: Access, filters: Filters, exact: bool) -> list[Place]:
    """The 250 m cells with the most incidents in the week, each with the reports the user may
    see in detail (and a count of the others).

    1. One query pulls (id, lon, lat, place) of the week's located incidents; numpy groups them
       into cells. 2. One query (a subquery, no long id lists) says which of them the user may
       see. 3. One query loads the details of at most ``REPORTS_PER_PLACE`` per top cell.
    """
    week_qs = in_period(incidents(access, filters), week_of(filters.period)).filter(
        lon__isnull=False, lat__isnull=False
    )
    rows = list(week_qs.order_by("occurred_from", "pk").values_list("pk", "lon", "lat", "place"))
    if not rows:
        return []
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    places_text = np.array([r[3] for r in rows], dtype=object)
    cols, rws = cell_index([r[1] for r in rows], [r[2] for r in rows])
    cells, inverse, counts = np.unique(
        np.column_stack([cols, rws]), axis=0, return_inverse=True, return_counts=True
    )
    inverse = inverse.ravel()
    top = np.argsort(-counts, kind="stable")[:PLACES]
    visible = np.zeros(ids.size, dtype=bool)
    if sees_details(access):
        seen_ids = visible_part(week_qs, user, access).order_by().values_list("pk", flat=True)
        visible = np.isin(ids, np.fromiter(seen_ids, dtype=np.int64))
    shown = [ids[(inverse == c) & visible][:REPORTS_PER_PLACE] for c in top]
    details = {
        i.pk: ReportLine.of(i)
        for i in Incident.objects.filter(pk__in=np.concatenate(shown).tolist()).select_related(
            "category", "organisation"
        )
    }
    centres_lon, centres_lat = to_lonlat(
        (cells[top, 0] + 0.5) * CELL, (cells[top, 1] + 0.5) * CELL, SWEREF99TM
    )
    names = _area_names(access, centres_lon, centres_lat)
    places = []
    for rank, c in enumerate(top):
        members = inverse == c
        n, n_seen = int(counts[c]), int((members & visible).sum())
        hidden = n - n_seen
        label = (
            _most_common(places_text[members & visible])
            or names[rank]
            or _("Square %(n)d") % {"n": rank + 1}
        )
        places.append(
            Place(
                label=label,
                count=str(n) if exact or n >= K else HIDDEN,
                reports=[details[i] for i in shown[rank].tolist()],
                hidden="" if hidden == 0 else (str(hidden) if exact or hidden >= K else HIDDEN),
            )
        )
    return places


def _most_common(texts: npt.NDArray[Any]) -> str:
    """The most frequent non-empty text (the place name people use for a cell), or ""."""
    names = texts[texts != ""].astype(str)
    if names.size == 0:
        return ""
    values, counts = np.unique(names, return_counts=True)
    return str(values[int(np.argmax(counts))])


def _area_names(
    access: Access, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
) -> list[str]:
    from samtrygg.areas.services import assign_points

    areas = list(Area.objects.sub_areas().filter(partnership=access.partnership))
    by_id = {a.pk: a.name for a in areas}
    return [", ".join(by_id[i] for i in hit) for hit in assign_points(areas, lon, lat)]


# --------------------------------------------------------------------------- police events


@dataclass(frozen=True)
class PoliceTable:
    caption: str
    municipalities: list[str]
    rows: list[tuple[str, list[int], int]]


def police_table(access: Access, filters: Filters) -> PoliceTable:
    """Police events of the period by type and municipality (they never go on the street map)."""
    p = filters.period
    qs = PoliceEvent.objects.filter(partnership=access.partnership, is_summary=False).filter(
        Q(occurred_at__gte=p.start_utc, occurred_at__lt=p.end_utc)
        | Q(occurred_at__isnull=True, published_at__gte=p.start_utc, published_at__lt=p.end_utc)
    )
    if filters.area is not None and filters.area.kind == "municipality":
        qs = qs.filter(municipality_code=filters.area.code)
    grouped = list(qs.order_by().values("type", "municipality").annotate(n=Count("id")))
    municipalities = sorted({g["municipality"] for g in grouped})
    types = sorted({g["type"] for g in grouped})
    cells = {(g["type"], g["municipality"]): g["n"] for g in grouped}
    rows = []
    for t in types:
        values = [cells.get((t, m), 0) for m in municipalities]
        rows.append((t, values, sum(values)))
    rows.sort(key=lambda r: -r[2])
    return PoliceTable(
        _("Police events by type and municipality, %(span)s") % {"span": p.span_label()},
        municipalities,
        rows,
    )


# --------------------------------------------------------------------------- the page


@dataclass
class Picture:
    """Everything the page shows."""

    filters: Filters
    previous: Period
    last_year: Period
    exact: bool
    details: bool
    synthetic: bool
    total: int
    by_category: CountTable
    by_area: CountTable
    by_organisation: CountTable
    changes: list[ChangeTable]
    heat_maps: list[HeatMap]
    week: Period
    places: list[Place]
    police: PoliceTable
    k: int = K
    marker: str = HIDDEN
    max_points: int = MAX_POINTS


def _category_counts(qs: QuerySet[Any], windows: Sequence[Period]) -> dict[int, list[int]]:
    """Counts per category in each window, in one grouped query."""
    aggregates = {
        f"n{i}": Count("id", filter=Q(occurred_from__gte=w.start_utc, occurred_from__lt=w.end_utc))
        for i, w in enumerate(windows)
    }
    span = Q()
    for w in windows:
        span |= Q(occurred_from__gte=w.start_utc, occurred_from__lt=w.end_utc)
    grouped = qs.filter(span).order_by().values("category_id").annotate(**aggregates)
    return {g["category_id"]: [g[f"n{i}"] for i in range(len(windows))] for g in grouped}


def build_picture(user: Any, access: Access, filters: Filters) -> Picture:
    """The situational picture for one period, area and category."""
    period = filters.period
    previous, last_year = period.previous(), period.last_year()
    exact = access.sees_all_data
    qs = incidents(access, filters)
    counts = _category_counts(qs, [period, previous, last_year])
    categories = list(Category.objects.filter(partnership=access.partnership))
    if filters.category is not None:
        categories = [c for c in categories if c.pk == filters.category.pk]
    # Retired categories are listed only where they still have incidents.
    categories = [c for c in categories if c.retired_at is None or c.pk in counts]
    names = [c.name for c in categories]
    cur = [counts.get(c.pk, [0, 0, 0])[0] for c in categories]
    prev = [counts.get(c.pk, [0, 0, 0])[1] for c in categories]
    last = [counts.get(c.pk, [0, 0, 0])[2] for c in categories]
    current_qs = in_period(qs, period)
    by_area = dict(
        IncidentArea.objects.filter(incident__in=current_qs)
        .order_by()
        .values("area_id")
        .annotate(n=Count("id"))
        .values_list("area_id", "n")
    )
    areas = list(Area.objects.filter(partnership=access.partnership))
    by_org = dict(
        current_qs.order_by().values("organisation_id").annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )  # fmt: skip
    orgs = list(Organisation.objects.filter(partnership=access.partnership))
    span = period.span_label()
    return Picture(
        filters=filters,
        previous=previous,
        last_year=last_year,
        exact=exact,
        details=sees_details(access),
        synthetic=in_period(
            Incident.objects.filter(partnership=access.partnership), cycle_window(period)
        )
        .filter(is_synthetic=True)
        .exists(),
        total=sum(cur),
        by_category=count_table(
            _("Incidents by category, %(span)s") % {"span": span},
            _("Category"),
            names,
            cur,
            exact,
        ),
        by_area=count_table(
            _("Incidents by area, %(span)s (an incident counts in every area that contains it)")
            % {"span": span},
            _("Area"),
            [a.name for a in areas],
            [by_area.get(a.pk, 0) for a in areas],
            exact,
        ),
        by_organisation=count_table(
            _("Incidents by reporting organisation, %(span)s") % {"span": span},
            _("Organisation"),
            [o.name for o in orgs],
            [by_org.get(o.pk, 0) for o in orgs],
            exact,
        ),
        changes=[
            change_table(
                _("Change against the previous period (%(span)s)")
                % {"span": previous.span_label()},
                _("Previous period"),
                names,
                cur,
                prev,
                period.days,
                previous.days,
                exact,
            ),
            change_table(
                _("Change against the same period last year (%(span)s)")
                % {"span": last_year.span_label()},
                _("Last year"),
                names,
                cur,
                last,
                period.days,
                last_year.days,
                exact,
            ),
        ],
        heat_maps=annual_cycle_maps(qs, period, exact),
        week=week_of(period),
        places=weekly_places(user, access, filters, exact),
        police=police_table(access, filters),
    )


# --------------------------------------------------------------------------- map data


def map_data(user: Any, access: Access, filters: Filters) -> dict[str, Any]:
    """GeoJSON: points the user may see in detail, 250 m cells (suppressed) for the rest.

    Cells carry no raw coordinates: only the corners of the SWEREF 99 TM squares they stand for.
    """
    period_qs = in_period(incidents(access, filters), filters.period).filter(
        lon__isnull=False, lat__isnull=False
    )
    features: list[dict[str, Any]] = []
    truncated = False
    hidden_qs = period_qs
    if sees_details(access):
        points = list(
            visible_part(period_qs, user, access)
            .order_by("-occurred_from")
            .values_list("pk", "lon", "lat", "category__name", "occurred_from", "place")[
                : MAX_POINTS + 1
            ]
        )
        truncated = len(points) > MAX_POINTS
        features += [
            {
                "type": "Feature",
                "id": pk,
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {
                    "kind": "point",
                    "category": category,
                    "date": formats.date_format(_local(when), "SHORT_DATETIME_FORMAT"),
                    "place": place,
                },
            }
            for pk, lon, lat, category, when, place in points[:MAX_POINTS]
        ]
        visible = Incident.objects.visible_to(user, access.partnership).values("pk")
        hidden_qs = period_qs.exclude(pk__in=visible)
    features += cell_features(list(hidden_qs.order_by().values_list("lon", "lat")), access)
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {"k": K, "cell_size": CELL, "truncated": truncated},
    }


def _local(when: Any) -> Any:
    return timezone.localtime(when)


def cell_features(coords: Sequence[tuple[float, float]], access: Access) -> list[dict[str, Any]]:
    """Counts per 250 m cell as lon/lat polygons; 0 < n < k shown as "<5" (never exact)."""
    if not coords:
        return []
    lon, lat = zip(*coords, strict=True)
    x, y, _crs = to_metric(lon, lat, SWEREF99TM)
    grid = disclosure.aggregate_to_grid(x, y, CELL, k=K)
    half = CELL / 2
    xs = np.stack([grid.x - half, grid.x + half, grid.x + half, grid.x - half, grid.x - half], 1)
    ys = np.stack([grid.y - half, grid.y - half, grid.y + half, grid.y + half, grid.y - half], 1)
    clon, clat = to_lonlat(xs.ravel(), ys.ravel(), SWEREF99TM)
    clon, clat = clon.reshape(xs.shape), clat.reshape(ys.shape)
    return [
        {
            "type": "Feature",
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[round(float(a), 6), round(float(b), 6)] for a, b in zip(ro, ra, strict=True)]
                ],
            },
            "properties": {
                "kind": "cell",
                "count": n,
                "label": str(n) if n is not None else HIDDEN,
            },
        }
        for ro, ra, n in zip(clon, clat, grid.counts, strict=True)
    ]
