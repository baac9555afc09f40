"""A measure in the adopted action plan is frozen with it; its activities are still followed up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from samtrygg.plans import services
from samtrygg.plans.models import (
    ActionPlan,
    Activity,
    Cause,
    ChangeRecord,
    DocumentStatus,
    Evidence,
    FrozenError,
    Measure,
    Problem,
)
from tests.conftest import World
from tests.plans.helpers import measurable_goal

ADOPTION = {
    "decision_body": "Kommunstyrelsen",
    "decision_date": date(2026, 10, 15),
    "diarienummer": "KS 2026/12",
}


def complete_measure(world: World, title: str = "Belysning vid skolan") -> Measure:
    """A measure that meets Brå's rules: a cause with evidence, a SMART goal, costed activity."""
    problem = Problem.objects.create(partnership=world.a, title=f"Problem för {title}")
    cause = Cause.objects.create(problem=problem, description="Mörk skolgård", kind="situational")
    Evidence.objects.create(cause=cause, kind="survey", reference="Enkät 2025")
    goal = measurable_goal(world, problem, "Halvera klotter")
    measure = Measure.objects.create(
        partnership=world.a, title=title, kind="situational", horizon="short"
    )
    measure.causes.add(cause)
    measure.goals.add(goal)
    measure.activities.create(
        title="Byta armaturer",
        owner_organisation=world.kommun,
        deadline=date(2027, 3, 1),
        hours=Decimal(8),
        cost=Decimal(1000),
    )
    return measure


def adopted_plan(world: World, *measures: Measure) -> ActionPlan:
    """An adopted action plan (through the service, so Brå's rules are checked)."""
    plan = ActionPlan.objects.create(
        partnership=world.a, title="Åtgärdsplan 2027", follow_up_date=date(2027, 12, 1)
    )
    plan.measures.set(measures or [complete_measure(world)])
    services.adopt_plan(plan, None, **ADOPTION)
    plan.refresh_from_db()
    return plan


def _url(name: str, world: World, **kwargs: Any) -> str:
    return reverse(name, kwargs={"slug": world.a.slug, **kwargs})


# --------------------------------------------------------------------------- the model layer


def test_a_measure_in_the_adopted_plan_refuses_to_be_saved_or_deleted(world: World) -> None:
    plan = adopted_plan(world)
    measure = plan.measures.get()
    assert measure.is_frozen and measure.adopted_plan() == plan
    measure.title = "Ändrad"
    with pytest.raises(FrozenError):
        measure.save()
    with pytest.raises(FrozenError):
        measure.delete()
    assert Measure.objects.get(pk=measure.pk).title == "Belysning vid skolan"


def test_a_draft_measure_is_not_frozen(world: World) -> None:
    measure = complete_measure(world)
    ActionPlan.objects.create(partnership=world.a, title="Utkast").measures.add(measure)
    assert not measure.is_frozen
    measure.title = "Ändrad"
    measure.save()


def test_causes_and_goals_of_a_frozen_measure_cannot_be_relinked(world: World) -> None:
    measure = adopted_plan(world).measures.get()
    cause, goal = measure.causes.get(), measure.goals.get()
    other = Cause.objects.create(problem=cause.problem, description="Annan", kind="social")
    # Each change in its own savepoint: related managers run inside the caller's transaction.
    for change in (
        lambda: measure.causes.add(other),
        lambda: measure.goals.remove(goal),
        lambda: measure.causes.clear(),
        lambda: other.measures.add(measure),  # from the other side too
        lambda: goal.measures.clear(),
    ):
        with pytest.raises(FrozenError), transaction.atomic():
            change()
    assert list(measure.causes.all()) == [cause] and list(measure.goals.all()) == [goal]


def test_activities_are_followed_up_but_not_re_planned_in_an_adopted_plan(world: World) -> None:
    measure = adopted_plan(world).measures.get()
    activity = measure.activities.get()
    # Follow-up: status, progress, hours, cost, the named person and the responsible member.
    activity.status = Activity.Status.ONGOING
    activity.progress = 40
    activity.hours = Decimal(12)
    activity.cost = Decimal(1500)
    activity.owner_person = "Ny driftchef"
    activity.responsible = world.users["coordinator"]
    activity.save()
    activity.refresh_from_db()
    assert (activity.status, activity.progress, activity.hours) == ("ongoing", 40, Decimal(12))
    # Structure: what, who (organisation), when, where in the tree.
    for name, value in (
        ("title", "Annat"),
        ("deadline", date(2028, 1, 1)),
        ("owner_organisation", world.school),
        ("weight", 3.0),
    ):
        fresh = Activity.objects.get(pk=activity.pk)
        setattr(fresh, name, value)
        with pytest.raises(FrozenError):
            fresh.save()
    with pytest.raises(FrozenError):
        Activity.objects.create(measure=measure, title="Ny", owner_organisation=world.kommun)
    with pytest.raises(FrozenError):
        activity.delete()
    # Nor can an activity be moved into the frozen measure.
    loose = Measure.objects.create(partnership=world.a, title="Lös", kind="social", horizon="long")
    moving = loose.activities.create(title="Flytta", owner_organisation=world.kommun)
    moving.measure = measure
    with pytest.raises(FrozenError):
        moving.save()
    assert measure.activities.count() == 1


def test_a_new_version_shares_the_measure_which_thaws_only_when_left_out(world: World) -> None:
    """The rule: frozen while in the adopted (current) plan, whatever drafts exist."""
    old_measure = complete_measure(world, "Gammal åtgärd")
    v1 = adopted_plan(world, old_measure)
    v2 = ActionPlan.objects.create(
        partnership=world.a,
        title=v1.title,
        version=2,
        based_on=v1,
        follow_up_date=v1.follow_up_date,
    )
    v2.measures.set(v1.measures.all())
    # Same rows: editing them now would change what v1 adopted.
    assert list(v2.measures.all()) == [old_measure] and old_measure.is_frozen
    replacement = complete_measure(world, "Ny åtgärd")
    v2.measures.set([replacement])
    services.adopt_plan(v2, None, **ADOPTION)
    v1.refresh_from_db()
    assert v1.status == DocumentStatus.SUPERSEDED
    # v1 is history now: the measure it kept is editable again; v2's is frozen.
    assert not Measure.objects.get(pk=old_measure.pk).is_frozen
    assert Measure.objects.get(pk=replacement.pk).is_frozen
    old_measure.title = "Gammal åtgärd, avslutad"
    old_measure.save()


# --------------------------------------------------------------------------- the pages


def test_posting_to_edit_a_frozen_measure_is_refused_and_nothing_is_saved(
    world: World, as_user: Any
) -> None:
    plan = adopted_plan(world)
    measure = plan.measures.get()
    client = as_user("coordinator")
    page = client.get(_url("measure-edit", world, pk=measure.pk))
    assert page.status_code == 409
    text = page.content.decode()
    assert "is part of the adopted action plan" in text
    assert "Start a new version of the action plan" in text
    assert _url("actionplan-new-version", world, pk=plan.pk) in text
    before = ChangeRecord.objects.count()
    response = client.post(
        _url("measure-edit", world, pk=measure.pk),
        {"title": "Ändrad", "kind": "social", "horizon": "long"},
    )
    assert response.status_code == 409
    assert "Nothing has been saved." in response.content.decode()
    measure.refresh_from_db()
    assert (measure.title, measure.kind) == ("Belysning vid skolan", "situational")
    assert ChangeRecord.objects.count() == before


def test_the_frozen_page_points_to_an_existing_draft_version(world: World, as_user: Any) -> None:
    plan = adopted_plan(world)
    measure = plan.measures.get()
    as_user("coordinator").post(_url("actionplan-new-version", world, pk=plan.pk))
    draft = ActionPlan.objects.get(based_on=plan)
    page = as_user("analyst").get(_url("measure-edit", world, pk=measure.pk)).content.decode()
    assert _url("actionplan-detail", world, pk=draft.pk) in page
    assert _url("actionplan-new-version", world, pk=plan.pk) not in page


def test_analyst_is_told_a_coordinator_starts_the_new_version(world: World, as_user: Any) -> None:
    plan = adopted_plan(world)
    page = as_user("analyst").get(_url("measure-edit", world, pk=plan.measures.get().pk))
    assert page.status_code == 409
    text = page.content.decode()
    assert "A coordinator starts the new version" in text
    assert _url("actionplan-new-version", world, pk=plan.pk) not in text


def test_measure_page_of_a_frozen_measure_offers_follow_up_only(world: World, as_user: Any) -> None:
    measure = adopted_plan(world).measures.get()
    activity = measure.activities.get()
    page = as_user("coordinator").get(_url("measure-detail", world, pk=measure.pk)).content.decode()
    assert 'id="adopted-note"' in page
    assert _url("activity-edit", world, pk=activity.pk) in page
    assert _url("activity-add", world, pk=measure.pk) not in page
    assert _url("measure-delete", world, pk=measure.pk) not in page
    assert _url("activity-delete", world, pk=activity.pk) not in page


def test_activity_follow_up_is_saved_and_its_plan_fields_are_kept(
    world: World, as_user: Any
) -> None:
    measure = adopted_plan(world).measures.get()
    activity = measure.activities.get()
    client = as_user("analyst")
    form = client.get(_url("activity-edit", world, pk=activity.pk)).content.decode()
    assert 'id="form-note"' in form
    response = client.post(
        _url("activity-edit", world, pk=activity.pk),
        {
            "title": "Smugglad ny titel",
            "owner_organisation": world.school.pk,
            "deadline": "2030-01-01",
            "status": "done",
            "progress": 100,
            "weight": 5,
            "hours": "10",
            "cost": "1200",
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.hours, activity.cost) == ("done", Decimal(10), Decimal(1200))
    assert activity.title == "Byta armaturer" and activity.owner_organisation == world.kommun
    assert activity.deadline == date(2027, 3, 1) and activity.weight == 1.0


def test_no_activity_is_added_to_a_frozen_measure(world: World, as_user: Any) -> None:
    measure = adopted_plan(world).measures.get()
    response = as_user("coordinator").post(
        _url("activity-add", world, pk=measure.pk),
        {
            "title": "Ny",
            "owner_organisation": world.kommun.pk,
            "status": "planned",
            "progress": 0,
            "weight": 1,
        },
    )
    assert response.status_code == 409
    assert measure.activities.count() == 1
