"""Rules for the plans pages (lägesbild, problems, causes, goals, measures, action plans).

Coordinators create, edit and adopt; analysts edit drafts and the work items but do not adopt;
viewers read everything but drafts of documents; reporters read adopted documents only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.conftest import World
from tests.web.permissions import Rule, coordinators_only, members_only
from tests.web.permissions import partnership_slug as _slug

STAFF = {**members_only(), "viewer": 403, "reporter": 403}
STAFF_REDIRECT = {**members_only(302), "viewer": 403, "reporter": 403}
READERS = {**members_only(), "reporter": 403}


def _lagesbild(w: World, status: str = "draft") -> Any:
    from samtrygg.plans.models import Lagesbild

    doc = Lagesbild.objects.create(
        partnership=w.a,
        year=2026,
        title="Lägesbild 2026",
        period_start=date(2025, 10, 1),
        period_end=date(2026, 9, 30),
        extent="Text",
    )
    if status != "draft":
        Lagesbild.objects.filter(pk=doc.pk).update(status=status)
    return doc


def _adopted(w: World) -> dict[str, Any]:
    return {"slug": w.a.slug, "pk": _lagesbild(w, "adopted").pk}


def _draft(w: World) -> dict[str, Any]:
    return {"slug": w.a.slug, "pk": _lagesbild(w).pk}


def _source(w: World) -> dict[str, Any]:
    doc = _lagesbild(w)
    entry = doc.sources.create(name="EST", used=True)
    return {"slug": w.a.slug, "pk": doc.pk, "sid": entry.pk}


def _problem(w: World) -> Any:
    from samtrygg.plans.models import Problem

    return Problem.objects.create(partnership=w.a, title="Klotter")


def _goal(w: World) -> Any:
    from samtrygg.plans.models import Goal

    return Goal.objects.create(partnership=w.a, problem=_problem(w), statement="Mindre klotter")


def _indicator(w: World) -> dict[str, Any]:
    from samtrygg.plans.models import Indicator

    ind = Indicator.objects.create(goal=_goal(w), name="Klotter", frequency="yearly")
    return {"slug": w.a.slug, "pk": ind.pk}


def _cause(w: World) -> dict[str, Any]:
    cause = _problem(w).causes.create(description="Mörkt", kind="situational")
    return {"slug": w.a.slug, "pk": cause.pk}


def _measure(w: World) -> Any:
    from samtrygg.plans.models import Measure

    return Measure.objects.create(
        partnership=w.a, title="Belysning", kind="situational", horizon="short"
    )


def _activity(w: World) -> dict[str, Any]:
    activity = _measure(w).activities.create(title="Lampor", owner_organisation=w.kommun)
    return {"slug": w.a.slug, "pk": activity.pk}


def _plan(w: World, status: str = "draft") -> dict[str, Any]:
    from samtrygg.plans.models import ActionPlan

    plan = ActionPlan.objects.create(partnership=w.a, title="Åtgärdsplan")
    if status != "draft":
        ActionPlan.objects.filter(pk=plan.pk).update(status=status)
    return {"slug": w.a.slug, "pk": plan.pk}


def _pk(make: Any) -> Any:
    return lambda w: {"slug": w.a.slug, "pk": make(w).pk}


RULES: dict[str, Rule] = {
    "plans-home": Rule(members_only(), kwargs=_slug),
    "plans-changes": Rule(coordinators_only(), kwargs=_slug),
    "lagesbild-list": Rule(members_only(), kwargs=_slug),
    "lagesbild-start": Rule(coordinators_only(), kwargs=_slug),
    "lagesbild-detail": Rule(members_only(), kwargs=_adopted),
    "lagesbild-edit": Rule(STAFF, kwargs=_draft),
    "lagesbild-status": Rule(
        STAFF_REDIRECT, kwargs=_draft, method="post", data=lambda w: {"status": "review"}
    ),
    "lagesbild-adopt": Rule(coordinators_only(), kwargs=_draft),
    "lagesbild-new-version": Rule(coordinators_only(302), kwargs=_adopted, method="post"),
    "lagesbild-diff": Rule(members_only(), kwargs=_adopted),
    "lagesbild-print": Rule(members_only(), kwargs=_adopted),
    # Word/PDF: every member who reads the adopted lägesbild (drafts only for staff, as the page).
    "lagesbild-export": Rule(members_only(), kwargs=_adopted),
    "source-add": Rule(STAFF, kwargs=_draft),
    "source-edit": Rule(STAFF, kwargs=_source),
    "source-delete": Rule(STAFF_REDIRECT, kwargs=_source, method="post"),
    "problem-list": Rule(READERS, kwargs=_slug),
    "problem-create": Rule(STAFF, kwargs=_slug),
    "problem-detail": Rule(READERS, kwargs=_pk(_problem)),
    "problem-edit": Rule(STAFF, kwargs=_pk(_problem)),
    "cause-add": Rule(STAFF, kwargs=_pk(_problem)),
    "cause-edit": Rule(STAFF, kwargs=_cause),
    "cause-delete": Rule(STAFF, kwargs=_cause),
    "evidence-add": Rule(STAFF, kwargs=_cause),
    "goal-add": Rule(STAFF, kwargs=_pk(_problem)),
    "goal-edit": Rule(STAFF, kwargs=_pk(_goal)),
    "goal-delete": Rule(STAFF, kwargs=_pk(_goal)),
    "indicator-add": Rule(STAFF, kwargs=_pk(_goal)),
    "indicator-edit": Rule(STAFF, kwargs=_indicator),
    "indicator-delete": Rule(STAFF, kwargs=_indicator),
    "indicator-value-add": Rule(STAFF, kwargs=_indicator),
    "measure-list": Rule(READERS, kwargs=_slug),
    "measure-create": Rule(STAFF, kwargs=_slug),
    "measure-detail": Rule(READERS, kwargs=_pk(_measure)),
    "measure-edit": Rule(STAFF, kwargs=_pk(_measure)),
    "measure-delete": Rule(STAFF, kwargs=_pk(_measure)),
    "activity-add": Rule(STAFF, kwargs=_pk(_measure)),
    "activity-edit": Rule(STAFF, kwargs=_activity),
    "activity-delete": Rule(STAFF, kwargs=_activity),
    "actionplan-list": Rule(members_only(), kwargs=_slug),
    "actionplan-create": Rule(coordinators_only(), kwargs=_slug),
    "actionplan-detail": Rule(members_only(), kwargs=lambda w: _plan(w, "adopted")),
    "actionplan-export": Rule(members_only(), kwargs=lambda w: _plan(w, "adopted")),
    "actionplan-edit": Rule(coordinators_only(), kwargs=_plan),
    "actionplan-adopt": Rule(coordinators_only(), kwargs=_plan),
    "actionplan-new-version": Rule(
        coordinators_only(302), kwargs=lambda w: _plan(w, "adopted"), method="post"
    ),
}
