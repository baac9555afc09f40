"""A reporter corrects and withdraws their own report on a phone, in a real browser."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_phone import OVERFLOW

PHONE = {"width": 390, "height": 844}


def _report(bworld: Any) -> Any:
    from samtrygg.incidents.categories import seed_categories
    from samtrygg.incidents.linking import link_incidents
    from samtrygg.incidents.models import Incident, Source

    category = {c.name: c for c in seed_categories(bworld.a)}["skadegörelse/klotter"]
    when = datetime(2025, 11, 20, 14, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
    incident = Incident.objects.create(
        partnership=bworld.a,
        organisation=bworld.school,
        created_by=bworld.users["reporter"],
        category=category,
        occurred_from=when,
        occurred_to=when,
        lon=14.515,
        lat=59.33,
        place="Torget",
        assessment=2,
        description="Klotter på busskuren.",
        source=Source.FORM,
    )
    link_incidents(bworld.a, incidents=Incident.objects.filter(pk=incident.pk))
    return incident


def _fits(page: Any) -> None:
    width, wide = page.evaluate(OVERFLOW)
    assert width <= PHONE["width"] + 1, f"{page.url} is {width} px wide: {wide}"


def test_reporter_corrects_then_withdraws_a_report_on_a_phone(page: Any, bworld: Any) -> None:
    from samtrygg.incidents.models import Incident, IncidentChange

    incident = _report(bworld)
    page.set_viewport_size(PHONE)
    sign_in(page, "reporter@alfa.test")
    page.goto(f"/alfa/incidents/{incident.pk}/")
    page.get_by_role("link", name="Rätta rapporten").click()
    expect(page).to_have_url(re.compile(rf"/incidents/{incident.pk}/correct/$"))
    page.wait_for_selector(".event-map[data-loaded='true']")
    expect(page.locator(".event-map")).to_have_attribute("data-placed", "true")
    check_accessibility(page)
    _fits(page)

    page.get_by_label("Beskrivning (frivillig)").fill("Klotter och trasig ruta på busskuren.")
    page.get_by_label(re.compile(r"3 – ")).check()
    page.get_by_role("button", name="Spara rättelsen").click()

    expect(page.get_by_text("Rapporten har rättats.")).to_be_visible()
    expect(page.get_by_role("heading", name="Historik")).to_be_visible()
    expect(page.locator(".history")).to_contain_text("Klotter på busskuren.")
    check_accessibility(page)
    _fits(page)
    incident.refresh_from_db()
    assert incident.assessment == 3
    assert incident.description == "Klotter och trasig ruta på busskuren."

    page.get_by_role("link", name="Återkalla rapporten").click()
    expect(page).to_have_url(re.compile(rf"/incidents/{incident.pk}/withdraw/$"))
    check_accessibility(page)
    _fits(page)
    page.get_by_label("Varför återkallas rapporten?").fill("Rapporterades två gånger.")
    page.get_by_role("button", name="Återkalla rapporten").click()

    withdrawn = re.compile(r"^Återkallad \d{4}-\d\d-\d\d \d\d:\d\d: rapporten")
    expect(page.get_by_text(withdrawn)).to_be_visible()
    expect(page.get_by_role("button", name="Återställ rapporten")).to_be_visible()
    check_accessibility(page)
    assert not Incident.objects.filter(pk=incident.pk).exists()
    assert IncidentChange.objects.filter(incident_id=incident.pk).count() == 2
