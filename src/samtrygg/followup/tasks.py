"""Start-page tasks from the follow-up: activities due or overdue, indicators without a value."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from samtrygg.followup import services
from samtrygg.partnerships.access import Access
from samtrygg.partnerships.models import Role
from samtrygg.partnerships.tasks import Task, task_provider
from samtrygg.plans.models import Indicator

# How old an entered value may be before the indicator asks for a new one.
FRESH_DAYS: dict[str, int] = {
    Indicator.Frequency.WEEKLY: 7,
    Indicator.Frequency.MONTHLY: 31,
    Indicator.Frequency.QUARTERLY: 92,
    Indicator.Frequency.TERTIAL: 123,
    Indicator.Frequency.YEARLY: 366,
}
SOON_DAYS = 14


@task_provider
def activity_tasks(access: Access, user: Any, today: date) -> Iterator[Task]:
    """Open activities past or near their deadline: all of them for coordinators, else one's own."""
    activities = services.open_activities(access.partnership).filter(
        deadline__lte=today + timedelta(days=SOON_DAYS)
    )
    if not access.is_coordinator:
        mine = Q(responsible=user)
        if access.organisation is not None:
            mine |= Q(owner_organisation=access.organisation)
        activities = activities.filter(mine)
    for activity in activities[:20]:
        # Staff follow up on the dashboard; the responsible people report progress directly.
        url = (
            reverse("followup-dashboard", args=[access.partnership.slug])
            if access.sees_all_data or not services.may_report_progress(access, user, activity)
            else reverse("activity-progress", args=[access.partnership.slug, activity.pk])
        )
        overdue = activity.deadline is not None and activity.deadline < today
        yield Task(
            title=(_("Overdue: %(activity)s") if overdue else _("Due soon: %(activity)s"))
            % {"activity": activity.title},
            url=url,
            detail=_("%(organisation)s · measure: %(measure)s")
            % {"organisation": activity.owner_organisation, "measure": activity.measure},
            due=activity.deadline,
            overdue=overdue,
            rank=0 if overdue else 2,
        )


@task_provider
def indicator_tasks(access: Access, user: Any, today: date) -> Iterator[Task]:
    """Entered indicators whose latest value is older than their frequency (staff enter them)."""
    if access.role not in (Role.COORDINATOR, Role.ANALYST):
        return
    indicators = (
        services.partnership_indicators(access.partnership)
        .filter(category__isnull=True)
        .annotate(latest=Max("values__date"))
        .order_by("name", "pk")
    )
    for indicator in indicators:
        days = FRESH_DAYS.get(indicator.frequency, 366)
        if indicator.latest is not None and indicator.latest > today - timedelta(days=days):
            continue
        yield Task(
            title=_("Enter a value: %(indicator)s") % {"indicator": indicator.name},
            url=reverse("indicator-value-add", args=[access.partnership.slug, indicator.pk]),
            detail=(
                _("Latest value %(date)s; measured %(frequency)s.")
                % {"date": indicator.latest, "frequency": indicator.get_frequency_display().lower()}
                if indicator.latest
                else _("No value yet; measured %(frequency)s.")
                % {"frequency": indicator.get_frequency_display().lower()}
            ),
            rank=2,
        )
