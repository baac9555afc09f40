"""The police's published events of the period, by type and municipality (never on the map)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from samtrygg.incidents.models import PoliceEvent
from samtrygg.partnerships.access import Access
from samtrygg.picture.filters import Filters


@dataclass(frozen=True)
class PoliceTable:
    caption: str
    municipalities: list[str]
    rows: list[tuple[str, list[int], int]]


def police_table(access: Access, filters: Filters) -> PoliceTable:
    """Police events of the period by type and municipality (they never go on the street map)."""
    p = filters.period
    qs = PoliceEvent.objects.filter(partnership=access.partnership, is_summary=False).filter(
        Q(occurred_at__gte=p.start_utc, occurred_at__lt=p.end_utc)
        | Q(occurred_at__isnull=True, published_at__gte=p.start_utc, published_at__lt=p.end_utc)
    )
    if filters.area is not None and filters.area.kind == "municipality":
        qs = qs.filter(municipality_code=filters.area.code)
    grouped = list(qs.order_by().values("type", "municipality").annotate(n=Count("id")))
    municipalities = sorted({g["municipality"] for g in grouped})
    types = sorted({g["type"] for g in grouped})
    cells = {(g["type"], g["municipality"]): g["n"] for g in grouped}
    rows = []
    for t in types:
        values = [cells.get((t, m), 0) for m in municipalities]
        rows.append((t, values, sum(values)))
    rows.sort(key=lambda r: -r[2])
    return PoliceTable(
        _("Police events by type and municipality, %(span)s") % {"span": p.span_label()},
        municipalities,
        rows,
    )
