"""The lägesbild's maps: incidents per area and the significant hot cells, as inline SVG.

At drafting time :func:`stored_maps` keeps what the maps need with the document's figures:
the areas' outlines projected to SWEREF 99 TM, simplified to 1/500 of the map's extent and
rounded to whole metres, with the period's count per area, the municipality outlines cut to the
map, and the hot cells' centres. An adopted lägesbild therefore keeps its maps when areas are
later changed or deleted. :func:`render_maps` draws them when the page is shown, in the
reader's language and with the small counts hidden from readers who see aggregates only.

The drawing itself is :mod:`samtrygg.rendering.maps` on :mod:`samtrygg.rendering.svgmap` (no
Django); it escapes every text.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

from samtrygg.analysis import geo
from samtrygg.areas.models import Area
from samtrygg.partnerships.disclosure import public_k
from samtrygg.partnerships.models import Partnership
from samtrygg.rendering import svgmap
from samtrygg.rendering.maps import MapWords, area_map, hot_cell_map

CRS = geo.SWEREF99TM
MARGIN = 0.04


def _metric(geometry: dict[str, Any]) -> BaseGeometry:
    """A stored GeoJSON geometry (EPSG:4326) in SWEREF 99 TM."""

    def project(coords: np.ndarray) -> np.ndarray:
        x, y, _crs = geo.to_metric(coords[:, 0], coords[:, 1], CRS)
        return np.column_stack([x, y])

    return shapely.transform(shape(geometry), project)


def _wkt(geom: BaseGeometry) -> str:
    return str(shapely.to_wkt(geom, rounding_precision=0, trim=True))


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Only the polygon parts (cutting a polygon to the frame can leave lines or points)."""
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def stored_maps(
    partnership: Partnership, counts: dict[int, int], hotspots: dict[str, Any]
) -> dict[str, Any] | None:
    """What the two maps need, as plain JSON for ``Lagesbild.figures["maps"]``.

    1. The mapped areas are the partnership's own areas (DeSO, RegSO, imported, drawn), or its
       municipalities when it has none; ``counts`` gives the period's incidents per area id.
    2. The hot cells' centres (lon/lat in ``hotspots``) are projected to SWEREF 99 TM.
    3. Everything is simplified to 1/500 of the larger map's extent; municipalities behind
       the own areas are cut to that extent with a margin.

    Returns None when there is neither an area nor a hot cell to draw.
    """
    areas = Area.objects.filter(partnership=partnership)
    own, municipalities = list(areas.sub_areas()), list(areas.municipalities())
    mapped = own or municipalities
    background = municipalities if own else []
    shapes = [_metric(a.geometry) for a in mapped]
    cells = hotspots.get("cells") or []
    size = float(hotspots.get("cell_size") or 0)
    cx, cy = np.zeros(0), np.zeros(0)
    if cells and size > 0:
        cx, cy, _crs = geo.to_metric([c["lon"] for c in cells], [c["lat"] for c in cells], CRS)
    squares = [
        box(x - size / 2, y - size / 2, x + size / 2, y + size / 2)
        for x, y in zip(cx, cy, strict=True)
    ]
    if not shapes and not squares:
        return None
    extent = svgmap.MapExtent.of(shapes + squares, MARGIN)
    frame = box(extent.min_x, extent.min_y, extent.max_x, extent.max_y)
    shapes = svgmap.simplify(shapes, extent)
    behind = svgmap.simplify(
        [_polygonal(_metric(a.geometry).intersection(frame)) for a in background], extent
    )
    return {
        "crs": CRS,
        "extent": [round(v) for v in (extent.min_x, extent.min_y, extent.max_x, extent.max_y)],
        "areas": [
            {"name": a.name, "count": int(counts.get(a.pk, 0)), "wkt": _wkt(g)}
            for a, g in zip(mapped, shapes, strict=True)
        ],
        "background": [
            {"name": a.name, "wkt": _wkt(g)}
            for a, g in zip(background, behind, strict=True)
            if not g.is_empty
        ],
        "cells": [
            {"x": round(float(x)), "y": round(float(y)), "count": c["count"], "z": c["z"]}
            for x, y, c in zip(cx, cy, cells, strict=True)
        ],
        "cell_size": size,
    }


def count_text(n: int, exact: bool) -> str:
    """How a count is told on the maps: "fewer than 5 incidents" to aggregate-only readers."""
    if n == 0:
        return _("no incidents")
    k = public_k()  # counts 1..k-1 are "fewer than k" to readers without exact access
    if 0 < n < k and not exact:
        return _("fewer than %(k)s incidents") % {"k": k}
    return ngettext("%(n)s incident", "%(n)s incidents", n) % {"n": n}


def _class_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(low)s or more") % {"low": low}
    return str(low) if high == low else f"{low}–{high}"


def _words(data: dict[str, Any], exact: bool, period: str) -> MapWords:
    cells = data.get("cells") or []
    size = float(data.get("cell_size") or 0)
    n = len(cells)
    return MapWords(
        area_title=_("Incidents per area, %(period)s") % {"period": period},
        area_legend_title=_("Incidents in the period"),
        hot_title=_("Significant hot cells, %(period)s") % {"period": period},
        hot_description=ngettext(
            "%(n)s hot cell of %(size)s m, drawn over the areas' outlines.",
            "%(n)s hot cells of %(size)s m, drawn over the areas' outlines.",
            n,
        )
        % {"n": n, "size": f"{size:g}"},
        hot_legend=_("Significant hot cell (%(size)s m)") % {"size": f"{size:g}"},
        area_legend=_("Area"),
        count=lambda count: count_text(count, exact),
        class_label=_class_label,
        hot_cell=lambda told, z: (
            _("Hot cell: %(count)s, Gi* z = %(z)s")
            % {"count": told, "z": formats.number_format(z, 1)}
        ),
    )


def render_maps(fig: dict[str, Any], exact: bool) -> dict[str, SafeString]:
    """The stored maps of a lägesbild as SVG ready to inline; empty for older documents.

    ``exact`` is whether the reader may see counts below k (``Access.sees_all_data``).
    """
    data = fig.get("maps")
    if not isinstance(data, dict):
        return {}
    period = fig.get("period") or {}
    label = f"{period.get('start', '')}–{period.get('end', '')}"
    words = _words(data, exact, label)
    drawn = {"areas": area_map(data, words, public_k()), "hotspots": hot_cell_map(data, words)}
    # mark_safe is sound here and only here: the markup is made by svgmap.render, which escapes
    # every text it is given (area names come from users) and accepts only checked colours.
    return {key: mark_safe(svg) for key, svg in drawn.items() if svg}
