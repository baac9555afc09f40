"""Write the small OpenStreetMap-style extract of central Tranemo used by the gazetteer tests.

The features are drawn by hand in the shape of real OSM data (tags as in OpenStreetMap; ways of
one street split in several pieces; buildings with addresses as polygons; features that are
neither addresses nor streets), not downloaded, so the file is small and its contents known.
Two files hold the same features:

- ``tranemo_extract.geojson``: properties are tags, as overpass-turbo exports them;
- ``tranemo_extract.gpkg``: layers ``points``, ``lines`` and ``multipolygons`` with the tags
  not in a column of their own in GDAL's ``other_tags`` (``"addr:street"=>"Storgatan"``), as
  ``ogr2ogr`` writes them from a ``.osm.pbf`` file, in SWEREF 99 TM (EPSG:3006) to exercise
  the conversion to WGS 84.

Run: ``python tests/data/osm/make_tranemo_extract.py`` (needs pyogrio, shapely, pyproj).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyogrio.raw
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon, mapping

HERE = Path(__file__).parent

# (tags, geometry) in WGS 84.
FEATURES: list[tuple[dict[str, str], object]] = [
    # Storgatan in two ways, as OSM splits streets at junctions.
    ({"highway": "secondary", "name": "Storgatan", "ref": "157"},
     LineString([(13.3390, 57.4858), (13.3425, 57.4862), (13.3450, 57.4864)])),
    ({"highway": "secondary", "name": "Storgatan", "ref": "157"},
     LineString([(13.3450, 57.4864), (13.3490, 57.4867)])),
    ({"highway": "residential", "name": "Ängsvägen"},
     LineString([(13.3470, 57.4890), (13.3485, 57.4905), (13.3500, 57.4920)])),
    ({"highway": "residential", "name": "Sankt Olofs gata"},
     LineString([(13.3410, 57.4840), (13.3440, 57.4835)])),
    ({"highway": "pedestrian", "name": "Järnvägsgatan"},
     LineString([(13.3460, 57.4850), (13.3475, 57.4843)])),
    ({"highway": "cycleway"}, LineString([(13.3400, 57.4880), (13.3420, 57.4885)])),
    ({"waterway": "river", "name": "Ätran"}, LineString([(13.3300, 57.4800), (13.3350, 57.4900)])),
    # Address points and buildings with addresses.
    ({"addr:street": "Storgatan", "addr:housenumber": "10", "addr:postcode": "514 30",
      "addr:city": "Tranemo"}, Point(13.3412, 57.4863)),
    ({"addr:street": "Storgatan", "addr:housenumber": "12B", "addr:postcode": "514 30",
      "addr:city": "Tranemo", "shop": "hairdresser"}, Point(13.3421, 57.4865)),
    ({"building": "apartments", "addr:street": "Storgatan", "addr:housenumber": "12",
      "addr:city": "Tranemo"},
     Polygon([(13.3416, 57.4866), (13.3420, 57.4866), (13.3420, 57.4868), (13.3416, 57.4868)])),
    ({"building": "retail", "addr:street": "Storgatan", "addr:housenumber": "14;16"},
     Polygon([(13.3428, 57.4866), (13.3434, 57.4866), (13.3434, 57.4869), (13.3428, 57.4869)])),
    ({"addr:street": "Ängsvägen", "addr:housenumber": "3"}, Point(13.3478, 57.4896)),
    ({"addr:street": "Ängsvägen", "addr:housenumber": "5A"}, Point(13.3481, 57.4899)),
    ({"addr:street": "Järnvägsgatan", "addr:housenumber": "2", "amenity": "library",
      "name": "Tranemo bibliotek"}, Point(13.3463, 57.4848)),
    ({"addr:place": "Bregården", "addr:housenumber": "1"}, Point(13.3530, 57.4810)),
    # Neither an address nor a named street.
    ({"amenity": "bench"}, Point(13.3440, 57.4862)),
    ({"building": "yes"},
     Polygon([(13.3440, 57.4870), (13.3443, 57.4870), (13.3443, 57.4872), (13.3440, 57.4872)])),
]  # fmt: skip

COLUMNS = ("name", "highway", "addr:street", "addr:housenumber")


def write_geojson(path: Path) -> None:
    features = [
        {"type": "Feature", "id": f"n{i}", "properties": tags, "geometry": mapping(geom)}
        for i, (tags, geom) in enumerate(FEATURES)
    ]
    doc = {"type": "FeatureCollection", "features": features}
    # Rounded coordinates keep the file small and stable.
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")


def _other_tags(tags: dict[str, str]) -> str | None:
    rest = {k: v for k, v in tags.items() if k not in ("name", "highway")}
    if not rest:
        return None
    return ",".join(f'"{k}"=>"{v}"' for k, v in rest.items())


def write_gpkg(path: Path) -> None:
    if path.exists():
        path.unlink()
    to_sweref = Transformer.from_crs(4326, 3006, always_xy=True)

    def project(xy: np.ndarray) -> np.ndarray:
        x, y = to_sweref.transform(xy[:, 0], xy[:, 1])
        return np.round(np.column_stack([x, y]), 2)

    layers = {"points": "Point", "lines": "LineString", "multipolygons": "MultiPolygon"}
    for layer, kind in layers.items():
        rows = [
            (t, g)
            for t, g in FEATURES
            if g.geom_type == kind.removeprefix("Multi") or g.geom_type == kind
        ]
        geoms = [shapely.transform(g, project) for _t, g in rows]
        if kind == "MultiPolygon":
            geoms = [shapely.MultiPolygon([g]) for g in geoms]
        fields = ["name", "highway", "other_tags"]
        data = [
            np.array([t.get("name") for t, _g in rows], dtype=object),
            np.array([t.get("highway") for t, _g in rows], dtype=object),
            np.array([_other_tags(t) for t, _g in rows], dtype=object),
        ]
        pyogrio.raw.write(
            path,
            geometry=shapely.to_wkb(np.array(geoms, dtype=object)),
            field_data=data,
            fields=fields,
            layer=layer,
            driver="GPKG",
            geometry_type=kind,
            crs="EPSG:3006",
            append=path.exists(),
        )


if __name__ == "__main__":
    write_geojson(HERE / "tranemo_extract.geojson")
    write_gpkg(HERE / "tranemo_extract.gpkg")
