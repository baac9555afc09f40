"""The survey pages: list, results per area and year, upload with its problems, deleting."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from samtrygg.surveys.models import Survey
from tests.conftest import World
from tests.datafiles import data_file


def _upload(client: Any, name: str, kind: str, data: bytes | None = None) -> Any:
    payload = data if data is not None else data_file(f"surveys/{name}").read_bytes()
    url = reverse("surveys-import", args=["alfa"])
    return client.post(url, {"file": SimpleUploadedFile(name, payload), "kind": kind})


def test_a_coordinator_uploads_the_trygghetsmatning_and_reads_results(
    world: World, client_for: Any
) -> None:
    client = client_for("coordinator")
    assert _upload(client, "polisen_trygghetsmatning.csv", "polisen").status_code == 302
    survey = Survey.objects.get()
    listing = client.get(reverse("surveys-list", args=["alfa"])).content.decode()
    assert reverse("surveys-results", args=["alfa", survey.pk]) in listing
    url = reverse("surveys-results", args=["alfa", survey.pk])
    html = client.get(url, {"area": "delområde:Centrum"}).content.decode()
    assert "<h2>Centrum</h2>" in html
    assert "Problemindex (samtrygg-1)" in html
    assert "Wilson" in html
    assert "2023" in html and "2024" in html
    assert client.get(url, {"area": "kommun:Nowhere"}).status_code == 404


def test_pages_are_in_swedish_by_default(world: World, client_for: Any) -> None:
    client = client_for("coordinator")
    _upload(client, "own_survey_long.csv", "own")
    with translation.override("sv"):
        html = client.get(reverse("surveys-list", args=["alfa"])).content.decode()
        assert "Trygghetsmätningar" in html
        pk = Survey.objects.get().pk
        results = client.get(reverse("surveys-results", args=["alfa", pk])).content.decode()
    assert "dolt: för få svarande" in results or "Svarsfrekvens" in results


def test_a_bad_file_shows_every_problem_and_imports_nothing(world: World, client_for: Any) -> None:
    data = b"area;year;item;answer;count;n\n;2024;a;Ja;1;10\nX;2024;a;Ja;11;10\n"
    response = _upload(client_for("analyst"), "own.csv", "own", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="import-problems"' in html and "larger than n" not in "" and "area" in html
    assert not Survey.objects.exists()


def test_a_viewer_reads_but_cannot_import_or_delete(world: World, client_for: Any) -> None:
    _upload(client_for("coordinator"), "ntu_lpo.csv", "ntu")
    viewer = client_for("viewer")
    page = viewer.get(reverse("surveys-list", args=["alfa"]))
    assert page.status_code == 200
    assert reverse("surveys-import", args=["alfa"]) not in page.content.decode()
    assert _upload(viewer, "ntu_lpo.csv", "ntu").status_code == 403
    pk = Survey.objects.get().pk
    assert viewer.post(reverse("surveys-delete", args=["alfa", pk])).status_code == 403


def test_a_coordinator_deletes_a_survey(world: World, client_for: Any) -> None:
    client = client_for("coordinator")
    _upload(client, "ntu_lpo.csv", "ntu")
    pk = Survey.objects.get().pk
    assert client.post(reverse("surveys-delete", args=["alfa", pk])).status_code == 302
    assert not Survey.objects.exists()
