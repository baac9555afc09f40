"""Menus show only what a role may do: every link in the menu opens for the person who sees it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import World

PERSONAS = ["coordinator", "analyst", "reporter", "housing_reporter", "viewer", "org_viewer"]
NAV = re.compile(r'<nav[^>]*class="site-nav"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')


def _menu_links(html: str) -> list[str]:
    match = NAV.search(html)
    assert match, "the page has no site menu"
    return HREF.findall(match.group(1))


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_menu_link_opens_for_the_person_who_sees_it(
    persona: str, world: World, client_for: Any
) -> None:
    if persona == "org_viewer":
        # A viewer who belongs to an organisation still only reads aggregates.
        world.memberships["viewer"].organisation = world.kommun
        world.memberships["viewer"].save()
        persona = "viewer"
    client = client_for(persona)
    start = client.get(reverse("partnership-start", args=[world.a.slug]))
    assert start.status_code == 200
    links = _menu_links(start.content.decode())
    assert links, "the menu is empty"
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, (
            f"{persona} sees {link} in the menu but gets {response.status_code}"
        )


@pytest.mark.parametrize("in_organisation", [False, True])
def test_viewer_is_not_offered_the_report_form(
    in_organisation: bool, world: World, client_for: Any
) -> None:
    if in_organisation:
        world.memberships["viewer"].organisation = world.kommun
        world.memberships["viewer"].save()
    client = client_for("viewer")
    html = client.get(reverse("partnership-start", args=[world.a.slug])).content.decode()
    assert reverse("incident-report", args=[world.a.slug]) not in _menu_links(html)


def test_reporter_is_offered_the_report_form(world: World, client_for: Any) -> None:
    client = client_for("reporter")
    html = client.get(reverse("partnership-start", args=[world.a.slug])).content.decode()
    assert reverse("incident-report", args=[world.a.slug]) in _menu_links(html)


def test_the_weekly_picture_and_the_yearly_lagesbild_have_different_names_in_swedish(
    world: World, client_for: Any
) -> None:
    from django.utils import translation

    client = client_for("coordinator")
    with translation.override("sv"):
        picture = client.get(reverse("picture", args=[world.a.slug]), HTTP_ACCEPT_LANGUAGE="sv")
        plans = client.get(reverse("plans-home", args=[world.a.slug]), HTTP_ACCEPT_LANGUAGE="sv")
    title = re.search(r"<h1[^>]*>(.*?)</h1>", picture.content.decode(), re.S)
    assert title and "Aktuellt läge" in title.group(1) and "Lägesbild" not in title.group(1)
    assert ">Aktuellt läge</a>" in picture.content.decode()
    assert "Lägesbild" in plans.content.decode()
