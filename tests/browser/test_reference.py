"""Reference data in a browser: a coordinator imports a Kolada answer, reads the table, and the
year's lägesbild compares the municipality with the county and the country.

Labels are matched in Swedish or English (the Swedish text comes with the translation merge).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in
from tests.reference_data.helpers import KARLSKOGA, kolada_answer


def _label(sv: str, en: str) -> re.Pattern[str]:
    return re.compile(f"^({sv}|{en})$", re.IGNORECASE)


def test_coordinator_imports_kolada_data_and_the_lagesbild_compares(
    page: Any, bworld: Any, tmp_path: Path
) -> None:
    from samtrygg.areas import services as area_services
    from samtrygg.plans.models import Lagesbild

    area_services.set_municipalities(bworld.a, ["1883"], None)
    path = tmp_path / "n07403.json"
    path.write_bytes(kolada_answer(KARLSKOGA))

    sign_in(page, "coordinator@alfa.test")
    page.goto("/alfa/plans/")
    page.get_by_role("link", name=_label("Referensdata", "Reference data")).first.click()
    page.wait_for_url(re.compile(r"/alfa/reference/$"))
    check_accessibility(page)
    page.get_by_role(
        "link", name=_label("Importera referensdata", "Import reference data")
    ).first.click()
    page.get_by_label(_label("Fil", "File")).set_input_files(str(path))
    page.get_by_label(_label("Typ av fil", "Kind of file")).select_option("kolada")
    page.get_by_label(_label("Nyckeltalets namn", "Name of the indicator")).fill(
        "Anmälda våldsbrott, antal/100 000 inv"
    )
    check_accessibility(page)
    page.get_by_role("button", name=_label("Importera", "Import")).click()
    page.wait_for_url(re.compile(r"/alfa/reference/$"))
    table = page.get_by_role("table", name=re.compile("Anmälda våldsbrott"))
    expect(table.get_by_role("rowheader", name="Karlskoga")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Örebro län")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Riket")).to_be_visible()
    expect(page.locator("svg.reference-chart polyline")).to_have_count(3)
    check_accessibility(page)

    page.goto("/alfa/plans/lagesbild/new/")
    page.get_by_label(_label("År", "Year")).fill("2026")
    page.get_by_role("button", name=_label("Spara", "Save")).click()
    page.wait_for_url(re.compile(r"/alfa/plans/lagesbild/\d+/$"))
    doc = Lagesbild.objects.get(partnership=bworld.a)
    assert "N07403" in doc.extent and "Karlskoga" in doc.extent
    comparison = page.locator("section.reference-comparison")
    expect(comparison.get_by_role("rowheader", name="Örebro län")).to_be_visible()
    expect(comparison.get_by_role("cell", name="1250").first).to_be_visible()
    expect(page.get_by_role("rowheader", name=re.compile("Kolada: N07403"))).to_be_visible()
    check_accessibility(page)
