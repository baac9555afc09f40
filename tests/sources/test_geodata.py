"""Municipality boundaries, imported areas (GeoJSON, GeoPackage) and point assignment."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio.raw
import pytest
import shapely
from pyproj import Transformer

from samtrygg.sources import geodata
from samtrygg.sources.errors import SourceError
from samtrygg.sources.geodata import (
    assign_points_to_areas,
    first_area_of_points,
    municipality,
    read_areas,
    swedish_municipalities,
)
from tests.datafiles import data_file

SQUARE = [[[14.50, 59.30], [14.55, 59.30], [14.55, 59.35], [14.50, 59.35], [14.50, 59.30]]]
BOWTIE = [[[14.50, 59.30], [14.55, 59.35], [14.55, 59.30], [14.50, 59.35], [14.50, 59.30]]]


def feature(props: dict[str, Any], coords: Any = SQUARE, kind: str = "Polygon") -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": kind, "coordinates": coords},
    }


def geojson(*features: dict[str, Any], **extra: Any) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra}).encode()


def shifted(dx: float) -> list[list[list[float]]]:
    return [[[x + dx, y] for x, y in SQUARE[0]]]


# --------------------------------------------------------------------------- municipalities


def test_there_are_290_municipalities_with_four_digit_codes() -> None:
    ms = swedish_municipalities()
    assert len(ms) == 290
    assert len({m.code for m in ms}) == 290
    assert all(len(m.code) == 4 and m.code.isdigit() for m in ms)
    assert all(m.geometry.geom_type in ("Polygon", "MultiPolygon") for m in ms)
    assert all(shapely.is_valid(m.geometry) for m in ms)
    code, name, geometry = ms[0]
    assert (code, name) == ("0114", "Upplands Väsby")
    assert swedish_municipalities() is ms  # cached


def test_municipality_lookup_and_unknown_code() -> None:
    assert municipality("1883").name == "Karlskoga"
    with pytest.raises(KeyError, match="No Swedish municipality has the code '188'"):
        municipality("188")


def test_municipalities_load_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    swedish_municipalities.cache_clear()
    geodata.municipality_names.cache_clear()
    assert len(swedish_municipalities()) == 290
    assert geodata.municipality_names()["1862"] == "Degerfors"


def test_points_in_karlskoga_and_degerfors_are_assigned_to_them() -> None:
    ms = swedish_municipalities()
    hits = assign_points_to_areas([14.52, 14.43, 12.0], [59.33, 59.24, 56.0], ms)
    assert [[ms[i].code for i in h] for h in hits] == [["1883"], ["1862"], []]


def test_codes_match_the_shared_municipality_file() -> None:
    path = data_file("sweden/municipalities.geojson")
    areas = read_areas(path.read_bytes(), path.name, name_field="kom_namn", code_field="id")
    ms = swedish_municipalities()
    assert len(areas) == 290
    assert {a.code for a in areas} == {m.code for m in ms}
    names = {m.code: m.name.casefold() for m in ms}
    assert all(names[a.code or ""] == a.name.casefold() for a in areas)
    # The two simplifications differ, but an inner point of each lands in the same code.
    points = [a.geometry.representative_point() for a in areas]
    idx = first_area_of_points([p.x for p in points], [p.y for p in points], ms)
    same = sum(ms[i].code == a.code for i, a in zip(idx, areas, strict=True) if i >= 0)
    assert same >= 0.95 * 290


# --------------------------------------------------------------------------- GeoJSON


def test_valid_geojson_is_read_in_file_order() -> None:
    areas = read_areas(
        geojson(
            feature({"Namn": "Centrum", "kod": "C1"}),
            feature({"Namn": "Väster", "kod": "V1"}, shifted(-0.1)),
        ),
        "omraden.geojson",
    )
    assert [(a.name, a.code, a.kind, a.index, a.source_crs) for a in areas] == [
        ("Centrum", "C1", "imported", 0, "EPSG:4326"),
        ("Väster", "V1", "imported", 1, "EPSG:4326"),
    ]
    assert areas[0].geometry.equals(shapely.Polygon(SQUARE[0]))


def test_self_intersecting_polygon_is_named_and_nothing_is_returned() -> None:
    data = geojson(feature({"name": "Centrum"}), feature({"name": "Fjärilen"}, BOWTIE))
    with pytest.raises(SourceError) as info:
        read_areas(data, "a.geojson")
    [error] = info.value.errors
    assert (error.feature, error.name, error.field) == (1, "Fjärilen", "geometry")
    assert "self-intersection" in error.message
    assert "Feature 1 ('Fjärilen')" in str(info.value)


def test_missing_and_duplicate_names_are_all_reported() -> None:
    data = geojson(
        feature({"name": "Centrum"}),
        feature({"name": " "}, shifted(0.1)),
        feature({"name": "centrum"}, shifted(0.2)),
        feature({"name": "Öster"}, BOWTIE),
    )
    with pytest.raises(SourceError) as info:
        read_areas(data, "a.geojson")
    problems = sorted((e.feature, e.field) for e in info.value.errors)
    assert problems == [(1, "name"), (2, "name"), (3, "geometry")]
    messages = " ".join(e.message for e in info.value.errors)
    assert "no name" in messages and "also used by feature 0" in messages


def test_no_name_property_at_all_is_explained() -> None:
    with pytest.raises(SourceError, match="No name property found"):
        read_areas(geojson(feature({"fid": 1})), "a.geojson")
    with pytest.raises(SourceError, match="No feature has the name property 'titel'"):
        read_areas(geojson(feature({"name": "A"})), "a.geojson", name_field="titel")


def test_metric_coordinates_without_crs_name_the_likely_crs() -> None:
    coords = [[[500000, 6570000], [501000, 6570000], [501000, 6571000], [500000, 6570000]]]
    with pytest.raises(SourceError, match=r"SWEREF 99 TM \(EPSG:3006\)"):
        read_areas(geojson(feature({"name": "A"}, coords)), "a.geojson")
    rt90 = [[[1450000, 6570000], [1451000, 6570000], [1451000, 6571000], [1450000, 6570000]]]
    with pytest.raises(SourceError, match="EPSG:3021"):
        read_areas(geojson(feature({"name": "A"}, rt90)), "a.geojson")


def test_legacy_crs_member_and_source_crs_are_honoured() -> None:
    coords = [[[500000, 6570000], [501000, 6570000], [501000, 6571000], [500000, 6570000]]]
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}}
    [area] = read_areas(geojson(feature({"name": "A"}, coords), crs=crs), "a.geojson")
    [same] = read_areas(geojson(feature({"name": "A"}, coords)), "a.geojson", source_crs=3006)
    assert area.source_crs == same.source_crs == "EPSG:3006"
    lon, lat = Transformer.from_crs(3006, 4326, always_xy=True).transform(500000, 6570000)
    assert area.geometry.exterior.coords[0] == pytest.approx((lon, lat), abs=1e-9)
    assert area.geometry.equals_exact(same.geometry, 1e-12)


def test_swapped_coordinates_fall_outside_sweden() -> None:
    swapped = [[[y, x] for x, y in SQUARE[0]]]
    with pytest.raises(SourceError, match="swapped"):
        read_areas(geojson(feature({"name": "A"}, swapped)), "a.geojson")
    with pytest.raises(SourceError, match="outside Sweden"):
        read_areas(geojson(feature({"name": "A"}, shifted(-30))), "a.geojson")


def test_non_polygon_and_empty_geometries_are_refused() -> None:
    data = geojson(
        feature({"name": "Punkt"}, [14.5, 59.3], "Point"),
        {"type": "Feature", "properties": {"name": "Tom"}, "geometry": None},
        feature({"name": "Ok"}),
    )
    with pytest.raises(SourceError) as info:
        read_areas(data, "a.geojson")
    messages = {e.name: e.message for e in info.value.errors}
    assert "is a Point" in messages["Punkt"] and "no geometry" in messages["Tom"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
        (b'{"type": "FeatureCollection", "features": []}', "no features"),
        (b'{"type": "Polygon", "coordinates": []}', "not a GeoJSON FeatureCollection"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_unreadable_geojson_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        read_areas(data, "a.geojson")


# --------------------------------------------------------------------------- GeoPackage


def write_gpkg(
    path: Path,
    fields: dict[str, list[str]],
    polygons: list[shapely.Geometry],
    crs: str = "EPSG:3006",
) -> bytes:
    geometry = np.array([shapely.to_wkb(p) for p in polygons], dtype=object)
    pyogrio.raw.write(
        path,
        geometry,
        [np.array(v, dtype=object) for v in fields.values()],
        fields=list(fields),
        crs=crs,
        geometry_type="Polygon",
        driver="GPKG",
        layer="deso",
    )
    return path.read_bytes()


def test_deso_geopackage_round_trip_reprojects_to_wgs84(tmp_path: Path) -> None:
    boxes = [
        shapely.box(480000, 6570000, 481000, 6571000),
        shapely.box(481000, 6570000, 482000, 6571000),
    ]
    data = write_gpkg(
        tmp_path / "DeSO_2025.gpkg",
        {
            "Desokod": ["1883C1120", "1883C1130"],
            "Regsokod": ["1883R001"] * 2,
            "Kommunnamn": ["Karlskoga"] * 2,
        },
        boxes,
    )
    areas = read_areas(data, "DeSO_2025.gpkg")
    assert [(a.name, a.code, a.kind, a.source_crs) for a in areas] == [
        ("1883C1120", "1883C1120", "deso", "EPSG:3006"),
        ("1883C1130", "1883C1130", "deso", "EPSG:3006"),
    ]
    to_wgs = Transformer.from_crs(3006, 4326, always_xy=True)
    for area, box in zip(areas, boxes, strict=True):
        expected = shapely.transform(box, lambda xy: np.column_stack(to_wgs.transform(*xy.T)))
        assert area.geometry.equals_exact(expected, 1e-9)
    ms = swedish_municipalities()
    centre = areas[0].geometry.centroid
    assert ms[int(first_area_of_points([centre.x], [centre.y], ms)[0])].name == "Karlskoga"


def test_regso_geopackage_takes_names_from_regso(tmp_path: Path) -> None:
    boxes = [
        shapely.box(480000, 6570000, 481000, 6571000),
        shapely.box(481000, 6570000, 482000, 6571000),
    ]
    data = write_gpkg(
        tmp_path / "regso.gpkg",
        {"regsokod": ["1883R001", "1862R001"], "regso": ["Centrum", "Centrum"]},
        boxes,
    )
    areas = read_areas(data, "regso.gpkg")
    # The same RegSO name in two municipalities is allowed (SCB reuses names).
    assert [(a.name, a.code, a.kind) for a in areas] == [
        ("Centrum", "1883R001", "regso"),
        ("Centrum", "1862R001", "regso"),
    ]


def test_broken_geopackage_feature_is_named(tmp_path: Path) -> None:
    bowtie = shapely.Polygon(
        [(480000, 6570000), (481000, 6571000), (481000, 6570000), (480000, 6571000)]
    )
    data = write_gpkg(
        tmp_path / "d.gpkg",
        {"deso": ["1883C1120", "1883C1130"]},
        [shapely.box(480000, 6570000, 481000, 6571000), bowtie],
    )
    with pytest.raises(SourceError) as info:
        read_areas(data, "d.gpkg")
    [error] = info.value.errors
    assert (error.feature, error.name) == (1, "1883C1130")
    assert "self-intersection" in error.message


def test_unreadable_geopackage_is_refused() -> None:
    with pytest.raises(SourceError, match="cannot be read as a GeoPackage"):
        read_areas(b"not a database", "d.gpkg")


# --------------------------------------------------------------------------- assignment


def test_assignment_matches_brute_force_and_is_fast() -> None:
    ms = swedish_municipalities()
    rng = np.random.default_rng(1)
    lon = rng.uniform(11.0, 24.2, 200_000)
    lat = rng.uniform(55.3, 69.0, 200_000)
    start = time.perf_counter()
    hits = assign_points_to_areas(lon, lat, ms)
    elapsed = time.perf_counter() - start
    print(f"200,000 points assigned to 290 municipalities in {elapsed:.2f} s")
    sample = rng.choice(lon.size, 5000, replace=False)
    # Brute force, one vectorised call per area: which sampled points each area contains.
    inside = np.array([shapely.intersects_xy(m.geometry, lon[sample], lat[sample]) for m in ms])
    for j, i in enumerate(sample):
        assert hits[i] == np.flatnonzero(inside[:, j]).tolist()
    first = first_area_of_points(lon, lat, ms)
    assert all(first[i] == (hits[i][0] if hits[i] else -1) for i in sample)


def test_assignment_handles_shared_borders_and_empty_input() -> None:
    left = shapely.box(0, 0, 1, 1)
    right = shapely.box(1, 0, 2, 1)
    assert assign_points_to_areas([1.0, 0.5, 5.0], [0.5, 0.5, 5.0], [left, right]) == [
        [0, 1],
        [0],
        [],
    ]
    assert assign_points_to_areas([], [], [left]) == []
    assert assign_points_to_areas([0.5], [0.5], []) == [[]]
    with pytest.raises(ValueError, match="same length"):
        assign_points_to_areas([1.0, 2.0], [1.0], [left])
