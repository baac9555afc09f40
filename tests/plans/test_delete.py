"""Deleting causes, goals, indicators, measures and activities: confirm, delete, record, refuse."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from samtrygg.agreements.models import Agreement, Promise
from samtrygg.followup.models import FollowUpNote
from samtrygg.plans import deletion
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
    IndicatorValue,
    Measure,
    Problem,
)
from tests.conftest import World
from tests.plans.test_freeze import adopted_plan, complete_measure


def _url(name: str, world: World, **kwargs: Any) -> str:
    return reverse(name, kwargs={"slug": world.a.slug, **kwargs})


def _cause_tree(world: World) -> tuple[Problem, Cause, Cause]:
    problem = Problem.objects.create(partnership=world.a, title="Klotter")
    root = Cause.objects.create(problem=problem, description="Mörk skolgård", kind="situational")
    child = Cause.objects.create(
        problem=problem, parent=root, description="Trasiga lampor", kind="situational"
    )
    Evidence.objects.create(cause=root, kind="survey", reference="Enkät 2025")
    Evidence.objects.create(cause=child, kind="dialogue", reference="Trygghetsvandring")
    return problem, root, child


def _signed(world: World, **links: Any) -> Agreement:
    """A signed agreement linking ``problems``, ``goals``, promise ``activities``/``indicators``."""
    agreement = Agreement.objects.create(
        partnership=world.a,
        title="Samverkansöverenskommelse",
        period_start=date(2026, 1, 1),
        period_end=date(2027, 12, 31),
    )
    agreement.problems.set(links.get("problems", []))
    agreement.goals.set(links.get("goals", []))
    promise = Promise.objects.create(agreement=agreement, year=2026, focus_area="Skolan", text="Vi")
    promise.activities.set(links.get("activities", []))
    promise.indicators.set(links.get("indicators", []))
    Agreement.objects.filter(pk=agreement.pk).update(status="signed")
    return agreement


# --------------------------------------------------------------------------- allowed


def test_coordinator_sees_what_goes_with_a_cause_and_deletes_it(world: World, as_user: Any) -> None:
    problem, root, child = _cause_tree(world)
    draft_measure = Measure.objects.create(
        partnership=world.a, title="Belysning", kind="situational", horizon="short"
    )
    draft_measure.causes.add(child)
    client = as_user("coordinator")
    page = client.get(_url("cause-delete", world, pk=root.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Trasiga lampor" in text and "2 pieces of evidence" in text
    assert "“Belysning”" in text and 'method="post"' in text
    response = client.post(_url("cause-delete", world, pk=root.pk))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/problems/{problem.pk}/#causes")
    assert not Cause.objects.filter(problem=problem).exists()
    assert not Evidence.objects.filter(cause__problem=problem).exists()
    assert draft_measure.causes.count() == 0
    change = ChangeRecord.objects.get(object_type="cause", object_id=root.pk)
    assert change.action == "deleted" and change.actor == world.users["coordinator"]
    assert change.details["sub_causes"] == 1 and change.details["evidence"] == 2


def test_analyst_deletes_a_goal_with_its_indicators_values_and_notes(
    world: World, as_user: Any
) -> None:
    problem = Problem.objects.create(partnership=world.a, title="Klotter")
    goal = Goal.objects.create(partnership=world.a, problem=problem, statement="Halvera klotter")
    ind = Indicator.objects.create(goal=goal, name="Anmält klotter", frequency="yearly")
    ind.values.create(date=date(2026, 1, 1), value=40)
    FollowUpNote.objects.create(indicator=ind, light="red", text="Fler vandringar")
    client = as_user("analyst")
    text = client.get(_url("goal-delete", world, pk=goal.pk)).content.decode()
    assert "Anmält klotter" in text and "1 measured value" in text and "1 follow-up note" in text
    assert client.post(_url("goal-delete", world, pk=goal.pk)).status_code == 302
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert not IndicatorValue.objects.exists() and not FollowUpNote.objects.exists()


def test_an_indicator_is_deleted_with_its_values(world: World, as_user: Any) -> None:
    problem = Problem.objects.create(partnership=world.a, title="Klotter")
    goal = Goal.objects.create(partnership=world.a, problem=problem, statement="Halvera klotter")
    ind = Indicator.objects.create(goal=goal, name="Anmält klotter", frequency="yearly")
    ind.values.create(date=date(2026, 1, 1), value=40)
    response = as_user("coordinator").post(_url("indicator-delete", world, pk=ind.pk))
    assert response.status_code == 302 and response["Location"].endswith(f"#goal-{goal.pk}")
    assert not Indicator.objects.exists() and goal.pk == Goal.objects.get().pk


def test_a_draft_measure_is_deleted_with_its_activities_and_leaves_the_draft_plan(
    world: World, as_user: Any
) -> None:
    measure = complete_measure(world)
    plan = ActionPlan.objects.create(partnership=world.a, title="Utkast 2027")
    plan.measures.add(measure)
    client = as_user("coordinator")
    text = client.get(_url("measure-delete", world, pk=measure.pk)).content.decode()
    assert "Byta armaturer" in text and "Utkast 2027" in text
    response = client.post(_url("measure-delete", world, pk=measure.pk))
    assert response.status_code == 302 and response["Location"] == _url("measure-list", world)
    assert not Measure.objects.exists() and not Activity.objects.exists()
    assert plan.measures.count() == 0


def test_an_activity_is_deleted_with_its_sub_activities(world: World, as_user: Any) -> None:
    measure = Measure.objects.create(
        partnership=world.a, title="Belysning", kind="situational", horizon="short"
    )
    top = measure.activities.create(title="Armaturer", owner_organisation=world.kommun)
    measure.activities.create(title="Upphandla", parent=top, owner_organisation=world.kommun)
    keep = measure.activities.create(title="Annat", owner_organisation=world.kommun)
    client = as_user("analyst")
    assert "Upphandla" in client.get(_url("activity-delete", world, pk=top.pk)).content.decode()
    assert client.post(_url("activity-delete", world, pk=top.pk)).status_code == 302
    assert list(measure.activities.all()) == [keep]


def test_a_measure_only_in_a_superseded_plan_can_be_deleted(world: World) -> None:
    old = complete_measure(world, "Gammal")
    v1 = adopted_plan(world, old)
    adopted_plan(world, complete_measure(world, "Ny"))
    v1.refresh_from_db()
    assert v1.status == DocumentStatus.SUPERSEDED
    deletion.delete(Measure.objects.get(pk=old.pk), world.users["coordinator"], world.a.pk)
    assert not Measure.objects.filter(pk=old.pk).exists()


# --------------------------------------------------------------------------- who may


@pytest.mark.parametrize(
    ("persona", "status"), [("viewer", 403), ("reporter", 403), ("outsider", 404)]
)
def test_only_those_who_edit_may_delete(
    world: World, as_user: Any, persona: str, status: int
) -> None:
    _problem, root, _child = _cause_tree(world)
    assert as_user(persona).post(_url("cause-delete", world, pk=root.pk)).status_code == status
    assert Cause.objects.filter(pk=root.pk).exists()


# --------------------------------------------------------------------------- refused


def _refused(client: Any, url: str, *expected: str) -> None:
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'method="post"' not in text.split('id="delete"')[1]
    for phrase in expected:
        assert phrase in text
    before = ChangeRecord.objects.count()
    response = client.post(url)
    assert response.status_code == 409
    assert "Nothing has been deleted." in response.content.decode()
    assert ChangeRecord.objects.count() == before


def test_a_measure_in_the_adopted_plan_cannot_be_deleted(world: World, as_user: Any) -> None:
    plan = adopted_plan(world)
    measure = plan.measures.get()
    activity = measure.activities.get()
    client = as_user("coordinator")
    _refused(client, _url("measure-delete", world, pk=measure.pk), "adopted action plan")
    _refused(client, _url("activity-delete", world, pk=activity.pk), "Mark it cancelled instead")
    assert Measure.objects.filter(pk=measure.pk).exists() and Activity.objects.count() == 1


def test_causes_goals_and_indicators_behind_the_adopted_plan_cannot_be_deleted(
    world: World, as_user: Any
) -> None:
    measure = adopted_plan(world).measures.get()
    cause, goal = measure.causes.get(), measure.goals.get()
    # A sub-cause linked from the measure also protects its parent.
    parent = Cause.objects.create(problem=cause.problem, description="Överordnad", kind="social")
    # Set up past the freeze (the base manager skips it): the app itself would refuse this.
    Cause._base_manager.filter(pk=cause.pk).update(parent=parent)
    client = as_user("analyst")
    for url in (
        _url("cause-delete", world, pk=cause.pk),
        _url("cause-delete", world, pk=parent.pk),
        _url("goal-delete", world, pk=goal.pk),
        _url("indicator-delete", world, pk=goal.indicators.get().pk),
    ):
        _refused(client, url, "Belysning vid skolan", "Åtgärdsplan 2027")
    assert Cause.objects.count() == 2 and Goal.objects.count() == 1 and Indicator.objects.count()


def test_what_a_signed_agreement_holds_cannot_be_deleted(world: World, as_user: Any) -> None:
    problem, root, _child = _cause_tree(world)
    goal = Goal.objects.create(partnership=world.a, problem=problem, statement="Halvera klotter")
    other_goal = Goal.objects.create(partnership=world.a, problem=problem, statement="Trygghet")
    promised = Indicator.objects.create(goal=other_goal, name="Trygghet", frequency="yearly")
    measure = Measure.objects.create(
        partnership=world.a, title="Vandringar", kind="social", horizon="long"
    )
    activity = measure.activities.create(title="Vandra", owner_organisation=world.kommun)
    _signed(world, problems=[problem], goals=[goal], activities=[activity], indicators=[promised])
    client = as_user("coordinator")
    for url in (
        _url("cause-delete", world, pk=root.pk),
        _url("goal-delete", world, pk=goal.pk),
        _url("goal-delete", world, pk=other_goal.pk),
        _url("indicator-delete", world, pk=promised.pk),
        _url("activity-delete", world, pk=activity.pk),
        _url("measure-delete", world, pk=measure.pk),
    ):
        _refused(client, url, "signed agreement", "Samverkansöverenskommelse")
    assert (Cause.objects.count(), Goal.objects.count(), Activity.objects.count()) == (2, 2, 1)


def test_a_draft_agreement_does_not_block_but_is_named(world: World, as_user: Any) -> None:
    problem = Problem.objects.create(partnership=world.a, title="Klotter")
    goal = Goal.objects.create(partnership=world.a, problem=problem, statement="Halvera klotter")
    agreement = Agreement.objects.create(
        partnership=world.a,
        title="Utkast till överenskommelse",
        period_start=date(2026, 1, 1),
        period_end=date(2027, 12, 31),
    )
    agreement.goals.add(goal)
    client = as_user("coordinator")
    assert (
        "Utkast till överenskommelse"
        in client.get(_url("goal-delete", world, pk=goal.pk)).content.decode()
    )
    assert client.post(_url("goal-delete", world, pk=goal.pk)).status_code == 302
    assert agreement.goals.count() == 0


def test_the_service_refuses_with_every_reason(world: World) -> None:
    measure = adopted_plan(world).measures.get()
    with translation.override("en"):  # the reasons are matched in English
        with pytest.raises(FrozenError, match="adopted action plan"):
            deletion.delete(measure.goals.get(), None, world.a.pk)
        assert Goal.objects.count() == 1
