"""Follow-up of goals, measures and activities: lights, deadlines and process follow-up.

The light rule itself is in :mod:`samtrygg.followup.lights`; the effect follow-up (before/after
with WDD) in :mod:`samtrygg.followup.effect`; the annual cycle in :mod:`samtrygg.followup.arshjul`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from samtrygg.followup.effect import EffectFollowUp, effect_follow_up
from samtrygg.followup.lights import Light, LightResult, traffic_light
from samtrygg.followup.models import FollowUpNote
from samtrygg.partnerships.access import Access
from samtrygg.partnerships.models import Partnership, Role
from samtrygg.plans.indicators import computed_value
from samtrygg.plans.models import (
    ActionPlan,
    Activity,
    DocumentStatus,
    Goal,
    Indicator,
    Measure,
)
from samtrygg.plans.services import measure_progress

# A corrective note answers a red light for a year: the follow-up cycle is yearly.
NOTE_VALID_DAYS = 365
# "Upcoming" on the dashboard: activities due within this many days.
UPCOMING_DAYS = 30
CLOSED = (Activity.Status.DONE, Activity.Status.CANCELLED)


def light_label(light: Light | str) -> str:
    """The light in words (never colour alone)."""
    return {
        Light.GREEN.value: _("Green – on track"),
        Light.YELLOW.value: _("Yellow – behind schedule"),
        Light.RED.value: _("Red – not moving or the wrong way"),
        Light.UNKNOWN.value: _("Cannot assess"),
    }[Light(light).value]


def unknown_reason(reason: str) -> str:
    """Why a light cannot be assessed, as something the user can fix."""
    return {
        "missing": _("Enter the baseline, the target, both dates and a current value."),
        "dates": _("The target date must come after the baseline date."),
        "no_new_data": _("No value has been measured since the baseline date."),
    }.get(reason, "")


# --------------------------------------------------------------------------- indicators


@dataclass
class IndicatorStatus:
    """One indicator on the dashboard: its current value, its light and the latest note."""

    indicator: Indicator
    current: float | None
    as_of: date | None
    result: LightResult
    note: FollowUpNote | None = None

    @property
    def light(self) -> str:
        return self.result.light.value

    @property
    def label(self) -> str:
        return light_label(self.result.light)

    @property
    def is_red(self) -> bool:
        return self.result.light == Light.RED

    @property
    def needs_action(self) -> bool:
        """Red, and nobody has written the consequence and corrective measure."""
        return self.is_red and self.note is None

    @property
    def reason(self) -> str:
        return unknown_reason(self.result.reason)

    @property
    def progress_pct(self) -> float | None:
        """Share of the way from baseline to target covered, in per cent."""
        p = self.result.progress
        return None if p is None else 100 * p

    @property
    def expected_pct(self) -> float | None:
        """Share of the time from baseline date to target date passed, in per cent."""
        e = self.result.expected
        return None if e is None else 100 * e


def current_value(indicator: Indicator, today: date) -> tuple[float | None, date | None]:
    """The indicator's current value and its date: computed from live data, else the latest
    entered value."""
    if indicator.is_computed:
        value = computed_value(indicator)
        return (None, None) if value is None else (float(value), today)
    values = list(indicator.values.all())  # ordered by date; prefetched on the dashboard
    if not values:
        return None, None
    last = max(values, key=lambda v: (v.date, v.pk))
    return last.value, last.date


def valid_note(indicator: Indicator) -> FollowUpNote | None:
    """The latest red-light note of the last year, if any."""
    since = timezone.now() - timedelta(days=NOTE_VALID_DAYS)
    notes = [
        n
        for n in indicator.followup_notes.all()
        if n.light == Light.RED.value and n.created >= since
    ]
    return notes[0] if notes else None


def indicator_status(indicator: Indicator, today: date) -> IndicatorStatus:
    current, as_of = current_value(indicator, today)
    result = traffic_light(
        baseline=indicator.baseline_value,
        target=indicator.target_value,
        current=current,
        baseline_date=indicator.baseline_date,
        target_date=indicator.target_date,
        as_of=as_of,
        lower_is_better=indicator.direction == Indicator.Direction.DECREASE,
    )
    note = valid_note(indicator) if result.light == Light.RED else None
    return IndicatorStatus(indicator, current, as_of, result, note)


def goal_statuses(
    partnership: Partnership, today: date
) -> list[tuple[Goal, list[IndicatorStatus]]]:
    """Every goal of the partnership with the status of each of its indicators."""
    goals = (
        Goal.objects.filter(partnership=partnership)
        .select_related("problem", "owner")
        .prefetch_related("indicators__values", "indicators__followup_notes__author")
        .order_by("problem__priority", "pk")
    )
    return [(g, [indicator_status(i, today) for i in g.indicators.all()]) for g in goals]


def needing_action(goals: Iterable[tuple[Goal, list[IndicatorStatus]]]) -> list[IndicatorStatus]:
    return [s for _g, statuses in goals for s in statuses if s.needs_action]


def light_counts(goals: Iterable[tuple[Goal, list[IndicatorStatus]]]) -> list[tuple[str, str, int]]:
    """(light, label, count) for the summary line, in the order green, yellow, red, unknown."""
    counts = {light.value: 0 for light in Light}
    for _g, statuses in goals:
        for s in statuses:
            counts[s.light] += 1
    return [(light.value, light_label(light), counts[light.value]) for light in Light]


# --------------------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class FollowUpDate:
    date: date
    kind: str
    title: str
    overdue: bool


def open_activities(partnership: Partnership) -> models.QuerySet[Activity]:
    """Activities of the partnership with a deadline that are neither done nor cancelled."""
    return (
        Activity.objects.filter(measure__partnership=partnership, deadline__isnull=False)
        .exclude(status__in=CLOSED)
        .select_related("measure", "owner_organisation")
        .order_by("deadline", "pk")
    )


def overdue_and_upcoming(
    partnership: Partnership, today: date, days: int = UPCOMING_DAYS
) -> tuple[list[Activity], list[Activity]]:
    """(past their deadline, due from today up to ``days`` days ahead), both open only."""
    qs = open_activities(partnership)
    overdue = list(qs.filter(deadline__lt=today))
    upcoming = list(qs.filter(deadline__gte=today, deadline__lte=today + timedelta(days=days)))
    return overdue, upcoming


def follow_up_dates(
    partnership: Partnership, today: date, include_drafts: bool
) -> list[FollowUpDate]:
    """The follow-up dates of goals and (current) action plans, soonest first."""
    plans = ActionPlan.objects.filter(
        partnership=partnership, follow_up_date__isnull=False
    ).exclude(status=DocumentStatus.SUPERSEDED)
    if not include_drafts:
        plans = plans.filter(status=DocumentStatus.ADOPTED)
    items = [
        FollowUpDate(p.follow_up_date, _("Action plan"), str(p), p.follow_up_date < today)
        for p in plans
        if p.follow_up_date is not None
    ]
    goals = Goal.objects.filter(partnership=partnership, follow_up_date__isnull=False)
    items += [
        FollowUpDate(g.follow_up_date, _("Goal"), g.statement, g.follow_up_date < today)
        for g in goals
        if g.follow_up_date is not None
    ]
    return sorted(items, key=lambda i: (i.date, i.title))


# --------------------------------------------------------------------------- process follow-up


@dataclass
class ProcessFollowUp:
    """Were the activities of a measure done as planned, and what did they take?"""

    by_status: list[tuple[str, str, int]]  # (status, label, count)
    total: int
    done: int
    overdue: int
    on_schedule: int  # open activities not past their deadline and not delayed
    planned_hours: Decimal | None
    recorded_hours: Decimal
    planned_cost: Decimal | None
    recorded_cost: Decimal
    progress: float
    overdue_titles: list[str] = field(default_factory=list)


def process_follow_up(measure: Measure, today: date) -> ProcessFollowUp:
    """Counts by status, planned (on the measure) vs recorded (on its activities) hours and
    cost, and the weighted progress of :func:`samtrygg.plans.services.measure_progress`."""
    activities = list(measure.activities.all())
    counts = {s: 0 for s in Activity.Status.values}
    for a in activities:
        counts[a.status] += 1
    overdue = [
        a for a in activities if a.status not in CLOSED and a.deadline and a.deadline < today
    ]
    open_ = [a for a in activities if a.status not in CLOSED]
    on_schedule = [a for a in open_ if a not in overdue and a.status != Activity.Status.DELAYED]
    return ProcessFollowUp(
        by_status=[(s.value, str(s.label), counts[s.value]) for s in Activity.Status],
        total=len(activities),
        done=counts[Activity.Status.DONE],
        overdue=len(overdue),
        on_schedule=len(on_schedule),
        planned_hours=measure.hours,
        recorded_hours=sum((a.hours or Decimal(0) for a in activities), Decimal(0)),
        planned_cost=measure.cost,
        recorded_cost=sum((a.cost or Decimal(0) for a in activities), Decimal(0)),
        progress=measure_progress(measure),
        overdue_titles=[a.title for a in overdue],
    )


def activities_by_status(partnership: Partnership) -> list[tuple[str, list[Activity]]]:
    """Every activity of the partnership grouped by status (label, activities)."""
    activities = list(
        Activity.objects.filter(measure__partnership=partnership)
        .select_related("measure", "owner_organisation")
        .order_by("deadline", "pk")
    )
    return [(str(s.label), [a for a in activities if a.status == s.value]) for s in Activity.Status]


# --------------------------------------------------------------------------- notes


def add_note(indicator: Indicator, status: IndicatorStatus, author: Any, text: str) -> FollowUpNote:
    """Store the consequence and corrective measure for the indicator's current light."""
    return FollowUpNote.objects.create(
        indicator=indicator,
        light=status.light,
        text=text.strip(),
        author=author if getattr(author, "is_authenticated", False) else None,
    )


def partnership_indicators(partnership: Partnership) -> models.QuerySet[Indicator]:
    return Indicator.objects.filter(goal__partnership=partnership)


# --------------------------------------------------------------------------- the dashboard


@dataclass
class MeasureFollowUp:
    measure: Measure
    process: ProcessFollowUp
    effect: EffectFollowUp


@dataclass
class Dashboard:
    """Everything the dashboard and the yearly report show."""

    today: date
    goals: list[tuple[Goal, list[IndicatorStatus]]]
    counts: list[tuple[str, str, int]]
    needing_action: list[IndicatorStatus]
    overdue: list[Activity]
    upcoming: list[Activity]
    follow_ups: list[FollowUpDate]
    measures: list[MeasureFollowUp]


def measure_follow_ups(partnership: Partnership, today: date, exact: bool) -> list[MeasureFollowUp]:
    measures = (
        Measure.objects.filter(partnership=partnership)
        .select_related("target_area", "comparison_area")
        .prefetch_related("activities")
        .order_by("title", "pk")
    )
    return [
        MeasureFollowUp(m, process_follow_up(m, today), effect_follow_up(m, today, exact))
        for m in measures
    ]


def dashboard(
    partnership: Partnership, today: date, *, exact: bool, include_drafts: bool
) -> Dashboard:
    """The follow-up of every goal, measure and activity of the partnership as of ``today``.

    ``exact`` is False for members who see aggregates only (small counts hidden);
    ``include_drafts`` is False for those who do not see draft action plans.
    """
    goals = goal_statuses(partnership, today)
    overdue, upcoming = overdue_and_upcoming(partnership, today)
    return Dashboard(
        today=today,
        goals=goals,
        counts=light_counts(goals),
        needing_action=needing_action(goals),
        overdue=overdue,
        upcoming=upcoming,
        follow_ups=follow_up_dates(partnership, today, include_drafts),
        measures=measure_follow_ups(partnership, today, exact),
    )


# --------------------------------------------------------------------------- own activities


def may_report_progress(access: Access, user: object, activity: Activity) -> bool:
    """Staff, the activity's responsible member, and the owner organisation's reporters."""
    if access.sees_all_data or activity.responsible_id == getattr(user, "pk", None):
        return True
    return (
        access.role == Role.REPORTER
        and access.organisation is not None
        and access.organisation.pk == activity.owner_organisation_id
    )


def own_activities(access: Access, user: object) -> list[Activity]:
    """The open activities this person may report progress on (for staff: none listed here)."""
    qs = Activity.objects.filter(measure__partnership=access.partnership).exclude(status__in=CLOSED)
    mine = [a for a in qs.select_related("measure", "owner_organisation")]
    return [a for a in mine if not access.sees_all_data and may_report_progress(access, user, a)]
