"""Streets and addresses from OpenStreetMap extracts (samtrygg.sources.osm)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from samtrygg.sources.errors import SourceError
from samtrygg.sources.osm import read_osm_places
from tests.datafiles import data_file


def _read(name: str) -> Any:
    return read_osm_places(data_file(f"osm/{name}").read_bytes(), name)


def _geojson(*features: dict[str, Any]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _feature(props: dict[str, Any], geometry: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


@pytest.mark.parametrize(
    "name",
    [
        "tranemo_extract.geojson",
        "tranemo_extract.gpkg",
        "tranemo_extract.osm.pbf",
        "tranemo_extract.osm",
    ],
)
def test_an_extract_gives_address_and_street_points(name: str) -> None:
    places = _read(name)
    # 8 address features, one of them with two numbers ("14;16"); 4 named streets; a cycleway
    # without a name, a river, a bench and a building without an address are skipped.
    assert (places.addresses, places.streets, places.skipped) == (9, 4, 4)
    by_name = {e.name: e for e in places.entries}
    assert by_name["Storgatan 12B"].precision == "address"
    assert (by_name["Storgatan 12B"].lon, by_name["Storgatan 12B"].lat) == pytest.approx(
        (13.3421, 57.4865), abs=1e-6
    )
    assert {"Storgatan 14", "Storgatan 16", "Bregården 1"} <= set(by_name)
    # Storgatan is two ways in the file but one street point, on the street.
    assert [e.name for e in places.entries].count("Storgatan") == 1
    street = by_name["Storgatan"]
    assert street.precision == "street"
    assert 13.339 <= street.lon <= 13.349 and 57.4858 <= street.lat <= 57.4867


def test_the_geopackage_in_sweref_gives_the_same_points_as_the_geojson() -> None:
    a = {e.name: (e.lon, e.lat) for e in _read("tranemo_extract.geojson").entries}
    b = {e.name: (e.lon, e.lat) for e in _read("tranemo_extract.gpkg").entries}
    assert a.keys() == b.keys()
    for name, point in a.items():
        # The GeoPackage holds SWEREF 99 TM rounded to centimetres.
        assert b[name] == pytest.approx(point, abs=1e-6), name


@pytest.mark.parametrize("name", ["tranemo_extract.osm.pbf", "tranemo_extract.osm"])
def test_openstreetmaps_own_formats_give_the_same_points_as_the_geojson(name: str) -> None:
    # Read with GDAL's OSM driver: nodes and ways, tags in other_tags; the name alone or the
    # content alone says which format the file is in.
    a = {e.name: (e.lon, e.lat, e.precision) for e in _read("tranemo_extract.geojson").entries}
    data = data_file(f"osm/{name}").read_bytes()
    for filename in (name, "upload"):
        b = {e.name: (e.lon, e.lat, e.precision) for e in read_osm_places(data, filename).entries}
        assert a.keys() == b.keys()
        for key, (lon, lat, precision) in a.items():
            assert b[key][:2] == pytest.approx((lon, lat), abs=1e-6), key
            assert b[key][2] == precision


def test_an_address_without_geometry_refuses_the_whole_file_naming_the_feature() -> None:
    data = _geojson(
        _feature({"addr:street": "Storgatan", "addr:housenumber": "1"},
                 {"type": "Point", "coordinates": [13.34, 57.48]}),
        _feature({"addr:street": "Storgatan", "addr:housenumber": "3"}, None),
    )  # fmt: skip
    with pytest.raises(SourceError) as info:
        read_osm_places(data, "extract.geojson")
    (error,) = info.value.errors
    assert (error.feature, error.name, error.field) == (1, "Storgatan 3", "geometry")
    assert "export" in error.message


def test_metric_coordinates_in_geojson_are_refused_with_what_to_do() -> None:
    data = _geojson(
        _feature({"highway": "residential", "name": "Storgatan"},
                 {"type": "LineString", "coordinates": [[370000, 6372000], [370100, 6372000]]}),
    )  # fmt: skip
    with pytest.raises(SourceError, match="EPSG:4326"):
        read_osm_places(data, "extract.geojson")


def test_a_file_without_addresses_or_streets_is_refused() -> None:
    data = _geojson(_feature({"amenity": "bench"}, {"type": "Point", "coordinates": [13, 57]}))
    with pytest.raises(SourceError, match=r"addr:street"):
        read_osm_places(data, "extract.geojson")


@pytest.mark.parametrize("data", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_a_file_that_is_not_geojson_is_refused(data: bytes) -> None:
    with pytest.raises(SourceError, match="GeoJSON"):
        read_osm_places(data, "extract.geojson")


def test_a_broken_geopackage_is_refused() -> None:
    with pytest.raises(SourceError, match="GeoPackage"):
        read_osm_places(b"SQLite format 3\x00" + b"\x00" * 100, "extract.gpkg")


def test_tags_in_gdal_other_tags_are_read() -> None:
    data = _geojson(
        _feature({"other_tags": '"addr:street"=>"Ågatan","addr:housenumber"=>"7"'},
                 {"type": "Point", "coordinates": [13.34, 57.48]}),
    )  # fmt: skip
    (entry,) = read_osm_places(data, "extract.geojson").entries
    assert (entry.name, entry.precision) == ("Ågatan 7", "address")
