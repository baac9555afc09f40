"""The foundation in a real browser: sign in and out, language, invitations, areas and the map."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import expect
from shapely.geometry import box, mapping

from tests.browser.conftest import check_accessibility, sign_in

BOWTIE = [[[14.50, 59.30], [14.52, 59.32], [14.52, 59.30], [14.50, 59.32], [14.50, 59.30]]]


def test_sign_in_and_sign_out(page: Any, bworld: Any) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(re.escape("/accounts/login/")))
    check_accessibility(page)
    sign_in(page, "reporter@alfa.test")
    expect(page).to_have_url(re.compile(re.escape("/alfa/") + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alfa")
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(re.escape("/accounts/login/")))
    page.goto("/alfa/")
    expect(page).to_have_url(re.compile(re.escape("/accounts/login/")))


def test_wrong_password_says_what_to_do(page: Any, bworld: Any) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-postadress").fill("reporter@alfa.test")
    page.get_by_label("Lösenord").fill("fel-lösenord")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check_accessibility(page)


def test_switching_language(page: Any, bworld: Any) -> None:
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "sv"
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Svenska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")


def test_coordinator_invites_a_reporter_and_gives_a_role(page: Any, bworld: Any) -> None:
    from samtrygg.partnerships.models import Invitation, Membership

    sign_in(page, "coordinator@alfa.test")
    with page.expect_navigation():
        page.get_by_role("link", name="Personer").click()
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Bjud in").first.click()
    check_accessibility(page)
    page.get_by_label("E-postadress").fill("ny.rapportor@alfa.test")
    page.get_by_label("Roll").select_option("reporter")
    page.get_by_label("Organisation").select_option(label="Alfaskolan")
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka inbjudan").click()
    expect(page.get_by_text("ny.rapportor@alfa.test").first).to_be_visible()
    invitation = Invitation.objects.get(email="ny.rapportor@alfa.test")
    assert invitation.role == "reporter"
    # Give the viewer a new role.
    viewer = Membership.objects.get(user__email="viewer@alfa.test")
    page.goto(f"/alfa/people/{viewer.pk}/")
    check_accessibility(page)
    page.get_by_label("Roll").select_option("analyst")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    viewer.refresh_from_db()
    assert viewer.role == "analyst"
    page.goto("/alfa/people/history/")
    expect(page.get_by_text("viewer@alfa.test").first).to_be_visible()
    check_accessibility(page)


def test_geojson_with_a_broken_feature_is_refused_and_nothing_imported(
    page: Any, bworld: Any, tmp_path: Any
) -> None:
    from samtrygg.areas.models import Area

    bad = tmp_path / "omraden.geojson"
    bad.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "Bruket"},
                        "geometry": mapping(box(14.53, 59.30, 14.56, 59.32)),
                    },
                    {
                        "type": "Feature",
                        "properties": {"name": "Fjärilen"},
                        "geometry": {"type": "Polygon", "coordinates": BOWTIE},
                    },
                ],
            }
        )
    )
    sign_in(page, "coordinator@alfa.test")
    page.goto("/alfa/areas/import/")
    check_accessibility(page)
    page.get_by_label("Fil med områden").set_input_files(str(bad))
    with page.expect_navigation():
        page.get_by_role("button", name="Importera").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Fjärilen")
    check_accessibility(page)
    assert not Area.objects.filter(partnership__slug="alfa", name="Bruket").exists()


def test_areas_show_on_the_map_without_internet(page: Any, bworld: Any) -> None:
    from samtrygg.areas import services

    services.set_municipalities(bworld.a, ["1883"], None)
    sign_in(page, "viewer@alfa.test")
    page.get_by_role("link", name="Områden").first.click()
    page.wait_for_selector("#area-map[data-loaded='2']")
    # Leaflet drew both outlines as SVG paths, with no tile server configured.
    expect(page.locator("#area-map path.leaflet-interactive")).to_have_count(2)
    check_accessibility(page)
