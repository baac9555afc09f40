"""Importing a partner's incident file in a browser: upload, map the columns and the partner's
own words, see the errors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in

CSV = (
    "id;category;time;lon;lat;place;assessment;description\n"
    "1;Brand;2024-03-05 14:30;14,52;59,33;Torget;2;Papperskorg brann\n"
    "2;Skadegörelse/klotter;2024-03-06 22:10;14,51;59,335;Skolgården;3;Klotter på vägg\n"
    "3;Fotboll;2024-03-77;14,515;59,331;Parken;1;\n"
).encode()


def test_coordinator_imports_a_csv_with_one_bad_row(
    page: Any, bworld: Any, settings: Any, tmp_path: Path
) -> None:
    from samtrygg.incidents.models import ImportBatch, Incident

    settings.DATA_DIR = tmp_path
    uploads: list[str] = []
    page.on(
        "request",
        lambda r: (
            uploads.append(r.url) if r.headers.get("x-requested-with") == "XMLHttpRequest" else None
        ),
    )
    sign_in(page, "coordinator@alfa.test")
    page.goto("/alfa/incidents/import/")
    check_accessibility(page)

    page.get_by_label("Organisation").select_option(label="Alfaskolan")
    page.get_by_label(re.compile("Händelsefil|Incident file")).set_input_files(
        {"name": "logg.csv", "mimeType": "text/csv", "buffer": CSV}
    )
    page.get_by_role(
        "button", name=re.compile("Ladda upp och fortsätt|Upload and continue")
    ).click()
    page.wait_for_url("**/alfa/incidents/import/mapping/")
    assert uploads, "the file was not sent by upload.js (no progress bar)"

    # The mapping step shows the file's first rows and suggests the columns.
    expect(page.get_by_role("cell", name="Skolgården")).to_be_visible()
    category = page.get_by_label(re.compile("^(Kategori|Category)$"))
    assert category.input_value() == "category"
    check_accessibility(page)

    page.get_by_role("button", name="Importera").click()
    # "Fotboll" is none of the partnership's categories: the value step asks what it means.
    page.wait_for_url("**/alfa/incidents/import/values/")
    check_accessibility(page)
    page.get_by_label("Kategorin ”Fotboll” betyder").select_option(label="arrangemang")
    with page.expect_navigation():
        page.get_by_role("button", name="Importera").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Ingenting importerades.")
    problem = page.locator("table.import-problems tbody tr")
    expect(problem).to_have_count(1)
    assert problem.locator("td").all_inner_texts()[:2] == ["4", "time"]
    expect(problem).to_contain_text("2024-03-77")
    check_accessibility(page)
    assert Incident.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_a_file_refused_at_upload_shows_its_problem_in_place(
    page: Any, bworld: Any, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    sign_in(page, "reporter@alfa.test")
    page.goto("/alfa/incidents/import/")
    file_input = page.get_by_label(re.compile("Händelsefil|Incident file"))
    upload = page.get_by_role(
        "button", name=re.compile("Ladda upp och fortsätt|Upload and continue")
    )
    # Windows-1252 is read; bytes that are no text encoding at all are refused.
    garbled = CSV + b"4;Brand;2024-03-08;14,5;59,3;" + bytes(range(128, 256)) * 4
    file_input.set_input_files({"name": "logg.csv", "mimeType": "text/csv", "buffer": garbled})
    upload.click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    expect(alert).to_contain_text("Ingenting importerades.")
    expect(page.locator("table.import-problems td").first).to_have_text("5")
    expect(page).to_have_url(re.compile(re.escape("/alfa/incidents/import/") + "$"))
    check_accessibility(page)
    # The form still works after the page was updated in place.
    file_input.set_input_files({"name": "logg.csv", "mimeType": "text/csv", "buffer": CSV})
    upload.click()
    page.wait_for_url("**/alfa/incidents/import/mapping/")
