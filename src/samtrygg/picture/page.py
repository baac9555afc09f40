"""The whole picture of one period, area and category: every section, built for the page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from samtrygg.areas.models import Area
from samtrygg.incidents.models import Category, Incident, IncidentArea
from samtrygg.partnerships.access import Access
from samtrygg.partnerships.disclosure import disclosure_rule
from samtrygg.partnerships.models import Organisation
from samtrygg.periods import Period, cycle_window, week_of
from samtrygg.picture.changes import ChangeTable, change_table
from samtrygg.picture.counts import CountTable, count_table, positions, publish_groups
from samtrygg.picture.cycle import HeatMap, annual_cycle_maps
from samtrygg.picture.filters import Filters, in_period, incidents, sees_details
from samtrygg.picture.mapdata import MAX_POINTS
from samtrygg.picture.places import Place, weekly_places
from samtrygg.picture.police import PoliceTable, police_table


@dataclass
class Picture:
    """Everything the page shows."""

    filters: Filters
    previous: Period
    last_year: Period
    exact: bool
    details: bool
    synthetic: bool
    total: int
    by_category: CountTable
    by_area: CountTable
    by_organisation: CountTable
    changes: list[ChangeTable]
    heat_maps: list[HeatMap]
    week: Period
    places: list[Place]
    police: PoliceTable
    k: int
    noise: int
    max_points: int = MAX_POINTS


def _category_counts(qs: QuerySet[Any], windows: Sequence[Period]) -> dict[int, list[int]]:
    """Counts per category in each window, in one grouped query."""
    aggregates = {
        f"n{i}": Count("id", filter=Q(occurred_from__gte=w.start_utc, occurred_from__lt=w.end_utc))
        for i, w in enumerate(windows)
    }
    span = Q()
    for w in windows:
        span |= Q(occurred_from__gte=w.start_utc, occurred_from__lt=w.end_utc)
    grouped = qs.filter(span).order_by().values("category_id").annotate(**aggregates)
    return {g["category_id"]: [g[f"n{i}"] for i in range(len(windows))] for g in grouped}


def _published_by(qs: QuerySet[Any], field: str, order: Sequence[int]) -> list[int]:
    """Published counts of ``qs``'s incidents grouped by ``field`` (a foreign key id) in
    ``order``; rows whose value is not in ``order`` are left out."""
    rows = np.array(list(qs.order_by().values_list("id", field)), dtype=np.int64).reshape(-1, 2)
    keep = np.isin(rows[:, 1], np.asarray(order, dtype=np.int64))
    rows = rows[keep]
    return publish_groups(rows[:, 0], positions(rows[:, 1].tolist(), order), len(order))


def build_picture(user: Any, access: Access, filters: Filters) -> Picture:
    """The situational picture for one period, area and category."""
    period = filters.period
    previous, last_year = period.previous(), period.last_year()
    exact = access.sees_all_data
    qs = incidents(access, filters)
    counts = _category_counts(qs, [period, previous, last_year])
    categories = list(Category.objects.filter(partnership=access.partnership))
    if filters.category is not None:
        categories = [c for c in categories if c.pk == filters.category.pk]
    # Retired categories are listed only where they still have incidents.
    categories = [c for c in categories if c.retired_at is None or c.pk in counts]
    names = [c.name for c in categories]
    cur = [counts.get(c.pk, [0, 0, 0])[0] for c in categories]
    prev = [counts.get(c.pk, [0, 0, 0])[1] for c in categories]
    last = [counts.get(c.pk, [0, 0, 0])[2] for c in categories]
    current_qs = in_period(qs, period)
    if not exact:
        # What readers of aggregates see, and every number derived from it, is published.
        cat_ids = [c.pk for c in categories]
        cur, prev, last = (
            _published_by(in_period(qs, w), "category_id", cat_ids)
            for w in (period, previous, last_year)
        )
    by_area = dict(
        IncidentArea.objects.filter(incident__in=current_qs)
        .order_by()
        .values("area_id")
        .annotate(n=Count("id"))
        .values_list("area_id", "n")
    )
    areas = list(Area.objects.filter(partnership=access.partnership))
    by_org = dict(
        current_qs.order_by().values("organisation_id").annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )  # fmt: skip
    orgs = list(Organisation.objects.filter(partnership=access.partnership))
    area_counts = [by_area.get(a.pk, 0) for a in areas]
    org_counts = [by_org.get(o.pk, 0) for o in orgs]
    if not exact:
        links = IncidentArea.objects.filter(incident__in=current_qs).values_list(
            "incident_id", "area_id"
        )
        pairs = np.array(list(links), dtype=np.int64).reshape(-1, 2)
        area_ids = [a.pk for a in areas]
        pairs = pairs[np.isin(pairs[:, 1], np.asarray(area_ids, dtype=np.int64))]
        area_counts = publish_groups(
            pairs[:, 0], positions(pairs[:, 1].tolist(), area_ids), len(area_ids)
        )
        org_counts = _published_by(current_qs, "organisation_id", [o.pk for o in orgs])
    rule = disclosure_rule()
    span = period.span_label()
    return Picture(
        filters=filters,
        previous=previous,
        last_year=last_year,
        exact=exact,
        details=sees_details(access),
        synthetic=in_period(
            Incident.objects.filter(partnership=access.partnership), cycle_window(period)
        )
        .filter(is_synthetic=True)
        .exists(),
        total=sum(cur),
        by_category=count_table(
            _("Incidents by category, %(span)s") % {"span": span},
            _("Category"),
            names,
            cur,
            not exact,
        ),
        by_area=count_table(
            _("Incidents by area, %(span)s (an incident counts in every area that contains it)")
            % {"span": span},
            _("Area"),
            [a.name for a in areas],
            area_counts,
            not exact,
        ),
        by_organisation=count_table(
            _("Incidents by reporting organisation, %(span)s") % {"span": span},
            _("Organisation"),
            [o.name for o in orgs],
            org_counts,
            not exact,
        ),
        changes=[
            change_table(
                _("Change against the previous period (%(span)s)")
                % {"span": previous.span_label()},
                _("Previous period"),
                names,
                cur,
                prev,
                period.days,
                previous.days,
            ),
            change_table(
                _("Change against the same period last year (%(span)s)")
                % {"span": last_year.span_label()},
                _("Last year"),
                names,
                cur,
                last,
                period.days,
                last_year.days,
            ),
        ],
        heat_maps=annual_cycle_maps(qs, period, exact),
        week=week_of(period),
        places=weekly_places(user, access, filters, exact),
        police=police_table(access, filters),
        k=rule.k,
        noise=rule.noise,
    )
