"""Incidents and areas stay linked: areas added, moved, replaced or deleted after the incidents."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from shapely.geometry import Point, box, mapping

from samtrygg.analysis.geo import SWEREF99TM, to_lonlat, to_metric
from samtrygg.areas.models import Area
from samtrygg.incidents.categories import seed_categories
from samtrygg.incidents.linking import link_incidents
from samtrygg.incidents.models import Category, Incident, IncidentArea, RetentionAction
from samtrygg.incidents.retention import apply_retention
from tests.conftest import World

STHLM = ZoneInfo("Europe/Stockholm")
WEEK = {"period": "week", "at": "2025-03-12"}
MONDAY = datetime(2025, 3, 10, 12, tzinfo=STHLM)
# Two neighbourhoods west of the fixture's drawn area "Centrum" (14.50–14.53, 59.32–59.34).
WEST = (14.45, 59.31)
EAST = (14.47, 59.31)
WEST_BOX = box(14.44, 59.30, 14.46, 59.32)
EAST_BOX = box(14.46, 59.30, 14.48, 59.32)


def _incidents(world: World, lonlat: tuple[float, float], n: int) -> list[Incident]:
    """``n`` incidents near ``lonlat`` this week, linked as any import links them."""
    seed_categories(world.a)
    cat = Category.objects.get(partnership=world.a, name="skadegörelse/klotter")
    made = Incident.objects.bulk_create(
        [
            Incident(
                partnership=world.a,
                organisation=world.kommun,
                category=cat,
                occurred_from=MONDAY + timedelta(hours=i),
                occurred_to=MONDAY + timedelta(hours=i),
                lon=lonlat[0] + 0.0001 * (i % 5),
                lat=lonlat[1] + 0.0001 * (i // 5),
                place="Gatan",
            )
            for i in range(n)
        ]
    )
    link_incidents(world.a, incidents=Incident.objects.filter(pk__in=[i.pk for i in made]))
    return made


def _area(partnership: Any, name: str, geom: Any) -> Area:
    west, south, east, north = geom.bounds
    return Area.objects.create(
        partnership=partnership, name=name, kind="drawn", geometry=mapping(geom),
        min_lon=west, min_lat=south, max_lon=east, max_lat=north,
    )  # fmt: skip


def _one(partnership: Any, organisation: Any, category: Category, **kw: Any) -> Incident:
    when = kw.pop("when", MONDAY)
    return Incident(
        partnership=partnership, organisation=organisation, category=category,
        occurred_from=when, occurred_to=when, **kw,
    )  # fmt: skip


def _area_counts(client: Any, world: World) -> dict[str, int]:
    response = client.get(reverse("picture", kwargs={"slug": world.a.slug}), WEEK)
    assert response.status_code == 200
    return {r.label: r.count for r in response.context["pic"].by_area.rows}


def _geojson(*features: tuple[str, Any]) -> SimpleUploadedFile:
    data = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"name": name}, "geometry": mapping(geom)}
                for name, geom in features
            ],
        }
    ).encode()
    return SimpleUploadedFile("omraden.geojson", data, content_type="application/geo+json")


@pytest.fixture
def spread(world: World) -> World:
    """Seven incidents in the west, three in the east, stored before any area covers them."""
    _incidents(world, WEST, 7)
    _incidents(world, EAST, 3)
    return world


def test_an_area_drawn_after_its_incidents_counts_them(spread: World, client_for: Any) -> None:
    client = client_for("coordinator")
    assert "Väster" not in _area_counts(client, spread)
    response = client.post(
        reverse("area-draw", args=[spread.a.slug]),
        {"name": "Väster", "geometry": json.dumps(mapping(WEST_BOX))},
    )
    assert response.status_code == 302
    counts = _area_counts(client, spread)
    assert counts["Väster"] == 7
    assert counts["Centrum"] == 0


def test_an_imported_area_counts_the_incidents_already_there(
    spread: World, client_for: Any
) -> None:
    client = client_for("coordinator")
    response = client.post(
        reverse("area-import", args=[spread.a.slug]),
        {"file": _geojson(("Väster", WEST_BOX), ("Öster", EAST_BOX))},
    )
    assert response.status_code == 302
    counts = _area_counts(client, spread)
    assert (counts["Väster"], counts["Öster"]) == (7, 3)


def test_replacing_an_area_moves_its_count_and_keeps_the_area(
    spread: World, client_for: Any
) -> None:
    client = client_for("coordinator")
    url = reverse("area-import", args=[spread.a.slug])
    client.post(url, {"file": _geojson(("Fältet", WEST_BOX))})
    area = Area.objects.get(partnership=spread.a, name="Fältet")
    assert _area_counts(client, spread)["Fältet"] == 7

    # Without the tick the clash is refused and nothing changes.
    refused = client.post(url, {"file": _geojson(("Fältet", EAST_BOX))})
    assert refused.status_code == 400
    assert "Ersätt områden med samma namn" in refused.content.decode()
    assert _area_counts(client, spread)["Fältet"] == 7

    moved = client.post(url, {"file": _geojson(("Fältet", EAST_BOX)), "replace": "on"})
    assert moved.status_code == 302
    assert Area.objects.get(partnership=spread.a, name="Fältet").pk == area.pk
    assert _area_counts(client, spread)["Fältet"] == 3
    # Grown to cover both: every incident counts, none twice.
    client.post(url, {"file": _geojson(("Fältet", WEST_BOX.union(EAST_BOX))), "replace": "on"})
    assert _area_counts(client, spread)["Fältet"] == 10
    assert IncidentArea.objects.filter(area=area).count() == 10


def test_deleting_an_area_removes_its_links_only(spread: World, client_for: Any) -> None:
    client = client_for("coordinator")
    client.post(
        reverse("area-import", args=[spread.a.slug]),
        {"file": _geojson(("Väster", WEST_BOX), ("Hela väst", WEST_BOX.union(EAST_BOX)))},
    )
    west = Area.objects.get(partnership=spread.a, name="Väster")
    response = client.post(reverse("area-delete", args=[spread.a.slug, west.pk]))
    assert response.status_code == 302
    counts = _area_counts(client, spread)
    assert "Väster" not in counts and counts["Hela väst"] == 10
    assert not IncidentArea.objects.filter(area_id=west.pk).exists()
    assert Incident.objects.filter(partnership=spread.a).count() == 10


def test_municipalities_chosen_after_the_incidents_count_them(
    spread: World, client_for: Any
) -> None:
    client = client_for("coordinator")
    # Degerfors (1862) lies around 14.43 E, 59.24 N: none of the incidents.
    client.post(
        reverse("area-municipalities", args=[spread.a.slug]), {"municipalities": ["1883", "1862"]}
    )
    counts = _area_counts(client, spread)
    assert counts["Karlskoga"] == 10 and counts["Degerfors"] == 0


def test_links_match_point_in_polygon_computed_one_by_one(world: World) -> None:
    rng = np.random.default_rng(7)
    seed_categories(world.a)
    cat = Category.objects.get(partnership=world.a, name="brand")
    lon = rng.uniform(14.40, 14.60, 400)
    lat = rng.uniform(59.25, 59.40, 400)
    Incident.objects.bulk_create(
        [
            _one(world.a, world.kommun, cat, lon=float(x), lat=float(y))
            for x, y in zip(lon, lat, strict=True)
        ]
        # One without a point lies in no area.
        + [_one(world.a, world.kommun, cat)]
    )
    shapes = {"Ring": Point(14.5, 59.33).buffer(0.05).difference(Point(14.5, 59.33).buffer(0.02))}
    for name, geom in shapes.items():
        _area(world.a, name, geom)
    # A partnership-wide relink, twice: the second changes nothing.
    first = link_incidents(world.a)
    rows = set(IncidentArea.objects.values_list("pk", flat=True))
    assert link_incidents(world.a) == first
    assert set(IncidentArea.objects.values_list("pk", flat=True)) == rows  # nothing rewritten
    expected = set()
    for area in Area.objects.filter(partnership=world.a):
        from shapely.geometry import shape

        geom = shape(area.geometry)
        for incident in Incident.objects.filter(partnership=world.a, lon__isnull=False):
            if geom.intersects(Point(incident.lon, incident.lat)):
                expected.add((incident.pk, area.pk))
    got = set(IncidentArea.objects.values_list("incident_id", "area_id"))
    assert got == expected and len(got) == first
    # Both the fixture's Centrum and the ring hold some of the random points.
    assert {a for _i, a in got} == set(
        Area.objects.filter(partnership=world.a).values_list("pk", flat=True)
    )


def test_other_partnerships_links_are_left_alone(world: World) -> None:
    seed_categories(world.b)
    cat = Category.objects.get(partnership=world.b, name="brand")
    other = _area(world.b, "Bs område", WEST_BOX)
    theirs = _one(world.b, world.b.organisations.first(), cat, lon=WEST[0], lat=WEST[1])
    theirs.save()
    link_incidents(world.b)
    _incidents(world, WEST, 4)
    link_incidents(world.a)
    assert list(IncidentArea.objects.filter(area=other).values_list("incident_id", flat=True)) == [
        theirs.pk
    ]


def test_anonymising_moves_the_links_with_the_point(world: World) -> None:
    seed_categories(world.a)
    cat = Category.objects.get(partnership=world.a, name="våld/hot")
    Category.objects.filter(pk=cat.pk).update(
        retention_months=12, retention_action=RetentionAction.ANONYMISE
    )
    # A point 100 m east and 100 m north of its 250 m square's centre, and a small area
    # around the point that does not reach the centre.
    x, y, _ = to_metric([14.47], [59.35], SWEREF99TM)
    cx, cy = (np.floor(x / 250) + 0.5) * 250, (np.floor(y / 250) + 0.5) * 250
    px, py = cx + 100, cy + 100
    lon, lat = to_lonlat(px, py, SWEREF99TM)
    blon, blat = to_lonlat(np.array([px[0] - 30, px[0] + 30]), np.array([py[0] - 30, py[0] + 30]),
                           SWEREF99TM)  # fmt: skip
    small = box(blon[0], blat[0], blon[1], blat[1])
    around = Point(float(lon[0]), float(lat[0])).buffer(0.02)
    old = _one(world.a, world.kommun, cat, when=MONDAY - timedelta(days=800),
               lon=float(lon[0]), lat=float(lat[0]), description="Text")  # fmt: skip
    old.save()
    for name, geom in (("Hörnet", small), ("Kvarteret", around)):
        _area(world.a, name, geom)
    link_incidents(world.a)
    assert set(old.areas.values_list("name", flat=True)) == {"Hörnet", "Kvarteret"}
    apply_retention(world.a, now=MONDAY)
    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert set(old.areas.values_list("name", flat=True)) == {"Kvarteret"}


def test_a_point_that_stands_for_the_municipality_is_linked_to_it_only(world: World) -> None:
    from samtrygg.gazetteer.models import Precision

    # A row that named only the municipality got its centre as point; the centre lies in a
    # drawn area, but nothing says the incident happened there.
    kommun = _area(world.a, "Kommunen", box(14.40, 59.28, 14.60, 59.40))
    Area.objects.filter(pk=kommun.pk).update(kind="municipality")
    made = _incidents(world, WEST, 3)
    Incident.objects.filter(pk=made[0].pk).update(precision=Precision.MUNICIPALITY)
    area = _area(world.a, "Väster", WEST_BOX)
    link_incidents(world.a)
    linked = {
        (i, a)
        for i, a in IncidentArea.objects.filter(incident__in=made).values_list(
            "incident_id", "area__name"
        )
    }
    assert (made[0].pk, "Kommunen") in linked
    assert (made[0].pk, area.name) not in linked
    assert {(m.pk, area.name) for m in made[1:]} <= linked
