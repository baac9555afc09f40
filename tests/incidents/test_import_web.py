"""The web import of partners' incident files: upload, column mapping, import, history."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samtrygg.incidents import import_views
from samtrygg.incidents.models import ColumnMapping, ImportBatch, Incident

HEADER = "id;category;time;lon;lat;place;assessment;description\n"
GOOD = HEADER + (
    "1;Brand;2024-03-05 14:30;14,52;59,33;Torget;2;Papperskorg brann\n"
    "2;Skadegörelse/klotter;2024-03-06 22:10;14,51;59,335;Skolgården;3;Klotter på vägg\n"
    "3;Otrygg plats;2024-03-07;14,515;59,331;Parken;1;\n"
)
# A category no one can map is a value-step question; a bad time is a problem in the file.
ONE_BAD_ROW = GOOD.replace("3;Otrygg plats;2024-03-07", "3;Otrygg plats;2024-03-77")


@pytest.fixture
def uploads(settings: Any, tmp_path: Path) -> Path:
    """The data directory of these tests; uploads are stored in its ``uploads`` folder."""
    settings.DATA_DIR = tmp_path
    return tmp_path / "uploads"


def _url(name: str, world: Any) -> str:
    return reverse(name, kwargs={"slug": world.a.slug})


def _upload(
    client: Any, world: Any, text: str | bytes, name: str = "logg.csv", org: Any = None
) -> Any:
    data = text.encode() if isinstance(text, str) else text
    org = org or world.school
    return client.post(
        _url("incident-import", world),
        {"organisation": org.pk, "file": SimpleUploadedFile(name, data)},
    )


def _mapping_post(client: Any, world: Any, **overrides: str) -> Any:
    data = {
        f"map_{k}": k
        for k in ("id", "category", "time", "lon", "lat", "place", "assessment", "description")
    }
    data["sharing"] = "partnership"
    data.update(overrides)
    return client.post(_url("incident-import-mapping", world), data)


def _stored(uploads: Path) -> list[Path]:
    return sorted(uploads.iterdir()) if uploads.exists() else []


def test_coordinator_uploads_maps_and_imports_a_csv(
    world: Any, client_for: Any, uploads: Path
) -> None:
    client = client_for("coordinator")
    response = _upload(client, world, GOOD)
    assert response.status_code == 302
    assert response["Location"] == _url("incident-import-mapping", world)
    assert len(_stored(uploads)) == 1

    page = client.get(_url("incident-import-mapping", world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Skolgården" in html and "Papperskorg brann" in html  # the first rows
    form = page.context["form"]
    assert form["map_category"].initial == "category"  # suggested from the header
    assert form["map_lon"].initial == "lon"

    done = _mapping_post(client, world)
    assert done.status_code == 200
    assert done.context["summary"].created == 3
    incidents = Incident.objects.filter(partnership=world.a)
    assert incidents.count() == 3
    assert set(incidents.values_list("organisation", flat=True)) == {world.school.pk}
    assert incidents.get(source_id="1").created_by == world.users["coordinator"]
    assert ColumnMapping.objects.get(organisation=world.school).mapping["time"] == "time"
    batch = ImportBatch.objects.get(partnership=world.a)
    assert (batch.kind, batch.filename, batch.created) == ("incidents", "logg.csv", 3)
    # The stored file is gone and the mapping step sends the user back to the upload.
    assert _stored(uploads) == []
    assert client.get(_url("incident-import-mapping", world)).status_code == 302


def test_a_windows_1252_csv_is_read_and_the_encoding_is_shown(
    world: Any, client_for: Any, uploads: Path
) -> None:
    client = client_for("coordinator")
    assert _upload(client, world, GOOD.encode("cp1252")).status_code == 302
    page = client.get(_url("incident-import-mapping", world)).content.decode()
    assert "Skolgården" in page and "Windows-1252" in page
    done = _mapping_post(client, world)
    assert done.status_code == 200
    assert "Windows-1252" in done.content.decode()
    assert Incident.objects.get(source_id="2").place == "Skolgården"


def test_a_csv_with_one_bad_row_imports_nothing_and_names_the_row(
    world: Any, client_for: Any, uploads: Path
) -> None:
    client = client_for("coordinator")
    assert _upload(client, world, ONE_BAD_ROW).status_code == 302
    response = _mapping_post(client, world)
    assert response.status_code == 400
    problems = response.context["problems"]
    assert [(p.row, p.field) for p in problems] == [(4, "time")]
    assert "2024-03-77" in problems[0].message
    html = response.content.decode()
    assert "Ingenting importerades." in html
    assert "<td>4</td><td>time</td>" in html
    assert Incident.objects.count() == 0
    assert ImportBatch.objects.count() == 0
    assert not ColumnMapping.objects.exists()
    # The file is kept, so that another column choice can be tried without uploading again.
    assert len(_stored(uploads)) == 1


def test_reimporting_the_same_file_adds_nothing(world: Any, client_for: Any, uploads: Path) -> None:
    client = client_for("coordinator")
    for _ in range(2):
        _upload(client, world, GOOD)
        response = _mapping_post(client, world)
        assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.created, summary.unchanged) == (0, 3)
    assert Incident.objects.count() == 3


def test_the_saved_mapping_is_offered_for_the_next_file(
    world: Any, client_for: Any, uploads: Path
) -> None:
    client = client_for("coordinator")
    text = "Händelse;När;Var;Anteckning\nBrand;2024-03-05 14:30;Torget;\n"
    _upload(client, world, text)
    page = client.get(_url("incident-import-mapping", world))
    assert page.context["form"]["map_time"].initial in ("", None)  # 'När' is not recognised
    response = client.post(
        _url("incident-import-mapping", world),
        {"map_category": "Händelse", "map_time": "När", "map_place": "Var",
         "map_description": "Anteckning", "sharing": "organisation"},
    )  # fmt: skip
    assert response.status_code == 200
    assert Incident.objects.get().sharing == "organisation"
    assert ColumnMapping.objects.get(organisation=world.school).mapping == {
        "category": "Händelse", "time": "När", "place": "Var", "description": "Anteckning",
        "id": "", "lon": "", "lat": "", "assessment": "", "sharing": "",
    }  # fmt: skip
    _upload(client, world, text.replace("Torget", "Parken"))
    form = client.get(_url("incident-import-mapping", world)).context["form"]
    assert form["map_time"].initial == "När"
    assert form["map_category"].initial == "Händelse"


def test_a_column_marked_not_in_the_file_is_not_read_even_with_a_known_name(
    world: Any, client_for: Any, uploads: Path
) -> None:
    client = client_for("coordinator")
    text = "category;time;place;description\nBrand;2024-03-05 14:30;Torget;Intern anteckning\n"
    _upload(client, world, text)
    page = client.get(_url("incident-import-mapping", world))
    assert page.context["form"]["map_description"].initial == "description"  # suggested
    response = client.post(
        _url("incident-import-mapping", world),
        {"map_category": "category", "map_time": "time", "map_place": "place",
         "map_description": "", "sharing": "partnership"},
    )  # fmt: skip
    assert response.status_code == 200
    assert Incident.objects.get().description == ""
    # The choice is remembered: the next file's form keeps "not in the file".
    _upload(client, world, text.replace("Torget", "Parken"))
    form = client.get(_url("incident-import-mapping", world)).context["form"]
    assert form["map_description"].initial == ""


def test_the_mapping_form_requires_category_time_and_a_location(
    world: Any, client_for: Any, uploads: Path
) -> None:
    client = client_for("coordinator")
    _upload(client, world, GOOD)
    response = _mapping_post(client, world, map_time="", map_lon="", map_lat="", map_place="")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "map_time" in errors and "map_place" in errors
    assert Incident.objects.count() == 0


def test_reporter_imports_for_their_own_organisation_only(
    world: Any, client_for: Any, uploads: Path
) -> None:
    client = client_for("reporter")
    page = client.get(_url("incident-import", world))
    assert page.status_code == 200
    assert "Alfaskolan" in page.content.decode()
    refused = _upload(client, world, GOOD, org=world.housing)
    assert refused.status_code == 400
    assert "organisation" in refused.context["form"].errors
    assert _stored(uploads) == []
    assert _upload(client, world, GOOD).status_code == 302
    assert _mapping_post(client, world).status_code == 200
    assert set(Incident.objects.values_list("organisation", flat=True)) == {world.school.pk}


def test_analyst_imports_for_any_organisation(world: Any, client_for: Any, uploads: Path) -> None:
    client = client_for("analyst")
    assert _upload(client, world, GOOD, org=world.housing).status_code == 302
    assert _mapping_post(client, world).status_code == 200
    assert set(Incident.objects.values_list("organisation", flat=True)) == {world.housing.pk}


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_viewers_and_outsiders_cannot_upload(
    world: Any, client_for: Any, uploads: Path, persona: str, status: int
) -> None:
    client = client_for(persona)
    assert _upload(client, world, GOOD).status_code == status
    assert _mapping_post(client, world).status_code == status
    assert _stored(uploads) == []
    assert Incident.objects.count() == 0


def test_a_file_that_is_no_known_text_encoding_is_refused_at_upload_naming_the_row(
    world: Any, client_for: Any, uploads: Path
) -> None:
    client = client_for("coordinator")
    garbled = GOOD.encode() + b"4;Brand;2024-03-08;14,5;59,3;" + bytes(range(128, 256)) * 4
    response = _upload(client, world, garbled)
    assert response.status_code == 400
    (problem,) = response.context["problems"]
    assert problem.row == GOOD.count("\n") + 1  # the first row UTF-8 cannot read
    assert "UTF-8" in problem.message
    assert _stored(uploads) == []


def test_an_excel_file_with_merged_header_cells_is_refused(
    world: Any, client_for: Any, uploads: Path
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Händelse", None, "tid"])
    ws.append(["brand", "x", "2024-03-05 14:30"])
    ws.merge_cells("A1:B1")
    buffer = io.BytesIO()
    wb.save(buffer)
    response = _upload(client_for("coordinator"), world, buffer.getvalue(), name="logg.xlsx")
    assert response.status_code == 400
    assert "A1:B1" in response.context["problems"][0].message
    assert _stored(uploads) == []


def test_an_excel_file_is_imported(world: Any, client_for: Any, uploads: Path) -> None:
    from datetime import datetime

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "kategori", "tid", "lon", "lat", "plats"])
    ws.append([101, "Brand", datetime(2024, 3, 5, 14, 30), 14.52, 59.33, "Torget"])
    ws.append([102, "Inbrott", datetime(2024, 3, 6, 2, 0), 14.51, 59.335, "Skolan"])
    buffer = io.BytesIO()
    wb.save(buffer)
    client = client_for("coordinator")
    assert _upload(client, world, buffer.getvalue(), name="logg.xlsx").status_code == 302
    form = client.get(_url("incident-import-mapping", world)).context["form"]
    initial = {k: form[f"map_{k}"].initial for k in ("id", "category", "time", "place")}
    assert initial == {"id": "id", "category": "kategori", "time": "tid", "place": "plats"}
    response = client.post(
        _url("incident-import-mapping", world),
        {"map_id": "id", "map_category": "kategori", "map_time": "tid", "map_lon": "lon",
         "map_lat": "lat", "map_place": "plats", "sharing": "partnership"},
    )  # fmt: skip
    assert response.status_code == 200
    assert sorted(Incident.objects.values_list("source_id", flat=True)) == ["101", "102"]


def test_files_of_other_kinds_and_over_the_size_limit_are_refused(
    world: Any, client_for: Any, uploads: Path, settings: Any
) -> None:
    client = client_for("coordinator")
    wrong = _upload(client, world, GOOD, name="logg.pdf")
    assert wrong.status_code == 400 and "file" in wrong.context["form"].errors
    settings.UPLOAD_MAX_MB = 1
    large = _upload(client, world, GOOD.encode() + b"x" * (1024 * 1024))
    assert large.status_code == 400 and "1 MB" in str(large.context["form"].errors["file"])
    assert _stored(uploads) == []


def test_a_new_upload_replaces_the_stored_one(world: Any, client_for: Any, uploads: Path) -> None:
    client = client_for("coordinator")
    _upload(client, world, GOOD)
    first = _stored(uploads)
    _upload(client, world, GOOD, name="andra.csv")
    second = _stored(uploads)
    assert len(second) == 1 and second != first
    assert client.get(_url("incident-import-mapping", world)).context["filename"] == "andra.csv"


def test_stored_files_are_random_names_private_and_expire_after_an_hour(
    world: Any, client_for: Any, uploads: Path
) -> None:
    client = client_for("coordinator")
    _upload(client, world, GOOD, name="../../etc/passwd.csv")
    (stored,) = _stored(uploads)
    assert stored.parent == uploads
    assert len(stored.name) == 43 and "passwd" not in stored.name
    assert stored.stat().st_mode & 0o077 == 0
    assert client.get(_url("incident-import-mapping", world)).context["filename"] == "passwd.csv"
    # An hour later the upload has expired: the mapping step asks for the file again.
    session = client.session
    session[import_views.SESSION_KEY][world.a.slug]["created"] -= 3601
    session.save()
    assert client.get(_url("incident-import-mapping", world)).status_code == 302
    assert _stored(uploads) == []


def test_abandoned_uploads_are_swept_after_an_hour(
    world: Any, client_for: Any, uploads: Path
) -> None:
    client = client_for("coordinator")
    _upload(client, world, GOOD)
    (old,) = _stored(uploads)
    past = time.time() - 3700
    os.utime(old, (past, past))
    client_for("analyst")
    _upload(client, world, GOOD)
    assert old not in _stored(uploads)
    assert len(_stored(uploads)) == 1


def test_the_stored_upload_belongs_to_its_user(world: Any, client_for: Any, uploads: Path) -> None:
    client = client_for("coordinator")
    _upload(client, world, GOOD)
    session = client.session
    session[import_views.SESSION_KEY][world.a.slug]["user"] = world.users["analyst"].pk
    session.save()
    assert client.get(_url("incident-import-mapping", world)).status_code == 302
    assert _stored(uploads) == []


def test_the_history_lists_incident_and_police_imports(
    world: Any, client_for: Any, uploads: Path
) -> None:
    ImportBatch.objects.create(
        partnership=world.a, kind="polisen", filename="events.json.gz", created=7
    )
    ImportBatch.objects.create(
        partnership=world.b, kind="polisen", filename="beta-only.json", created=1
    )
    client = client_for("coordinator")
    _upload(client, world, GOOD)
    _mapping_post(client, world)
    response = client_for("analyst").get(_url("incident-import-history", world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "events.json.gz" in html and "logg.csv" in html
    assert "beta-only.json" not in html
    assert client_for("reporter").get(_url("incident-import-history", world)).status_code == 403
