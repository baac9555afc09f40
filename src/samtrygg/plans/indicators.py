"""Indicators computed from the incidents: the count of a category (in an area) over a year."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from samtrygg.incidents.models import Incident, IncidentArea
from samtrygg.plans.models import Indicator

WINDOW = timedelta(days=365)


def computed_value(indicator: Indicator, now: datetime | None = None) -> int | None:
    """Incidents of the indicator's category (and area) that began in the last 12 months.

    None for an indicator without a category: its values are entered by people.
    """
    if indicator.category_id is None:
        return None
    end = now or timezone.now()
    qs = Incident.objects.filter(
        category_id=indicator.category_id,
        occurred_from__gte=end - WINDOW,
        occurred_from__lt=end,
    )
    if indicator.area_id is not None:
        qs = qs.filter(
            pk__in=IncidentArea.objects.filter(area_id=indicator.area_id).values("incident_id")
        )
    return qs.count()
