"""Incidents and areas stay linked: the one place where incident-area links are written.

An area counts the incidents whose point it contains (``IncidentArea``). Every change that can
alter that answer calls :func:`link_incidents` with what changed: new incidents (report, import,
demo load), moved points (retention's anonymisation) or new and reshaped areas (draw, import,
replace, municipalities; announced by :data:`samtrygg.areas.signals.areas_changed`). Deleting an
area or an incident removes its links through the foreign keys' cascade.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from django.db import transaction
from django.db.models import QuerySet
from shapely.geometry import shape

from samtrygg.areas.models import Area
from samtrygg.incidents import bulk
from samtrygg.incidents.models import Incident, IncidentArea
from samtrygg.partnerships.models import Partnership
from samtrygg.sources import geodata


def _points(incidents: QuerySet[Incident]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = list(
        incidents.filter(lon__isnull=False, lat__isnull=False)
        .order_by()
        .values_list("pk", "lon", "lat")
    )
    if not rows:
        return np.empty(0, np.int64), np.empty(0), np.empty(0)
    ids, lon, lat = zip(*rows, strict=True)
    return np.array(ids, np.int64), np.array(lon, float), np.array(lat, float)


@transaction.atomic
def link_incidents(
    partnership: Partnership,
    *,
    incidents: QuerySet[Incident] | None = None,
    areas: QuerySet[Area] | None = None,
) -> int:
    """Make the links between ``incidents`` and ``areas`` match point-in-area; return their count.

    1. Take the partnership's incidents with a point and its areas, narrowed to the given
       querysets (``None``: all of them).
    2. Find every (incident, area) pair where the area contains the point in one vectorised
       STRtree query (:func:`samtrygg.sources.geodata.point_area_pairs`); a point on a shared
       border belongs to both areas.
    3. In one transaction, delete the existing links between the two sets and insert the pairs
       in bulk (COPY on PostgreSQL). Links outside the two sets are left alone.
    """
    incident_qs = Incident.objects.filter(partnership=partnership)
    if incidents is not None:
        incident_qs = incident_qs.filter(pk__in=incidents.values("pk"))
    area_qs = Area.objects.filter(partnership=partnership)
    if areas is not None:
        area_qs = area_qs.filter(pk__in=areas.values("pk"))
    old = IncidentArea.objects.all()
    if incidents is not None:
        old = old.filter(incident__in=incident_qs.values("pk"))
    else:
        old = old.filter(incident__partnership=partnership)
    if areas is not None:
        old = old.filter(area__in=area_qs.values("pk"))
    # Link rows have no dependants and no signals, so Django deletes them in one statement.
    old.delete()
    area_rows = list(area_qs.order_by("pk").values_list("pk", "geometry"))
    if not area_rows:
        return 0
    ids, lon, lat = _points(incident_qs)
    if ids.size == 0:
        return 0
    point_idx, area_idx = geodata.point_area_pairs(
        lon, lat, [shape(geometry) for _pk, geometry in area_rows]
    )
    area_ids = np.array([pk for pk, _geometry in area_rows], np.int64)
    frame = pl.DataFrame({"incident_id": ids[point_idx], "area_id": area_ids[area_idx]})
    bulk.insert_frame(IncidentArea, frame)
    return frame.height


def link_changed_areas(
    sender: Any, *, partnership: Partnership, areas: QuerySet[Area], **_: Any
) -> None:
    """Receiver of :data:`samtrygg.areas.signals.areas_changed`: link the areas' incidents."""
    link_incidents(partnership, areas=areas)
