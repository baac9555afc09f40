"""Exports of the picture: only the rows the user may see in detail; aggregates for viewers."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import World
from tests.picture.test_picture import WEEK, data, in_week, published  # noqa: F401  (the fixture)


def export(client: Any, world: World, fmt: str) -> Any:
    url = reverse("picture-export", kwargs={"slug": world.a.slug})
    response = client.get(url, {**WEEK, "format": fmt})
    assert response.status_code == 200
    return response


def csv_rows(response: Any) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_coordinator_exports_every_incident_of_the_period(data: World, client_for: Any) -> None:  # noqa: F811
    response = export(client_for("coordinator"), data, "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="lagesbild-alfa-2025-03-10-2025-03-16.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:4] == ["id", "category", "organisation", "from"]
    assert len(rows) == 1 + 28
    # Local (Stockholm) time, not UTC.
    assert "2025-03-10 10:00" in {r[3] for r in rows[1:]}


def test_reporter_exports_only_rows_they_may_see(data: World, client_for: Any) -> None:  # noqa: F811
    rows = csv_rows(export(client_for("reporter"), data, "csv"))[1:]
    places = {r[6] for r in rows}
    orgs = {r[2] for r in rows}
    assert "Skolgården" in places and "Trapphus 4" not in places
    assert "Alfahem" not in orgs  # own-organisation and sensitive reports of the company
    assert len(rows) == 26


def test_viewer_export_holds_aggregates_without_rows(data: World, client_for: Any) -> None:  # noqa: F811
    client = client_for("viewer")
    client.cookies["django_language"] = "en"
    text = export(client, data, "csv").content.decode("utf-8-sig")
    assert "Torget" not in text and "beskrivning" not in text and "14.515" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["table", "label", "count"]
    by_category = {r[1]: r[2] for r in rows if r[0].startswith("Incidents by category")}
    for name in ("inbrott", "brand", "våld/hot"):
        assert by_category[name] == str(published(in_week(data, category__name=name)))
    assert all(v == "0" or int(v) >= 5 for v in by_category.values())


def test_excel_export_has_incidents_and_summary(data: World, client_for: Any) -> None:  # noqa: F811
    client = client_for("reporter")
    client.cookies["django_language"] = "en"
    response = export(client, data, "xlsx")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["Incidents", "Summary"]
    rows = list(book["Incidents"].iter_rows(values_only=True))
    assert rows[0][0] == "id" and len(rows) == 1 + 26
    assert all(r[2] != "Alfahem" for r in rows[1:])


def test_viewer_excel_export_has_only_the_summary(data: World, client_for: Any) -> None:  # noqa: F811
    client = client_for("viewer")
    client.cookies["django_language"] = "en"
    book = load_workbook(io.BytesIO(export(client, data, "xlsx").content), read_only=True)
    assert book.sheetnames == ["Summary"]


def test_formula_like_text_is_kept_as_text() -> None:
    from samtrygg.picture.exports import safe_cell

    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("-5") == "'-5"
    assert safe_cell("Torget") == "Torget" and safe_cell(5) == 5


def test_unknown_format_is_refused(data: World, client_for: Any) -> None:  # noqa: F811
    url = reverse("picture-export", kwargs={"slug": data.a.slug})
    assert client_for("coordinator").get(url, {"format": "pdf"}).status_code == 400
