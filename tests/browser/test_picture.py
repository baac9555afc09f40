"""Reading the situational picture in a real browser: the summary in words, the map, the heat
maps, the tested changes (folded away on screen, open on paper)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in
from tests.picture.test_picture import MONDAY, add

URL = "/alfa/picture/?period=week&at=2025-03-12"


def _incidents(world: Any) -> None:
    add(world, "inbrott", MONDAY + timedelta(hours=10), n=12)
    add(world, "inbrott", MONDAY - timedelta(days=6), n=2)
    add(world, "skadegörelse/klotter", MONDAY + timedelta(days=2), n=3, lonlat=(14.60, 59.40))
    add(world, "brand", MONDAY + timedelta(days=1), org=world.school, sharing="organisation",
        lonlat=(14.61, 59.41), synthetic=True)  # fmt: skip


def test_coordinator_reads_the_picture_offline(page: Any, bworld: Any) -> None:
    _incidents(bworld)
    sign_in(page, "coordinator@alfa.test")
    page.goto(URL)
    page.wait_for_selector("#picture-map[data-loaded='1']")
    # Leaflet drew the points (SVG paths) without any tile server.
    expect(page.locator("#picture-map[data-points='16']")).to_have_count(1)
    assert page.locator("#picture-map path.leaflet-interactive").count() >= 16
    expect(page.locator("#picture-map .leaflet-tile")).to_have_count(0)
    expect(page.locator("table.heat-map")).to_have_count(2)
    expect(page.locator("table.heat-map caption").first).to_be_visible()
    # The meeting starts with the week in words; the p-value tables wait behind "Tested changes".
    # 12 + 3 + 1 this week, 2 burglaries the week before.
    expect(page.locator(".summary-words li").first).to_have_text(
        "16 händelser under perioden, 14 fler än under föregående period (2)."
    )
    tables = page.locator("table.change-table")
    expect(tables).to_have_count(2)
    expect(tables.first).to_be_hidden()
    page.get_by_text("Testade förändringar").click()
    expect(tables.first).to_be_visible()
    assert page.locator("table.change-table tr.flagged-up").count() >= 1
    expect(page.locator(".synthetic-banner")).to_be_visible()
    check_accessibility(page)


def test_viewer_sees_cells_not_points(page: Any, bworld: Any) -> None:
    _incidents(bworld)
    sign_in(page, "viewer@alfa.test")
    page.goto(URL)
    page.wait_for_selector("#picture-map[data-loaded='1']")
    expect(page.locator("#picture-map[data-points='0']")).to_have_count(1)
    assert page.locator("#picture-map path.leaflet-interactive").count() >= 1
    expect(page.locator(".places .place-reports")).to_have_count(0)
    check_accessibility(page)


def test_printable_report_has_no_navigation(page: Any, bworld: Any) -> None:
    _incidents(bworld)
    sign_in(page, "coordinator@alfa.test")
    page.goto(URL + "&print=1")
    page.wait_for_selector("#picture-map[data-loaded='1']")
    expect(page.locator("nav")).to_have_count(0)
    expect(page.locator("table.change-table")).to_have_count(2)
    # On paper the tested changes are open.
    expect(page.locator("table.change-table").first).to_be_visible()
    check_accessibility(page)
