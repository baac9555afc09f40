"""The maps' place search: the partnership's own names, ranked, scoped and members only."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from samtrygg.gazetteer import services as gazetteer
from samtrygg.gazetteer.models import Entry, EntryKind, EntrySource


def _entry(partnership: Any, name: str, kind: str, lon: float, lat: float) -> Entry:
    from samtrygg.sources.places import normalise_name

    return Entry.objects.create(
        partnership=partnership,
        name=name,
        normalised=normalise_name(name),
        kind=kind,
        lon=lon,
        lat=lat,
        source=EntrySource.OSM,
    )


@pytest.fixture
def names(world: Any) -> Any:
    """Alfa knows Storgatan (street and two addresses) and Bregården; Beta has its own
    Storgatan and a known place that Alfa must never see."""
    _entry(world.a, "Storgatan", EntryKind.STREET, 14.515, 59.330)
    _entry(world.a, "Storgatan 12", EntryKind.ADDRESS, 14.5161, 59.3302)
    _entry(world.a, "Storgatan 120", EntryKind.ADDRESS, 14.5190, 59.3310)
    _entry(world.a, "Lilla Storgatan", EntryKind.STREET, 14.512, 59.329)
    gazetteer.add_known_place(world.a, "Bregården", 14.52, 59.335)
    _entry(world.b, "Storgatan", EntryKind.STREET, 12.0, 57.0)
    gazetteer.add_known_place(world.b, "Betatorget", 12.1, 57.1)
    return world


def _search(client: Any, world: Any, text: str, slug: str | None = None) -> Any:
    url = reverse("gazetteer-search", kwargs={"slug": slug or world.a.slug})
    return client.get(url, {"q": text})


def test_a_street_search_lists_the_street_first_then_its_addresses(
    names: Any, client_for: Any
) -> None:
    response = _search(client_for("reporter"), names, "storgatan")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["name"] for r in results] == [
        "Storgatan",
        "Storgatan 12",
        "Storgatan 120",
        "Lilla Storgatan",
    ]
    assert results[0] == {
        "name": "Storgatan",
        "kind": "street",
        "kind_label": "Gata",
        "lon": 14.515,
        "lat": 59.33,
    }


def test_case_swedish_letters_and_abbreviations_are_forgiven(names: Any, client_for: Any) -> None:
    client = client_for("viewer")
    assert [r["name"] for r in _search(client, names, "BREGARDEN").json()["results"]] == [
        "Bregården"
    ]
    # "storg. 12" is Storgatan 12, the same name first.
    assert _search(client, names, "storg. 12").json()["results"][0]["name"] == "Storgatan 12"


def test_a_misspelt_street_is_found_by_the_imports_matcher(names: Any, client_for: Any) -> None:
    results = _search(client_for("coordinator"), names, "Storgtan 12").json()["results"]
    assert [(r["name"], r["kind"]) for r in results] == [("Storgatan 12", "address")]


def test_areas_are_places_too(names: Any, client_for: Any) -> None:
    results = _search(client_for("reporter"), names, "centr").json()["results"]
    assert [(r["name"], r["kind"]) for r in results] == [("Centrum", "area")]
    # The drawn area's representative point lies inside it (14.50–14.53, 59.32–59.34).
    assert 14.50 < results[0]["lon"] < 14.53 and 59.32 < results[0]["lat"] < 59.34


def test_another_partnerships_places_are_never_returned(names: Any, client_for: Any) -> None:
    client = client_for("coordinator")
    assert _search(client, names, "Betatorget").json()["results"] == []
    lons = [r["lon"] for r in _search(client, names, "Storgatan").json()["results"]]
    assert 12.0 not in lons
    # Beta's own coordinator finds Beta's street, not Alfa's.
    beta = _search(client_for("outsider"), names, "Storgatan", slug=names.b.slug).json()
    assert [(r["name"], r["lon"]) for r in beta["results"]] == [("Storgatan", 12.0)]


def test_outsiders_and_anonymous_users_are_refused(names: Any, client_for: Any) -> None:
    assert _search(client_for("outsider"), names, "Storgatan").status_code == 404
    anonymous = _search(client_for("anonymous"), names, "Storgatan")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_names_placed_by_hand_are_searched_only_by_those_who_see_every_incident(
    names: Any, client_for: Any
) -> None:
    # A name placed by hand comes from an incident log ("Skolans baksida").
    gazetteer.remember(names.a, "Skolans baksida", 14.51, 59.33, names.users["coordinator"])
    for persona in ("coordinator", "analyst"):
        found = _search(client_for(persona), names, "baksida").json()["results"]
        assert [r["name"] for r in found] == ["Skolans baksida"], persona
    for persona in ("reporter", "viewer"):
        assert _search(client_for(persona), names, "baksida").json()["results"] == [], persona


def test_too_short_a_text_finds_nothing(names: Any, client_for: Any) -> None:
    client = client_for("coordinator")
    assert _search(client, names, "s").json()["results"] == []
    assert _search(client, names, "  ").json()["results"] == []


def test_at_most_eight_places_are_returned(world: Any, client_for: Any) -> None:
    for n in range(1, 13):
        _entry(world.a, f"Storgatan {n}", EntryKind.ADDRESS, 14.5 + n / 1000, 59.33)
    results = _search(client_for("coordinator"), world, "storgatan").json()["results"]
    assert len(results) == gazetteer.SEARCH_LIMIT == 8
    assert results[0]["name"] == "Storgatan 1"


def test_the_search_only_answers_get(names: Any, client_for: Any) -> None:
    url = reverse("gazetteer-search", kwargs={"slug": names.a.slug})
    assert client_for("coordinator").post(url, {"q": "Storgatan"}).status_code == 405
