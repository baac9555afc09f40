"""Rules for the follow-up pages (dashboard, corrective notes, yearly report, årshjul).

Coordinators, analysts and viewers read the dashboard, the årshjul and the report; reporters
do not (403), like the measures and problems pages. Coordinators and analysts write the
consequence and corrective measure of a red indicator.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.conftest import World
from tests.web.permissions import Rule, members_only
from tests.web.permissions import partnership_slug as _slug

READERS = {**members_only(), "reporter": 403}
STAFF_REDIRECT = {**members_only(302), "viewer": 403, "reporter": 403}


def _red_indicator(w: World) -> dict[str, Any]:
    """An indicator that moved the wrong way: 100 → 120 with a target of 80."""
    from samtrygg.plans.models import Goal, Indicator, Problem

    problem = Problem.objects.create(partnership=w.a, title="Klotter")
    goal = Goal.objects.create(partnership=w.a, problem=problem, statement="Mindre klotter")
    today = date.today()
    ind = Indicator.objects.create(
        goal=goal,
        name="Klotteranmälningar",
        frequency="yearly",
        baseline_value=100,
        baseline_date=today - timedelta(days=365),
        target_value=80,
        target_date=today + timedelta(days=365),
    )
    ind.values.create(date=today - timedelta(days=10), value=120)
    return {"slug": w.a.slug, "pk": ind.pk}


def _school_activity(w: World) -> dict[str, Any]:
    """An activity the school answers for: its reporter reports progress, others may not."""
    from samtrygg.plans.models import Measure

    measure = Measure.objects.create(
        partnership=w.a, title="Rastvakter", kind="situational", horizon="short"
    )
    activity = measure.activities.create(title="Schema för rastvakter", owner_organisation=w.school)
    return {"slug": w.a.slug, "pk": activity.pk}


RULES: dict[str, Rule] = {
    "activity-mine": Rule(members_only(), kwargs=_slug),
    # The school's reporter (the persona) reports; the viewer, not responsible, may not.
    "activity-progress": Rule({**members_only(), "viewer": 403}, kwargs=_school_activity),
    "followup-dashboard": Rule(READERS, kwargs=_slug),
    "followup-arshjul": Rule(READERS, kwargs=_slug),
    "followup-report": Rule(READERS, kwargs=_slug),
    "followup-note": Rule(
        STAFF_REDIRECT,
        kwargs=_red_indicator,
        method="post",
        data=lambda w: {"text": "Fler kontroller; belysning ses över."},
    ),
}
