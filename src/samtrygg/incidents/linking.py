"""Incidents and areas stay linked: the one place where incident-area links are written.

An area counts the incidents whose point it contains (``IncidentArea``). Every change that can
alter that answer calls :func:`link_incidents` with what changed: new incidents (report, import,
demo load), moved points (retention's anonymisation, a correction), withdrawn and restored
reports, or new and reshaped areas (draw, import, replace, municipalities; announced by
:data:`samtrygg.areas.signals.areas_changed`). Deleting an area or an incident removes its links
through the foreign keys' cascade. A withdrawn incident has no links: it counts in no area.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from django.db import transaction
from django.db.models import QuerySet
from shapely.geometry import shape

from samtrygg.areas.models import Area, AreaKind
from samtrygg.gazetteer.models import Precision
from samtrygg.incidents import bulk
from samtrygg.incidents.models import Incident, IncidentArea
from samtrygg.partnerships.dataversion import changed
from samtrygg.partnerships.models import Partnership
from samtrygg.sources import geodata

# Ids per DELETE statement, well under SQLite's limit on query parameters.
CHUNK = 5000


def _points(
    incidents: QuerySet[Incident],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Ids, points and whether each point stands only for the municipality."""
    rows = list(
        incidents.filter(lon__isnull=False, lat__isnull=False)
        .order_by()
        .values_list("pk", "lon", "lat", "precision")
    )
    if not rows:
        return np.empty(0, np.int64), np.empty(0), np.empty(0), np.empty(0, bool)
    ids, lon, lat, precision = zip(*rows, strict=True)
    whole = np.array([p == Precision.MUNICIPALITY for p in precision], bool)
    return np.array(ids, np.int64), np.array(lon, float), np.array(lat, float), whole


@transaction.atomic
def link_incidents(
    partnership: Partnership,
    *,
    incidents: QuerySet[Incident] | None = None,
    areas: QuerySet[Area] | None = None,
) -> int:
    """Make the links between ``incidents`` and ``areas`` match point-in-area; return their count.

    1. Take the partnership's incidents with a point (not withdrawn) and its areas, narrowed
       to the given querysets (``None``: all of them); for given areas, only incidents inside
       their joint bounding box are read.
    2. Find every (incident, area) pair where the area contains the point in one vectorised
       STRtree query (:func:`samtrygg.sources.geodata.point_area_pairs`); a point on a shared
       border belongs to both areas.
    3. Compare with the stored links between the two sets and, in one transaction, delete the
       links that no longer hold and insert the new ones in bulk (COPY on PostgreSQL). Links
       outside the two sets are left alone, and a relink that changes nothing writes nothing.
    """
    # The default manager leaves withdrawn incidents out, so their stored links are dropped.
    incident_qs = Incident.objects.filter(partnership=partnership)
    if incidents is not None:
        incident_qs = incident_qs.filter(pk__in=incidents.values("pk"))
    area_qs = Area.objects.filter(partnership=partnership)
    if areas is not None:
        area_qs = area_qs.filter(pk__in=areas.values("pk"))
    # The partnership's areas bound the scope: their links are its incidents' links.
    stored = IncidentArea.objects.filter(area__in=area_qs.values("pk"))
    if incidents is not None:
        # The given ids, withdrawn ones too (from ``Incident.all_objects``): their links go.
        stored = stored.filter(incident__in=incidents.values("pk"))
    old = np.array(list(stored.values_list("pk", "incident_id", "area_id")), np.int64)
    old = old.reshape(-1, 3)
    pairs = _pairs(incident_qs, list(area_qs.order_by("pk")), narrow=areas is not None)
    scale = int(max(old[:, 2].max(initial=0), pairs[:, 1].max(initial=0))) + 1
    old_keys = old[:, 1] * scale + old[:, 2]
    new_keys = pairs[:, 0] * scale + pairs[:, 1]
    gone = old[~np.isin(old_keys, new_keys), 0].tolist()
    for start in range(0, len(gone), CHUNK):
        # Link rows have no dependants and no signals: one DELETE per chunk.
        IncidentArea.objects.filter(pk__in=gone[start : start + CHUNK]).delete()
    added = pairs[~np.isin(new_keys, old_keys)]
    bulk.insert_frame(
        IncidentArea, pl.DataFrame({"incident_id": added[:, 0], "area_id": added[:, 1]})
    )
    if gone or len(added):
        changed(partnership.pk)  # per-area counts kept anywhere are out of date
    return len(pairs)


def _pairs(incidents: QuerySet[Incident], areas: list[Area], *, narrow: bool) -> np.ndarray:
    """(incident id, area id) rows for every incident point inside one of ``areas``."""
    if not areas:
        return np.empty((0, 2), np.int64)
    if narrow:
        incidents = incidents.filter(
            lon__gte=min(a.min_lon for a in areas),
            lon__lte=max(a.max_lon for a in areas),
            lat__gte=min(a.min_lat for a in areas),
            lat__lte=max(a.max_lat for a in areas),
        )
    ids, lon, lat, whole = _points(incidents)
    point_idx, area_idx = geodata.point_area_pairs(lon, lat, [shape(a.geometry) for a in areas])
    # A point that stands only for the municipality (its centre) lies in the municipality, but
    # not in the sub-area that happens to hold the centre.
    sub_area = np.array([a.kind != AreaKind.MUNICIPALITY for a in areas], bool)
    keep = ~(whole[point_idx] & sub_area[area_idx])
    point_idx, area_idx = point_idx[keep], area_idx[keep]
    area_ids = np.array([a.pk for a in areas], np.int64)
    return np.column_stack([ids[point_idx], area_ids[area_idx]]).astype(np.int64)


def link_changed_areas(
    sender: Any, *, partnership: Partnership, areas: QuerySet[Area], **_: Any
) -> None:
    """Receiver of :data:`samtrygg.areas.signals.areas_changed`: link the areas' incidents."""
    link_incidents(partnership, areas=areas)
