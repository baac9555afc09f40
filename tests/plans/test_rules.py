"""Brå's rules block adoption; adopted documents are frozen; versions, diffs and progress."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from samtrygg.plans import services
from samtrygg.plans.models import (
    ActionPlan,
    Activity,
    Cause,
    ChangeRecord,
    DocumentStatus,
    Evidence,
    FrozenError,
    Goal,
    Indicator,
    Lagesbild,
    Measure,
    Problem,
    SourceEntry,
)
from tests.conftest import World
from tests.plans.helpers import measurable_goal

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def english() -> object:
    with translation.override("en"):
        yield


def _complete_plan(world: World) -> ActionPlan:
    problem = Problem.objects.create(partnership=world.a, title="Klotter vid Centrumskolan")
    cause = Cause.objects.create(
        problem=problem,
        description="Skymd skolgård kvällstid",
        kind="situational",
        mechanism="setting",
    )
    Evidence.objects.create(
        cause=cause, kind="picture", reference="/alfa/picture/?category=klotter"
    )
    goal = measurable_goal(
        world, problem, "Halvera klotter vid skolan", unit="antal per tertial", frequency="tertial"
    )
    measure = Measure.objects.create(
        partnership=world.a, title="Belysning på skolgården", kind="situational", horizon="short"
    )
    measure.causes.add(cause)
    measure.goals.add(goal)
    Activity.objects.create(
        measure=measure,
        title="Sätt upp armaturer",
        owner_organisation=world.kommun,
        hours=Decimal("16"),
        cost=Decimal("40000"),
    )
    plan = ActionPlan.objects.create(
        partnership=world.a, title="Åtgärdsplan 2027", follow_up_date=date(2027, 12, 1)
    )
    plan.measures.add(measure)
    return plan


def test_a_complete_plan_is_adopted_and_recorded(world: World) -> None:
    plan = _complete_plan(world)
    assert services.plan_violations(plan) == []
    services.adopt_plan(
        plan,
        world.users["coordinator"],
        decision_body="KS",
        decision_date=date(2026, 12, 1),
        diarienummer="KS 2026/123",
    )
    plan.refresh_from_db()
    assert plan.status == DocumentStatus.ADOPTED and plan.diarienummer == "KS 2026/123"
    assert ChangeRecord.objects.filter(
        object_type="actionplan", object_id=plan.pk, action="adopted"
    ).exists()


def test_a_measure_that_targets_no_cause_blocks_adoption_and_is_named(world: World) -> None:
    plan = _complete_plan(world)
    lonely = Measure.objects.create(
        partnership=world.a, title="Affischkampanj", kind="social", horizon="short"
    )
    lonely.goals.add(Goal.objects.get())
    plan.measures.add(lonely)
    with pytest.raises(services.NotAdoptableError) as caught:
        services.adopt_plan(
            plan, None, decision_body="KS", decision_date=date(2026, 12, 1), diarienummer="1"
        )
    assert [(v.rule, v.item) for v in caught.value.violations] == [(1, "measure “Affischkampanj”")]
    assert "Affischkampanj" in str(caught.value)
    plan.refresh_from_db()
    assert plan.status == DocumentStatus.DRAFT


def test_goals_must_be_smart_and_have_a_follow_up_date(world: World) -> None:
    plan = _complete_plan(world)
    goal = Goal.objects.get()
    Indicator.objects.filter(goal=goal).update(target_value=None, source="")
    Goal.objects.filter(pk=goal.pk).update(follow_up_date=None)
    rules = sorted((v.rule, v.message) for v in services.plan_violations(plan))
    assert rules == [(2, "fill in: source, target."), (4, "set a follow-up date.")]


def test_causes_without_evidence_and_activities_without_hours_are_named(world: World) -> None:
    plan = _complete_plan(world)
    Evidence.objects.all().delete()
    Activity.objects.update(hours=None)
    assert sorted(v.rule for v in services.plan_violations(plan)) == [3, 5]


def test_adopted_documents_are_frozen_and_superseded_by_new_versions(world: World) -> None:
    lb = Lagesbild.objects.create(
        partnership=world.a,
        year=2026,
        title="Lägesbild 2026",
        period_start=date(2025, 10, 1),
        period_end=date(2026, 9, 30),
        extent="Klotter ökar i centrum.",
        other_information="Trygghetsmätning 2026.",
        cause_analysis="Mörka platser.",
    )
    with pytest.raises(services.NotAdoptableError, match="sources"):
        services.adopt_lagesbild(
            lb, None, decision_body="KS", decision_date=date(2026, 11, 1), diarienummer="1"
        )
    SourceEntry.objects.create(
        lagesbild=lb, name="EST-rapporter", used=True, reason="Veckovis från alla partner"
    )
    services.adopt_lagesbild(
        lb, None, decision_body="KS", decision_date=date(2026, 11, 1), diarienummer="KS 2026/9"
    )
    lb.refresh_from_db()
    lb.extent = "Ändrad i efterhand"
    with pytest.raises(FrozenError):
        lb.save()
    draft = services.new_lagesbild_version(lb, world.users["coordinator"])
    assert draft.version == 2 and draft.status == DocumentStatus.DRAFT
    assert list(draft.sources.values_list("name", flat=True)) == ["EST-rapporter"]
    draft.extent = "Klotter ökar i centrum.\nInbrott minskar."
    draft.save()
    diff = services.lagesbild_diff(Lagesbild.objects.get(pk=lb.pk), draft)
    assert list(diff) == ["extent"] and "+Inbrott minskar." in diff["extent"]
    services.adopt_lagesbild(
        draft, None, decision_body="KS", decision_date=date(2026, 12, 1), diarienummer="KS 2026/10"
    )
    assert Lagesbild.objects.get(pk=lb.pk).status == DocumentStatus.SUPERSEDED


def test_progress_rolls_up_from_weighted_children(world: World) -> None:
    plan = _complete_plan(world)
    measure = plan.measures.get()
    parent = Activity.objects.get()
    Activity.objects.create(
        measure=measure,
        parent=parent,
        title="Beställ",
        owner_organisation=world.kommun,
        weight=1,
        status="done",
    )
    Activity.objects.create(
        measure=measure,
        parent=parent,
        title="Montera",
        owner_organisation=world.kommun,
        weight=3,
        progress=20,
    )
    Activity.objects.create(
        measure=measure,
        parent=parent,
        title="Struken",
        owner_organisation=world.kommun,
        weight=5,
        status="cancelled",
    )
    # (1·100 + 3·20) / 4 = 40 %, the cancelled child left out.
    assert services.activity_progress(parent) == pytest.approx(40.0)
    assert services.measure_progress(measure) == pytest.approx(40.0)
