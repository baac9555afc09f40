"""Set-up shared by the plans tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from samtrygg.plans.models import Goal, Indicator, Problem
from tests.conftest import World


def measurable_goal(
    world: World,
    problem: Problem,
    statement: str,
    *,
    unit: str = "antal",
    frequency: str = "yearly",
) -> Any:
    """A goal that passes Brå's rules: owner, follow-up date, an indicator with baseline,
    target and dates (anmält klotter, 40 → 20)."""
    goal = Goal.objects.create(
        partnership=world.a,
        problem=problem,
        statement=statement,
        owner=world.kommun,
        follow_up_date=date(2027, 6, 1),
    )
    Indicator.objects.create(
        goal=goal,
        name="Anmält klotter",
        unit=unit,
        source="EST",
        frequency=frequency,
        baseline_value=40,
        baseline_date=date(2026, 1, 1),
        target_value=20,
        target_date=date(2027, 12, 31),
    )
    return goal
