"""Finding a place on the maps with the partnership's gazetteer, in a real browser: the report
form sets the point, the weekly picture centres its map; on a phone and by keyboard."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in

PHONE = {"width": 390, "height": 844}
SEARCH = re.compile(r"Sök efter en plats eller en adress|Search for a place or an address")
# Bregården lies in the test world's drawn area Centrum, away from its middle.
BREGARDEN = (14.5205, 59.3355)


def _known_place(world: Any) -> None:
    from samtrygg.gazetteer import services as gazetteer

    gazetteer.add_known_place(world.a, "Bregården", *BREGARDEN)
    gazetteer.add_known_place(world.b, "Bregårdsvägen", 12.0, 57.0)  # another partnership's


def test_a_reporter_on_a_phone_finds_a_known_place_and_the_point_is_set(
    page: Any, bworld: Any
) -> None:
    from samtrygg.incidents.models import Incident

    _known_place(bworld)
    page.set_viewport_size(PHONE)
    sign_in(page, "reporter@alfa.test")
    page.goto("/alfa/incidents/report/")
    expect(page.locator(".event-map[data-loaded='true']")).to_have_count(1)
    event = page.locator("fieldset.event").first
    box = event.get_by_label(SEARCH)
    box.fill("bregard")
    box.press("Enter")  # searches; does not send the report
    choice = event.locator(".place-search-results button")
    expect(choice).to_have_count(1)  # Beta's Bregårdsvägen is not offered
    expect(choice).to_contain_text("Bregården")
    expect(event.locator("[data-search-status]")).to_contain_text("En plats hittades")
    check_accessibility(page)
    box.press("ArrowDown")
    expect(choice).to_be_focused()
    choice.press("Enter")
    expect(event.locator(".event-map[data-placed='true']")).to_have_count(1)
    expect(event.locator("[data-search-status]")).to_contain_text("Bregården är markerad")
    assert event.locator("input[name='event-0-lon']").input_value() == f"{BREGARDEN[0]:.6f}"
    assert event.locator("input[name='event-0-lat']").input_value() == f"{BREGARDEN[1]:.6f}"
    assert Incident.objects.count() == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    check_accessibility(page)


def test_the_weekly_picture_map_is_centred_on_the_place_found(page: Any, bworld: Any) -> None:
    _known_place(bworld)
    sign_in(page, "viewer@alfa.test")
    page.goto("/alfa/picture/?period=week&at=2025-03-12")
    expect(page.locator("#picture-map[data-loaded='1']")).to_have_count(1)
    page.get_by_label(SEARCH).fill("Bregården")
    page.get_by_role("button", name=re.compile(r"^(Sök|Search)$")).click()
    page.locator(".place-search-results button").first.click()
    expect(page.locator("#picture-map[data-centred='Bregården']")).to_have_count(1)
    centre = page.evaluate(
        "(() => { const c = document.getElementById('picture-map').samtryggMap.getCenter();"
        " return [c.lng, c.lat]; })()"
    )
    assert abs(centre[0] - BREGARDEN[0]) < 1e-4 and abs(centre[1] - BREGARDEN[1]) < 1e-4
    check_accessibility(page)


def test_an_unknown_place_says_what_to_do(page: Any, bworld: Any) -> None:
    sign_in(page, "coordinator@alfa.test")
    page.goto("/alfa/picture/?period=week&at=2025-03-12")
    page.get_by_label(SEARCH).fill("Ingenstansgatan")
    page.get_by_label(SEARCH).press("Enter")
    expect(page.locator("[data-search-status]")).to_contain_text("leta upp platsen på kartan")
    expect(page.locator(".place-search-results")).to_be_hidden()


def test_a_coordinator_adding_a_known_place_finds_its_point(page: Any, bworld: Any) -> None:
    _known_place(bworld)
    sign_in(page, "coordinator@alfa.test")
    page.goto("/alfa/gazetteer/known-places/new/")
    expect(page.locator("#area-map[data-loaded='1']")).to_have_count(1)
    page.get_by_label(SEARCH).fill("Bregården")
    page.get_by_label(SEARCH).press("Enter")
    page.locator(".place-search-results button").first.click()
    expect(page.locator("#id_lon")).to_have_value(f"{BREGARDEN[0]:.6f}")
    expect(page.locator("#id_lat")).to_have_value(f"{BREGARDEN[1]:.6f}")
    check_accessibility(page)
