"""Retention periods per category: old incidents are anonymised or deleted automatically.

GDPR's storage limitation (docs/domain.md §11): a partnership keeps an incident's details only as
long as its category's retention period. After that, :func:`apply_retention` (run daily by
``samtrygg manage apply_retention``) either

- **anonymises** it: the free text and the place name are emptied and the point moves to the
  centre of its 250 m SWEREF 99 TM square; category, time and organisation stay, so counts,
  trends and the lägesbild's earlier years still add up, and the area links follow the moved
  point (an area drawn later then counts it the same way); or
- **deletes** it, with its area links.

Both reach the incident's history of corrections too: anonymising removes the earlier texts,
places and points (and withdrawal reasons) kept there, deleting removes the history.

Each category's run is one transaction and leaves a :class:`RetentionRun` with the count.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from samtrygg.analysis.disclosure import snap_to_grid
from samtrygg.analysis.geo import CELL_SIZE, SWEREF99TM, to_lonlat, to_metric
from samtrygg.incidents.linking import link_incidents
from samtrygg.incidents.models import (
    Category,
    Incident,
    IncidentChange,
    RetentionAction,
    RetentionRun,
)
from samtrygg.partnerships.dataversion import changed
from samtrygg.partnerships.models import Partnership

BATCH = 2000

# What an anonymised incident's history must not keep: its earlier text and place.
SCRUBBED = ("place", "point", "description")


def months_before(when: datetime, months: int) -> datetime:
    """The same local wall-clock time ``months`` calendar months earlier (day clamped).

    >>> from datetime import datetime
    >>> months_before(datetime(2026, 3, 31, 12, 0), 1)
    datetime.datetime(2026, 2, 28, 12, 0)
    >>> months_before(datetime(2026, 1, 15), 13)
    datetime.datetime(2024, 12, 15, 0, 0)
    """
    index = when.year * 12 + (when.month - 1) - months
    year, month = divmod(index, 12)
    day = min(when.day, calendar.monthrange(year, month + 1)[1])
    return when.replace(year=year, month=month + 1, day=day)


def cutoff(category: Category, now: datetime | None = None) -> datetime | None:
    """Incidents that ended before this moment are past the category's retention period."""
    if not category.retention_months:
        return None
    local = timezone.localtime(now or timezone.now())
    return months_before(local, category.retention_months)


@dataclass(frozen=True)
class RetentionResult:
    """What :func:`apply_retention` did (or, in a dry run, would do) for one category."""

    category: Category
    action: str
    cutoff: datetime
    count: int


def expired(category: Category, limit: datetime) -> QuerySet[Incident]:
    """The category's incidents that ended before ``limit`` and still need the action."""
    # Withdrawn incidents still hold their details: the same period applies to them.
    qs = Incident.all_objects.filter(category=category, occurred_to__lt=limit)
    if category.retention_action == RetentionAction.ANONYMISE:
        qs = qs.filter(anonymised_at__isnull=True)
    return qs


def anonymise(incidents: list[Incident], now: datetime) -> None:
    """Empty the text and place and move each point to the centre of its 250 m square."""
    located = [i for i in incidents if i.lon is not None and i.lat is not None]
    if located:
        x, y, _crs = to_metric(
            np.array([i.lon for i in located]), np.array([i.lat for i in located]), SWEREF99TM
        )
        # The same snapping as the public maps' cells (one cell size, one rule).
        lon, lat = to_lonlat(*snap_to_grid(x, y, CELL_SIZE), SWEREF99TM)
        for incident, new_lon, new_lat in zip(located, lon.tolist(), lat.tolist(), strict=True):
            incident.lon, incident.lat = round(new_lon, 6), round(new_lat, 6)
    for incident in incidents:
        incident.description = ""
        incident.place = ""
        incident.anonymised_at = now
    Incident.all_objects.bulk_update(
        incidents, ["lon", "lat", "description", "place", "anonymised_at"], batch_size=BATCH
    )
    scrub_history([i.pk for i in incidents])


def scrub_history(ids: list[int]) -> None:
    """Remove the earlier texts, places and points from the history of incidents ``ids``."""
    for start in range(0, len(ids), BATCH):
        changes = list(IncidentChange.objects.filter(incident_id__in=ids[start : start + BATCH]))
        for change in changes:
            change.before = {k: v for k, v in change.before.items() if k not in SCRUBBED}
            change.after = {k: v for k, v in change.after.items() if k not in SCRUBBED}
            change.reason = ""
        IncidentChange.objects.bulk_update(changes, ["before", "after", "reason"])


def apply_retention(
    partnership: Partnership | None = None,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
) -> list[RetentionResult]:
    """Anonymise or delete every incident past its category's retention period.

    Parameters
    ----------
    partnership : Partnership, optional
        Only this partnership's categories (default: all).
    now : datetime, optional
        The present (default: the current time); injected in tests.
    dry_run : bool
        Count only; change nothing.

    Returns
    -------
    list of RetentionResult
        One per category with a retention period, also those with nothing to do.
    """
    moment = now or timezone.now()
    categories = Category.objects.filter(retention_months__gt=0).order_by("partnership", "pk")
    if partnership is not None:
        categories = categories.filter(partnership=partnership)
    results = []
    for category in categories:
        limit = cutoff(category, moment)
        assert limit is not None  # retention_months > 0
        with transaction.atomic():
            qs = expired(category, limit)
            if dry_run:
                count = qs.count()
            elif category.retention_action == RetentionAction.DELETE:
                count = qs.count()
                qs.delete()
            else:
                rows = list(qs.only("pk", "lon", "lat"))
                anonymise(rows, moment)
                count = len(rows)
                if count:
                    link_incidents(
                        category.partnership,
                        incidents=Incident.all_objects.filter(
                            category=category, anonymised_at=moment
                        ),
                    )
            if count and not dry_run:
                changed(category.partnership_id)  # bulk deletes and updates send no signals
                RetentionRun.objects.create(
                    partnership_id=category.partnership_id,
                    category=category,
                    action=category.retention_action,
                    cutoff=limit,
                    count=count,
                )
        results.append(RetentionResult(category, category.retention_action, limit, count))
    return results
