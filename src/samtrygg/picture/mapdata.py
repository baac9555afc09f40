"""The map's GeoJSON: points the user may see in detail, published 250 m squares for the rest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from django.utils import formats, timezone

from samtrygg.analysis import disclosure
from samtrygg.analysis.geo import CELL_SIZE as CELL
from samtrygg.analysis.geo import SWEREF99TM, to_lonlat, to_metric
from samtrygg.incidents.models import Incident
from samtrygg.partnerships.access import Access
from samtrygg.partnerships.disclosure import disclosure_rule
from samtrygg.picture.counts import publish_groups
from samtrygg.picture.filters import Filters, in_period, incidents, sees_details, visible_part

MAX_POINTS = 5000


def map_data(user: Any, access: Access, filters: Filters) -> dict[str, Any]:
    """GeoJSON: points the user may see in detail, 250 m cells (suppressed) for the rest.

    Cells carry no raw coordinates: only the corners of the SWEREF 99 TM squares they stand for.
    """
    period_qs = in_period(incidents(access, filters), filters.period).with_precise_point()
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
