"""The public page's numbers: incidents per category × quarter and per area, perturbed.

Everything here is computed for anyone on the internet, so it reads only aggregates: incident
ids grouped in the database by category and quarter or by area, turned into published values by
the installation's cell-key rule (:mod:`samtrygg.partnerships.disclosure`,
:mod:`samtrygg.analysis.disclosure`) before they leave this module. No incident row,
coordinate, place, description or person ever does.

Decisions
---------
* **Complete quarters only.** The table covers the last four *finished* calendar quarters
  (Europe/Stockholm). Two consecutive releases share three quarters, and a quarter's incidents
  are the same set in both, so its cells carry the same noise and differencing gains nothing.
* **Every cell is perturbed, totals add up.** A cell is 0 or at least k; row, column and grand
  totals are the sums of the published cells, so they tell nothing the cells do not.
* **Areas overlap** (a district lies inside its municipality); each area is a cell of its own
  with its own key, so subtracting one area from another leaves the noise of both
  (docs/privacy.md). Areas are not added up.
* Categories marked not public are left out entirely (neither a row nor in any total or area).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from samtrygg import periods
from samtrygg.analysis.disclosure import CellKeyRule, additive_total
from samtrygg.areas.models import Area, AreaKind
from samtrygg.incidents.models import Category, Incident, IncidentArea
from samtrygg.partnerships.disclosure import disclosure_rule
from samtrygg.partnerships.models import Partnership

PUBLIC_AREA_KINDS = (
    AreaKind.MUNICIPALITY,
    AreaKind.REGSO,
    AreaKind.DESO,
    AreaKind.IMPORTED,
    AreaKind.DRAWN,
)
N_QUARTERS = 4


@dataclass(frozen=True)
class Quarter:
    start: datetime
    end: datetime
    label: str


def last_quarters(today: date, n: int = N_QUARTERS) -> list[Quarter]:
    """The last ``n`` complete calendar quarters before ``today`` (local time), oldest first."""
    return [
        Quarter(
            start=q.start_utc,
            end=q.end_utc,
            label=_("Q%(q)d %(year)d") % {"q": (q.start.month - 1) // 3 + 1, "year": q.start.year},
        )
        for q in periods.complete_quarters(today, n)
    ]


def category_quarter_counts(
    partnership: Partnership, quarters: list[Quarter], rule: CellKeyRule
) -> tuple[list[str], list[list[int]]]:
    """Published incidents per category × quarter (each cell perturbed by its own key).

    The rows are the active public categories and any retired one with incidents in the period.
    """
    qs = Incident.objects.filter(
        partnership=partnership,
        category__is_public=True,
        occurred_from__gte=quarters[0].start,
        occurred_from__lt=quarters[-1].end,
    )
    which = Case(
        *[When(occurred_from__lt=q.end, then=Value(i)) for i, q in enumerate(quarters)],
        output_field=IntegerField(),
    )
    rows = np.array(
        list(qs.order_by().annotate(quarter=which).values_list("id", "category_id", "quarter")),
        dtype=np.int64,
    ).reshape(-1, 3)
    present = set(rows[:, 1].tolist())
    categories = [
        c
        for c in Category.objects.filter(partnership=partnership, is_public=True)
        if c.retired_at is None or c.pk in present
    ]
    position = {c.pk: i for i, c in enumerate(categories)}
    nq = len(quarters)
    cat = np.array([position[int(c)] for c in rows[:, 1]], dtype=np.int64)
    published = rule.publish(rows[:, 0], cat * nq + rows[:, 2], len(categories) * nq)
    return [c.name for c in categories], published.reshape(len(categories), nq).tolist()


def area_counts(
    partnership: Partnership, start: datetime, end: datetime, rule: CellKeyRule
) -> tuple[list[Area], list[int]]:
    """The public areas and their published counts of public incidents in [start, end)."""
    areas = list(Area.objects.filter(partnership=partnership, kind__in=PUBLIC_AREA_KINDS))
    if not areas:
        return [], []
    position = {a.pk: i for i, a in enumerate(areas)}
    links = IncidentArea.objects.filter(
        area__in=areas,
        incident__partnership=partnership,
        incident__category__is_public=True,
        incident__occurred_from__gte=start,
        incident__occurred_from__lt=end,
    )
    pairs = np.array(list(links.values_list("incident_id", "area_id")), dtype=np.int64)
    pairs = pairs.reshape(-1, 2)
    groups = np.array([position[int(a)] for a in pairs[:, 1]], dtype=np.int64)
    return areas, rule.publish(pairs[:, 0], groups, len(areas)).tolist()


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: list[int]
    total: int


@dataclass(frozen=True)
class AreaRow:
    name: str
    kind: str
    count: int


@dataclass(frozen=True)
class PublicStatistics:
    k: int
    noise: int
    quarters: list[Quarter]
    rows: list[TableRow]
    column_totals: list[int]
    grand_total: int
    areas: list[AreaRow]
    period_label: str


def public_statistics(
    partnership: Partnership, today: date | None = None, rule: CellKeyRule | None = None
) -> PublicStatistics | None:
    """The perturbed statistics, or None when the partnership has no public categories."""
    rule = rule or disclosure_rule()
    quarters = last_quarters(today or timezone.localdate())
    names, cells = category_quarter_counts(partnership, quarters, rule)
    if not names:
        return None
    areas, area_values = area_counts(partnership, quarters[0].start, quarters[-1].end, rule)
    columns = [additive_total(col) for col in zip(*cells, strict=True)]
    return PublicStatistics(
        k=rule.k,
        noise=rule.noise,
        quarters=quarters,
        rows=[
            TableRow(label=name, cells=row, total=additive_total(row))
            for name, row in zip(names, cells, strict=True)
        ],
        column_totals=columns,
        grand_total=additive_total(columns),
        areas=[
            AreaRow(name=a.name, kind=str(a.get_kind_display()), count=v)
            for a, v in zip(areas, area_values, strict=True)
        ],
        period_label=_("%(first)s – %(last)s")
        % {"first": quarters[0].label, "last": quarters[-1].label},
    )


def public_map(
    partnership: Partnership, today: date | None = None, rule: CellKeyRule | None = None
) -> dict[str, Any]:
    """Area polygons with their published counts: nothing finer than an area, no incident."""
    rule = rule or disclosure_rule()
    quarters = last_quarters(today or timezone.localdate())
    areas, values = area_counts(partnership, quarters[0].start, quarters[-1].end, rule)
    return {
        "type": "FeatureCollection",
        "properties": {"k": rule.k, "noise": rule.noise},
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "name": a.name,
                    "kind": a.kind,
                    "count": v,
                    "label": f"{a.name}: {v}",
                },
                "geometry": a.geometry,
            }
            for a, v in zip(areas, values, strict=True)
        ],
    }
