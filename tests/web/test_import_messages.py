"""The import pages show the readers' problems and skip reasons in the user's language.

The readers write English templates; a page rendered in Swedish shows them in Swedish (and no
English), a page in English shows them in English.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samtrygg.areas.models import Area, AreaKind
from samtrygg.gazetteer.models import Entry
from samtrygg.incidents.models import Incident
from samtrygg.surveys.models import Survey
from tests.conftest import World
from tests.reference_data.helpers import KARLSKOGA, kolada_answer

HEADER = "id;category;time;lon;lat;place\n"
GOOD = HEADER + "1;Brand;2024-03-05 14:30;14,52;59,33;Torget\n"
BAD_DATE = GOOD + "2;Brand;2024-03-77 10:00;14,52;59,33;Torget\n"
WITH_BLANK_ROW = GOOD + ";;;;;\n" + "2;Brand;2024-03-06 10:00;14,52;59,33;Torget\n"
BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[14.50, 59.30], [14.52, 59.32], [14.52, 59.30], [14.50, 59.32], [14.50, 59.30]]
    ],
}


@pytest.fixture
def uploads(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path / "uploads"


def _client(client_for: Any, role: str, language: str) -> Any:
    client = client_for(role)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _import_incidents(client: Any, world: World, text: str, **chosen: str) -> Any:
    slug = world.a.slug
    uploaded = client.post(
        reverse("incident-import", args=[slug]),
        {"organisation": world.school.pk, "file": SimpleUploadedFile("logg.csv", text.encode())},
    )
    assert uploaded.status_code == 302
    mapping = {f"map_{k}": k for k in ("id", "category", "time", "lon", "lat", "place")}
    return client.post(
        reverse("incident-import-mapping", args=[slug]),
        {**mapping, **chosen, "sharing": "partnership"},
    )


def test_a_bad_date_is_named_in_swedish_on_a_swedish_page(
    world: World, client_for: Any, uploads: Path
) -> None:
    response = _import_incidents(_client(client_for, "coordinator", "sv"), world, BAD_DATE)
    assert response.status_code == 400
    page = _text(response)
    assert "Tiden '2024-03-77 10:00' är inte ett datum och klockslag" in page
    assert "is not a date" not in page and "this importer reads" not in page
    assert not Incident.objects.exists()


def test_a_bad_date_is_named_in_english_on_an_english_page(
    world: World, client_for: Any, uploads: Path
) -> None:
    response = _import_incidents(_client(client_for, "coordinator", "en"), world, BAD_DATE)
    assert response.status_code == 400
    page = _text(response)
    assert "The time '2024-03-77 10:00' is not a date and time this importer reads" in page
    assert "Tiden" not in page


def test_the_skipped_blank_row_is_counted_in_the_pages_language(
    world: World, client_for: Any, uploads: Path
) -> None:
    swedish = _text(
        _import_incidents(_client(client_for, "coordinator", "sv"), world, WITH_BLANK_ROW)
    )
    assert "tom rad: 1" in swedish and "blank row" not in swedish
    Incident.objects.all().delete()
    english = _text(
        _import_incidents(_client(client_for, "coordinator", "en"), world, WITH_BLANK_ROW)
    )
    assert "blank row: 1" in english


def test_a_row_without_location_names_our_field_in_swedish(
    world: World, client_for: Any, uploads: Path
) -> None:
    text = "id;category;time;lon;lat\n1;Brand;2024-03-05 14:30;14,52;59,33\n2;Brand;2024-03-06;;\n"
    client = _client(client_for, "coordinator", "sv")
    response = _import_incidents(client, world, text, map_place="")
    assert response.status_code == 400
    page = _text(response)
    # The file has no place column: the problem names our field, in Swedish.
    assert "<td>3</td><td>plats</td>" in page
    assert "Händelsen har ingen plats" in page and "has no location" not in page


def test_a_crossing_area_boundary_is_explained_in_swedish(world: World, client_for: Any) -> None:
    data = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"name": "Fjärilen"}, "geometry": BOWTIE}
            ],
        }
    ).encode()
    response = _client(client_for, "coordinator", "sv").post(
        reverse("area-import", args=[world.a.slug]),
        {"file": SimpleUploadedFile("omraden.geojson", data)},
    )
    assert response.status_code == 400
    page = _text(response)
    assert "Gränsen korsar sig själv" in page and "geometri" in page
    assert "crosses itself" not in page
    assert not Area.objects.filter(partnership=world.a, kind=AreaKind.IMPORTED).exists()


def test_a_gazetteer_feature_without_geometry_is_explained_in_swedish(
    world: World, client_for: Any
) -> None:
    bad = (
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null,'
        b' "properties": {"addr:street": "Storgatan", "addr:housenumber": "3"}}]}'
    )
    response = _client(client_for, "coordinator", "sv").post(
        reverse("gazetteer", args=[world.a.slug]),
        {"file": SimpleUploadedFile("extract.geojson", bad)},
    )
    assert response.status_code == 400
    page = _text(response)
    assert "Objektet saknar geometri" in page and "Storgatan 3" in page
    assert "It has no geometry" not in page
    assert not Entry.objects.exists()


def test_a_broken_reference_file_is_explained_in_the_pages_language(
    world: World, client_for: Any
) -> None:
    url = reverse("reference-import", args=[world.a.slug])
    for language, wanted, unwanted in (
        ("sv", "Filen är inte giltig JSON", "not valid JSON"),
        ("en", "The file is not valid JSON", "inte giltig JSON"),
    ):
        payload = {"file": SimpleUploadedFile("n07403.json", b"{"), "kind": "kolada"}
        page = _text(_client(client_for, "coordinator", language).post(url, payload))
        assert wanted in page and "Koladas svar" in page if language == "sv" else wanted in page
        assert unwanted not in page


def test_a_bad_survey_file_is_explained_in_swedish(world: World, client_for: Any) -> None:
    data = b"area;year;item;answer;count;n\n;2024;a;Ja;1;10\nX;2024;a;Ja;11;10\n"
    response = _client(client_for, "analyst", "sv").post(
        reverse("surveys-import", args=[world.a.slug]),
        {"file": SimpleUploadedFile("own.csv", data), "kind": "own"},
    )
    assert response.status_code == 400
    page = _text(response)
    assert "Området saknas" in page and "Antalet 11 är större än n (10)." in page
    assert "is missing" not in page and "larger than n" not in page
    assert not Survey.objects.exists()


def test_the_reasons_for_skipped_reference_values_are_in_the_pages_language(
    world: World, client_for: Any
) -> None:
    url = reverse("reference-import", args=[world.a.slug])
    for language, wanted, unwanted in (
        ("sv", "Överhoppade: inte totalen (kvinnor eller män): 7.", "women or men"),
        ("en", "Skipped: not the total (women or men): 7.", "kvinnor"),
    ):
        client = _client(client_for, "coordinator", language)
        payload = {"file": SimpleUploadedFile("n.json", kolada_answer(KARLSKOGA)), "kind": "kolada"}
        page = _text(client.post(url, payload, follow=True))
        assert wanted in page and unwanted not in page
