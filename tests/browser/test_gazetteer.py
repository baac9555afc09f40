"""The gazetteer's places on a phone: the list fits, and deleting asks first."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_phone import OVERFLOW

PHONE = {"width": 390, "height": 844}


def test_coordinator_deletes_a_known_place_on_a_phone(page: Any, bworld: Any) -> None:
    from samtrygg.gazetteer import services
    from samtrygg.gazetteer.models import Entry
    from samtrygg.partnerships.models import ChangeRecord

    services.add_known_place(bworld.a, "Fritidsgården Myrans långa parkeringsplats", 14.52, 59.33)
    services.add_known_place(bworld.a, "Bregården", 14.51, 59.33)
    page.set_viewport_size(PHONE)
    sign_in(page, "coordinator@alfa.test")
    page.goto("/alfa/gazetteer/")
    expect(page.get_by_role("link", name="Ta bort Bregården")).to_be_visible()
    width, wide = page.evaluate(OVERFLOW)
    assert width <= PHONE["width"] + 1, f"the gazetteer page is {width} px wide: {wide}"
    check_accessibility(page)

    page.get_by_role("link", name="Ta bort Bregården").click()
    expect(page.get_by_role("heading", name="Ta bort Bregården?")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Ta bort").click()
    expect(page.get_by_text("Bregården har tagits bort.")).to_be_visible()
    expect(page.get_by_role("link", name="Ta bort Bregården")).to_have_count(0)
    assert list(Entry.objects.values_list("name", flat=True)) == [
        "Fritidsgården Myrans långa parkeringsplats"
    ]
    assert ChangeRecord.objects.filter(action="deleted", object_type="entry").count() == 1
