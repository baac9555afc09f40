"""Deleting causes, goals, indicators, measures and activities: what goes with them, and when not.

An item is not deleted while a document in force depends on it: the adopted action plan (the
current version) or a signed or published agreement. Deleting it would silently change what was
decided or signed, because those documents show the live rows. Superseded documents are history
and do not block (as for editing a measure, see :class:`samtrygg.plans.models.Measure`).

:func:`deletion_for` says what a deletion takes with it and what blocks it; :func:`delete` does it
in one transaction and records it. Documents of apps above this one (the agreements) add their
own blockers through :func:`also_check`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samtrygg.partnerships.changelog import record
from samtrygg.plans.models import (
    ActionPlan,
    Activity,
    Cause,
    DocumentStatus,
    FrozenError,
    Goal,
    Indicator,
    Measure,
)

__all__ = ["Deletion", "also_check", "delete", "deletion_for"]


@dataclass
class Deletion:
    """What deleting ``obj`` means: a name, what goes with it, and what forbids it."""

    obj: models.Model
    name: str
    goes_with_it: list[str] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        return not self.blockers


Check = Callable[[Sequence[Any], Deletion], None]
# Where a deletion asks the apps above this one: "cause" (the cause), "goal" (the goal whose
# indicators or itself go), "indicators" and "activities" (those that go).
_CHECKS: dict[str, list[Check]] = {"cause": [], "goal": [], "indicators": [], "activities": []}


def also_check(kind: str, check: Check) -> None:
    """Let ``check(items, deletion)`` add to a deletion of ``kind``; registered once per app."""
    if check not in _CHECKS[kind]:
        _CHECKS[kind].append(check)


def _ask(kind: str, items: Sequence[Any], d: Deletion) -> None:
    for check in _CHECKS[kind]:
        check(items, d)


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def quoted(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _subtree(model: Any, root: Any) -> list[Any]:
    """``root`` and every descendant through ``parent`` (one query per level)."""
    found, level = [root], [root.pk]
    while level:
        children = list(model.objects.filter(parent_id__in=level))
        found += children
        level = [c.pk for c in children]
    return found


def _adopted_measures(**lookup: Any) -> list[Measure]:
    return list(Measure.objects.filter(**lookup).in_adopted_plan().order_by("title"))


def _adopted_plan_blockers(measures: list[Measure], what: str) -> list[str]:
    plan = ActionPlan.objects.filter(
        status=DocumentStatus.ADOPTED, measures__in=[m.pk for m in measures]
    ).first()
    return [
        _(
            "%(what)s is linked from the measure “%(measure)s” in the adopted action plan "
            "“%(plan)s”. Take it out of a new version of the plan first."
        )
        % {"what": what, "measure": m.title, "plan": plan}
        for m in measures
    ]


def _draft_links(measures: Any, label: str) -> list[str]:
    titles = sorted({m.title for m in measures})
    if not titles:
        return []
    return [label % {"titles": ", ".join(f"“{t}”" for t in titles)}]


def _cause(cause: Cause) -> Deletion:
    tree = _subtree(Cause, cause)
    ids = [c.pk for c in tree]
    evidence = sum(c.evidence.count() for c in tree)
    d = Deletion(cause, _("the cause “%(c)s”") % {"c": quoted(cause.description)})
    d.counts = {"sub_causes": len(tree) - 1, "evidence": evidence}
    if len(tree) > 1:
        d.goes_with_it.append(
            ngettext("its sub-cause: %(list)s", "its %(n)s sub-causes: %(list)s", len(tree) - 1)
            % {"n": len(tree) - 1, "list": "; ".join(quoted(c.description) for c in tree[1:])}
        )
    if evidence:
        d.goes_with_it.append(
            ngettext("%(n)s piece of evidence", "%(n)s pieces of evidence", evidence)
            % {"n": evidence}
        )
    d.goes_with_it += _draft_links(
        Measure.objects.filter(causes__in=ids).distinct(),
        _("its links from the measures %(titles)s"),
    )
    for c in tree:
        what = (
            cap(d.name) if c is cause else _("Its sub-cause “%(c)s”") % {"c": quoted(c.description)}
        )
        d.blockers += _adopted_plan_blockers(_adopted_measures(causes=c), what)
    _ask("cause", [cause], d)
    return d


def _indicator_parts(indicators: list[Indicator], d: Deletion) -> None:
    """Values and follow-up notes of ``indicators`` go too; signed promises forbid it."""
    values = sum(i.values.count() for i in indicators)
    notes = sum(i.followup_notes.count() for i in indicators)
    d.counts |= {"values": values, "followup_notes": notes}
    if values:
        d.goes_with_it.append(
            ngettext("%(n)s measured value", "%(n)s measured values", values) % {"n": values}
        )
    if notes:
        d.goes_with_it.append(
            ngettext("%(n)s follow-up note", "%(n)s follow-up notes", notes) % {"n": notes}
        )
    _ask("indicators", indicators, d)


def _goal(goal: Goal) -> Deletion:
    indicators = list(goal.indicators.all())
    d = Deletion(goal, _("the goal “%(g)s”") % {"g": quoted(goal.statement)})
    d.counts = {"indicators": len(indicators)}
    if indicators:
        d.goes_with_it.append(
            ngettext("its indicator: %(list)s", "its %(n)s indicators: %(list)s", len(indicators))
            % {"n": len(indicators), "list": ", ".join(i.name for i in indicators)}
        )
    _indicator_parts(indicators, d)
    d.goes_with_it += _draft_links(goal.measures.all(), _("its links from the measures %(titles)s"))
    d.blockers += _adopted_plan_blockers(_adopted_measures(goals=goal), cap(d.name))
    _ask("goal", [goal], d)
    return d


def _indicator(indicator: Indicator) -> Deletion:
    d = Deletion(indicator, _("the indicator “%(i)s”") % {"i": indicator.name})
    _indicator_parts([indicator], d)
    goal = indicator.goal
    # The adopted plan was checked with its goals' indicators (Brå's rule 2), and a signed
    # agreement shows its goals' indicators: both depend on this one.
    d.blockers += _adopted_plan_blockers(
        _adopted_measures(goals=goal), _("Its goal “%(g)s”") % {"g": quoted(goal.statement)}
    )
    _ask("goal", [goal], d)
    return d


def _activity_parts(activities: list[Activity], d: Deletion) -> None:
    _ask("activities", activities, d)


def _measure(measure: Measure) -> Deletion:
    activities = list(measure.activities.all())
    d = Deletion(measure, _("the measure “%(m)s”") % {"m": measure.title})
    d.counts = {"activities": len(activities)}
    if activities:
        d.goes_with_it.append(
            ngettext("its activity: %(list)s", "its %(n)s activities: %(list)s", len(activities))
            % {"n": len(activities), "list": "; ".join(a.title for a in activities)}
        )
    drafts = measure.plans.exclude(status=DocumentStatus.ADOPTED)
    if drafts:
        d.goes_with_it.append(
            _("its place in the action plans %(plans)s")
            % {"plans": ", ".join(f"“{p}”" for p in drafts)}
        )
    plan = measure.adopted_plan()
    if plan is not None:
        d.blockers.append(
            _(
                "The measure is part of the adopted action plan “%(plan)s”. Start a new version "
                "of the action plan and leave it out; once that version is adopted it can be "
                "deleted."
            )
            % {"plan": plan}
        )
    _activity_parts(activities, d)
    return d


def _activity(activity: Activity) -> Deletion:
    tree = _subtree(Activity, activity)
    d = Deletion(activity, _("the activity “%(a)s”") % {"a": activity.title})
    d.counts = {"sub_activities": len(tree) - 1}
    if len(tree) > 1:
        d.goes_with_it.append(
            ngettext(
                "its sub-activity: %(list)s", "its %(n)s sub-activities: %(list)s", len(tree) - 1
            )
            % {"n": len(tree) - 1, "list": "; ".join(a.title for a in tree[1:])}
        )
    plan = activity.measure.adopted_plan()
    if plan is not None:
        d.blockers.append(
            _(
                "Its measure is part of the adopted action plan “%(plan)s”: activities can be "
                "followed up but not removed. Mark it cancelled instead, or change it in a new "
                "version of the action plan."
            )
            % {"plan": plan}
        )
    _activity_parts(tree, d)
    return d


_BUILDERS: dict[type[models.Model], Any] = {
    Cause: _cause,
    Goal: _goal,
    Indicator: _indicator,
    Measure: _measure,
    Activity: _activity,
}


def deletion_for(obj: models.Model) -> Deletion:
    """What deleting ``obj`` (a cause, goal, indicator, measure or activity) takes with it.

    Parameters
    ----------
    obj
        The item to delete.

    Returns
    -------
    Deletion
        ``goes_with_it`` lists, as phrases, what is deleted or unlinked with it; ``blockers``
        lists, as sentences, why it may not be deleted now (empty when it may).
    """
    builder = _BUILDERS[type(obj)]
    result: Deletion = builder(obj)
    return result


def delete(obj: models.Model, actor: Any, partnership_id: int) -> Deletion:
    """Delete ``obj`` and what goes with it, and record it; refuse when something blocks it.

    The check and the deletion run in one transaction, so nothing is half-deleted.

    Raises
    ------
    FrozenError
        When a document in force depends on the item; the message names every reason.
    """
    with transaction.atomic():
        deletion = deletion_for(obj)
        if not deletion.allowed:
            raise FrozenError(" ".join(deletion.blockers))
        title = getattr(obj, "title", None) or getattr(obj, "name", None) or str(obj)
        record(partnership_id, actor, obj, "deleted", title=str(title)[:200], **deletion.counts)
        obj.delete()
    return deletion
