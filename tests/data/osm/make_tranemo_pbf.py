"""Write the Tranemo extract's features in OpenStreetMap's own formats (.osm.pbf and .osm).

The same hand-drawn features as ``make_tranemo_extract.py`` (imported from it), as nodes and
ways the way OpenStreetMap stores them: a point is a tagged node, a street a way over untagged
nodes, a building a closed way. The reader opens these files with GDAL's OSM driver, so the
tests check that route and not only the GeoJSON/GeoPackage ones.

Run: ``python tests/data/osm/make_tranemo_pbf.py``. It needs pyosmium (``pip install
osmium``), which only this script uses: Samtrygg itself reads the files with pyogrio.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from shapely.geometry import LineString, Point, Polygon

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from make_tranemo_extract import FEATURES  # noqa: E402


def write(path: Path) -> None:
    import osmium  # only this script needs it (pip install osmium)

    if path.exists():
        path.unlink()
    nodes: list[Any] = []
    ways: list[Any] = []
    next_node = 1
    for number, (tags, geom) in enumerate(FEATURES, start=1):
        if isinstance(geom, Point):
            nodes.append(
                osmium.osm.mutable.Node(
                    id=next_node, version=1, location=(geom.x, geom.y), tags=tags
                )
            )
            next_node += 1
            continue
        coords = list(geom.exterior.coords) if isinstance(geom, Polygon) else list(geom.coords)
        assert isinstance(geom, LineString | Polygon)
        refs = []
        for lon, lat in coords[:-1] if isinstance(geom, Polygon) else coords:
            nodes.append(osmium.osm.mutable.Node(id=next_node, version=1, location=(lon, lat)))
            refs.append(next_node)
            next_node += 1
        if isinstance(geom, Polygon):
            refs.append(refs[0])  # a closed way
        ways.append(osmium.osm.mutable.Way(id=100 + number, version=1, nodes=refs, tags=tags))
    writer = osmium.SimpleWriter(str(path))
    try:
        for node in nodes:  # OSM files list nodes before ways, each sorted by id
            writer.add_node(node)
        for way in ways:
            writer.add_way(way)
    finally:
        writer.close()


if __name__ == "__main__":
    write(HERE / "tranemo_extract.osm.pbf")
    write(HERE / "tranemo_extract.osm")
