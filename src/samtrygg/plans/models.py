"""Brå's steps after the lägesbild as data: problems, cause trees, goals, indicators, measures,
activities and the action plan (åtgärdsplan). The lägesbild itself is in
:mod:`samtrygg.lagesbild.models`.

Adopted documents are frozen: they cannot be edited, only superseded by a new version (the rule
lives in :mod:`samtrygg.freezing`; the rules for this app are registered at the end of this
module). Every change is recorded in the change log
(:class:`samtrygg.partnerships.models.ChangeRecord`: who, what, when).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samtrygg.areas.models import Area

# DocumentStatus and FrozenError are named here too for the callers of this app.
from samtrygg.freezing import DocumentStatus as DocumentStatus
from samtrygg.freezing import (
    Freezable,
    FreezableQuerySet,
    Freeze,
    freeze,
    guard_links,
)
from samtrygg.freezing import FrozenError as FrozenError
from samtrygg.freezing.documents import ADOPTED_DOCUMENT, AdoptedDocument
from samtrygg.incidents.models import Category

# The lägesbild has its own app; named here too for the callers of this app.
from samtrygg.lagesbild.models import Lagesbild as Lagesbild
from samtrygg.lagesbild.models import SourceEntry as SourceEntry

# The change log lives with the membership history; named here too for the callers of this app.
from samtrygg.partnerships.models import ChangeRecord as ChangeRecord
from samtrygg.partnerships.models import Organisation, Partnership

ADOPTED_PLAN = _("the adopted action plan")
# Kept for the pages that name the document; the agreements app registers its own rules.
SIGNED_AGREEMENT = _("the signed collaboration agreement")


class Problem(Freezable):
    """A prioritised problem: what, where, when, who is affected."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="problems")
    lagesbild = models.ForeignKey(
        Lagesbild, on_delete=models.SET_NULL, null=True, blank=True, related_name="problems"
    )
    title = models.CharField(_("title"), max_length=200)
    what = models.TextField(_("what"), blank=True)
    where = models.TextField(_("where"), blank=True)
    areas = models.ManyToManyField(Area, blank=True, related_name="+")
    when = models.TextField(_("when"), blank=True)
    who_affected = models.TextField(_("who is affected"), blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "title"]

    def __str__(self) -> str:
        return self.title


class CauseKind(models.TextChoices):
    SITUATIONAL = "situational", _("Situational")
    SOCIAL = "social", _("Social (offender)")
    VICTIMISATION = "victimisation", _("Victimisation")


class SatMechanism(models.TextChoices):
    """How a cause acts, read through Situational Action Theory."""

    PROPENSITY = "propensity", _("People's crime propensity (morality, self-control)")
    SETTING = "setting", _("The setting's moral context and its enforcement")
    EXPOSURE = "exposure", _("Exposure: who meets which setting, when")
    CAUSE_OF_CAUSES = "cause_of_causes", _("A cause of the causes (social conditions)")


class Cause(Freezable):
    """A node of a problem's cause tree."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="causes")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    description = models.TextField(_("cause"))
    kind = models.CharField(_("kind"), max_length=16, choices=CauseKind.choices)
    mechanism = models.CharField(
        _("how it acts (SAT)"), max_length=16, choices=SatMechanism.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["problem", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


class Evidence(models.Model):
    """What supports a cause: a saved picture view, a survey result, a dialogue note …"""

    class Kind(models.TextChoices):
        PICTURE = "picture", _("Saved view of the picture")
        SURVEY = "survey", _("Survey result")
        DIALOGUE = "dialogue", _("Dialogue note")
        STATISTICS = "statistics", _("Statistics")
        OTHER = "other", _("Other")

    cause = models.ForeignKey(Cause, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reference = models.CharField(_("reference"), max_length=500)
    note = models.TextField(_("note"), blank=True)


class Goal(Freezable):
    """A SMART goal for a problem."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="goals")
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="goals")
    statement = models.TextField(_("goal"))
    owner = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    follow_up_date = models.DateField(_("follow-up date"), null=True, blank=True)

    def __str__(self) -> str:
        return self.statement[:80]


class Indicator(Freezable):
    """How a goal is measured: baseline, target, unit, source, frequency and date.

    An indicator with a category (and optionally an area) is computed from the incidents; the
    others are entered with a date and a source.
    """

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        TERTIAL = "tertial", _("Per tertial")
        YEARLY = "yearly", _("Yearly")

    class Direction(models.TextChoices):
        DECREASE = "decrease", _("Lower is better")
        INCREASE = "increase", _("Higher is better")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    direction = models.CharField(
        _("direction"), max_length=16, choices=Direction.choices, default=Direction.DECREASE
    )
    baseline_value = models.FloatField(_("baseline"), null=True, blank=True)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.FloatField(_("target"), null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    @property
    def is_computed(self) -> bool:
        return self.category_id is not None

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """A measured value of an indicator, entered or computed."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    date = models.DateField(_("date"))
    value = models.FloatField(_("value"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    computed = models.BooleanField(default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["indicator", "date"]


class MeasureQuerySet(FreezableQuerySet["Measure"]):
    def in_adopted_plan(self) -> MeasureQuerySet:
        """Measures in an adopted action plan that is the current version (frozen measures)."""
        return self.filter(plans__status=DocumentStatus.ADOPTED).distinct()


def _measure_frozen_error(obj: Any, measure: Any) -> str:
    return str(
        _(
            "The measure “%(title)s” is part of the adopted action plan and cannot be changed; "
            "start a new version of the action plan."
        )
        % {"title": measure.title}
    )


class Measure(Freezable):
    """A measure (åtgärd/insats); Brå's rule: it targets a cause and serves a goal.

    A measure in the adopted action plan (the current version; there is at most one adopted
    plan per partnership, adoption supersedes the others) is frozen with it: its own content,
    causes and goals cannot change and it cannot be deleted. A new version of the plan shares
    the same measure rows, so a measure carried over stays frozen until it is no longer in the
    adopted plan; one that is to change is replaced in the new draft by a new measure. Once
    the new version is adopted, the measures it left out are editable again.
    """

    class Kind(models.TextChoices):
        SITUATIONAL = "situational", _("Situational")
        SOCIAL = "social", _("Social")

    class Horizon(models.TextChoices):
        SHORT = "short", _("Short term")
        LONG = "long", _("Long term")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(_("measure"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    horizon = models.CharField(_("effect horizon"), max_length=8, choices=Horizon.choices)
    expected_effect = models.TextField(_("expected effect"), blank=True)
    cost = models.DecimalField(
        _("cost (SEK)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    hours = models.DecimalField(_("hours"), max_digits=9, decimal_places=1, null=True, blank=True)
    causes = models.ManyToManyField(Cause, blank=True, related_name="measures")
    goals = models.ManyToManyField(Goal, blank=True, related_name="measures")
    target_area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comparison_area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    start_date = models.DateField(_("start"), null=True, blank=True)

    objects = MeasureQuerySet.as_manager()  # type: ignore[misc]  # a Freezable manager too

    def __str__(self) -> str:
        return self.title

    @property
    def is_frozen(self) -> bool:
        """Whether the measure is in the current adopted action plan (read from the database)."""
        return self.pk is not None and Measure.objects.filter(pk=self.pk).in_adopted_plan().exists()

    def adopted_plan(self) -> ActionPlan | None:
        """The adopted action plan (current version) the measure belongs to, if any."""
        if self.pk is None:
            return None
        return self.plans.filter(status=DocumentStatus.ADOPTED).order_by("-version").first()


# What an activity in an adopted plan keeps as adopted: its place in the plan, what it is, who
# answers for it (the organisation) and when. Status, progress, hours, cost, the named person
# and the responsible member stay editable: they are the follow-up (and staff changes) that go
# on while the plan runs, and must not need a new decision.
ACTIVITY_PLAN_FIELDS = (
    "measure_id",
    "parent_id",
    "title",
    "owner_organisation_id",
    "start",
    "deadline",
    "weight",
)


class Activity(Freezable):
    """Something someone does under a measure, with owner, dates, status and progress."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        DONE = "done", _("Done")
        DELAYED = "delayed", _("Delayed")
        CANCELLED = "cancelled", _("Cancelled")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="activities")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    title = models.CharField(_("activity"), max_length=200)
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="activities"
    )
    owner_person = models.CharField(_("responsible person"), max_length=200, blank=True)
    # A member who gets the deadline reminders; owner_person stays free text for the document.
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_for_activities",
        verbose_name=_("responsible member"),
        help_text=_("Gets the deadline reminders for this activity."),
    )
    start = models.DateField(_("start"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    weight = models.FloatField(_("weight"), default=1.0)
    hours = models.DecimalField(_("hours"), max_digits=9, decimal_places=1, null=True, blank=True)
    cost = models.DecimalField(
        _("cost (SEK)"), max_digits=12, decimal_places=0, null=True, blank=True
    )

    class Meta:
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="activity_progress_max_100"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="activity_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActionPlan(AdoptedDocument):
    """The åtgärdsplan: the measures the partnership adopts from a lägesbild."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="action_plans"
    )
    lagesbild = models.ForeignKey(
        Lagesbild, on_delete=models.PROTECT, null=True, blank=True, related_name="action_plans"
    )
    measures = models.ManyToManyField(Measure, blank=True, related_name="plans")
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_versions"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


def _activity_frozen_error(obj: Any, measure: Any) -> str:
    return str(
        _(
            "The measure “%(title)s” is part of the adopted action plan: its "
            "activities can be followed up (status, progress, hours, cost) but not "
            "added, removed or re-planned; start a new version of the action plan."
        )
        % {"title": measure.title}
    )


# What the adopted action plan (the current version) freezes: its measures with their causes
# and goals, the goals' indicators, and the plan fields of the measures' activities. A new
# indicator under a frozen goal or activity under a frozen measure is refused too. The agreements
# app registers what a signed agreement freezes.
_IN_ADOPTED_PLAN = Q(plans__status=DocumentStatus.ADOPTED)
_SHOWN_BY_PLAN = Q(measures__plans__status=DocumentStatus.ADOPTED)
freeze(ActionPlan, ADOPTED_DOCUMENT)
freeze(Cause, Freeze(when=_SHOWN_BY_PLAN, document=ADOPTED_PLAN))
freeze(Goal, Freeze(when=_SHOWN_BY_PLAN, document=ADOPTED_PLAN))
freeze(Indicator, Freeze(when=_SHOWN_BY_PLAN, via="goal", document=ADOPTED_PLAN))
freeze(
    Measure,
    Freeze(
        when=_IN_ADOPTED_PLAN,
        every_save=True,
        refuse_delete=True,
        document=ADOPTED_PLAN,
        message=_measure_frozen_error,
    ),
)
freeze(
    Activity,
    Freeze(
        when=_IN_ADOPTED_PLAN,
        via="measure",
        fields=ACTIVITY_PLAN_FIELDS,
        refuse_delete=True,
        document=ADOPTED_PLAN,
        message=_activity_frozen_error,
    ),
)
guard_links(Measure.causes.field)
guard_links(Measure.goals.field)
