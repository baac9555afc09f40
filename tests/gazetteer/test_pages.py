"""The coordinator's gazetteer page, adding known places, and the review list of unplaced names."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samtrygg.gazetteer import services as gazetteer
from samtrygg.gazetteer.models import Entry, EntrySource, PlacedName
from samtrygg.incidents.importing import import_incidents
from samtrygg.incidents.models import Incident
from tests.datafiles import data_file

LOG = (
    "id;kategori;tid;plats\n"
    "1;Brand;2024-03-05;Fritidsgården Myran\n"
    "2;Inbrott;2024-03-06;fritidsgarden myran\n"
    "3;Brand;2024-03-07;Torget\n"
)


def _url(name: str, world: Any) -> str:
    return reverse(name, kwargs={"slug": world.a.slug})


@pytest.mark.parametrize(
    "name", ["tranemo_extract.gpkg", "tranemo_extract.osm.pbf", "tranemo_extract.osm"]
)
def test_the_coordinator_imports_an_extract_on_the_gazetteer_page(
    world: Any, client_for: Any, name: str
) -> None:
    client = client_for("coordinator")
    path = data_file(f"osm/{name}")
    response = client.post(
        _url("gazetteer", world), {"file": SimpleUploadedFile(path.name, path.read_bytes())}
    )
    assert response.status_code == 302
    assert Entry.objects.filter(partnership=world.a, source=EntrySource.OSM).count() == 13
    page = client.get(_url("gazetteer", world)).content.decode()
    assert "9 addresses and 4 streets have been imported." in page or "9 adresser" in page


def test_a_refused_extract_imports_nothing_and_names_the_feature(
    world: Any, client_for: Any
) -> None:
    bad = (
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null,'
        b' "properties": {"addr:street": "Storgatan", "addr:housenumber": "3"}}]}'
    )
    response = client_for("coordinator").post(
        _url("gazetteer", world), {"file": SimpleUploadedFile("extract.geojson", bad)}
    )
    assert response.status_code == 400
    assert "Storgatan 3" in response.content.decode()
    assert not Entry.objects.exists()


def test_a_known_place_is_added_by_clicking_the_map(world: Any, client_for: Any) -> None:
    response = client_for("coordinator").post(
        _url("gazetteer-place-add", world), {"name": "Bregården", "lon": "14.52", "lat": "59.33"}
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.name, entry.kind, entry.lon, entry.lat) == (
        "Bregården",
        "known_place",
        14.52,
        59.33,
    )


def test_an_alias_takes_the_point_of_the_place_it_names(world: Any, client_for: Any) -> None:
    response = client_for("coordinator").post(
        _url("gazetteer-place-add", world), {"name": "Stan", "entry": "centrum"}
    )
    assert response.status_code == 302
    alias = Entry.objects.get(name="Stan")
    assert 14.50 < alias.lon < 14.53 and 59.32 < alias.lat < 59.34  # inside the area Centrum


def test_a_place_without_a_point_is_refused_with_what_to_do(world: Any, client_for: Any) -> None:
    response = client_for("coordinator").post(
        _url("gazetteer-place-add", world), {"name": "Bregården", "entry": "Okänt ställe"}
    )
    assert response.status_code == 200
    assert not Entry.objects.exists()
    assert "Okänt ställe" in response.content.decode()


@pytest.fixture
def imported(world: Any) -> Any:
    summary = import_incidents(world.a, world.housing, LOG.encode(), "alfahem.csv")
    assert summary.placed == {"none": 3}
    return world


def test_the_review_list_groups_spellings_and_counts_them(imported: Any, client_for: Any) -> None:
    page = client_for("coordinator").get(_url("incident-place-review", imported)).content.decode()
    assert page.count("?name=fritidsgarden%20myran") == 1
    assert "Torget" in page


def test_placing_a_name_on_the_map_places_its_incidents_and_is_remembered(
    imported: Any, client_for: Any
) -> None:
    url = _url("incident-place-review", imported) + "?name=fritidsgarden%20myran"
    client = client_for("coordinator")
    assert client.get(url).status_code == 200
    response = client.post(url, {"lon": "14.515", "lat": "59.331"})
    assert response.status_code == 302
    placed = Incident.objects.filter(source_id__in=["1", "2"])
    assert {(i.lon, i.lat, i.precision) for i in placed} == {(14.515, 59.331, "known_place")}
    # Linked to the area that contains the point, so it counts there.
    assert all(i.areas.get().name == "Centrum" for i in placed)
    assert PlacedName.objects.get().normalised == "fritidsgarden myran"


def test_picking_a_gazetteer_entry_places_the_name(imported: Any, client_for: Any) -> None:
    entry = gazetteer.add_known_place(imported.a, "Stortorget", 14.52, 59.33)
    url = _url("incident-place-review", imported) + "?name=torget"
    response = client_for("coordinator").post(url, {"entry": "stortorget"})
    assert response.status_code == 302
    incident = Incident.objects.get(source_id="3")
    assert (incident.lon, incident.lat, incident.precision) == (14.52, 59.33, "known_place")
    assert PlacedName.objects.get().entry == entry


def test_a_point_outside_the_partnership_is_refused(imported: Any, client_for: Any) -> None:
    url = _url("incident-place-review", imported) + "?name=torget"
    response = client_for("coordinator").post(url, {"lon": "2.35", "lat": "48.85"})  # Paris
    assert response.status_code == 200
    assert Incident.objects.get(source_id="3").lon is None


def test_the_web_import_summary_shows_the_precision_and_links_the_review(
    world: Any, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    settings.DATA_DIR = tmp_path
    client = client_for("coordinator")
    client.post(
        _url("incident-import", world),
        {"organisation": world.housing.pk, "file": SimpleUploadedFile("alfahem.csv", LOG.encode())},
    )
    data = {
        "map_id": "id", "map_category": "kategori", "map_time": "tid", "map_place": "plats",
        "map_lon": "", "map_lat": "", "map_assessment": "", "map_description": "",
        "sharing": "partnership",
    }  # fmt: skip
    response = client.post(_url("incident-import-mapping", world), data)
    page = response.content.decode()
    assert Incident.objects.count() == 3, page[:3000]
    assert reverse("incident-place-review", kwargs={"slug": world.a.slug}) in page


def test_the_report_forms_known_place_uses_the_gazetteer(world: Any) -> None:
    from samtrygg.incidents.services import locate_place

    gazetteer.add_known_place(world.a, "Bregården", 14.52, 59.33)
    user = world.users["reporter"]
    assert locate_place(world.a, user, "BREGARDEN") == (14.52, 59.33)
    centrum = locate_place(world.a, user, "centrum")
    assert centrum is not None and 14.50 < centrum[0] < 14.53
    assert locate_place(world.a, user, "Okänt ställe") is None
