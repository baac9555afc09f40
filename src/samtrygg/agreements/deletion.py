"""What a signed or published agreement forbids deleting, and what a deletion takes from drafts.

Registered with :func:`samtrygg.plans.deletion.also_check` when the app is ready: the plans app
asks, without knowing this app, at each point where an agreement may depend on what goes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from samtrygg.agreements.models import Agreement
from samtrygg.freezing import AGREEMENT_IN_FORCE, AgreementStatus
from samtrygg.plans.deletion import Deletion, also_check, cap, quoted
from samtrygg.plans.models import Goal


def _signed_blocker(agreement: Any, what: str) -> str:
    return _(
        "%(what)s is part of the signed agreement “%(agreement)s”; a signed agreement is changed "
        "by a new version."
    ) % {"what": what, "agreement": agreement}


def _cause(causes: Sequence[Any], d: Deletion) -> None:
    """A signed agreement prints its problems' whole cause trees."""
    for cause in causes:
        signed = Agreement.objects.filter(problems=cause.problem_id, status__in=AGREEMENT_IN_FORCE)
        d.blockers += [
            _signed_blocker(a, _("Its problem “%(p)s”") % {"p": cause.problem.title})
            for a in signed
        ]


def _indicators(indicators: Sequence[Any], d: Deletion) -> None:
    """A signed promise shows its indicators."""
    signed = Agreement.objects.filter(
        promises__indicators__in=indicators, status__in=AGREEMENT_IN_FORCE
    ).distinct()
    d.blockers += [_signed_blocker(a, cap(d.name)) for a in signed]


def _goal(goals: Sequence[Any], d: Deletion) -> None:
    """A signed agreement shows its goals; a draft loses the deleted goal."""
    for goal in goals:
        linked = Agreement.objects.filter(goals=goal)
        name = _("The goal “%(g)s”") % {"g": quoted(goal.statement)}
        d.blockers += [
            _signed_blocker(a, name) for a in linked.filter(status__in=AGREEMENT_IN_FORCE)
        ]
        if isinstance(d.obj, Goal):
            drafts = linked.filter(status__in=(AgreementStatus.DRAFT, AgreementStatus.REVIEW))
            if drafts:
                d.goes_with_it.append(
                    _("its place in the draft agreements %(a)s")
                    % {"a": ", ".join(f"“{a}”" for a in drafts)}
                )


def _activities(activities: Sequence[Any], d: Deletion) -> None:
    """A signed promise names its activities."""
    signed = Agreement.objects.filter(
        promises__activities__in=activities, status__in=AGREEMENT_IN_FORCE
    ).distinct()
    d.blockers += [_signed_blocker(a, _("A citizen promise with its activities")) for a in signed]


def register() -> None:
    """Add this app's checks to the plans' deletions."""
    also_check("cause", _cause)
    also_check("indicators", _indicators)
    also_check("goal", _goal)
    also_check("activities", _activities)
