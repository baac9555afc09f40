"""Streets and addresses from an OpenStreetMap extract (.osm.pbf, .osm, GeoJSON or GeoPackage).

A coordinator downloads an extract of the municipality (a ``.osm.pbf`` file as extract services
offer them, an ``.osm`` file from the OpenStreetMap website's export, or GeoJSON/GeoPackage from
overpass-turbo or ``ogr2ogr``) and uploads it; this reader turns it into gazetteer entries
for :class:`samtrygg.sources.places.PlaceMatcher`:

- a point or polygon with ``addr:street`` (or ``addr:place``) and ``addr:housenumber`` becomes
  an address point (a polygon's representative point);
- a line with ``highway=*`` and a ``name`` becomes one street point per name: the middle of the
  longest connected stretch of the ways with that name.

OpenStreetMap's own formats are read with GDAL's OSM driver (through pyogrio): its ``points``,
``lines`` and ``multipolygons`` layers. Tags are read from the feature's properties, or from
GDAL's ``other_tags`` column (``"addr:street"=>"Storgatan"``) as that driver and ``ogr2ogr``
write them. Other
features (shops, rivers, buildings without an address) are skipped and counted.

OpenStreetMap data is © OpenStreetMap contributors, ODbL 1.0.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge

from samtrygg.sources.errors import RowError, SourceError, Term, gettext_noop
from samtrygg.sources.places import GazetteerEntry

__all__ = ["OsmPlaces", "read_osm_places"]

_HSTORE = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')
_MAX_ERRORS = 200
_GEOMETRY = Term(gettext_noop("geometry"))  # the field a message names, translated by the web


@dataclass(frozen=True)
class OsmPlaces:
    """The gazetteer entries read from an extract.

    Attributes
    ----------
    entries : list of GazetteerEntry
        Address points (precision ``"address"``) and street points (``"street"``), WGS 84.
    addresses, streets : int
        How many of each.
    skipped : int
        Features that are neither an address nor a named street.
    """

    entries: list[GazetteerEntry]
    addresses: int
    streets: int
    skipped: int


def _tags(props: Mapping[str, Any]) -> dict[str, str]:
    tags = {str(k): str(v) for k, v in props.items() if v is not None and k != "other_tags"}
    other = props.get("other_tags")
    if isinstance(other, str):
        for key, value in _HSTORE.findall(other):
            tags.setdefault(key.replace('\\"', '"'), value.replace('\\"', '"'))
    return tags


def _features_geojson(data: bytes) -> Iterator[tuple[dict[str, Any], Any]]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(
            gettext_noop(
                "The file is not GeoJSON (%(reason)s). Export the extract as GeoJSON (UTF-8) or "
                "GeoPackage and try again."
            ),
            params={"reason": str(exc)},
        ) from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise SourceError(
            gettext_noop(
                "The GeoJSON file is not a FeatureCollection; export the extract's features as one."
            )
        )
    crs = (doc.get("crs") or {}).get("properties", {}).get("name", "")
    if crs and "4326" not in crs and "CRS84" not in crs:
        raise SourceError(
            gettext_noop(
                "The GeoJSON file is in %(crs)s; export it in WGS 84 (EPSG:4326) as GeoJSON "
                "requires."
            ),
            params={"crs": crs},
        )
    for feature in doc.get("features") or []:
        if not isinstance(feature, dict):
            yield {}, None
            continue
        yield feature.get("properties") or {}, feature.get("geometry")


# The OpenStreetMap driver's layers that can hold an address or a street: nodes with tags,
# ways, and areas (buildings with an address). Route relations ("multilinestrings") would only
# repeat the streets, and other relations hold neither.
_OSM_LAYERS = ("points", "lines", "multipolygons")
_SUFFIXES = {"gpkg": ".gpkg", "pbf": ".osm.pbf", "osm": ".osm"}


def _kind(data: bytes, filename: str) -> str:
    """ "gpkg", "pbf" (OpenStreetMap's binary format), "osm" (its XML) or "geojson"."""
    name = filename.lower()
    if name.endswith(".gpkg") or data[:16] == b"SQLite format 3\x00":
        return "gpkg"
    # A .osm.pbf file starts with the length and type of its first block, "OSMHeader".
    if name.endswith(".pbf") or b"OSMHeader" in data[:32]:
        return "pbf"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if name.endswith(".osm") or (head.startswith(b"<") and b"<osm" in head):
        return "osm"
    return "geojson"


def _features_ogr(data: bytes, filename: str, kind: str) -> Iterator[tuple[dict[str, Any], Any]]:
    """Features of a GeoPackage or an OpenStreetMap file (.osm.pbf or .osm), read with GDAL."""
    import pyogrio
    from pyproj import CRS, Transformer

    with tempfile.TemporaryDirectory() as tmp:
        stem = Path(filename).name.split(".")[0] or "extract"
        path = Path(tmp) / (stem + _SUFFIXES[kind])
        path.write_bytes(data)
        try:
            layers = [str(row[0]) for row in pyogrio.list_layers(path)]
            if kind != "gpkg":
                layers = [layer for layer in layers if layer in _OSM_LAYERS]
            read = [(layer, *pyogrio.read_arrow(path, layer=layer)) for layer in layers]
        except Exception as exc:  # pyogrio raises DataSourceError and GDAL errors.
            if kind != "gpkg":
                raise SourceError(
                    gettext_noop(
                        "The file cannot be read as an OpenStreetMap extract (%(reason)s); "
                        "download the extract again."
                    ),
                    params={"reason": str(exc)},
                ) from exc
            raise SourceError(
                gettext_noop(
                    "The file cannot be read as a GeoPackage (%(reason)s); export the extract "
                    "again."
                ),
                params={"reason": str(exc)},
            ) from exc
    for layer, meta, table in read:
        names = table.column_names
        geom_name = meta.get("geometry_name") or next(
            (c for c in ("geom", "geometry", "wkb_geometry") if c in names), ""
        )
        if geom_name not in names:
            continue
        wkb = table.column(geom_name).combine_chunks().to_numpy(zero_copy_only=False)
        geoms = shapely.from_wkb(wkb)
        crs = CRS.from_user_input(meta["crs"]) if meta.get("crs") else CRS.from_epsg(4326)
        if not crs.equals(CRS.from_epsg(4326)):
            try:
                transformer = Transformer.from_crs(crs, 4326, always_xy=True)
            except Exception as exc:
                raise SourceError(
                    gettext_noop(
                        "Layer %(layer)r has a coordinate system that cannot be converted to "
                        "WGS 84; export it in EPSG:4326."
                    ),
                    params={"layer": layer},
                ) from exc
            geoms = shapely.transform(geoms, partial(_to_wgs84, transformer))
        props = table.drop_columns([geom_name]).to_pylist()
        yield from zip(props, geoms, strict=True)


def _to_wgs84(transformer: Any, xy: Any) -> Any:
    import numpy as np

    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def _house_numbers(text: str) -> list[str]:
    """'12;14' and '12-14' name two numbers; letters stay with their number ('12B')."""
    parts = re.split(r"[;,]|\s*-\s*", text)
    return [p.strip() for p in parts if p.strip()]


def read_osm_places(data: bytes, filename: str) -> OsmPlaces:
    """Read addresses and named streets from an OpenStreetMap extract.

    Parameters
    ----------
    data : bytes
        The file: OpenStreetMap's ``.osm.pbf`` or ``.osm`` (XML), GeoJSON (a FeatureCollection
        in WGS 84) or a GeoPackage (every layer is read; other coordinate systems are
        converted).
    filename : str
        Its name; ``.gpkg`` (or SQLite content) is read as a GeoPackage, ``.pbf`` (or a first
        block named ``OSMHeader``) and ``.osm`` (or XML with an ``<osm>`` element) as
        OpenStreetMap's own formats, anything else as GeoJSON.

    Returns
    -------
    OsmPlaces
        Address and street entries and the count of features skipped.

    Raises
    ------
    SourceError
        All or nothing: an address or street feature without a usable geometry, coordinates
        that are not degrees, or a file without any address or named street; each problem names
        the feature (0-based, as in the file) and says what to do.

    Examples
    --------
    >>> doc = {"type": "FeatureCollection", "features": [
    ...   {"type": "Feature", "properties": {"addr:street": "Storgatan",
    ...    "addr:housenumber": "12B"},
    ...    "geometry": {"type": "Point", "coordinates": [13.3441, 57.4862]}},
    ...   {"type": "Feature", "properties": {"highway": "residential", "name": "Storgatan"},
    ...    "geometry": {"type": "LineString",
    ...                 "coordinates": [[13.340, 57.486], [13.348, 57.486]]}},
    ...   {"type": "Feature", "properties": {"shop": "bakery"},
    ...    "geometry": {"type": "Point", "coordinates": [13.345, 57.487]}}]}
    >>> places = read_osm_places(json.dumps(doc).encode(), "tranemo.geojson")
    >>> [(e.name, e.precision) for e in places.entries]
    [('Storgatan 12B', 'address'), ('Storgatan', 'street')]
    >>> places.skipped
    1
    """
    kind = _kind(data, filename)
    features = _features_geojson(data) if kind == "geojson" else _features_ogr(data, filename, kind)
    errors: list[RowError] = []
    entries: list[GazetteerEntry] = []
    ways: dict[str, list[BaseGeometry]] = defaultdict(list)
    names: dict[str, str] = {}
    skipped = 0
    for index, (props, raw) in enumerate(features):
        tags = _tags(props)
        street = tags.get("addr:street") or tags.get("addr:place")
        number = tags.get("addr:housenumber")
        is_address = bool(street and number)
        is_street = bool(tags.get("highway") and tags.get("name"))
        if not (is_address or is_street):
            skipped += 1
            continue
        label = f"{street} {number}" if is_address else tags["name"]
        geom = _geometry(raw, index, label, errors)
        if geom is None:
            continue
        if is_address:
            point = geom.representative_point()
            for n in _house_numbers(str(number)):
                entries.append(
                    GazetteerEntry(f"{street} {n}", float(point.x), float(point.y), "address")
                )
        elif geom.geom_type in ("LineString", "MultiLineString"):
            key = tags["name"].casefold()
            names.setdefault(key, tags["name"])
            ways[key].append(geom)
        else:
            # A pedestrian square drawn as an area is a street too.
            point = geom.representative_point()
            names.setdefault(tags["name"].casefold(), tags["name"])
            ways[tags["name"].casefold()].append(point)
        if len(errors) >= _MAX_ERRORS:
            break
    if errors:
        raise SourceError(errors)
    addresses = len(entries)
    for key, parts in ways.items():
        point = _street_point(parts)
        entries.append(GazetteerEntry(names[key], float(point.x), float(point.y), "street"))
    if not entries:
        raise SourceError(
            gettext_noop(
                "The file holds no addresses (addr:street and addr:housenumber) and no named "
                "streets (highway with a name). Export the extract with these OpenStreetMap tags "
                "and try again."
            )
        )
    return OsmPlaces(entries, addresses, len(ways), skipped)


def _geometry(raw: Any, index: int, label: str, errors: list[RowError]) -> BaseGeometry | None:
    if raw is None:
        errors.append(
            RowError(
                None,
                _GEOMETRY,
                gettext_noop("It has no geometry; export it with its geometry."),
                feature=index,
                name=label,
            )  # fmt: skip
        )
        return None
    try:
        geom = raw if isinstance(raw, BaseGeometry) else shape(raw)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        errors.append(
            RowError(
                None,
                _GEOMETRY,
                gettext_noop("Its geometry cannot be read (%(reason)s)."),
                feature=index,
                name=label,
                params={"reason": str(exc)},
            )
        )
        return None
    if geom.is_empty:
        errors.append(
            RowError(
                None,
                _GEOMETRY,
                gettext_noop("Its geometry is empty; export it with its geometry."),
                feature=index,
                name=label,
            )  # fmt: skip
        )
        return None
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        errors.append(
            RowError(
                None,
                _GEOMETRY,
                gettext_noop(
                    "Its coordinates (%(x).0f, %(y).0f) are not longitude/latitude degrees; "
                    "export the extract in WGS 84 (EPSG:4326)."
                ),
                feature=index,
                name=label,
                params={"x": minx, "y": miny},
            )
        )
        return None
    return geom


def _street_point(parts: list[BaseGeometry]) -> Any:
    """The middle of the longest connected stretch of a street's ways (a point on the street)."""
    lines = [p for p in parts if p.geom_type in ("LineString", "MultiLineString")]
    if not lines:
        return parts[0]
    merged = linemerge(lines)
    pieces = list(getattr(merged, "geoms", [merged]))
    longest = max(pieces, key=lambda g: g.length)
    return longest.interpolate(0.5, normalized=True)
