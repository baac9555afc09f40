"""Exports of the picture: only the rows the user may see in detail; aggregates for viewers.

The CSV file is for Swedish Excel (semicolons, UTF-8 with BOM, decimal comma) in both languages,
with headers and coded values in the reader's language.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import World
from tests.picture.test_picture import MONDAY, WEEK, add, data, in_week, published  # noqa: F401


def export(client: Any, world: World, fmt: str) -> Any:
    url = reverse("picture-export", kwargs={"slug": world.a.slug})
    response = client.get(url, {**WEEK, "format": fmt})
    assert response.status_code == 200
    return response


def csv_rows(response: Any) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to see UTF-8
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


SWEDISH_HEADER = ["ID", "Kategori", "Organisation", "Från", "Till", "Tid på dygnet", "Plats",
                  "Longitud", "Latitud", "Bedömning", "Beskrivning", "Delning",
                  "Syntetiska demodata"]  # fmt: skip
ENGLISH_HEADER = ["ID", "Category", "Organisation", "From", "To", "Time of day", "Place",
                  "Longitude", "Latitude", "Assessment", "Description", "Sharing",
                  "Synthetic demo data"]  # fmt: skip


def test_coordinator_exports_every_incident_of_the_period(data: World, client_for: Any) -> None:  # noqa: F811
    response = export(client_for("coordinator"), data, "csv")
    assert response["Content-Type"].startswith("text/csv")
    # Named as the page ("Aktuellt läge"), apart from the yearly lägesbild.
    assert (
        'filename="aktuellt-lage-alfa-2025-03-10-2025-03-16.csv"' in response["Content-Disposition"]
    )
    rows = csv_rows(response)
    assert rows[0] == SWEDISH_HEADER  # Swedish is the default language
    assert len(rows) == 1 + 28 and all(len(r) == len(SWEDISH_HEADER) for r in rows)
    # Local (Stockholm) time, not UTC, in ISO form.
    assert "2025-03-10 10:00" in {r[3] for r in rows[1:]}
    # Coded values as the pages show them.
    assert {r[5] for r in rows[1:]} == {"Exakt tid"}
    assert {r[11] for r in rows[1:]} == {"Partnerskapet", "Egen organisation"}
    assert {r[12] for r in rows[1:]} == {"Nej"}


def test_csv_numbers_have_a_decimal_comma(data: World, client_for: Any) -> None:  # noqa: F811
    from samtrygg.incidents.models import Incident

    rows = csv_rows(export(client_for("coordinator"), data, "csv"))[1:]
    stored = {i.pk: i for i in in_week(data)}
    assert len(rows) == len(stored)
    for row in rows:
        incident: Incident = stored[int(row[0])]
        assert row[7] == str(incident.lon).replace(".", ",")
        assert row[8] == str(incident.lat).replace(".", ",")
        assert "." not in row[7] + row[8]
    assert "14,515" in {r[7] for r in rows}


def test_csv_headers_follow_the_language(data: World, client_for: Any) -> None:  # noqa: F811
    client = client_for("coordinator")
    client.cookies["django_language"] = "en"
    rows = csv_rows(export(client, data, "csv"))
    assert rows[0] == ENGLISH_HEADER
    assert {r[5] for r in rows[1:]} == {"Exact time"}
    assert {r[12] for r in rows[1:]} == {"No"}


def test_csv_cells_that_look_like_formulas_stay_text(data: World, client_for: Any) -> None:  # noqa: F811
    from samtrygg.incidents.models import Incident

    (made,) = add(data, "brand", MONDAY + timedelta(hours=3), place='=HYPERLINK("http://x")')
    Incident.objects.filter(pk=made.pk).update(description="@SUM(A1); -2+3")
    rows = csv_rows(export(client_for("coordinator"), data, "csv"))
    (row,) = [r for r in rows if r[0] == str(made.pk)]
    assert row[6] == '\'=HYPERLINK("http://x")'
    assert row[10] == "'@SUM(A1); -2+3"  # one cell, though it holds a semicolon
    assert rows[0] == SWEDISH_HEADER


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
    response = export(client, data, "csv")
    text = response.content.decode("utf-8-sig")
    assert "Torget" not in text and "beskrivning" not in text and "14,515" not in text
    rows = csv_rows(response)
    assert rows[0] == ["table", "label", "count"]
    by_category = {r[1]: r[2] for r in rows if r[0].startswith("Incidents by category")}
    for name in ("inbrott", "brand", "våld/hot"):
        assert by_category[name] == str(published(in_week(data, category__name=name)))
    assert all(v == "0" or int(v) >= 5 for v in by_category.values())


def test_viewer_csv_export_is_in_swedish_by_default(data: World, client_for: Any) -> None:  # noqa: F811
    rows = csv_rows(export(client_for("viewer"), data, "csv"))
    assert rows[0] == ["tabell", "rad", "antal"]
    assert any(r[0].startswith("Händelser per kategori") for r in rows[1:])
    assert all(len(r) == 3 for r in rows)


def test_excel_export_has_incidents_and_summary(data: World, client_for: Any) -> None:  # noqa: F811
    client = client_for("reporter")
    client.cookies["django_language"] = "en"
    response = export(client, data, "xlsx")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["Incidents", "Summary"]
    rows = list(book["Incidents"].iter_rows(values_only=True))
    assert list(rows[0]) == ENGLISH_HEADER and len(rows) == 1 + 26
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
