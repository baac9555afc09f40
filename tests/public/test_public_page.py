"""The public page: anonymous, published content only, no coordinates, places or people."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from samtrygg.analysis.disclosure import feasible_counts
from tests.agreements.helpers import ACTIVITY_TITLE, PROMISE_TEXT
from tests.public import helpers as h

pytestmark = pytest.mark.django_db


def _get(client: Any, name: str, slug: str = "alfa") -> Any:
    return client.get(reverse(name, kwargs={"slug": slug}))


@pytest.fixture
def published(world: Any) -> Any:
    agreement = h.publish(world)
    h.add_incidents(world, {("brand", 0): 7, ("brand", 1): 2, ("inbrott", 2): 9, ("inbrott", 3): 6})
    return agreement


def test_anonymous_resident_reads_promises_and_statistics(published: Any, world: Any) -> None:
    response = _get(Client(), "public-page")
    assert response.status_code == 200
    html = response.content.decode()
    assert PROMISE_TEXT in html
    assert ACTIVITY_TITLE in html
    assert 'max="100"' in html  # progress is shown
    assert "Centrum" in html  # the area table
    assert ">brand<" in html and ">inbrott<" in html
    # 2 fires in one quarter is below k = 5: never shown, the rule is explained.
    assert '<td class="num">2</td>' not in html
    fires = h.published_value(h.quarter_incidents(world, 1, category__name="brand"))
    assert fires == 0 or fires >= 5
    assert 'id="disclosure-rule"' in html
    assert "Inget tal från 1 till 4 visas" in html and "högst 2 uppåt" in html  # in Swedish
    assert reverse("public-map-data", kwargs={"slug": "alfa"}) in html


def test_nothing_internal_or_personal_is_reachable(published: Any, world: Any) -> None:
    client = Client()
    page = _get(client, "public-page").content.decode()
    data = _get(client, "public-map-data").content.decode()
    forbidden = [
        h.SECRET_PROMISE,
        h.DRAFT_TEXT,
        h.COMMENT_TEXT,
        h.SIGNER_NAME,
        h.OWNER_PERSON,
        h.PLACE,
        h.DESCRIPTION,
        "Lägesbilden visar",  # the agreement's internal background text
    ]
    for lon_lat in (h.LON, h.LAT):
        forbidden += [repr(lon_lat), f"{lon_lat:.5f}", f"{lon_lat:.4f}", f"{lon_lat:.3f}"]
    for user in world.users.values():
        forbidden += [user.email, user.username, user.first_name]
    for text in (page, data):
        for secret in forbidden:
            assert secret not in text, f"{secret!r} is on the public page"
        assert "@" not in text.replace("@media", "")
    # Who signed is public as organisation, role and date.
    assert "Alfa kommun, Kommunstyrelsens ordförande" in page


def test_map_data_has_area_geometries_and_suppressed_counts_only(published: Any) -> None:
    data = json.loads(_get(Client(), "public-map-data").content)
    (feature,) = data["features"]
    assert set(feature["properties"]) == {"name", "kind", "count", "label"}
    assert feature["properties"]["name"] == "Centrum"
    from samtrygg.incidents.models import Incident

    assert feature["properties"]["count"] == h.published_value(Incident.objects.all())
    assert feature["geometry"]["type"] == "Polygon"
    assert "id" not in feature


def test_a_category_marked_not_public_is_left_out_of_every_public_number(
    published: Any, world: Any
) -> None:
    from samtrygg.incidents.models import Category, Incident

    _get(Client(), "public-page")  # cached before the change
    category = Category.objects.get(partnership=world.a, name="inbrott")
    category.is_public = False
    category.save()  # as the category form does: the public page is computed again
    html = _get(Client(), "public-page").content.decode()
    assert ">brand<" in html and ">inbrott<" not in html
    data = json.loads(_get(Client(), "public-map-data").content)
    # The 15 burglaries no longer count, the 9 fires do.
    fires = h.published_value(Incident.objects.filter(category__name="brand"))
    assert data["features"][0]["properties"]["count"] == fires


def test_small_area_counts_are_never_shown_on_the_map(world: Any) -> None:
    from samtrygg.incidents.models import Incident

    h.publish(world)
    h.add_incidents(world, {("brand", 0): 3})
    data = json.loads(_get(Client(), "public-map-data").content)
    count = data["features"][0]["properties"]["count"]
    assert count == h.published_value(Incident.objects.all()) and (count == 0 or count >= 5)


def test_k_comes_from_the_setting(published: Any, settings: Any) -> None:
    settings.SAMTRYGG_PUBLIC_K = 10
    data = json.loads(_get(Client(), "public-map-data").content)
    assert data["properties"]["k"] == 10
    html = _get(Client(), "public-page").content.decode()
    cells = [int(c) for c in re.findall(r'<td class="num">(\d+)</td>', html)]
    assert cells and all(c == 0 or c >= 10 for c in cells)  # nothing from 1 to 9


def test_unknown_slug_is_404() -> None:
    assert _get(Client(), "public-page", "finns-inte").status_code == 404
    assert _get(Client(), "public-map-data", "finns-inte").status_code == 404


def test_nothing_published_gives_a_friendly_page_without_data(world: Any) -> None:
    from tests.agreements.helpers import make_agreement

    make_agreement(world, status="signed")  # signed but not yet published
    h.add_incidents(world, {("brand", 0): 12})
    client = Client()
    client.cookies["django_language"] = "en"
    response = _get(client, "public-page")
    assert response.status_code == 200
    html = response.content.decode()
    assert "has not published anything yet" in html
    assert PROMISE_TEXT not in html and ">brand<" not in html and "Centrum" not in html
    assert json.loads(_get(client, "public-map-data").content)["features"] == []


def test_only_the_newest_published_agreement_counts(world: Any) -> None:
    from samtrygg.agreements.models import Agreement

    old = h.publish(world)
    Agreement.objects.filter(pk=old.pk).update(status="superseded")
    html = _get(Client(), "public-page").content.decode()
    assert PROMISE_TEXT not in html


def test_the_page_only_answers_get(published: Any) -> None:
    assert Client().post(reverse("public-page", kwargs={"slug": "alfa"})).status_code == 405


def test_english_version_for_anonymous_users(published: Any) -> None:
    client = Client()
    switched = client.post(reverse("set_language"), {"language": "en", "next": "/p/alfa/"})
    assert switched.status_code == 302
    html = _get(client, "public-page").content.decode()
    assert '<html lang="en">' in html
    assert "Our promises to residents" in html
    assert "How the numbers protect the people involved" in html
    assert "Svenska" in html  # the switch back


def test_a_small_part_outside_a_nested_area_is_not_revealed(world: Any) -> None:
    """Town 12 and Centrum 10 (inside the town) would reveal 2 incidents outside Centrum."""
    from samtrygg.areas.models import Area

    town = Area.objects.create(
        partnership=world.a,
        name="Hela tätorten",
        kind="imported",
        geometry={
            "type": "Polygon",
            "coordinates": [[[14.4, 59.2], [14.7, 59.2], [14.7, 59.4], [14.4, 59.4], [14.4, 59.2]]],
        },
        min_lon=14.4,
        min_lat=59.2,
        max_lon=14.7,
        max_lat=59.4,
    )
    h.publish(world)
    h.add_incidents(world, {("brand", 0): 10}, areas=[town, world.drawn_area])
    h.add_incidents(world, {("inbrott", 0): 2}, areas=[town])
    data = json.loads(_get(Client(), "public-map-data").content)
    counts = {f["properties"]["name"]: f["properties"]["count"] for f in data["features"]}
    # Each area is a cell of its own: the 2 outside Centrum are lost in both areas' noise.
    from samtrygg.incidents.models import Incident

    assert counts == {
        "Hela tätorten": h.published_value(Incident.objects.all()),
        "Centrum": h.published_value(Incident.objects.filter(category__name="brand")),
    }
    lo_town, hi_town = feasible_counts(counts["Hela tätorten"])
    lo_centre, hi_centre = feasible_counts(counts["Centrum"])
    outside = range(max(0, lo_town - hi_centre), hi_town - lo_centre + 1)
    assert not (min(outside) >= 1 and max(outside) <= 4)


def test_an_anonymous_request_costs_a_lookup_once_computed(
    published: Any, world: Any, django_assert_max_num_queries: Any, monkeypatch: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samtrygg.incidents.models import Incident
    from samtrygg.public import published as published_content

    def page() -> str:
        html = _get(Client(), "public-page").content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    first = page()
    # Cached: no query at all (the slug's partnership is remembered too).
    with django_assert_max_num_queries(1):
        assert page() == first
    # A saved (here: back-dated) report renews the data version. For REFRESH_SECONDS the latest
    # page is still shown as it is (reports arriving every few seconds would otherwise keep the
    # page computing) ...
    late = Incident.objects.filter(category__name="brand").first()
    assert late is not None
    late.pk = None
    late.save()
    with django_assert_max_num_queries(0):
        assert page() == first
    # ... after that the next request computes it anew ...
    monkeypatch.setattr(published_content, "REFRESH_SECONDS", 0)
    with CaptureQueriesContext(connection) as recomputed:
        page()
    assert len(recomputed.captured_queries) > 3
    # ... and then it is a lookup again.
    with django_assert_max_num_queries(1):
        page()


def test_a_saved_incident_bumps_the_data_version(published: Any, world: Any) -> None:
    from samtrygg.incidents.models import Incident
    from samtrygg.partnerships.dataversion import data_version

    before = data_version(world.a.pk)
    incident = Incident.objects.first()
    assert incident is not None
    incident.save()
    assert data_version(world.a.pk) != before


def test_anonymous_clients_are_rate_limited_and_health_stays_open(
    published: Any, world: Any, settings: Any, client_for: Any
) -> None:
    settings.SAMTRYGG_PUBLIC_RATE = 3
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.cookies["django_language"] = "en"
    assert [_get(client, "public-page").status_code for _i in range(3)] == [200] * 3
    refused = _get(client, "public-map-data")
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 60
    sv = Client(REMOTE_ADDR="203.0.113.7")
    assert "För många förfrågningar" in _get(sv, "public-page").content.decode()
    # Another client is not affected, nor is the health check, nor signed-in staff.
    assert _get(Client(REMOTE_ADDR="203.0.113.8"), "public-page").status_code == 200
    assert client.get("/healthz").status_code == 200
    staff = client_for("coordinator")
    assert [_get(staff, "public-page").status_code for _i in range(5)] == [200] * 5


def test_anonymous_visitors_share_one_kept_page_with_their_own_csrf_token(
    published: Any, world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    from samtrygg.public.views import CSRF_PLACEHOLDER

    tokens = set()
    pages = set()
    for _ in range(3):
        client = Client(enforce_csrf_checks=True)
        response = _get(client, "public-page")
        html = response.content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', html)
        assert token is not None and CSRF_PLACEHOLDER not in html
        tokens.add(token.group(1))
        pages.add(html.replace(token.group(1), ""))
        # The language switch works with the token the page gave.
        switched = client.post(
            "/i18n/setlang/", {"language": "en", "next": "/p/alfa/",
                               "csrfmiddlewaretoken": token.group(1)},
        )  # fmt: skip
        assert switched.status_code == 302
        refused = Client(enforce_csrf_checks=True).post(
            "/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": CSRF_PLACEHOLDER}
        )
        assert refused.status_code == 403
    assert len(tokens) == 3 and len(pages) == 1
    with django_assert_max_num_queries(0):  # the slug's partnership is remembered too
        _get(Client(), "public-page")
    # A signed-in person's page names them and is never the kept one.
    coordinator = _get(client_for("coordinator"), "public-page").content.decode()
    assert "Logga ut" in coordinator or "Sign out" in coordinator
    assert "Logga ut" not in _get(Client(), "public-page").content.decode()


def test_a_worker_forgets_its_kept_page_when_the_shared_cache_would(
    published: Any, world: Any, settings: Any
) -> None:
    # Bulk imports send no signal; the kept copies expire like the shared cache's entries.
    import time as clock

    from samtrygg.public import views

    settings.SAMTRYGG_PUBLIC_CACHE_SECONDS = 0
    _get(Client(), "public-page")
    assert views._kept and all(expires <= clock.monotonic() for expires, _h in views._kept.values())
    assert all(views._kept_page(key) is None for key in list(views._kept))


def test_a_kept_page_costs_no_database_query(
    published: Any, world: Any, django_assert_num_queries: Any
) -> None:
    first = _get(Client(), "public-page").content
    with django_assert_num_queries(0):
        again = _get(Client(), "public-page").content
    # The same page, each with its own CSRF token.
    assert len(again) == len(first) and again != first
    # An unknown slug is still a 404, and is not remembered.
    from samtrygg.public import views

    assert Client().get("/p/no-such-partnership/").status_code == 404
    assert "no-such-partnership" not in views._slugs


def test_new_reports_do_not_keep_the_page_computing_but_a_publication_change_shows_at_once(
    published: Any, world: Any, monkeypatch: Any
) -> None:
    from django.core.cache import cache

    from samtrygg.incidents.models import Category
    from samtrygg.partnerships.dataversion import bump
    from samtrygg.partnerships.models import Partnership
    from samtrygg.public import published as kept
    from samtrygg.public import statistics, views

    def page() -> str:
        html = _get(Client(), "public-page").content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    calls: list[int] = []
    real = statistics.public_statistics
    monkeypatch.setattr(statistics, "public_statistics", lambda *a: calls.append(1) or real(*a))
    before = page()
    first_map = _get(Client(), "public-map-data").json()
    assert len(calls) == 1
    pk = Partnership.objects.get(slug="alfa").pk
    # New reports renew the data version: the latest page and map, a moment old, are shown.
    bump(pk)
    assert page() == before and _get(Client(), "public-map-data").json() == first_map
    assert len(calls) == 1
    # Older than REFRESH_SECONDS, while another worker computes the new page: still the latest.
    monkeypatch.setattr(kept, "REFRESH_SECONDS", 0)
    computing = f"{kept.latest_key('page', pk)}:computing"
    assert cache.add(computing, 1, 60)
    assert page() == before and len(calls) == 1
    # Nobody computes: this request computes the new version, and it is kept as current.
    cache.delete(computing)
    assert page() == before and len(calls) == 2
    views.forget_kept()
    assert page() == before and len(calls) == 2
    # A category taken off the public page shows at once, even while another worker computes.
    assert cache.add(computing, 1, 60)
    monkeypatch.setattr(kept, "REFRESH_SECONDS", 3600)
    fire = Category.objects.get(partnership_id=pk, name="brand")
    fire.is_public = False
    fire.save()
    after = page()
    assert len(calls) == 3 and ">brand<" in before and ">brand<" not in after
