"""``--boundary FILE``: the study area of an analysis as one (multi)polygon in EPSG:4326.

GeoJSON (a FeatureCollection, a Feature or a bare geometry; EPSG:4326 unless a legacy ``crs``
member says otherwise) or GeoPackage (every polygon of its one polygon layer). All polygons are
merged; holes (lakes) stay holes, so no cold spot is reported on water.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from samtrygg.analysis.errors import InputError

_POLYGONAL = ("Polygon", "MultiPolygon")


def read_boundary(path: str) -> Any:
    """Read ``path`` and return the union of its polygons in EPSG:4326 (a shapely geometry)."""
    import shapely

    p = Path(path)
    if not p.exists():
        raise InputError(f"The boundary file {path!r} does not exist.")
    if p.suffix.lower() == ".gpkg":
        geoms, crs = _read_gpkg(p)
    else:
        geoms, crs = _read_geojson(p)
    polygons = [g for g in geoms if g is not None and not g.is_empty and g.geom_type in _POLYGONAL]
    if not polygons:
        raise InputError(
            f"The boundary file {path!r} holds no polygon; give the study area as polygons."
        )
    for i, g in enumerate(polygons):
        if not g.is_valid:
            reason = shapely.is_valid_reason(g)
            raise InputError(
                f"Polygon {i + 1} of the boundary file {path!r} is invalid ({reason}); "
                "fix it where it was drawn."
            )
    merged = shapely.union_all(polygons)
    if crs is not None:
        merged = _to_wgs84(merged, crs, path)
    xmin, ymin, xmax, ymax = merged.bounds
    if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
        raise InputError(
            f"The boundary file {path!r} has coordinates outside longitude/latitude ranges "
            f"({xmin:.0f}, {ymin:.0f}) and declares no coordinate system; save it in EPSG:4326."
        )
    return merged


def _read_geojson(path: Path) -> tuple[list[Any], Any]:
    import shapely.geometry

    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"The boundary file {str(path)!r} is not GeoJSON (UTF-8 JSON): {exc}."
        ) from exc
    if not isinstance(doc, dict):
        raise InputError(f"The boundary file {str(path)!r} is not a GeoJSON object.")
    crs_member = doc.get("crs")
    crs = (crs_member.get("properties") or {}).get("name") if isinstance(crs_member, dict) else None
    kind = doc.get("type")
    if kind == "FeatureCollection":
        raw = [f.get("geometry") for f in doc.get("features") or [] if isinstance(f, dict)]
    elif kind == "Feature":
        raw = [doc.get("geometry")]
    else:
        raw = [doc]
    geoms = []
    for i, g in enumerate(raw):
        if g is None:
            continue
        try:
            geoms.append(shapely.geometry.shape(g))
        except Exception as exc:  # shapely raises several types for malformed coordinates.
            raise InputError(
                f"Feature {i + 1} of the boundary file {str(path)!r} cannot be read ({exc})."
            ) from exc
    return geoms, crs


def _read_gpkg(path: Path) -> tuple[list[Any], Any]:
    import pyogrio
    import shapely

    try:
        layers = pyogrio.list_layers(path)
        polygon_layers = [str(r[0]) for r in layers if r[1] and "Polygon" in str(r[1])]
        if len(polygon_layers) != 1:
            names = [str(r[0]) for r in layers]
            raise InputError(
                f"The GeoPackage {str(path)!r} has the layers {names}; the boundary must be its "
                "only polygon layer."
            )
        meta, table = pyogrio.read_arrow(path, layer=polygon_layers[0])
    except InputError:
        raise
    except Exception as exc:  # pyogrio raises DataSourceError and GDAL errors.
        raise InputError(f"The file {str(path)!r} cannot be read as a GeoPackage ({exc}).") from exc
    column = meta.get("geometry_name") or "wkb_geometry"
    wkb = table.column(column).combine_chunks().to_numpy(zero_copy_only=False)
    return list(shapely.from_wkb(wkb)), meta.get("crs")


def _to_wgs84(geometry: Any, crs: Any, path: str) -> Any:
    import numpy as np
    import shapely
    from pyproj import CRS, Transformer

    try:
        source = CRS.from_user_input(crs)
    except Exception as exc:  # pyproj raises CRSError.
        raise InputError(f"The boundary file {path!r} declares an unknown CRS {crs!r}.") from exc
    if source.to_epsg() == 4326:
        return geometry
    transformer = Transformer.from_crs(source, 4326, always_xy=True)

    def move(coords: Any) -> Any:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, move)
