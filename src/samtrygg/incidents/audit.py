"""The log of who saw or exported the details of incidents in sensitive categories.

Every page and download that shows an incident's details calls :func:`log_sensitive` with what
it showed; only the sensitive ones among them are recorded, one row per page view or download.
Aggregates (counts, suppressed cells) are not details and are not logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from samtrygg.incidents.models import Incident, SensitiveAccess
from samtrygg.partnerships.models import Partnership

# An export can hold thousands of incidents; the log keeps their count and the first ids.
MAX_IDS = 5000


def log_sensitive(
    user: Any,
    partnership: Partnership,
    action: str,
    shown: QuerySet[Incident] | Iterable[int],
    what: str = "",
) -> SensitiveAccess | None:
    """Record that ``user`` saw ``shown`` (a queryset or incident ids), if any is sensitive.

    Returns the record, or None when nothing shown was sensitive.
    """
    if isinstance(shown, QuerySet):
        qs = shown
    else:
        ids = list(shown)
        if not ids:
            return None
        # A withdrawn incident's page is read too, and must be logged like any other.
        qs = Incident.all_objects.filter(pk__in=ids)
    sensitive = list(
        qs.filter(category__is_sensitive=True).order_by("pk").values_list("pk", flat=True)
    )
    if not sensitive:
        return None
    return SensitiveAccess.objects.create(
        partnership=partnership,
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        what=what[:200],
        incident_ids=sensitive[:MAX_IDS],
        count=len(sensitive),
    )
