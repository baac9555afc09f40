"""Municipalities, imported and drawn areas, and assigning points to areas."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from shapely.geometry import box, mapping

from samtrygg.areas import services
from samtrygg.areas.models import Area, AreaKind
from samtrygg.sources.errors import SourceError
from tests.conftest import World


def _collection(*features: tuple[str, Any]) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"name": name}, "geometry": geom}
                for name, geom in features
            ],
        }
    ).encode()


BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[14.50, 59.30], [14.52, 59.32], [14.52, 59.30], [14.50, 59.32], [14.50, 59.30]]
    ],
}


def test_coordinator_picks_municipalities_and_gets_their_boundaries(
    world: World, client_for: Any
) -> None:
    client = client_for("coordinator")
    response = client.post(
        reverse("area-municipalities", args=[world.a.slug]), {"municipalities": ["1883", "1862"]}
    )
    assert response.status_code == 302
    municipalities = Area.objects.filter(partnership=world.a, kind=AreaKind.MUNICIPALITY)
    assert {(m.code, m.name) for m in municipalities} == {
        ("1883", "Karlskoga"),
        ("1862", "Degerfors"),
    }
    karlskoga = municipalities.get(code="1883")
    assert karlskoga.min_lon < 14.52 < karlskoga.max_lon
    assert karlskoga.geometry["type"] in ("Polygon", "MultiPolygon")
    # Choosing again replaces the set.
    client.post(reverse("area-municipalities", args=[world.a.slug]), {"municipalities": ["1883"]})
    assert list(
        Area.objects.filter(partnership=world.a, kind=AreaKind.MUNICIPALITY).values_list(
            "code", flat=True
        )
    ) == ["1883"]


def test_municipality_list_offers_all_290(world: World, client_for: Any) -> None:
    response = client_for("coordinator").get(reverse("area-municipalities", args=[world.a.slug]))
    assert len(response.context["form"].fields["municipalities"].choices) == 290


def test_geojson_import_creates_every_area(world: World, client_for: Any) -> None:
    data = _collection(
        ("Bruket", mapping(box(14.53, 59.30, 14.56, 59.32))),
        ("Stationen", mapping(box(14.51, 59.31, 14.52, 59.315))),
    )
    response = client_for("coordinator").post(
        reverse("area-import", args=[world.a.slug]),
        {"file": SimpleUploadedFile("omraden.geojson", data, content_type="application/geo+json")},
    )
    assert response.status_code == 302
    names = set(
        Area.objects.filter(partnership=world.a, kind=AreaKind.IMPORTED).values_list(
            "name", flat=True
        )
    )
    assert names == {"Bruket", "Stationen"}


def test_geojson_with_one_broken_feature_imports_nothing_and_names_it(
    world: World, client_for: Any
) -> None:
    data = _collection(("Bruket", mapping(box(14.53, 59.30, 14.56, 59.32))), ("Fjärilen", BOWTIE))
    response = client_for("coordinator").post(
        reverse("area-import", args=[world.a.slug]),
        {"file": SimpleUploadedFile("omraden.geojson", data)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Fjärilen" in page
    assert not Area.objects.filter(partnership=world.a, kind=AreaKind.IMPORTED).exists()


def test_import_refuses_a_name_already_in_use(world: World) -> None:
    data = _collection(("Centrum", mapping(box(14.53, 59.30, 14.56, 59.32))))
    services.import_areas(world.a, data, "a.geojson", None)
    with pytest.raises(SourceError) as caught:
        services.import_areas(world.a, data, "a.geojson", None)
    assert caught.value.errors[0].name == "Centrum"


def test_unknown_file_type_is_refused_with_a_clear_message(world: World, client_for: Any) -> None:
    response = client_for("coordinator").post(
        reverse("area-import", args=[world.a.slug]), {"file": SimpleUploadedFile("areas.shp", b"x")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_coordinator_draws_an_area(world: World, client_for: Any) -> None:
    geometry = json.dumps(mapping(box(14.40, 59.23, 14.45, 59.25)))
    response = client_for("coordinator").post(
        reverse("area-draw", args=[world.a.slug]), {"name": "Stora torget", "geometry": geometry}
    )
    assert response.status_code == 302
    area = Area.objects.get(partnership=world.a, name="Stora torget")
    assert area.kind == AreaKind.DRAWN


def test_drawing_without_a_polygon_says_what_to_do(world: World, client_for: Any) -> None:
    response = client_for("coordinator").post(
        reverse("area-draw", args=[world.a.slug]), {"name": "Tomt", "geometry": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    bowtie = client_for("coordinator").post(
        reverse("area-draw", args=[world.a.slug]), {"name": "Kors", "geometry": json.dumps(BOWTIE)}
    )
    assert bowtie.context["form"].non_field_errors()
    assert not Area.objects.filter(name__in=["Tomt", "Kors"]).exists()


def test_area_map_data_contains_only_the_own_partnership(world: World, client_for: Any) -> None:
    services.create_drawn_area(world.b, "Betatorget", box(14.0, 59.0, 14.1, 59.1), None)
    data = client_for("viewer").get(reverse("area-geojson", args=[world.a.slug])).json()
    assert [f["properties"]["name"] for f in data["features"]] == ["Centrum"]
    outsider = client_for("outsider").get(reverse("area-geojson", args=[world.a.slug]))
    assert outsider.status_code == 404


def test_points_are_assigned_to_every_area_that_contains_them(world: World) -> None:
    services.set_municipalities(world.a, ["1883", "1862"], None)
    areas = list(Area.objects.filter(partnership=world.a))
    by_name = {a.name: a.pk for a in areas}
    hits = services.assign_points(areas, [14.515, 14.43, 18.0], [59.33, 59.24, 59.33])
    assert set(hits[0]) == {by_name["Centrum"], by_name["Karlskoga"]}
    assert hits[1] == [by_name["Degerfors"]]
    assert hits[2] == []
