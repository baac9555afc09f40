"""The log of who saw or exported details of incidents in sensitive categories.

See docs/domain.md §11.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from samtrygg.incidents.categories import seed_categories
from samtrygg.incidents.models import Category, SensitiveAccess, Sharing
from tests.incidents.test_visibility import detail, listing, make


@pytest.fixture
def categories(world: Any) -> dict[str, Category]:
    cats = {c.name: c for c in seed_categories(world.a)}
    cats["våld/hot"].is_sensitive = True
    cats["våld/hot"].save()
    return cats


def _week(world: Any, name: str, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"period": "week", **params}.items())
    return reverse(name, args=[world.a.slug]) + "?" + query


def test_opening_a_sensitive_incident_is_logged_and_an_ordinary_one_is_not(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    sensitive = make(world, categories["våld/hot"], world.school)
    ordinary = make(world, categories["nedskräpning"], world.school)
    client = client_for("analyst")
    assert client.get(detail(world, ordinary)).status_code == 200
    assert not SensitiveAccess.objects.exists()
    assert client.get(detail(world, sensitive)).status_code == 200
    record = SensitiveAccess.objects.get()
    assert (record.user, record.action, record.incident_ids, record.count) == (
        world.users["analyst"],
        "read",
        [sensitive.pk],
        1,
    )
    assert record.partnership == world.a


def test_a_refused_look_is_not_logged_as_seen(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    sensitive = make(world, categories["våld/hot"], world.school)
    assert client_for("housing_reporter").get(detail(world, sensitive)).status_code == 404
    assert client_for("viewer").get(detail(world, sensitive)).status_code == 403
    assert not SensitiveAccess.objects.exists()


def test_list_map_places_and_export_log_only_the_sensitive_incidents_shown(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    sensitive = [make(world, categories["våld/hot"], world.school) for _ in range(2)]
    make(world, categories["nedskräpning"], world.school)
    client = client_for("coordinator")
    assert client.get(listing(world)).status_code == 200
    assert client.get(_week(world, "picture-map-data")).status_code == 200
    assert client.get(_week(world, "picture")).status_code == 200
    assert client.get(_week(world, "picture-export", format="csv")).status_code == 200
    records = {r.action: r for r in SensitiveAccess.objects.all()}
    assert set(records) == {"list", "map", "places", "export"}
    expected = sorted(i.pk for i in sensitive)
    for action, record in records.items():
        assert sorted(record.incident_ids) == expected, action
        assert record.count == 2, action
    assert records["export"].what.startswith("CSV ")


def test_a_viewer_sees_aggregates_only_and_leaves_no_record(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    make(world, categories["våld/hot"], world.school)
    client = client_for("viewer")
    assert client.get(_week(world, "picture")).status_code == 200
    assert client.get(_week(world, "picture-map-data")).status_code == 200
    assert client.get(_week(world, "picture-export", format="csv")).status_code == 200
    assert not SensitiveAccess.objects.exists()


def test_reporters_of_other_organisations_do_not_see_sensitive_details(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    make(world, categories["våld/hot"], world.school, sharing=Sharing.PARTNERSHIP)
    client = client_for("housing_reporter")
    assert client.get(listing(world)).status_code == 200
    assert not SensitiveAccess.objects.exists()


def test_the_log_page_is_for_coordinators_and_names_who_saw_what(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    sensitive = make(world, categories["våld/hot"], world.school)
    client_for("analyst").get(detail(world, sensitive))
    url = reverse("incidents-access-log", args=[world.a.slug])
    page = client_for("coordinator").get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert world.users["analyst"].get_full_name() in html
    assert f"#{sensitive.pk}" in html
    assert sensitive.description not in html or not sensitive.description
    assert client_for("analyst").get(url).status_code == 403
    assert client_for("outsider").get(url).status_code == 404


def test_the_log_is_paged_newest_first(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    sensitive = make(world, categories["våld/hot"], world.school)
    for _ in range(30):
        SensitiveAccess.objects.create(
            partnership=world.a,
            user=world.users["analyst"],
            action="read",
            incident_ids=[sensitive.pk],
            count=1,
        )
    url = reverse("incidents-access-log", args=[world.a.slug])
    client = client_for("coordinator")
    first = client.get(url)
    assert len(first.context["page"].object_list) == 25
    assert "Sida 1 av 2" in first.content.decode()
    assert len(client.get(url + "?page=2").context["page"].object_list) == 5
