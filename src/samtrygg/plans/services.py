"""Brå's rules, adoption, versions and progress for action plans.

Brå's main criticism of local work is measures that target no cause and goals nobody follows
up; :func:`plan_violations` checks exactly those rules, and :func:`adopt_plan` refuses a plan
that breaks them, naming the rule and the item.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from samtrygg.freezing.documents import NotAdoptableError as NotAdoptableError
from samtrygg.freezing.documents import Violation as Violation
from samtrygg.freezing.documents import adopt

# The lägesbild's services are named here too for the callers of this app.
from samtrygg.lagesbild.services import LAGESBILD_SECTIONS as LAGESBILD_SECTIONS
from samtrygg.lagesbild.services import adopt_lagesbild as adopt_lagesbild
from samtrygg.lagesbild.services import lagesbild_diff as lagesbild_diff
from samtrygg.lagesbild.services import new_lagesbild_version as new_lagesbild_version

# ``services.record`` is kept as a name for the callers of this app.
from samtrygg.partnerships.changelog import record as record
from samtrygg.plans.models import ActionPlan, Activity, Goal, Measure


def goal_violations(goal: Goal) -> list[Violation]:
    """Rule 2 (SMART goals) and rule 4 (a follow-up date) for one goal."""
    found: list[Violation] = []
    name = _("goal “%(goal)s”") % {"goal": goal.statement[:60]}
    indicators = list(goal.indicators.all())
    if not indicators:
        found.append(Violation(2, name, _("give it an indicator with baseline, target and date.")))
    for ind in indicators:
        missing = [
            label
            for label, value in (
                (_("unit"), ind.unit),
                (_("source"), ind.source),
                (_("baseline"), ind.baseline_value),
                (_("baseline date"), ind.baseline_date),
                (_("target"), ind.target_value),
                (_("target date"), ind.target_date),
            )
            if value in (None, "")
        ]
        if missing:
            found.append(
                Violation(
                    2,
                    _("indicator “%(name)s” of %(goal)s") % {"name": ind.name, "goal": name},
                    _("fill in: %(fields)s.") % {"fields": ", ".join(str(m) for m in missing)},
                )
            )
    if goal.owner_id is None:
        found.append(Violation(2, name, _("name the organisation that owns it.")))
    if goal.follow_up_date is None:
        found.append(Violation(4, name, _("set a follow-up date.")))
    return found


def measure_violations(measure: Measure) -> list[Violation]:
    """Rules 1, 3 and 5 for one measure."""
    found: list[Violation] = []
    name = _("measure “%(title)s”") % {"title": measure.title}
    causes = list(measure.causes.all())
    if not causes:
        found.append(Violation(1, name, _("link it to at least one cause it acts on.")))
    elif not any(c.evidence.exists() for c in causes):
        found.append(
            Violation(3, name, _("at least one of its causes needs evidence in the cause tree."))
        )
    if not measure.goals.exists():
        found.append(Violation(1, name, _("link it to at least one goal it serves.")))
    for activity in measure.activities.all():
        if activity.hours is None or activity.cost is None:
            found.append(
                Violation(
                    5,
                    _("activity “%(title)s”") % {"title": activity.title},
                    _("record its planned hours and cost (0 if none)."),
                )
            )
    return found


def plan_violations(plan: ActionPlan) -> list[Violation]:
    """Every broken rule of an action plan, its measures and their goals."""
    found: list[Violation] = []
    measures = list(plan.measures.prefetch_related("causes", "goals", "activities"))
    if not measures:
        found.append(Violation(1, _("the plan"), _("add the measures it adopts.")))
    if plan.follow_up_date is None:
        found.append(Violation(4, _("the plan"), _("set a follow-up date.")))
    goals: dict[int, Goal] = {}
    for measure in measures:
        found += measure_violations(measure)
        goals.update({g.pk: g for g in measure.goals.all()})
    for goal in goals.values():
        found += goal_violations(goal)
    return found


@transaction.atomic
def adopt_plan(
    plan: ActionPlan, actor: Any, *, decision_body: str, decision_date: date, diarienummer: str
) -> ActionPlan:
    """Adopt an action plan; refuse with every violation named when it breaks Brå's rules."""
    violations = plan_violations(plan)
    if violations:
        raise NotAdoptableError(violations)
    adopt(plan, actor, decision_body, decision_date, diarienummer)
    return plan


def activity_progress(activity: Activity) -> float:
    """Progress in per cent: its own, or the weighted mean of its children's (recursively)."""
    children = list(activity.children.all())
    if not children:
        return 100.0 if activity.status == Activity.Status.DONE else float(activity.progress)
    live = [c for c in children if c.status != Activity.Status.CANCELLED]
    total = sum(c.weight for c in live)
    if total == 0:
        return 0.0
    return sum(c.weight * activity_progress(c) for c in live) / total


def measure_progress(measure: Measure) -> float:
    """Weighted progress of a measure's top-level activities (cancelled ones left out)."""
    top = [
        a
        for a in measure.activities.filter(parent__isnull=True)
        if a.status != Activity.Status.CANCELLED
    ]
    total = sum(a.weight for a in top)
    if total == 0:
        return 0.0
    return sum(a.weight * activity_progress(a) for a in top) / total


def content_sha256(plan: ActionPlan) -> str:
    """The SHA-256 (hex) of what adopting ``plan`` decided.

    The plan's facts, its measures (what they are, the causes and goals they serve, with the
    goals' indicators) and the plan fields of their activities (``ACTIVITY_PLAN_FIELDS``: what
    is done, by which organisation, when) — what the adoption freezes, not the follow-up that
    goes on afterwards. Shown in the Word and PDF documents of an adopted plan, so that a filed
    copy can be checked against the version in Samtrygg.
    """
    measures = []
    for m in plan.measures.order_by("pk").prefetch_related(
        "causes", "goals__indicators", "activities__owner_organisation"
    ):
        measures.append(
            {
                "title": m.title,
                "description": m.description,
                "kind": m.kind,
                "horizon": m.horizon,
                "expected_effect": m.expected_effect,
                "cost": m.cost,
                "hours": m.hours,
                "causes": sorted(c.description for c in m.causes.all()),
                "goals": sorted(
                    [
                        g.statement,
                        sorted(
                            [str(v) for v in (i.name, i.unit, i.baseline_value, i.target_value)]
                            for i in g.indicators.all()
                        ),
                    ]
                    for g in m.goals.all()
                ),
                "activities": sorted(
                    [
                        str(v)
                        for v in (a.title, a.owner_organisation.name, a.start, a.deadline, a.weight)
                    ]
                    for a in m.activities.all()
                ),
            }
        )
    content: dict[str, Any] = {
        "title": plan.title,
        "version": plan.version,
        "lagesbild": plan.lagesbild_id,
        "follow_up_date": plan.follow_up_date,
        "decision": [plan.decision_body, plan.decision_date, plan.diarienummer],
        "measures": measures,
    }
    canonical = json.dumps(
        content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
