"""What the picture counts: the user's filters and the incidents they select.

Every section of the picture starts from :func:`incidents` (the partnership's incidents under the
area and category filters) and :func:`in_period`; :func:`visible_part` narrows a set to what the
user may see in detail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from samtrygg.areas.models import Area
from samtrygg.incidents.models import Category, Incident, IncidentArea, IncidentQuerySet
from samtrygg.partnerships.access import Access
from samtrygg.partnerships.models import Role
from samtrygg.periods import Period


@dataclass(frozen=True)
class Filters:
    """What the user chose: the period and optionally one area and one category."""

    period: Period
    area: Area | None = None
    category: Category | None = None


def incidents(access: Access, filters: Filters) -> IncidentQuerySet:
    """The partnership's incidents under the area and category filters (no time filter)."""
    qs = Incident.objects.filter(partnership=access.partnership)
    if filters.area is not None:
        qs = qs.filter(pk__in=IncidentArea.objects.filter(area=filters.area).values("incident_id"))
    if filters.category is not None:
        qs = qs.filter(category=filters.category)
    return qs


def in_period(qs: QuerySet[Any], period: Period) -> Any:
    """Incidents that began in the observed part of ``period`` (local days)."""
    return qs.filter(occurred_from__gte=period.start_utc, occurred_from__lt=period.end_utc)


def visible_part(qs: QuerySet[Any], user: Any, access: Access) -> Any:
    """The incidents of ``qs`` the user may see in detail.

    The two querysets are ANDed (``&``): the database applies ``visible_to``'s conditions to
    the same rows, rather than matching ids against a subquery of the whole partnership.
    """
    return qs & Incident.objects.visible_to(user, access.partnership)


def detail_queryset(user: Any, access: Access, filters: Filters) -> IncidentQuerySet:
    """The period's incidents the user may see in detail (none for viewers)."""
    qs: IncidentQuerySet = visible_part(
        in_period(incidents(access, filters), filters.period), user, access
    )
    return qs


def sees_details(access: Access) -> bool:
    """Viewers see aggregates only; everyone else sees the incidents ``visible_to`` allows."""
    return access.role != Role.VIEWER
