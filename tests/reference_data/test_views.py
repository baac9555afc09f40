"""The reference-data pages: the list with its table and chart, the upload, deleting a series."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samtrygg.reference.models import ReferenceSeries
from samtrygg.reference.services import import_reference
from tests.conftest import World
from tests.reference_data.helpers import KARLSKOGA, kolada_answer


def _upload(client: Any, data: bytes, **extra: str) -> Any:
    url = reverse("reference-import", args=["alfa"])
    payload = {"file": SimpleUploadedFile("n07403.json", data), "kind": "kolada", **extra}
    return client.post(url, payload)


def test_a_coordinator_uploads_a_kolada_file_and_sees_the_table(
    world: World, client_for: Any
) -> None:
    client = client_for("coordinator")
    response = _upload(client, kolada_answer(KARLSKOGA), name="Anmälda våldsbrott")
    assert response.status_code == 302
    page = client.get(reverse("reference-list", args=["alfa"]))
    html = page.content.decode()
    assert "Anmälda våldsbrott" in html
    assert "Karlskoga" in html and "Örebro län" in html and "Riket" in html
    assert "<svg" in html and "polyline" in html
    assert "CC BY 4.0" in html


def test_an_analyst_may_import_and_a_viewer_only_reads(world: World, client_for: Any) -> None:
    assert _upload(client_for("analyst"), kolada_answer(KARLSKOGA)).status_code == 302
    viewer = client_for("viewer")
    page = viewer.get(reverse("reference-list", args=["alfa"]))
    assert page.status_code == 200
    assert reverse("reference-import", args=["alfa"]) not in page.content.decode()
    assert _upload(viewer, kolada_answer(KARLSKOGA)).status_code == 403


def test_a_bad_file_shows_every_problem_and_imports_nothing(world: World, client_for: Any) -> None:
    data = kolada_answer({("9999", 2024): 1.0, ("1883", 2024): 2.0})
    response = _upload(client_for("coordinator"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="import-problems"' in html
    assert "9999" in html
    assert not ReferenceSeries.objects.exists()


def test_a_file_that_is_too_large_is_refused(world: World, client_for: Any) -> None:
    response = _upload(client_for("coordinator"), b" " * (5 * 1024 * 1024 + 1))
    assert response.status_code == 400
    assert not ReferenceSeries.objects.exists()


def test_deleting_asks_first_and_then_deletes_on_post(world: World, client_for: Any) -> None:
    import_reference(world.a, kolada_answer(KARLSKOGA), "a.json", "kolada", None, name="V")
    series = ReferenceSeries.objects.get()
    client = client_for("coordinator")
    url = reverse("reference-delete", args=["alfa", series.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and '<form method="post"' in confirm.content.decode()
    assert ReferenceSeries.objects.exists()
    assert client.post(url).status_code == 302
    assert not ReferenceSeries.objects.exists()


def test_an_outsider_cannot_see_or_delete_a_series(world: World, client_for: Any) -> None:
    import_reference(world.a, kolada_answer(KARLSKOGA), "a.json", "kolada", None)
    series = ReferenceSeries.objects.get()
    outsider = client_for("outsider")
    assert outsider.get(reverse("reference-list", args=["alfa"])).status_code == 404
    assert outsider.post(reverse("reference-delete", args=["beta", series.pk])).status_code == 404
    assert ReferenceSeries.objects.exists()


def test_the_list_says_when_there_is_nothing_yet(world: World, client_for: Any) -> None:
    html = client_for("coordinator").get(reverse("reference-list", args=["alfa"])).content
    assert b"reference-import" not in html  # the URL name is never printed …
    assert reverse("reference-import", args=["alfa"]).encode() in html  # … its link is


def test_the_plans_navigation_links_to_reference_data(world: World, client_for: Any) -> None:
    html = client_for("viewer").get(reverse("plans-home", args=["alfa"])).content.decode()
    assert reverse("reference-list", args=["alfa"]) in html
    html = client_for("reporter").get(reverse("plans-home", args=["alfa"])).content.decode()
    assert reverse("reference-list", args=["alfa"]) not in html


def test_the_chart_is_valid_svg_with_numeric_coordinates_in_swedish(
    world: World, client_for: Any
) -> None:
    import xml.etree.ElementTree as ET

    import_reference(world.a, kolada_answer(KARLSKOGA), "a.json", "kolada", None, name="V")
    html = client_for("coordinator").get(reverse("reference-list", args=["alfa"])).content
    text = html.decode()
    assert 'lang="sv"' in text  # the interface's default language writes decimal commas
    svg = ET.fromstring(text[text.index("<svg") : text.index("</svg>") + 6])
    numbers = [
        float(value)
        for element in svg.iter()
        for name, value in element.attrib.items()
        if name in {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy"}
    ]
    assert numbers and all(0 <= n <= 2000 for n in numbers)
    lines = [el for el in svg.iter() if el.tag.endswith("polyline")]
    assert lines
    for line in lines:
        for point in line.get("points", "").split():
            assert len([float(c) for c in point.split(",")]) == 2
    years = [t.text for t in svg.iter() if t.tag.endswith("text") and (t.text or "").isdigit()]
    assert {"2022", "2023", "2024"} <= set(years)
