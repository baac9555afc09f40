"""The numbers of the situational picture ("lägesbilden"), computed in the database and in numpy.

Counts are grouped in the database (``values().annotate(Count)``); the annual cycle pulls one
column of epoch seconds per incident and hands it to :mod:`samtrygg.analysis.trends`; changes are
tested with the product's one change test, :func:`samtrygg.analysis.changes.change_test`
(the Poisson E-test, exposures in days, and Holm's correction over the categories;
docs/methods-reference.md §5), the same as the lägesbild. People who may not see every incident
in detail (viewers, reporters) get aggregates under the installation's cell-key rule
(docs/privacy.md, :mod:`samtrygg.partnerships.disclosure`): every count they see that covers
incidents they may not see in detail (the category, area and organisation tables, the changes,
the heat maps, the week's places, the map's squares and the exports built from them) is the
published value of its set of incidents, 0 or at least k, with totals as the sums of the
published parts. The same set of incidents always gets the same value, so two periods, a filter
and no filter, or the page before and after a late report cannot be subtracted to a small count.
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
from samtrygg.partnerships.disclosure import disclosure_rule
from samtrygg.partnerships.models import Organisation, Role
from samtrygg.periods import Period, cycle_window, week_of

# How long an unchanged annual cycle is reused (a day; new incidents invalidate it at once).
CYCLE_CACHE_SECONDS = 24 * 3600

MAX_POINTS = 5000
PLACES = 10
REPORTS_PER_PLACE = 20


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


def publish_groups(ids: npt.ArrayLike, groups: npt.ArrayLike, n_groups: int) -> list[int]:
    """Published counts of records grouped into ``n_groups`` cells (the installation's rule)."""
    return disclosure_rule().publish(ids, groups, n_groups).tolist()  # type: ignore[no-any-return]


def positions(values: Sequence[Any], order: Sequence[Any]) -> npt.NDArray[np.int64]:
    """The position in ``order`` of each value (for grouping ids by category, area, …)."""
    where = {v: i for i, v in enumerate(order)}
    return np.array([where[v] for v in values], dtype=np.int64)


@dataclass(frozen=True)
class CountRow:
    label: str
    count: int

    @property
    def text(self) -> str:
        return str(self.count)


@dataclass(frozen=True)
class CountTable:
    caption: str
    heading: str
    rows: list[CountRow]
    total: CountRow
    perturbed: bool


def count_table(
    caption: str, heading: str, labels: Sequence[str], counts: Sequence[int], perturbed: bool
) -> CountTable:
    """A one-way table with its total (the sum of the rows shown, exact or perturbed)."""
    rows = [CountRow(lab, int(v)) for lab, v in zip(labels, counts, strict=True)]
    total = CountRow(_("Total"), disclosure.additive_total(counts))
    return CountTable(caption, heading, rows, total, perturbed=perturbed)


# --------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class ChangeRow:
    """One tested change; the numbers are None where they are not tested."""

    label: str
    current: int
    baseline: int
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
            "current": str(self.current),
            "baseline": str(self.baseline),
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


def change_table(
    caption: str,
    baseline_label: str,
    labels: Sequence[str],
    current: Sequence[int],
    baseline: Sequence[int],
    t_current: int,
    t_baseline: int,
) -> ChangeTable:
    """Each category's count against a baseline period.

    1. Every category with incidents in either period is tested with the Poisson E-test,
       exposures in days, and Holm's correction runs over those categories (a category without
       incidents in both periods is no test and stays out of the family):
       :func:`samtrygg.analysis.changes.change_test`, shared with the lägesbild.
    3. A change is called an increase or decrease only when the Holm-adjusted p < 0.05.
    4. The total of all categories is one test of its own, without correction.
    For people who see aggregates only the counts given are the published (perturbed) ones, so
    the tests, like everything else they see, are computed from published numbers only.
    """
    rows: list[ChangeRow] = []
    if labels:
        result = change_test(current, baseline, t_current, t_baseline, labels=list(labels))
        comp, tested, adjusted = result.comparison, result.tested, result.p_adjusted
        for i, label in enumerate(labels):
            if not tested[i]:
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
    if True:  # the total is always tested (0 against 0 gives p = 1)
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


def published_cycle_maps(qs: QuerySet[Any], window: Period) -> list[HeatMap]:
    """The annual cycle for readers of aggregates: published counts of whole incidents.

    Aoristic weights split an incident over hours, and fractions of incidents cannot be given a
    cell key, so here each incident counts once: by its start for month × weekday, and, if its
    time is exact with a window of at most 48 hours, in the hour it began for weekday × hour.
    """
    rows = list(qs.order_by().values_list("id", "occurred_from", "occurred_to", "time_band"))
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    starts = trends.to_local_time(
        np.array([r[1].replace(tzinfo=None) for r in rows], dtype="datetime64[s]")
    )
    ends = np.array([r[2].replace(tzinfo=None) for r in rows], dtype="datetime64[s]")
    utc_starts = np.array([r[1].replace(tzinfo=None) for r in rows], dtype="datetime64[s]")
    short = np.array([r[3] == TimeBand.EXACT for r in rows], dtype=bool) & (
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

    Readers who may not see every incident (``exact`` false) get, per square, the reports they
    may see and the *published* count of the others (so "total minus what I see" is never an
    exact small number); squares are ranked by what they are shown.

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
    visible = np.zeros(ids.size, dtype=bool)
    if sees_details(access):
        seen_ids = visible_part(week_qs, user, access).order_by().values_list("pk", flat=True)
        visible = np.isin(ids, np.fromiter(seen_ids, dtype=np.int64))
    seen = np.bincount(inverse[visible], minlength=counts.size)
    others = counts - seen
    if not exact:
        others = np.asarray(publish_groups(ids[~visible], inverse[~visible], counts.size))
    shown_counts = seen + others
    top = np.argsort(-shown_counts, kind="stable")[:PLACES]
    top = top[shown_counts[top] > 0]
    if top.size == 0:  # every square was published as 0
        return []
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
        n, hidden = int(shown_counts[c]), int(others[c])
        label = (
            _most_common(places_text[members & visible])
            or names[rank]
            or _("Square %(n)d") % {"n": rank + 1}
        )
        places.append(
            Place(
                label=label,
                count=str(n),
                reports=[details[i] for i in shown[rank].tolist()],
                hidden="" if hidden == 0 else str(hidden),
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
    k: int
    noise: int
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


def _published_by(qs: QuerySet[Any], field: str, order: Sequence[int]) -> list[int]:
    """Published counts of ``qs``'s incidents grouped by ``field`` (a foreign key id) in
    ``order``; rows whose value is not in ``order`` are left out."""
    rows = np.array(list(qs.order_by().values_list("id", field)), dtype=np.int64).reshape(-1, 2)
    keep = np.isin(rows[:, 1], np.asarray(order, dtype=np.int64))
    rows = rows[keep]
    return publish_groups(rows[:, 0], positions(rows[:, 1].tolist(), order), len(order))


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
    if not exact:
        # What readers of aggregates see, and every number derived from it, is published.
        cat_ids = [c.pk for c in categories]
        cur, prev, last = (
            _published_by(in_period(qs, w), "category_id", cat_ids)
            for w in (period, previous, last_year)
        )
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
    area_counts = [by_area.get(a.pk, 0) for a in areas]
    org_counts = [by_org.get(o.pk, 0) for o in orgs]
    if not exact:
        links = IncidentArea.objects.filter(incident__in=current_qs).values_list(
            "incident_id", "area_id"
        )
        pairs = np.array(list(links), dtype=np.int64).reshape(-1, 2)
        area_ids = [a.pk for a in areas]
        pairs = pairs[np.isin(pairs[:, 1], np.asarray(area_ids, dtype=np.int64))]
        area_counts = publish_groups(
            pairs[:, 0], positions(pairs[:, 1].tolist(), area_ids), len(area_ids)
        )
        org_counts = _published_by(current_qs, "organisation_id", [o.pk for o in orgs])
    rule = disclosure_rule()
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
            not exact,
        ),
        by_area=count_table(
            _("Incidents by area, %(span)s (an incident counts in every area that contains it)")
            % {"span": span},
            _("Area"),
            [a.name for a in areas],
            area_counts,
            not exact,
        ),
        by_organisation=count_table(
            _("Incidents by reporting organisation, %(span)s") % {"span": span},
            _("Organisation"),
            [o.name for o in orgs],
            org_counts,
            not exact,
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
            ),
        ],
        heat_maps=annual_cycle_maps(qs, period, exact),
        week=week_of(period),
        places=weekly_places(user, access, filters, exact),
        police=police_table(access, filters),
        k=rule.k,
        noise=rule.noise,
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
    rule = disclosure_rule()
    features += cell_features(
        list(hidden_qs.order_by().values_list("pk", "lon", "lat")), access.sees_all_data
    )
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {"k": rule.k, "noise": rule.noise, "cell_size": CELL, "truncated": truncated},
    }


def _local(when: Any) -> Any:
    return timezone.localtime(when)


def cell_features(rows: Sequence[tuple[int, float, float]], exact: bool) -> list[dict[str, Any]]:
    """Counts of (id, lon, lat) per 250 m cell as lon/lat polygons: exact for readers who see
    every incident, else the published values (squares published as 0 are left out)."""
    if not rows:
        return []
    ids, lon, lat = (np.asarray(c) for c in zip(*rows, strict=True))
    x, y, _crs = to_metric(lon, lat, SWEREF99TM)
    sx, sy = disclosure.snap_to_grid(x, y, CELL)
    centres, inverse, true_counts = np.unique(
        np.column_stack([sx, sy]), axis=0, return_inverse=True, return_counts=True
    )
    values = (
        true_counts if exact else np.asarray(publish_groups(ids, inverse.ravel(), true_counts.size))
    )
    keep = values > 0
    grid_x, grid_y, counts = centres[keep, 0], centres[keep, 1], values[keep].tolist()
    half = CELL / 2
    xs = np.stack([grid_x - half, grid_x + half, grid_x + half, grid_x - half, grid_x - half], 1)
    ys = np.stack([grid_y - half, grid_y - half, grid_y + half, grid_y + half, grid_y - half], 1)
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
                "label": str(n),
            },
        }
        for ro, ra, n in zip(clon, clat, counts, strict=True)
    ]
