"""An anonymous resident reads the public page, its statistics and its map, in both languages."""

from __future__ import annotations

from typing import Any

from tests.agreements.helpers import ACTIVITY_TITLE, PROMISE_TEXT
from tests.browser.conftest import check_accessibility
from tests.public import helpers as h


def test_anonymous_resident_reads_the_public_page(page: Any, bworld: Any) -> None:
    h.publish(bworld)
    h.add_incidents(bworld, {("brand", 0): 7, ("brand", 1): 2, ("inbrott", 2): 9})

    page.goto("/p/alfa/")
    assert page.get_by_text(PROMISE_TEXT).is_visible()
    assert page.get_by_text(ACTIVITY_TITLE).is_visible()
    table = page.locator("table").first
    assert table.get_by_role("rowheader", name="brand").is_visible()
    numbers = [int(t) for t in table.locator("td.num").all_inner_texts()]
    assert numbers and not any(1 <= n <= 4 for n in numbers)  # 2 fires are never shown as 2
    # The map draws the area polygon (no incident points).
    page.locator("#public-map[data-loaded='1']").wait_for()
    assert page.locator("#public-map path.leaflet-interactive").count() == 1
    assert page.locator("#public-map .leaflet-marker-icon").count() == 0
    assert page.locator("html").get_attribute("lang") == "sv"
    check_accessibility(page)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Our promises to residents").is_visible()
    heading = "How the numbers protect the people involved"
    assert page.get_by_role("heading", name=heading).is_visible()
    assert page.get_by_text(PROMISE_TEXT).is_visible()
    page.locator("#public-map[data-loaded='1']").wait_for()
    check_accessibility(page)
