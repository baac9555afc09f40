"""The week's places: the 250 m squares with the most incidents, with the reports behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from samtrygg.analysis.geo import CELL_SIZE as CELL
from samtrygg.analysis.geo import SWEREF99TM, to_lonlat, to_metric
from samtrygg.areas.models import Area
from samtrygg.incidents.models import Incident
from samtrygg.partnerships.access import Access
from samtrygg.periods import week_of
from samtrygg.picture.counts import publish_groups
from samtrygg.picture.filters import Filters, in_period, incidents, sees_details, visible_part

PLACES = 10
REPORTS_PER_PLACE = 20


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
    week_qs = in_period(incidents(access, filters), week_of(filters.period)).with_precise_point()
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
