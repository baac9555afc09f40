"""Hostile and broken uploads are refused with a plain Swedish message naming the limit.

Run on SQLite and on PostgreSQL: on PostgreSQL, NUL characters and values longer than their
column used to end in a server error instead of a refusal that names the row.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from shapely.geometry import box, mapping

from samtrygg.areas.models import Area, AreaKind
from samtrygg.incidents.models import Incident
from samtrygg.sources.limits import DEFAULT_LIMITS
from samtrygg.uploads import import_limits
from tests.conftest import World
from tests.incidents import test_import_web
from tests.sources.test_geodata import write_gpkg
from tests.sources.test_hostile_files import _zip_bomb

uploads = test_import_web.uploads  # the fixture: uploads go to a temporary data directory
_url = test_import_web._url
HEADER = "id;category;time;lon;lat;place;assessment;description\n"
ROW = "{id};Brand;2024-03-05 14:30;14,52;59,33;{place};2;{text}\n"


def _upload(client: Any, world: World, data: bytes, name: str = "logg.csv") -> Any:
    return client.post(
        _url("incident-import", world),
        {"organisation": world.school.pk, "file": SimpleUploadedFile(name, data)},
    )


def _import(client: Any, world: World, data: bytes) -> Any:
    assert _upload(client, world, data).status_code == 302
    fields = ("id", "category", "time", "lon", "lat", "place", "assessment", "description")
    post = {f"map_{k}": k for k in fields}
    post["sharing"] = "partnership"
    return client.post(_url("incident-import-mapping", world), post)


def _problems(response: Any) -> list[tuple[int | None, str | None, str]]:
    return [(e.row, e.field, e.message) for e in response.context["problems"]]


def test_the_limits_fit_the_incident_columns() -> None:
    # A value the reader accepts must fit its column, or PostgreSQL refuses it with an error.
    assert DEFAULT_LIMITS.max_value == Incident._meta.get_field("place").max_length
    assert DEFAULT_LIMITS.max_id == Incident._meta.get_field("source_id").max_length


def test_a_zip_bomb_is_refused_at_upload_in_swedish(
    world: World, client_for: Any, uploads: Path
) -> None:
    response = _upload(client_for("coordinator"), world, _zip_bomb(150), "logg.xlsx")
    assert response.status_code == 400
    [(row, _field, message)] = _problems(response)
    assert row is None
    assert "högst 100 MB" in message and "151 MB" in message
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_too_many_rows_are_refused_at_upload_naming_the_limit(
    world: World, client_for: Any, uploads: Path, settings: Any
) -> None:
    settings.IMPORT_MAX_ROWS = 3
    data = HEADER + "".join(ROW.format(id=i, place="Torget", text="x") for i in range(4))
    response = _upload(client_for("coordinator"), world, data.encode())
    assert response.status_code == 400
    [(_row, _field, message)] = _problems(response)
    assert "4 rader" in message and "högst 3" in message


@pytest.mark.parametrize("with_nul", [False, True])
def test_unstorable_values_are_refused_naming_the_row(
    world: World, client_for: Any, uploads: Path, with_nul: bool
) -> None:
    long_text = "x" * 2500
    rows = [
        ROW.format(id=1, place="Torget", text="kort"),
        ROW.format(id=2, place="Tor\x00get" if with_nul else "P" * 250, text="kort"),
        ROW.format(id=3, place="Torget", text="\x00" if with_nul else long_text),
    ]
    response = _import(client_for("coordinator"), world, (HEADER + "".join(rows)).encode())
    assert response.status_code == 400
    found = _problems(response)
    assert [(row, field) for row, field, _m in found] == [(3, "place"), (4, "description")]
    if with_nul:
        assert all("NUL-tecken" in m for _r, _f, m in found)
    else:
        assert "250 tecken" in found[0][2] and "högst 200 tecken" in found[0][2]
        assert "högst 2000 tecken" in found[1][2]
        assert long_text not in response.content.decode()
    assert not Incident.objects.exists()


def test_the_description_limit_is_a_setting(
    world: World, client_for: Any, uploads: Path, settings: Any
) -> None:
    settings.TEXT_MAX_CHARS = 10
    assert import_limits().max_text == 10
    data = HEADER + ROW.format(id=1, place="Torget", text="elva tecken")
    response = _import(client_for("coordinator"), world, data.encode())
    assert response.status_code == 400
    assert "högst 10 tecken" in _problems(response)[0][2]


def _area_post(client: Any, world: World, data: bytes, name: str) -> Any:
    return client.post(_url("area-import", world), {"file": SimpleUploadedFile(name, data)})


def test_a_geojson_with_too_many_areas_is_refused(
    world: World, client_for: Any, settings: Any
) -> None:
    settings.AREA_MAX_FEATURES = 2
    features = [
        {"type": "Feature", "properties": {"name": f"Område {i}"},
         "geometry": mapping(box(14.5 + i / 100, 59.3, 14.505 + i / 100, 59.305))}
        for i in range(3)
    ]  # fmt: skip
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    response = _area_post(client_for("coordinator"), world, data, "omraden.geojson")
    assert response.status_code == 400
    assert "3 områden" in response.content.decode() and "högst 2" in response.content.decode()
    assert not Area.objects.filter(kind=AreaKind.IMPORTED).exists()


def test_a_geopackage_with_too_many_areas_is_refused(
    world: World, client_for: Any, settings: Any, tmp_path: Path
) -> None:
    settings.AREA_MAX_FEATURES = 1
    boxes = [
        shapely.box(480000, 6570000, 481000, 6571000),
        shapely.box(481000, 6570000, 482000, 6571000),
    ]
    data = write_gpkg(tmp_path / "deso.gpkg", {"Desokod": ["1883C1120", "1883C1130"]}, boxes)
    response = _area_post(client_for("coordinator"), world, data, "deso.gpkg")
    assert response.status_code == 400
    assert "2 områden" in response.content.decode()


@pytest.mark.parametrize("name", ["N" * 201, "Cent\x00rum"])
def test_an_area_name_that_cannot_be_stored_is_refused(
    world: World, client_for: Any, name: str
) -> None:
    feature = {"type": "Feature", "properties": {"name": name},
               "geometry": mapping(box(14.5, 59.3, 14.505, 59.305))}  # fmt: skip
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    response = _area_post(client_for("coordinator"), world, data, "omraden.geojson")
    assert response.status_code == 400
    page = response.content.decode()
    assert "högst 200 tecken" in page or "NUL-tecken" in page
    assert not Area.objects.filter(kind=AreaKind.IMPORTED).exists()
