"""The situational picture: counts, tested changes, map data, access and the synthetic banner."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from scipy import stats

from tests.conftest import World
from tests.independent import holm

STHLM = ZoneInfo("Europe/Stockholm")
# Week 11 of 2025 (10–16 March); the previous week is 3–9 March, last year 11–17 March 2024.
WEEK = {"period": "week", "at": "2025-03-12"}
MONDAY = datetime(2025, 3, 10, tzinfo=STHLM)
CENTRE = (14.515, 59.33)  # inside the drawn area "Centrum"


def add(
    world: World,
    category: str,
    when: datetime,
    *,
    org: Any = None,
    n: int = 1,
    sharing: str = "partnership",
    lonlat: tuple[float, float] | None = CENTRE,
    place: str = "Torget",
    hours: float = 0.0,
    time_band: str = "exact",
    synthetic: bool = False,
) -> list[Any]:
    """Create ``n`` incidents (bulk) and link them to their areas."""
    from samtrygg.incidents.categories import seed_categories
    from samtrygg.incidents.linking import link_incidents
    from samtrygg.incidents.models import Category, Incident

    seed_categories(world.a)
    cat = Category.objects.get(partnership=world.a, name=category)
    made = Incident.objects.bulk_create(
        [
            Incident(
                partnership=world.a,
                organisation=org or world.kommun,
                category=cat,
                occurred_from=when + timedelta(minutes=i),
                occurred_to=when + timedelta(minutes=i, hours=hours),
                time_band=time_band,
                lon=None if lonlat is None else lonlat[0] + 0.00001 * i,
                lat=None if lonlat is None else lonlat[1],
                place=place,
                sharing=sharing,
                description="beskrivning",
                is_synthetic=synthetic,
            )
            for i in range(n)
        ]
    )
    link_incidents(world.a, incidents=Incident.objects.filter(pk__in=[i.pk for i in made]))
    return made


@pytest.fixture
def data(world: World) -> World:
    """Burglaries jump from 2 to 20; vandalism stays about flat; a few organisation-only ones."""
    from samtrygg.incidents.categories import seed_categories
    from samtrygg.incidents.models import Category

    seed_categories(world.a)
    Category.objects.filter(partnership=world.a, name="våld/hot").update(is_sensitive=True)
    add(world, "inbrott", MONDAY + timedelta(hours=10), n=20)
    add(world, "inbrott", MONDAY - timedelta(days=6), n=2)
    add(world, "skadegörelse/klotter", MONDAY + timedelta(days=2, hours=20), n=5)
    add(world, "skadegörelse/klotter", MONDAY - timedelta(days=5), n=4)
    add(world, "skadegörelse/klotter", MONDAY - timedelta(days=364), n=6)
    # The school's own report, shared only within the school.
    add(world, "brand", MONDAY + timedelta(days=1), org=world.school, sharing="organisation",
        lonlat=(14.60, 59.40), place="Skolgården")  # fmt: skip
    # The housing company's own report, shared only within the company.
    add(world, "brand", MONDAY + timedelta(days=1), org=world.housing, sharing="organisation",
        lonlat=(14.61, 59.41), place="Trapphus 4")  # fmt: skip
    # A sensitive category, shared with the partnership.
    add(world, "våld/hot", MONDAY + timedelta(days=3), org=world.housing, lonlat=(14.62, 59.42))
    # Outside the week and in partnership B: never counted.
    add(world, "inbrott", MONDAY + timedelta(days=7), n=3)
    return world


def get_picture(client: Any, world: World, **params: str) -> Any:
    response = client.get(reverse("picture", kwargs={"slug": world.a.slug}), {**WEEK, **params})
    assert response.status_code == 200
    return response


def published(incidents: Any) -> int:
    """What the installation's rule publishes for exactly this set of incidents."""
    from samtrygg.partnerships.disclosure import disclosure_rule

    ids = [i.pk for i in incidents]
    return int(disclosure_rule().publish(ids, [0] * len(ids), 1)[0])


def in_week(world: World, **filters: Any) -> Any:
    from samtrygg.incidents.models import Incident

    return Incident.objects.filter(
        partnership=world.a,
        occurred_from__gte=MONDAY,
        occurred_from__lt=MONDAY + timedelta(days=7),
        **filters,
    )


def rows(table: Any) -> dict[str, Any]:
    return {r.label: r.count for r in table.rows}


def test_coordinator_sees_counts_by_category_area_and_organisation(
    data: World, client_for: Any
) -> None:
    pic = get_picture(client_for("coordinator"), data).context["pic"]
    cats = rows(pic.by_category)
    assert cats["inbrott"] == 20
    assert cats["skadegörelse/klotter"] == 5
    assert cats["brand"] == 2
    assert cats["våld/hot"] == 1
    assert pic.by_category.total.count == 28 == pic.total
    areas = rows(pic.by_area)
    assert areas["Centrum"] == 25  # the school's, the company's and the sensitive one lie outside
    orgs = rows(pic.by_organisation)
    assert orgs == {"Alfa kommun": 25, "Alfaskolan": 1, "Alfahem": 2}


def test_area_and_category_filters_narrow_the_counts(data: World, client_for: Any) -> None:
    from samtrygg.incidents.models import Category

    client = client_for("analyst")
    pic = get_picture(client, data, area=str(data.drawn_area.pk)).context["pic"]
    assert pic.total == 25 and rows(pic.by_category)["brand"] == 0
    burglary = Category.objects.get(partnership=data.a, name="inbrott")
    pic = get_picture(client, data, category=str(burglary.pk)).context["pic"]
    assert pic.total == 20 and list(rows(pic.by_category)) == ["inbrott"]


def test_tested_changes_agree_with_an_independent_poisson_computation(
    data: World, client_for: Any
) -> None:
    pic = get_picture(client_for("coordinator"), data).context["pic"]
    previous, last_year = pic.changes
    # Against the previous week: the Poisson E-test with equal exposures (7 days); scipy's
    # poisson_means_test is an independent implementation of the same test.
    counts = {
        "inbrott": (20, 2),
        "skadegörelse/klotter": (5, 4),
        "brand": (2, 0),
        "våld/hot": (1, 0),
    }
    raw = {k: stats.poisson_means_test(c, 7, b, 7).pvalue for k, (c, b) in counts.items()}
    adjusted = dict(zip(raw, holm(list(raw.values())), strict=True))
    table = {r.label: r for r in previous.rows}
    for label, (c, b) in counts.items():
        row = table[label]
        assert (row.current, row.baseline) == (c, b)
        assert math.isclose(row.p, raw[label], rel_tol=1e-9)
        assert math.isclose(row.p_adjusted, adjusted[label], rel_tol=1e-9)
        assert row.difference == c - b
    assert table["inbrott"].flagged and table["inbrott"].direction == "up"
    assert raw["inbrott"] < 0.001
    assert not table["skadegörelse/klotter"].flagged
    assert table["otrygg plats"].p is None  # no incidents in either week: no test
    total = previous.rows[-1]  # the total of all categories comes last
    assert math.isclose(total.p, stats.poisson_means_test(28, 7, 6, 7).pvalue, rel_tol=1e-9)
    # Against the same week last year: vandalism 5 against 6.
    ly = {r.label: r for r in last_year.rows}["skadegörelse/klotter"]
    assert (ly.current, ly.baseline) == (5, 6)
    assert math.isclose(ly.p, stats.poisson_means_test(5, 7, 6, 7).pvalue, rel_tol=1e-9)


def test_unequal_periods_are_tested_with_days_as_exposure(data: World, client_for: Any) -> None:
    from samtrygg.picture.services import change_table

    table = change_table("c", "b", ["x"], [30], [10], 90, 92)
    row = table.rows[0]
    assert math.isclose(row.p, stats.poisson_means_test(30, 90, 10, 92).pvalue, rel_tol=1e-9)
    assert math.isclose(row.difference, 30 - 10 * 90 / 92)


def test_page_shows_the_verdict_in_plain_words(data: World, client_for: Any) -> None:
    client = client_for("coordinator")
    client.cookies["django_language"] = "en"
    html = get_picture(client, data).content.decode()
    assert "increase, unlikely to be chance (p &lt; 0.001)" in html
    assert "no reliable change" in html
    assert 'class="change-table"' in html and 'class="heat-map"' in html


def test_viewer_sees_suppressed_aggregates_only(data: World, client_for: Any) -> None:
    response = get_picture(client_for("viewer"), data)
    pic = response.context["pic"]
    assert not pic.exact and not pic.details
    cats = rows(pic.by_category)
    for name in ("inbrott", "våld/hot", "brand", "skadegörelse/klotter"):
        assert cats[name] == published(in_week(data, category__name=name)), name
    assert all(v == 0 or v >= 5 for v in cats.values())
    assert pic.by_category.total.count == sum(cats.values())  # the sum of what is shown
    assert pic.total == pic.by_category.total.count
    html = response.content.decode()
    assert "beskrivning" not in html and "Trapphus" not in html and "Torget" not in html
    changes = {r.label: r for r in pic.changes[0].rows}
    assert changes["brand"].current == cats["brand"]


def test_heat_maps_count_by_local_month_weekday_and_hour(data: World, client_for: Any) -> None:
    pic = get_picture(client_for("coordinator"), data).context["pic"]
    month_weekday, weekday_hour = pic.heat_maps
    march = dict(month_weekday.rows)[month_weekday.rows[2][0]]
    # Monday 10 March 10:00: 20 burglaries (plus the 2 of Tuesday 4 March on Tuesday).
    assert march[0].text == "20"
    monday = weekday_hour.rows[0][1]
    assert monday[10].text == "20"  # 10:00 Stockholm time, not 09:00 UTC


def test_imprecise_times_are_left_out_of_the_hour_profile(world: World, client_for: Any) -> None:
    add(world, "inbrott", MONDAY + timedelta(hours=22), n=3, time_band="night", hours=8)
    add(world, "inbrott", MONDAY + timedelta(hours=12), n=2, hours=72)  # a 3-day window
    add(world, "inbrott", MONDAY + timedelta(hours=9), n=5)
    pic = get_picture(client_for("coordinator"), world).context["pic"]
    _month_weekday, weekday_hour = pic.heat_maps
    assert (
        sum(float(c.text.replace(",", ".")) for _l, cells in weekday_hour.rows for c in cells) == 5
    )
    assert "5" in weekday_hour.note


def test_map_data_gives_points_to_coordinators(data: World, client_for: Any) -> None:
    url = reverse("picture-map-data", kwargs={"slug": data.a.slug})
    features = client_for("coordinator").get(url, WEEK).json()["features"]
    kinds = [f["properties"]["kind"] for f in features]
    assert kinds.count("point") == 28 and kinds.count("cell") == 0


def test_map_data_gives_viewers_suppressed_cells_and_no_coordinates(
    data: World, client_for: Any
) -> None:
    from samtrygg.incidents.models import Incident

    url = reverse("picture-map-data", kwargs={"slug": data.a.slug})
    response = client_for("viewer").get(url, WEEK)
    body = response.content.decode()
    features = response.json()["features"]
    assert {f["properties"]["kind"] for f in features} == {"cell"}
    assert all(f["geometry"]["type"] == "Polygon" for f in features)
    counts = sorted(f["properties"]["count"] for f in features)
    # The 25 at Torget lie in one square; the others (1 each) in squares of their own.
    assert published(in_week(data, lat=CENTRE[1])) in counts
    assert all(c >= 5 for c in counts)
    raw = set(Incident.objects.values_list("lon", "lat"))
    corners = [tuple(c) for f in features for c in f["geometry"]["coordinates"][0]]
    assert not any(
        abs(x - lon) < 1e-6 and abs(y - lat) < 1e-6 for x, y in corners for lon, lat in raw
    )
    assert "Torget" not in body and "inbrott" not in body


def test_reporters_do_not_get_points_of_other_organisations_own_reports(
    data: World, client_for: Any
) -> None:
    url = reverse("picture-map-data", kwargs={"slug": data.a.slug})
    features = client_for("reporter").get(url, WEEK).json()["features"]
    points = [f for f in features if f["properties"]["kind"] == "point"]
    places = {f["properties"]["place"] for f in points}
    assert "Skolgården" in places  # the school's own
    assert "Trapphus 4" not in places  # the housing company's own-organisation report
    assert len(points) == 26  # 25 shared by the municipality + the school's own
    cells = [f for f in features if f["properties"]["kind"] == "cell"]
    # The company's report and the sensitive one, each alone in its square: published 0 or ≥ 5.
    expected = [published(in_week(data, place="Trapphus 4")),
                published(in_week(data, category__name="våld/hot"))]  # fmt: skip
    assert sorted(c["properties"]["count"] for c in cells) == sorted(v for v in expected if v)
    assert "[14.61, 59.41]" not in json.dumps(features)  # the company's exact point


def test_weekly_places_list_reports_the_user_may_see(data: World, client_for: Any) -> None:
    pic = get_picture(client_for("reporter"), data).context["pic"]
    first = pic.places[0]
    assert first.label == "Torget" and first.count == "25" and len(first.reports) == 20
    labels = [p.label for p in pic.places]
    assert "Skolgården" in labels and "Trapphus 4" not in labels
    hidden = [p for p in pic.places if p.hidden]
    assert all(int(p.hidden) >= 5 and not p.reports for p in hidden)
    shown_hidden = sorted(int(p.hidden) for p in hidden)
    expected = [published(in_week(data, place="Trapphus 4")),
                published(in_week(data, category__name="våld/hot"))]  # fmt: skip
    assert shown_hidden == sorted(v for v in expected if v)


def test_police_events_are_a_municipality_table_not_on_the_map(
    data: World, client_for: Any
) -> None:
    from samtrygg.incidents.models import PoliceEvent

    for i, kind in enumerate(["Stöld", "Stöld", "Brand"]):
        PoliceEvent.objects.create(
            partnership=data.a, event_id=i, published_at=MONDAY + timedelta(days=1),
            occurred_at=MONDAY + timedelta(days=1), type=kind, municipality_code="1883",
            municipality="Karlskoga", resolution="kommun", url="https://polisen.se/x",
        )  # fmt: skip
    pic = get_picture(client_for("viewer"), data).context["pic"]
    assert pic.police.municipalities == ["Karlskoga"]
    assert pic.police.rows == [("Stöld", [2], 2), ("Brand", [1], 1)]
    url = reverse("picture-map-data", kwargs={"slug": data.a.slug})
    assert "Stöld" not in client_for("coordinator").get(url, WEEK).content.decode()


def test_synthetic_data_shows_a_banner(world: World, client_for: Any) -> None:
    add(world, "inbrott", MONDAY + timedelta(hours=3), n=2)
    client = client_for("coordinator")
    assert "synthetic-banner" not in get_picture(client, world).content.decode()
    add(world, "inbrott", MONDAY + timedelta(hours=4), synthetic=True)
    response = get_picture(client, world)
    assert response.context["pic"].synthetic
    assert 'class="synthetic-banner"' in response.content.decode()


def test_print_layout_has_no_navigation(data: World, client_for: Any) -> None:
    html = get_picture(client_for("coordinator"), data, print="1").content.decode()
    assert 'class="site-nav"' not in html and 'class="picture-filters"' not in html
    assert 'class="change-table"' in html


def test_a_bad_custom_period_says_what_to_do(data: World, client_for: Any) -> None:
    client = client_for("coordinator")
    client.cookies["django_language"] = "en"
    response = get_picture(client, data, period="custom", start="2025-03-10", end="2025-03-01")
    assert "The last day lies before the first; swap them." in response.content.decode()


def test_custom_period_counts_whole_local_days(data: World, client_for: Any) -> None:
    pic = get_picture(
        client_for("coordinator"), data, period="custom", start="2025-03-10", end="2025-03-10"
    ).context["pic"]
    assert pic.total == 20  # only Monday's burglaries


def test_outsider_gets_404(data: World, client_for: Any) -> None:
    url = reverse("picture", kwargs={"slug": data.a.slug})
    assert client_for("outsider").get(url).status_code == 404


def test_map_data_caps_points_and_says_so(
    data: World, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from samtrygg.picture import mapdata

    monkeypatch.setattr(mapdata, "MAX_POINTS", 3)
    url = reverse("picture-map-data", kwargs={"slug": data.a.slug})
    body = client_for("coordinator").get(url, WEEK).json()
    assert body["properties"]["truncated"] is True
    assert [f["properties"]["kind"] for f in body["features"]] == ["point"] * 3
