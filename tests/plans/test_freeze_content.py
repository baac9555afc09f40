"""Causes, goals, indicators and problems shown by a document in force cannot change under it.

The adopted action plan shows its measures' causes and goals with their indicators; a signed or
published agreement shows its problems with their cause trees, its goals and its promises'
indicators and activities. Follow-up (values, evidence, activity status) goes on.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from samtrygg.plans import services
from samtrygg.plans.models import (
    ActionPlan,
    Cause,
    Evidence,
    FrozenError,
    Goal,
    Indicator,
    IndicatorValue,
    Problem,
)
from tests.agreements.helpers import make_agreement
from tests.conftest import World
from tests.plans.test_freeze import ADOPTION, adopted_plan, complete_measure


def _refused(change: Any) -> None:
    with pytest.raises(FrozenError), transaction.atomic():
        change()


def _edit(obj: Any, **fields: Any) -> Any:
    def change() -> None:
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.save()

    return change


def test_the_adopted_plans_goals_indicators_and_causes_keep_their_content(world: World) -> None:
    measure = adopted_plan(world).measures.get()
    goal, cause = measure.goals.get(), measure.causes.get()
    indicator = goal.indicators.get()
    _refused(_edit(Goal.objects.get(pk=goal.pk), statement="Ta bort allt klotter"))
    _refused(_edit(Indicator.objects.get(pk=indicator.pk), target_value=35))
    _refused(_edit(Cause.objects.get(pk=cause.pk), description="Något annat"))
    _refused(lambda: Indicator.objects.create(goal=goal, name="Ny", frequency="yearly"))
    assert Goal.objects.get(pk=goal.pk).statement == goal.statement
    assert Indicator.objects.get(pk=indicator.pk).target_value == indicator.target_value
    # Saving unchanged content is no change; follow-up goes on.
    Goal.objects.get(pk=goal.pk).save()
    IndicatorValue.objects.create(indicator=indicator, date=date(2026, 12, 1), value=31)
    Evidence.objects.create(cause=cause, kind="dialogue", reference="Medborgardialog december")
    # The problem itself is not shown by the plan and stays editable.
    problem = Problem.objects.get(pk=cause.problem_id)
    problem.what = "Klotter på skolans fasad"
    problem.save()


def test_they_thaw_when_a_newer_adopted_plan_leaves_their_measure_out(world: World) -> None:
    old = adopted_plan(world)
    goal = old.measures.get().goals.get()
    newer = ActionPlan.objects.create(
        partnership=world.a, title="Åtgärdsplan 2028", version=2, follow_up_date=date(2028, 12, 1)
    )
    newer.measures.set([complete_measure(world, "Fler vuxna ute")])
    services.adopt_plan(newer, None, **ADOPTION)
    goal.statement = "Halvera klotter till 2028"
    goal.save()
    assert Goal.objects.get(pk=goal.pk).statement == "Halvera klotter till 2028"


def test_a_draft_plan_freezes_nothing(world: World) -> None:
    measure = complete_measure(world)
    ActionPlan.objects.create(partnership=world.a, title="Utkast").measures.add(measure)
    goal = measure.goals.get()
    goal.statement = "Ändrat i utkastet"
    goal.save()


@pytest.mark.parametrize("status", ["signed", "published"])
def test_a_signed_agreement_freezes_what_it_prints(world: World, status: str) -> None:
    agreement = make_agreement(world, status=status)
    problem, goal = agreement.problems.get(), agreement.goals.get()
    promise = agreement.promises.get()
    activity, indicator = promise.activities.get(), promise.indicators.get()
    _refused(_edit(Problem.objects.get(pk=problem.pk), title="Annat problem"))
    _refused(_edit(problem.causes.get(), description="Annan orsak"))
    _refused(lambda: Cause.objects.create(problem=problem, description="Ny", kind="social"))
    _refused(_edit(Goal.objects.get(pk=goal.pk), statement="Annat mål"))
    _refused(_edit(indicator, target_value=10))
    _refused(_edit(activity, deadline=date(2027, 1, 31)))
    # The promised activity is still followed up.
    activity.refresh_from_db()
    activity.status, activity.progress = "ongoing", 40
    activity.save()
    IndicatorValue.objects.create(indicator=indicator, date=date(2026, 6, 30), value=33)


def test_a_draft_or_superseded_agreement_freezes_nothing(world: World) -> None:
    for version, status in enumerate(("draft", "review", "superseded"), start=1):
        agreement = make_agreement(world, status=status, version=version)
        goal = agreement.goals.get()
        goal.statement = f"Ändrat ({status})"
        goal.save()


@pytest.fixture
def as_coordinator(client_for: Any) -> Any:
    client = client_for("coordinator")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_edit_page_says_why_and_a_post_changes_nothing(
    world: World, as_coordinator: Any
) -> None:
    goal = adopted_plan(world).measures.get().goals.get()
    url = reverse("goal-edit", args=[world.a.slug, goal.pk])
    page = as_coordinator.get(url)
    assert page.status_code == 200
    assert "the adopted action plan" in page.content.decode()
    refused = as_coordinator.post(
        url, {"statement": "Nytt mål", "owner": world.kommun.pk, "follow_up_date": "2027-06-01"}
    )
    assert refused.status_code == 400
    assert "cannot be changed" in refused.content.decode()
    assert Goal.objects.get(pk=goal.pk).statement == goal.statement


def test_adding_a_cause_to_a_signed_agreements_problem_is_refused_in_the_page(
    world: World, as_coordinator: Any
) -> None:
    problem = make_agreement(world, status="signed").problems.get()
    url = reverse("cause-add", args=[world.a.slug, problem.pk])
    refused = as_coordinator.post(url, {"description": "Ny orsak", "kind": "social"})
    assert refused.status_code == 400
    assert problem.causes.count() == 1
