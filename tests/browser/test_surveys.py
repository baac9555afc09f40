"""Safety surveys in a browser on a 390 px phone: a coordinator imports the police's
trygghetsmätning and reads the results of one area, with intervals, indices and changes."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_phone import OVERFLOW, PHONE
from tests.datafiles import data_file


def test_coordinator_imports_a_survey_and_reads_it_on_a_phone(page: Any, bworld: Any) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, "coordinator@alfa.test")
    page.goto("/alfa/plans/")
    page.get_by_role("link", name="Trygghetsmätningar").first.click()
    page.wait_for_url(re.compile(r"/alfa/surveys/$"))
    check_accessibility(page)
    page.get_by_role("link", name="Importera undersökningsresultat").first.click()
    page.get_by_label("Slags undersökning").select_option("polisen")
    page.get_by_label("Fil").set_input_files(str(data_file("surveys/polisen_trygghetsmatning.csv")))
    check_accessibility(page)
    page.get_by_role("button", name="Importera").click()
    page.wait_for_url(re.compile(r"/alfa/surveys/$"))
    page.get_by_role("link", name="Polisens trygghetsmätning", exact=True).click()
    page.get_by_label("Område", exact=True).select_option(label="Centrum (delområde)")
    page.get_by_role("button", name="Visa", exact=True).click()
    page.wait_for_url(re.compile(r"area=del"))
    expect(page.get_by_role("heading", name="Förändring från 2023 till 2024")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("^Index 2024"))).to_be_visible()
    in_tables = page.get_by_role("table", name=re.compile("^Index 2024"))
    expect(in_tables.get_by_text("Problemindex (samtrygg-1)").first).to_be_visible()
    width, wide = page.evaluate(OVERFLOW)
    assert width <= PHONE["width"] and wide == [], wide
    check_accessibility(page)
