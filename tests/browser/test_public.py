"""An anonymous resident reads the public page, its statistics and its map, in both languages."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.agreements.helpers import ACTIVITY_TITLE, PROMISE_TEXT
from tests.browser.conftest import check_accessibility
from tests.public import helpers as h


def test_anonymous_resident_reads_the_public_page(page: Any, bworld: Any) -> None:
    h.publish(bworld)
    h.add_incidents(bworld, {("brand", 0): 7, ("brand", 1): 2, ("inbrott", 2): 9})

    page.goto("/p/alfa/")
    expect(page.get_by_text(PROMISE_TEXT)).to_be_visible()
    expect(page.get_by_text(ACTIVITY_TITLE)).to_be_visible()
    table = page.locator("table").first
    expect(table.get_by_role("rowheader", name="brand")).to_be_visible()
    numbers = [int(t) for t in table.locator("td.num").all_inner_texts()]
    assert numbers and not any(1 <= n <= 4 for n in numbers)  # 2 fires are never shown as 2
    # The map draws the area polygon (no incident points).
    page.locator("#public-map[data-loaded='1']").wait_for()
    expect(page.locator("#public-map path.leaflet-interactive")).to_have_count(1)
    expect(page.locator("#public-map .leaflet-marker-icon")).to_have_count(0)
    assert page.locator("html").get_attribute("lang") == "sv"
    check_accessibility(page)

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name="Our promises to residents")).to_be_visible()
    heading = "How the numbers protect the people involved"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_text(PROMISE_TEXT)).to_be_visible()
    page.locator("#public-map[data-loaded='1']").wait_for()
    check_accessibility(page)
