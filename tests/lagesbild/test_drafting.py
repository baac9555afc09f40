"""The drafted lägesbild: its figures agree with an independent count of the incidents."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from samtrygg.analysis import trends
from samtrygg.analysis.multiple_testing import holm
from samtrygg.incidents.models import Category, Incident, IncidentArea
from samtrygg.lagesbild import drafting
from samtrygg.periods import lagesbild_year
from samtrygg.plans.models import ChangeRecord, DocumentStatus
from tests.conftest import World

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def english() -> Any:
    with translation.override("en"):
        yield


def _incidents(world: World, seed: int = 4) -> list[Incident]:
    """About 150 incidents over two and a half years, a few on the local/UTC day boundary."""
    rng = random.Random(seed)
    cats = [
        Category.objects.create(partnership=world.a, name=name)
        for name in ("Klotter", "Inbrott", "Stöld")
    ]
    start = datetime(2024, 7, 1, tzinfo=UTC)
    times = [start + timedelta(minutes=rng.randrange(0, 60 * 24 * 900)) for _ in range(150)]
    # 22:30 UTC on 30 September is 00:30 local time on 1 October: in the new period.
    times += [datetime(2025, 9, 30, 22, 30, tzinfo=UTC), datetime(2025, 9, 30, 21, 30, tzinfo=UTC)]
    # Many burglaries in the current period so that something is tested as a change.
    times_inbrott = [datetime(2026, 3, 1, 12, tzinfo=UTC) + timedelta(days=i) for i in range(40)]
    made = []
    for i, t in enumerate(times + times_inbrott):
        cat = cats[1] if i >= len(times) else cats[i % 3]
        made.append(
            Incident(
                partnership=world.a,
                organisation=world.school,
                category=cat,
                occurred_from=t,
                occurred_to=t + timedelta(hours=1),
            )
        )
    Incident.objects.bulk_create(made)
    made = list(Incident.objects.filter(partnership=world.a))
    IncidentArea.objects.bulk_create(
        [IncidentArea(incident=inc, area=world.drawn_area) for inc in made[::2]]
    )
    return made


def _local_day(inc: Incident) -> date:
    return inc.occurred_from.astimezone(STOCKHOLM).date()


def test_figures_agree_with_an_independent_count(world: World, english: Any) -> None:
    made = _incidents(world)
    first, last = lagesbild_year(2026)
    fig = drafting.figures(world.a, first, last)

    in_now = [i for i in made if first <= _local_day(i) <= last]
    prev_first, prev_last = date(2024, 10, 1), date(2025, 9, 30)
    in_before = [i for i in made if prev_first <= _local_day(i) <= prev_last]
    assert fig["period"] == {"start": "2025-10-01", "end": "2026-09-30", "days": 365}
    assert fig["previous"]["start"] == "2024-10-01"
    assert fig["total"]["current"] == len(in_now)
    assert fig["total"]["previous"] == len(in_before)

    now_by_cat = Counter(i.category.name for i in in_now)
    before_by_cat = Counter(i.category.name for i in in_before)
    assert {r["name"]: r["current"] for r in fig["categories"]} == dict(now_by_cat)
    assert {r["name"]: r["previous"] for r in fig["categories"]} == dict(before_by_cat)

    in_area = set(IncidentArea.objects.values_list("incident_id", flat=True))
    (area,) = fig["areas"]
    assert area["name"] == "Centrum"
    assert area["current"] == sum(1 for i in in_now if i.pk in in_area)
    assert area["previous"] == sum(1 for i in in_before if i.pk in in_area)

    months = Counter(_local_day(i).month for i in in_now)
    weekdays = Counter(_local_day(i).weekday() for i in in_now)
    assert [m["count"] for m in fig["months"]] == [months.get(m, 0) for m in range(1, 13)]
    assert [d["count"] for d in fig["weekdays"]] == [weekdays.get(d, 0) for d in range(7)]


def test_changes_are_e_tests_with_holm_correction_in_plain_words(
    world: World, english: Any
) -> None:
    _incidents(world)
    first, last = lagesbild_year(2026)
    fig = drafting.figures(world.a, first, last)
    rows = fig["categories"]
    comp = trends.compare_counts(
        [r["current"] for r in rows], [r["previous"] for r in rows], 365.0, 365.0
    )
    assert [r["p"] for r in rows] == pytest.approx(comp.p_values.tolist())
    assert [r["p_adjusted"] for r in rows] == pytest.approx(holm(comp.p_values).tolist())
    inbrott = next(r for r in rows if r["name"] == "Inbrott")
    assert inbrott["verdict"].startswith("increase, unlikely to be chance (p ")
    for r in rows:
        if r["p_adjusted"] >= 0.05:
            assert r["verdict"] == "no reliable change"


def test_start_lagesbild_makes_a_draft_with_text_and_figures(world: World, english: Any) -> None:
    _incidents(world)
    user = world.users["coordinator"]
    doc = drafting.start_lagesbild(world.a, 2026, user)
    assert doc.status == DocumentStatus.DRAFT
    assert (doc.period_start, doc.period_end) == (date(2025, 10, 1), date(2026, 9, 30))
    assert doc.version == 1
    assert "Inbrott" in doc.extent and "increase, unlikely to be chance" in doc.extent
    assert doc.figures["total"]["current"] > 0
    assert ChangeRecord.objects.filter(object_id=doc.pk, action="created").exists()
    again = drafting.start_lagesbild(world.a, 2026, user)
    assert again.version == 2


def test_a_single_incident_is_not_written_in_the_drafted_text(world: World, english: Any) -> None:
    cat = Category.objects.create(partnership=world.a, name="Rån")
    t = datetime(2026, 1, 10, 12, tzinfo=UTC)
    Incident.objects.create(
        partnership=world.a,
        organisation=world.school,
        category=cat,
        occurred_from=t,
        occurred_to=t,
    )
    doc = drafting.start_lagesbild(world.a, 2026, None)
    # One incident is below k: its protected count is 0, so the text neither names the
    # category nor counts it in the total.
    assert "Rån" not in doc.extent
    assert "0 incidents were recorded" in doc.extent
    assert doc.figures["categories"][0]["current"] == 1  # kept exact for exact readers


def _protected_counts(shown: dict[str, Any]) -> list[int]:
    rows = [shown["total"], *shown["categories"], *shown["areas"]] if shown["total"] else []
    counts = [r[key] for r in rows for key in ("current", "previous")]
    return counts + [m["count"] for m in shown["months"]] + [d["count"] for d in shown["weekdays"]]


@pytest.mark.parametrize("seed", [4, 11, 23])
def test_readers_without_exact_access_can_recover_no_small_count(
    world: World, english: Any, seed: int
) -> None:
    # The attacker's tools on one document: every count shown, the total minus its parts.
    made = _incidents(world, seed)
    # A rare category with 1..4 incidents in each period: exactly what must not be recovered.
    rare = Category.objects.create(partnership=world.a, name="Rån")
    for day in (3, 40, 200):
        t = datetime(2025, 11, 1, 12, tzinfo=UTC) + timedelta(days=day)
        made.append(
            Incident.objects.create(
                partnership=world.a, organisation=world.school, category=rare,
                occurred_from=t, occurred_to=t,
            )
        )  # fmt: skip
    first, last = lagesbild_year(2026)
    fig = drafting.figures(world.a, first, last)
    k = 5
    shown = drafting.shown_figures(fig, exact=False)
    counts = _protected_counts(shown)
    assert counts and all(c == 0 or c >= k for c in counts)
    # The total is the sum of the published parts: total minus parts gives 0, nothing hidden.
    for period in ("current", "previous"):
        assert shown["total"][period] == sum(r[period] for r in shown["categories"])
    assert all(r["name"] != "Rån" or r["current"] in (0,) or r["current"] >= k
               for r in shown["categories"])  # fmt: skip
    # The exact figures are untouched for those who may see them.
    assert drafting.shown_figures(fig, exact=True) is fig
    assert {r["name"]: r["current"] for r in fig["categories"]}["Rån"] == 3


def test_a_new_version_publishes_the_same_counts_for_the_same_incidents(
    world: World, english: Any
) -> None:
    # Cell keys: the same incidents always give the same published count, so comparing two
    # versions shows only the cells whose incidents changed, and not by exactly the change.
    _incidents(world)
    first, last = lagesbild_year(2026)
    before = drafting.shown_figures(drafting.figures(world.a, first, last), exact=False)
    stold = Category.objects.get(partnership=world.a, name="Stöld")
    late = datetime(2026, 2, 2, 12, tzinfo=UTC)
    Incident.objects.create(
        partnership=world.a, organisation=world.school, category=stold,
        occurred_from=late, occurred_to=late,
    )  # fmt: skip
    after = drafting.shown_figures(drafting.figures(world.a, first, last), exact=False)
    old = {r["name"]: r for r in before["categories"]}
    new = {r["name"]: r for r in after["categories"]}
    for name in ("Klotter", "Inbrott"):
        assert new[name]["current"] == old[name]["current"]
        assert new[name]["previous"] == old[name]["previous"]
    assert new["Stöld"]["previous"] == old["Stöld"]["previous"]


def test_viewers_see_the_protected_figures_and_coordinators_the_exact(
    world: World, client_for: Any
) -> None:
    from samtrygg.lagesbild.models import Lagesbild

    _incidents(world)
    rare = Category.objects.create(partnership=world.a, name="Rån")
    t = datetime(2026, 1, 10, 12, tzinfo=UTC)
    Incident.objects.create(
        partnership=world.a, organisation=world.school, category=rare,
        occurred_from=t, occurred_to=t,
    )  # fmt: skip
    doc = drafting.start_lagesbild(world.a, 2026, None)
    Lagesbild.objects.filter(pk=doc.pk).update(status=DocumentStatus.ADOPTED)
    url = f"/{world.a.slug}/plans/lagesbild/{doc.pk}/"
    page = client_for("viewer").get(url).content.decode()
    assert ">Rån<" not in page  # one incident: published as 0, so the row is left out
    page = client_for("coordinator").get(url).content.decode()
    assert ">Rån<" in page


def test_a_year_without_incidents_drafts_without_error(world: World, english: Any) -> None:
    doc = drafting.start_lagesbild(world.a, 2026, None)
    assert doc.figures["total"] is None
    assert doc.figures["categories"] == []
    assert "0 incidents" in doc.extent


def test_the_weekly_picture_and_the_lagesbild_agree_on_the_same_counts(english: Any) -> None:
    # Both call samtrygg.analysis.changes.change_test, so the same counts over the same days
    # get the same p-values and the same verdicts in both (issue 9: they used to disagree).
    from samtrygg.picture.services import change_table

    labels, current, previous = ["a", "b", "c"], [20, 3, 1], [2, 4, 0]
    table = change_table("c", "b", labels, current, previous, 7, 7)
    picture = {r.label: r for r in table.rows}
    lagesbild = {r["name"]: r for r in drafting._rows(labels, current, previous, (7, 7))}
    for label in labels:
        assert picture[label].p == pytest.approx(lagesbild[label]["p"], rel=1e-12)
        assert picture[label].p_adjusted == pytest.approx(lagesbild[label]["p_adjusted"], rel=1e-12)
        assert picture[label].flagged == (lagesbild[label]["direction"] != "")
    assert picture["a"].flagged and not picture["b"].flagged


def test_a_lagesbild_drafted_before_protection_hides_small_counts_and_its_total() -> None:
    # Documents adopted before the protected figures were kept have only exact ones.
    old = {
        "period": {"start": "2024-10-01", "end": "2025-09-30", "days": 365},
        "total": {"name": "Alla", "current": 23, "previous": 20, "verdict": "x"},
        "categories": [
            {"name": "Rån", "current": 3, "previous": 0, "verdict": "x"},
            {"name": "Klotter", "current": 20, "previous": 20, "verdict": "x"},
        ],
        "areas": [],
        "months": [{"name": "jan", "count": 2}, {"name": "feb", "count": 21}],
        "weekdays": [{"name": "mån", "count": 23}],
    }
    shown = drafting.shown_figures(old, exact=False)
    assert shown["total"] is None  # 23 − 20 would give the hidden 3
    assert [r["current"] for r in shown["categories"]] == ["<5", 20]
    assert [m["count"] for m in shown["months"]] == ["<5", 21]
    assert drafting.shown_figures(old, exact=True)["total"]["current"] == 23
