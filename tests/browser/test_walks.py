"""Recording a safety walk point from a phone: position, kind, cause, proposal; axe-checked."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import check_accessibility, sign_in


def test_a_walker_records_a_point_with_the_phones_position(
    browser: Any, live_server: Any, bworld: Any
) -> None:
    from samtrygg.walks.models import Observation
    from tests.walks.helpers import walk

    w = walk(bworld)
    context = browser.new_context(
        locale="sv-SE",
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": 59.3312, "longitude": 14.5171},
        permissions=["geolocation"],
    )
    page = context.new_page()
    try:
        sign_in(page, "reporter@alfa.test")
        page.goto(f"/alfa/walks/{w.pk}/points/new/")
        page.wait_for_selector("#observation-map[data-loaded='true']")
        check_accessibility(page)
        page.get_by_role("button", name="Använd min position").click()
        page.wait_for_selector("#observation-map[data-placed='true']")
        page.get_by_label("Typ").select_option("unsafe")
        page.get_by_label("Fysisk orsak").select_option("lighting")
        page.get_by_label("Förslag till lösning").fill("Sätt upp fler lampor")
        with page.expect_navigation():
            page.get_by_role("button", name="Spara punkten").click()
        assert "Punkten är registrerad" in page.content()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
    finally:
        context.close()
    seen = Observation.objects.get()
    assert (round(seen.lat, 4), round(seen.lon, 4)) == (59.3312, 14.5171)
    assert seen.kind == "unsafe" and seen.proposal == "Sätt upp fler lampor"
