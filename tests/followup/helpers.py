"""Small follow-up data for the tests: a goal with indicators, a measure with activities."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone


def today() -> date:
    return timezone.localdate()


def goal(world: Any, statement: str = "Mindre klotter vid torget") -> Any:
    from samtrygg.plans.models import Goal, Problem

    problem = Problem.objects.create(partnership=world.a, title="Klotter")
    return Goal.objects.create(
        partnership=world.a, problem=problem, statement=statement, owner=world.kommun
    )


def indicator(goal: Any, name: str, current: float | None, **fields: Any) -> Any:
    """An entered indicator 100 → 80 over two years, one year in, with ``current`` measured
    yesterday. Half the way is 90: on track."""
    from samtrygg.plans.models import Indicator

    t = today()
    values = {
        "baseline_value": 100,
        "baseline_date": t - timedelta(days=365),
        "target_value": 80,
        "target_date": t + timedelta(days=365),
        **fields,
    }
    ind = Indicator.objects.create(goal=goal, name=name, frequency="yearly", unit="st", **values)
    if current is not None:
        ind.values.create(date=t - timedelta(days=1), value=current)
    return ind


def measure(world: Any, title: str = "Belysning i parken", **fields: Any) -> Any:
    from samtrygg.plans.models import Measure

    return Measure.objects.create(
        partnership=world.a, title=title, kind="situational", horizon="short", **fields
    )


def activity(
    measure: Any, title: str, deadline: date | None, status: str = "planned", **fields: Any
) -> Any:
    owner = measure.partnership.organisations.get(slug="alfa-kommun")
    return measure.activities.create(
        title=title, owner_organisation=owner, deadline=deadline, status=status, **fields
    )


def category(world: Any, name: str = "Skadegörelse/klotter") -> Any:
    from samtrygg.incidents.models import Category

    return Category.objects.create(partnership=world.a, name=name)


def incident(world: Any, cat: Any, day: date, areas: list[Any]) -> Any:
    """An incident at noon on ``day``, linked to ``areas`` directly."""
    from samtrygg.incidents.models import Incident, IncidentArea

    when = timezone.make_aware(datetime.combine(day, time(12)))
    inc = Incident.objects.create(
        partnership=world.a,
        organisation=world.kommun,
        category=cat,
        occurred_from=when,
        occurred_to=when,
        lon=14.51,
        lat=59.33,
    )
    for area in areas:
        IncidentArea.objects.create(incident=inc, area=area)
    return inc
