"""Brå's rules, adoption, versions and progress for lägesbilder and action plans.

Brå's main criticism of local work is measures that target no cause and goals nobody follows
up; :func:`plan_violations` checks exactly those rules, and :func:`adopt_plan` refuses a plan
that breaks them, naming the rule and the item.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

# ``services.record`` is kept as a name for the callers of this app.
from samtrygg.partnerships.changelog import record as record
from samtrygg.plans.models import (
    ActionPlan,
    Activity,
    DocumentStatus,
    Goal,
    Lagesbild,
    Measure,
    SourceEntry,
)

LAGESBILD_SECTIONS = ("extent", "consequences", "other_information", "cause_analysis")


@dataclass(frozen=True)
class Violation:
    """A broken rule: its number in Brå's list (DOMAIN.md §3), the item and what to do."""

    rule: int
    item: str
    message: str

    def __str__(self) -> str:
        return f"{_('Rule')} {self.rule} – {self.item}: {self.message}"


class NotAdoptableError(Exception):
    """The document breaks Brå's rules; ``violations`` lists every problem."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        super().__init__("; ".join(str(v) for v in violations))


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
    _adopt(plan, actor, decision_body, decision_date, diarienummer)
    return plan


@transaction.atomic
def adopt_lagesbild(
    lagesbild: Lagesbild, actor: Any, *, decision_body: str, decision_date: date, diarienummer: str
) -> Lagesbild:
    """Adopt a lägesbild; § 4 asks for its three parts and a source inventory."""
    missing = [
        Violation(0, _("the lägesbild"), _("write the section “%(s)s”.") % {"s": label})
        for field, label in (
            ("extent", Lagesbild._meta.get_field("extent").verbose_name),
            ("other_information", Lagesbild._meta.get_field("other_information").verbose_name),
            ("cause_analysis", Lagesbild._meta.get_field("cause_analysis").verbose_name),
        )
        if not getattr(lagesbild, field).strip()
    ]
    if not lagesbild.sources.exists():
        missing.append(
            Violation(0, _("the lägesbild"), _("list the sources used and left out, and why."))
        )
    if missing:
        raise NotAdoptableError(missing)
    _adopt(lagesbild, actor, decision_body, decision_date, diarienummer)
    return lagesbild


def _adopt(
    doc: Any, actor: Any, decision_body: str, decision_date: date, diarienummer: str
) -> None:
    if doc.is_frozen:
        raise NotAdoptableError([Violation(0, doc.title, _("it is already adopted."))])
    # The previous adopted version of the same document is superseded, not changed.
    previous = (
        type(doc)
        .objects.filter(partnership=doc.partnership, status=DocumentStatus.ADOPTED)
        .exclude(pk=doc.pk)
    )
    if isinstance(doc, Lagesbild):
        previous = previous.filter(year=doc.year)
    for old in previous:
        old.status = DocumentStatus.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
    doc.status = DocumentStatus.ADOPTED
    doc.decision_body = decision_body
    doc.decision_date = decision_date
    doc.diarienummer = diarienummer
    doc.adopted_at = timezone.now()
    doc.adopted_by = actor if getattr(actor, "is_authenticated", False) else None
    # One update of the draft row: the adoption itself (the row is not frozen until it lands).
    type(doc).objects.filter(pk=doc.pk).update(
        status=doc.status,
        decision_body=decision_body,
        decision_date=decision_date,
        diarienummer=diarienummer,
        adopted_at=doc.adopted_at,
        adopted_by=doc.adopted_by,
        updated_at=doc.adopted_at,
    )
    record(
        doc.partnership_id,
        actor,
        doc,
        "adopted",
        decision_body=decision_body,
        diarienummer=diarienummer,
    )


@transaction.atomic
def new_lagesbild_version(previous: Lagesbild, actor: Any) -> Lagesbild:
    """Start a new draft from the last version, copying its text and source inventory."""
    latest = (
        Lagesbild.objects.filter(partnership=previous.partnership, year=previous.year)
        .order_by("-version")
        .first()
    )
    version = (latest.version if latest else previous.version) + 1
    draft = Lagesbild.objects.create(
        partnership=previous.partnership,
        year=previous.year,
        version=version,
        title=previous.title,
        period_start=previous.period_start,
        period_end=previous.period_end,
        figures=previous.figures,
        based_on=previous,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{s: getattr(previous, s) for s in LAGESBILD_SECTIONS},
    )
    SourceEntry.objects.bulk_create(
        [
            SourceEntry(
                lagesbild=draft,
                name=s.name,
                used=s.used,
                reason=s.reason,
                limitations=s.limitations,
            )
            for s in previous.sources.all()
        ]
    )
    record(draft.partnership_id, actor, draft, "new_version", based_on=previous.pk)
    return draft


def lagesbild_diff(old: Lagesbild, new: Lagesbild) -> dict[str, list[str]]:
    """Unified differences per section between two versions (only sections that changed)."""
    out: dict[str, list[str]] = {}
    for section in LAGESBILD_SECTIONS:
        a, b = getattr(old, section).splitlines(), getattr(new, section).splitlines()
        if a != b:
            out[section] = list(
                difflib.unified_diff(a, b, f"v{old.version}", f"v{new.version}", lineterm="")
            )
    return out


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
