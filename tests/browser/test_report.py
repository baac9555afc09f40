"""Reporting an incident on the map in a real browser, with the draft kept on the device."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in

FORM = "/alfa/incidents/report/"
# Swedish labels, with the English source text as a fallback until the catalogue is compiled.
CATEGORY = re.compile(r"Vad hände\?|What happened\?")
WHEN_EXACT = re.compile(r"Datum och tid|Date and time")
DESCRIPTION = re.compile(r"Beskrivning|Description")
SEND = re.compile(r"Skicka rapporten|Send the report")
ADD_EVENT = re.compile(r"Lägg till en händelse till|Add another event")
SAVED = re.compile(r"Utkast sparat på enheten|Draft saved on this device")


def open_form(page: Any) -> None:
    sign_in(page, "reporter@alfa.test")
    page.goto(FORM)
    # The areas have loaded and the map has zoomed to them (Centrum in the test world).
    page.wait_for_selector(".event-map[data-loaded='true']")


def test_reporter_places_an_event_on_the_map_and_sends_it(page: Any, bworld: Any) -> None:
    from samtrygg.incidents.models import Incident

    open_form(page)
    check_accessibility(page)
    event = page.locator("fieldset.event").first
    event.get_by_label(CATEGORY).select_option(label="brand")
    event.locator(".event-map").click()
    page.wait_for_selector(".event-map[data-placed='true']")
    assert event.locator("input[name='event-0-lon']").input_value() != ""
    event.get_by_label(WHEN_EXACT).fill("2025-11-20T14:30")
    event.get_by_label(re.compile(r"2 – ")).check()
    event.get_by_label(DESCRIPTION).fill("Papperskorgen vid busshållplatsen brann.")
    with page.expect_navigation():
        page.get_by_role("button", name=SEND).click()

    expect(page).to_have_url(re.compile(re.escape("/alfa/incidents/?sent=")))
    expect(page.get_by_role("heading", name=re.compile(r"Tack|Thank you"))).to_be_visible()
    check_accessibility(page)
    incident = Incident.objects.get()
    assert incident.category.name == "brand" and incident.assessment == 2
    assert 14.50 < incident.lon < 14.53 and 59.32 < incident.lat < 59.34
    assert [a.name for a in incident.areas.all()] == ["Centrum"]
    # The draft is gone once the report has been sent.
    assert page.evaluate("Object.keys(window.localStorage).length") == 0

    page.locator(".report-done").get_by_role("link", name="brand").click()
    page.wait_for_selector("#incident-map[data-loaded='true']")
    expect(page.get_by_role("heading", level=1)).to_have_text("brand")
    check_accessibility(page)


def test_draft_is_restored_after_a_reload(page: Any, bworld: Any) -> None:
    open_form(page)
    event = page.locator("fieldset.event").first
    event.get_by_label(CATEGORY).select_option(label="nedskräpning")
    event.locator(".event-map").click()
    page.get_by_role("button", name=ADD_EVENT).click()
    second = page.locator("fieldset.event").nth(1)
    second.get_by_label(DESCRIPTION).fill("Glas på lekplatsen.")
    assert SAVED.search(page.locator("#draft-status").inner_text())

    page.reload()
    page.wait_for_selector(".event-map[data-loaded='true']")
    expect(page.locator("fieldset.event")).to_have_count(2)
    first = page.locator("fieldset.event").first
    expect(first.get_by_label(CATEGORY).locator("option:checked")).to_have_text("nedskräpning")
    assert first.locator(".event-map").get_attribute("data-placed") == "true"
    second = page.locator("fieldset.event").nth(1)
    assert second.get_by_label(DESCRIPTION).input_value() == "Glas på lekplatsen."
    check_accessibility(page)


def test_personnummer_is_refused_in_the_browser(page: Any, bworld: Any) -> None:
    from samtrygg.incidents.models import Incident

    open_form(page)
    event = page.locator("fieldset.event").first
    event.get_by_label(CATEGORY).select_option(label="övrigt")
    event.locator(".event-map").click()
    event.get_by_label(WHEN_EXACT).fill("2025-11-20T14:30")
    event.get_by_label(re.compile(r"1 – ")).check()
    event.get_by_label(DESCRIPTION).fill("Eleven 811218-9876 var där.")
    with page.expect_navigation():
        page.get_by_role("button", name=SEND).click()
    assert "personnummer" in page.get_by_role("alert").inner_text()
    assert not Incident.objects.exists()
    check_accessibility(page)


def test_coordinator_retires_a_category(page: Any, bworld: Any) -> None:
    from samtrygg.incidents.models import Category

    sign_in(page, "coordinator@alfa.test")
    page.goto("/alfa/incidents/categories/")
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"(Avveckla|Retire) buskörning")).click()
    assert Category.objects.get(partnership=bworld.a, name="buskörning").retired_at is not None
    assert page.get_by_role(
        "button", name=re.compile(r"(Återställ|Restore) buskörning")
    ).is_visible()
    check_accessibility(page)


def test_discarding_a_draft_asks_first(page: Any, bworld: Any) -> None:
    open_form(page)
    event = page.locator("fieldset.event").first
    event.get_by_label(DESCRIPTION).fill("Trasig belysning vid gångtunneln.")
    page.reload()
    page.wait_for_selector(".event-map[data-loaded='true']")
    questions: list[str] = []

    def answer(dialog: Any, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    # Saying no keeps the draft.
    page.once("dialog", lambda d: answer(d, False))
    page.get_by_role("button", name="Släng utkastet").click()
    assert questions and "utkastet" in questions[0]
    page.reload()
    page.wait_for_selector(".event-map[data-loaded='true']")
    first = page.locator("fieldset.event").first
    assert first.get_by_label(DESCRIPTION).input_value() == "Trasig belysning vid gångtunneln."
    # Saying yes removes it.
    page.once("dialog", lambda d: answer(d, True))
    with page.expect_navigation():
        page.get_by_role("button", name="Släng utkastet").click()
    page.wait_for_selector(".event-map[data-loaded='true']")
    assert page.locator("fieldset.event").first.get_by_label(DESCRIPTION).input_value() == ""


def test_reporter_on_a_phone_marks_the_place_with_their_position(
    browser: Any, live_server: Any, bworld: Any
) -> None:
    context = browser.new_context(
        locale="sv-SE",
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": 59.3301, "longitude": 14.5203},
        permissions=["geolocation"],
    )
    page = context.new_page()
    try:
        open_form(page)
        event = page.locator("fieldset.event").first
        event.get_by_role("button", name="Använd min position").click()
        page.wait_for_selector(".event-map[data-placed='true']")
        assert float(event.locator("input[name$='-lon']").input_value()) == 14.5203
        assert float(event.locator("input[name$='-lat']").input_value()) == 59.3301
        assert "markerad" in event.locator("[data-point-status]").inner_text()
        check_accessibility(page)
    finally:
        context.close()


def test_a_refused_position_says_what_to_do_instead(
    browser: Any, live_server: Any, bworld: Any
) -> None:
    context = browser.new_context(locale="sv-SE", base_url=live_server.url, permissions=[])
    page = context.new_page()
    try:
        open_form(page)
        event = page.locator("fieldset.event").first
        event.get_by_role("button", name="Använd min position").click()
        status = event.locator("[data-point-status]")
        status.filter(has_text="Klicka i stället på kartan").wait_for()
        assert event.locator(".event-map").get_attribute("data-placed") == "false"
    finally:
        context.close()
