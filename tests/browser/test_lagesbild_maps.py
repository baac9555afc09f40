"""The lägesbild's maps in a browser: drafted from demo-like incidents, visible and accessible.

The maps are inline SVG made on the server, so they show without JavaScript and in the print view.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in


def _drafted(world: Any) -> Any:
    """Two municipalities, the drawn area, the demo's synthetic incidents, a drafted lägesbild."""
    from samtrygg.areas import services as area_services
    from samtrygg.demo.incidents import load_demo_incidents
    from samtrygg.lagesbild import drafting

    area_services.set_municipalities(world.a, ["1883", "1862"], None)
    load_demo_incidents(world.a, n=800)
    today = date.today()
    return drafting.start_lagesbild(
        world.a,
        today.year,
        world.users["coordinator"],
        period_start=today - timedelta(days=365),
        period_end=today - timedelta(days=1),
    )


def test_the_drafted_lagesbild_shows_its_maps(page: Any, bworld: Any) -> None:
    doc = _drafted(bworld)
    assert doc.figures["maps"]["areas"] and doc.figures["maps"]["cells"]

    sign_in(page, "coordinator@alfa.test")
    page.goto(f"/alfa/plans/lagesbild/{doc.pk}/")
    maps = page.locator("figure.lagesbild-map svg.map")
    expect(maps).to_have_count(2)
    areas = page.get_by_role("img", name=re.compile("^(Händelser per område|Incidents per area)"))
    hot = page.get_by_role(
        "img", name=re.compile("^(Signifikanta heta celler|Significant hot cells)")
    )
    for figure in (areas, hot):
        expect(figure).to_be_visible()
        box = figure.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 150
    # Each area and each hot cell carries its own title; the drawn area is among them.
    expect(page.locator("g.map-areas path")).to_have_count(1)
    assert page.locator("g.map-hot path").count() == len(doc.figures["maps"]["cells"])
    assert page.locator("g.map-areas path title").first.text_content().startswith("Centrum: ")
    check_accessibility(page)

    page.goto(f"/alfa/plans/lagesbild/{doc.pk}/print/")
    page.emulate_media(media="print")
    expect(page.locator("figure.lagesbild-map svg.map")).to_have_count(2)
    expect(page.locator("figure.lagesbild-map svg.map").first).to_be_visible()
    check_accessibility(page)
