"""Published safety walks on the public page: places and actions, never people."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from samtrygg.walks.models import Action, SafetyWalk
from tests.walks.helpers import observation, walk

pytestmark = pytest.mark.django_db

SEEN = "Trasig lampa vid Kalles hus"
PROPOSAL = "Ring Kalle Karlsson på 070-123 45 67"
PRIVATE_OWNER = "Bertil Bengtsson"
NOTES = "Beslutat av Gunilla Gustavsson"
ROUTE = "Från Storgatan 12 till parken"
ACTION = "Byt armatur längs gångvägen"
NAMED_ACTION = "Ring Lisa Larsson på 070-765 43 21"


def _page(lang: str = "en") -> str:
    client = Client()
    client.cookies["django_language"] = lang
    with translation.override(lang):
        return client.get(reverse("public-page", kwargs={"slug": "alfa"})).content.decode()


def _published_walk(world: Any) -> SafetyWalk:
    a_walk = walk(
        world,
        published=True,
        route=ROUTE,
        report_back_notes=NOTES,
        participants={"residents": 9, "police": 1},
    )
    lamp = observation(a_walk, description=SEEN, proposal=PROPOSAL, lon=14.51234, lat=59.33167)
    Action.objects.create(
        observation=lamp, text=ACTION, status="done", owner_organisation=world.kommun
    )
    bush = observation(a_walk, cause="vegetation", kind="risk")
    Action.objects.create(
        observation=bush, text=NAMED_ACTION, status="planned", private_owner=PRIVATE_OWNER
    )
    observation(a_walk, cause="design", kind="safe", photo=b"\xff\xd8not-shown")
    return a_walk


def test_a_published_walk_shows_its_places_and_actions(world: Any) -> None:
    _published_walk(world)
    html = _page()
    assert "Safety walks" in html
    assert "14 October 2026, Centrum" in html and "(Darkness)" in html
    assert "3 places; actions done: 1, under way: 1." in html
    assert ">Unsafe place</th><td>Lighting</td>" in html
    assert "59.332, 14.512" in html  # rounded to about 100 m, not 59.33167, 14.51234
    assert "59.33167" not in html and "14.51234" not in html
    assert f"{ACTION} (Alfa kommun)" in html
    assert "Done" in html and "Planned" in html
    assert ">At risk of becoming a crime scene</th><td>Vegetation</td>" in html


def test_the_public_walk_never_shows_people_photos_or_free_text(world: Any) -> None:
    a_walk = _published_walk(world)
    html = _page()
    for secret in (SEEN, PROPOSAL, PRIVATE_OWNER, NOTES, ROUTE, NAMED_ACTION, a_walk.title):
        assert secret not in html
    # The action naming a person is replaced, not shown.
    assert "An action is decided" in html
    assert "articipant" not in html and ">9<" not in html and ">10<" not in html
    assert "<img" not in html and "photo.jpg" not in html
    assert reverse("walk-detail", args=["alfa", a_walk.pk]) not in html


def test_unpublished_walks_and_other_partnerships_walks_are_not_shown(world: Any) -> None:
    hidden = walk(world, walked_on=date(2026, 3, 2))
    observation(hidden, description="Hemlig plats")
    SafetyWalk.objects.create(
        partnership=world.b, title="B", walked_on=date(2026, 4, 4), light="daylight",
        published=True,
    )  # fmt: skip
    html = _page()
    assert "Safety walks" not in html
    assert "2 March 2026" not in html and "4 April 2026" not in html
    assert "has not published anything yet" in html


def test_publishing_a_walk_updates_the_cached_page(world: Any) -> None:
    a_walk = walk(world)
    seen = observation(a_walk)
    assert "Safety walks" not in _page()  # cached without the walk
    a_walk.published = True
    a_walk.save()
    assert "Safety walks" in _page()
    Action.objects.create(observation=seen, text=ACTION, status="ongoing")
    assert ACTION in _page()  # a new action is shown at once too


def test_the_walks_section_is_in_swedish_by_default(world: Any) -> None:
    _published_walk(world)
    html = _page("sv")
    assert "Trygghetsvandringar" in html
    assert "59,332, 14,512" in html


def test_a_coordinator_publishes_a_walk_from_its_form(world: Any, client_for: Any) -> None:
    a_walk = walk(world)
    form = {
        "title": a_walk.title, "area": world.drawn_area.pk, "walked_on": "2026-10-14",
        "light": "darkness", "published": "on",
    }  # fmt: skip
    response = client_for("coordinator").post(reverse("walk-edit", args=["alfa", a_walk.pk]), form)
    assert response.status_code == 302
    a_walk.refresh_from_db()
    assert a_walk.published
    assert "Safety walks" in _page()


def test_an_analyst_saves_a_walk_but_cannot_publish_it(world: Any, client_for: Any) -> None:
    a_walk = walk(world)
    form = {
        "title": "Ny titel", "area": world.drawn_area.pk, "walked_on": "2026-10-14",
        "light": "darkness", "published": "on",
    }  # fmt: skip
    response = client_for("analyst").post(reverse("walk-edit", args=["alfa", a_walk.pk]), form)
    assert response.status_code == 302
    a_walk.refresh_from_db()
    assert a_walk.title == "Ny titel" and not a_walk.published
    page = client_for("analyst").get(reverse("walk-edit", args=["alfa", a_walk.pk]))
    assert "Only a coordinator can publish" in page.content.decode() or "Bara en samordnare" in (
        page.content.decode()
    )
