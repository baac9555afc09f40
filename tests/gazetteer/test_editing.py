"""Editing and deleting known places, aliases and names placed by hand (coordinators only)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from samtrygg.gazetteer import services as gazetteer
from samtrygg.gazetteer.models import Entry, EntryKind, EntrySource, PlacedName
from samtrygg.partnerships.changelog import describe
from samtrygg.partnerships.models import ChangeRecord
from tests.conftest import World


def _url(name: str, world: World, pk: int) -> str:
    return reverse(name, kwargs={"slug": world.a.slug, "pk": pk})


def en(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def place(world: World) -> Entry:
    return gazetteer.add_known_place(world.a, "Bregården", 14.52, 59.33)


@pytest.fixture
def placed(world: World) -> PlacedName:
    return gazetteer.remember(world.a, "Fritidsgården Myran", 14.51, 59.33, None)


def test_the_list_offers_edit_and_delete_for_each_place(
    world: World, place: Entry, placed: PlacedName, client_for: Any
) -> None:
    page = en(client_for("coordinator")).get(reverse("gazetteer", args=[world.a.slug]))
    html = page.content.decode()
    assert _url("gazetteer-place-edit", world, place.pk) in html
    assert _url("gazetteer-place-delete", world, place.pk) in html
    assert _url("gazetteer-placed-edit", world, placed.pk) in html
    assert _url("gazetteer-placed-delete", world, placed.pk) in html
    assert 'class="place-list"' in html


def test_a_known_place_is_renamed_and_moved_and_the_change_log_keeps_the_old_values(
    world: World, place: Entry, client_for: Any
) -> None:
    client = en(client_for("coordinator"))
    form = client.get(_url("gazetteer-place-edit", world, place.pk))
    assert form.status_code == 200 and 'value="Bregården"' in form.content.decode()
    response = client.post(
        _url("gazetteer-place-edit", world, place.pk),
        {"name": "Bregårdsskolan", "lon": "14.525", "lat": "59.331"},
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert (place.name, place.lon, place.lat) == ("Bregårdsskolan", 14.525, 59.331)
    assert place.normalised == "bregardsskolan"
    assert gazetteer.find_point(world.a, "bregardsskolan") is not None
    assert gazetteer.find_point(world.a, "Bregården") is None
    change = ChangeRecord.objects.get(partnership=world.a, object_type="entry")
    assert change.action == "edited" and change.actor == world.users["coordinator"]
    assert change.details["previous_name"] == "Bregården"
    assert change.details["previous_point"] == "59.33000, 14.52000"
    words = describe(change)
    assert "earlier name: Bregården" in words["details"]


def test_an_alias_can_take_the_point_of_another_place(
    world: World, place: Entry, client_for: Any
) -> None:
    alias = gazetteer.add_known_place(world.a, "Bregårn", 14.0, 59.0)
    response = client_for("coordinator").post(
        _url("gazetteer-place-edit", world, alias.pk), {"name": "Bregårn", "entry": "Bregården"}
    )
    assert response.status_code == 302
    alias.refresh_from_db()
    assert (alias.lon, alias.lat) == (place.lon, place.lat)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "lon": "14.52", "lat": "59.33"}, "This field is required."),
        ({"name": "Bregården"}, "Click the map where the place is, or name a place."),
        ({"name": "Bregården", "entry": "Ingenstans"}, "No area, known place or street"),
        ({"name": "Bregården", "lon": "25.0", "lat": "60.2"}, "outside the partnership"),
        ({"name": "Torget", "lon": "14.52", "lat": "59.33"}, "already has a known place"),
    ],
)
def test_a_bad_edit_is_refused_with_what_to_do_and_nothing_changes(
    world: World, place: Entry, client_for: Any, data: dict[str, str], message: str
) -> None:
    gazetteer.add_known_place(world.a, "torget", 14.51, 59.33)
    response = en(client_for("coordinator")).post(
        _url("gazetteer-place-edit", world, place.pk), data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    place.refresh_from_db()
    assert (place.name, place.lon, place.lat) == ("Bregården", 14.52, 59.33)
    assert not ChangeRecord.objects.filter(object_type="entry").exists()


def test_deleting_a_known_place_asks_first_then_records_it(
    world: World, place: Entry, client_for: Any
) -> None:
    client = en(client_for("coordinator"))
    url = _url("gazetteer-place-delete", world, place.pk)
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Delete Bregården?" in confirm.content.decode()
    assert Entry.objects.filter(pk=place.pk).exists()
    assert client.post(url).status_code == 302
    assert not Entry.objects.filter(pk=place.pk).exists()
    change = ChangeRecord.objects.get(object_type="entry", action="deleted")
    assert change.details == {"name": "Bregården", "point": "59.33000, 14.52000"}


def test_openstreetmap_entries_are_not_edited_by_hand(world: World, client_for: Any) -> None:
    street = Entry.objects.create(
        partnership=world.a,
        name="Storgatan",
        normalised="storgatan",
        kind=EntryKind.STREET,
        lon=14.5,
        lat=59.3,
        source=EntrySource.OSM,
    )
    client = client_for("coordinator")
    assert client.get(_url("gazetteer-place-edit", world, street.pk)).status_code == 404
    assert client.post(_url("gazetteer-place-delete", world, street.pk)).status_code == 404
    assert Entry.objects.filter(pk=street.pk).exists()


def test_a_name_placed_by_hand_is_moved_and_forgotten(
    world: World, placed: PlacedName, client_for: Any
) -> None:
    client = client_for("coordinator")
    response = client.post(
        _url("gazetteer-placed-edit", world, placed.pk), {"lon": "14.515", "lat": "59.335"}
    )
    assert response.status_code == 302
    placed.refresh_from_db()
    assert (placed.lon, placed.lat) == (14.515, 59.335)
    assert placed.placed_by == world.users["coordinator"]
    assert gazetteer.find_point(world.a, "fritidsgarden myran")[:2] == (14.515, 59.335)  # type: ignore[index]
    assert client.post(_url("gazetteer-placed-delete", world, placed.pk)).status_code == 302
    assert not PlacedName.objects.exists()
    assert gazetteer.find_point(world.a, "Fritidsgården Myran") is None
    actions = list(
        ChangeRecord.objects.filter(object_type="placedname")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["edited", "deleted"]


@pytest.mark.parametrize("persona", ["analyst", "reporter", "viewer", "outsider"])
def test_only_coordinators_of_the_partnership_edit_or_delete(
    world: World, place: Entry, placed: PlacedName, client_for: Any, persona: str
) -> None:
    client = client_for(persona)
    expected = 404 if persona == "outsider" else 403
    point = {"lon": "14.5", "lat": "59.3"}
    posts = [
        (_url("gazetteer-place-edit", world, place.pk), {"name": "X", **point}),
        (_url("gazetteer-place-delete", world, place.pk), {}),
        (_url("gazetteer-placed-edit", world, placed.pk), point),
        (_url("gazetteer-placed-delete", world, placed.pk), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == expected
    place.refresh_from_db()
    assert place.name == "Bregården" and PlacedName.objects.filter(pk=placed.pk).exists()
    assert not ChangeRecord.objects.exists()


def test_a_place_of_another_partnership_is_not_found(world: World, client_for: Any) -> None:
    theirs = gazetteer.add_known_place(world.b, "Betagården", 14.52, 59.33)
    response = client_for("coordinator").post(_url("gazetteer-place-delete", world, theirs.pk), {})
    assert response.status_code == 404
    assert Entry.objects.filter(pk=theirs.pk).exists()
