"""Process follow-up (done as planned, hours, cost, progress) and effect follow-up (WDD)."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from shapely.geometry import box

from samtrygg.analysis.interventions import wdd
from samtrygg.areas import services as area_services
from samtrygg.followup import effect as effect_service
from samtrygg.followup import services
from samtrygg.incidents.models import Incident
from samtrygg.plans.services import measure_progress
from tests.conftest import World
from tests.followup import helpers as h


def test_process_follow_up_counts_hours_cost_and_progress(world: World) -> None:
    t = h.today()
    m = h.measure(world, hours=Decimal("100"), cost=Decimal("50000"))
    h.activity(m, "Klar", t - timedelta(days=9), "done", hours=10, cost=1000)
    h.activity(m, "Pågår, sen", t - timedelta(days=1), "ongoing", progress=40, hours=5, cost=2000)
    h.activity(m, "Försenad", None, "delayed", hours=Decimal("2.5"))
    h.activity(m, "Planerad", t + timedelta(days=60), "planned", weight=2)
    h.activity(m, "Inställd", t - timedelta(days=9), "cancelled", hours=3, cost=500)
    p = services.process_follow_up(m, t)
    assert {s: n for s, _label, n in p.by_status} == {
        "planned": 1,
        "ongoing": 1,
        "done": 1,
        "delayed": 1,
        "cancelled": 1,
    }
    assert (p.total, p.done, p.overdue, p.on_schedule) == (5, 1, 1, 1)
    assert p.overdue_titles == ["Pågår, sen"]
    assert (p.planned_hours, p.recorded_hours) == (Decimal("100"), Decimal("20.5"))
    assert (p.planned_cost, p.recorded_cost) == (Decimal("50000"), Decimal("3500"))
    # Weights 1, 1, 1, 2 (the cancelled one left out): (100 + 40 + 0 + 0) / 5 = 28 %.
    assert p.progress == pytest.approx(28.0)
    assert p.progress == pytest.approx(measure_progress(m))


def _second_area(world: World) -> Any:
    return area_services.create_drawn_area(world.a, "Söder", box(14.50, 59.30, 14.53, 59.31), None)


def _orm_count(area: Any, start: date, end: date, category: Any | None = None) -> int:
    """Counted independently of the service: the through table and explicit datetimes."""
    tz = timezone.get_current_timezone()
    qs = Incident.objects.filter(
        incidentarea__area=area,
        occurred_from__gte=datetime.combine(start, time.min, tz),
        occurred_from__lt=datetime.combine(end, time.min, tz),
    )
    if category is not None:
        qs = qs.filter(category=category)
    return qs.count()


@pytest.fixture
def effect_world(world: World) -> dict[str, Any]:
    """A measure that started 100 days ago in Centrum, compared with Söder.

    Target: 20 before, 4 after; comparison: 9 before, 10 after; plus incidents outside both
    periods and of another category, which must not count.
    """
    t = h.today()
    start = t - timedelta(days=100)
    target, control = world.drawn_area, _second_area(world)
    klotter, brand = h.category(world), h.category(world, "Brand")
    goal = h.goal(world)
    h.indicator(goal, "Klotter i Centrum", None, category=klotter, area=target)
    m = h.measure(world, target_area=target, comparison_area=control, start_date=start)
    m.goals.add(goal)
    for area, before, after in ((target, 20, 4), (control, 9, 10)):
        for i in range(before):
            h.incident(world, klotter, start - timedelta(days=1 + i * 4), [area])
        for i in range(after):
            h.incident(world, klotter, start + timedelta(days=i * 9), [area])
    h.incident(world, klotter, start - timedelta(days=101), [target])  # before the before-period
    h.incident(world, brand, start + timedelta(days=3), [target])  # another category
    h.incident(world, klotter, t, [target])  # today: after the after-period ends
    return {"measure": m, "target": target, "control": control, "start": start, "cat": klotter}


def test_effect_counts_and_wdd_agree_with_independent_counts(effect_world: dict[str, Any]) -> None:
    m, start, cat = effect_world["measure"], effect_world["start"], effect_world["cat"]
    e = effect_service.effect_follow_up(m, h.today())
    assert e.available and e.days == 100
    assert (e.before_start, e.start, e.after_end) == (
        start - timedelta(days=100),
        start,
        start + timedelta(days=100),
    )
    counts = [
        _orm_count(effect_world[area], a, b, cat)
        for area in ("target", "control")
        for a, b in ((start - timedelta(days=100), start), (start, start + timedelta(days=100)))
    ]
    assert counts == [20, 4, 9, 10]
    assert [e.treated_before, e.treated_after, e.control_before, e.control_after] == counts
    expected = wdd(*counts)
    assert e.result is not None
    assert e.result.estimate == pytest.approx(expected.estimate) == -17.0  # (4−20) − (10−9)
    assert e.result.variance == pytest.approx(43.0)  # 20 + 4 + 9 + 10
    assert (e.result.ci_low, e.result.ci_high) == pytest.approx((expected.ci_low, expected.ci_high))
    assert e.result.ci_high == pytest.approx(-17 + 1.959964 * math.sqrt(43), abs=1e-4)
    assert e.result.p_value == pytest.approx(expected.p_value)
    with translation.override("en"):
        text = effect_service.verdict(e.result)
    assert "fewer" in text and "more than chance" in text
    assert e.categories == ["Skadegörelse/klotter"]


def test_viewers_see_no_small_counts_and_no_wdd_built_on_them(
    effect_world: dict[str, Any], world: World, client_for: Any
) -> None:
    # The after-count in the target area is 4 (< 5): hidden from viewers, WDD with it.
    e = effect_service.effect_follow_up(effect_world["measure"], h.today(), exact=False)
    assert e.hidden and e.result is None and e.treated_after is None
    response = client_for("viewer").get(reverse("followup-dashboard", args=[world.a.slug]))
    (mf,) = response.context["data"].measures
    assert mf.effect.hidden
    staff = client_for("analyst").get(reverse("followup-dashboard", args=[world.a.slug]))
    (mf,) = staff.context["data"].measures
    assert mf.effect.result is not None
    assert "-17,0" in staff.content.decode() or "-17.0" in staff.content.decode()


def test_effect_needs_target_area_start_and_time(world: World) -> None:
    t = h.today()
    assert not effect_service.effect_follow_up(h.measure(world), t).available
    no_start = h.measure(world, "Utan start", target_area=world.drawn_area)
    assert not effect_service.effect_follow_up(no_start, t).available
    fresh = h.measure(world, "Ny", target_area=world.drawn_area, start_date=t - timedelta(days=10))
    assert not effect_service.effect_follow_up(fresh, t).available


def test_without_comparison_area_there_are_counts_but_no_wdd(world: World) -> None:
    t = h.today()
    cat = h.category(world)
    start = t - timedelta(days=500)
    m = h.measure(world, target_area=world.drawn_area, start_date=start)
    h.incident(world, cat, start + timedelta(days=10), [world.drawn_area])
    h.incident(world, cat, t - timedelta(days=10), [world.drawn_area])  # after the first year
    e = effect_service.effect_follow_up(m, t)
    assert e.days == effect_service.MAX_DAYS  # capped at a year
    assert (e.treated_before, e.treated_after) == (0, 1)  # all categories without indicators
    assert e.result is None and e.message


def test_no_incidents_at_all_says_there_is_nothing_to_compare(world: World) -> None:
    t = h.today()
    control = _second_area(world)
    m = h.measure(
        world, target_area=world.drawn_area, comparison_area=control, start_date=t - timedelta(60)
    )
    e = effect_service.effect_follow_up(m, t)
    assert e.result is not None and e.result.estimate == 0
    with translation.override("en"):
        assert "nothing to compare" in effect_service.verdict(e.result)
