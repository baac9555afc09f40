"""The first draft of a yearly lägesbild, made from the partnership's incidents.

Samtrygg drafts § 4 point 1 (the extent and development of crime and disorder) and people write
the rest. The figures the text was made from are stored with the document (``Lagesbild.figures``)
so that an adopted lägesbild keeps the numbers it was adopted with.

The counts and tests come from the analysis library (``samtrygg.analysis.trends``); this module
only fetches incidents, calls it and puts plain words to the results.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import formats
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import gettext as _

from samtrygg.analysis import trends
from samtrygg.analysis.changes import ALPHA, change_test
from samtrygg.analysis.cycle import annual_cycle
from samtrygg.analysis.disclosure import CellKeyRule, additive_total
from samtrygg.areas.models import Area
from samtrygg.incidents.models import Category, Incident, IncidentArea
from samtrygg.lagesbild import findings, maps, voices
from samtrygg.lagesbild.models import Lagesbild, SourceEntry
from samtrygg.partnerships.changelog import record
from samtrygg.partnerships.disclosure import disclosure_rule, public_k
from samtrygg.partnerships.models import Partnership
from samtrygg.periods import lagesbild_year, local_day_bounds
from samtrygg.reference import services as reference


def _window(first: date, last: date, prefix: str = "") -> Q:
    """Incidents that began on local days ``first``..``last`` (``prefix`` for related models)."""
    start, end = local_day_bounds(first, last)
    return Q(**{f"{prefix}occurred_from__gte": start, f"{prefix}occurred_from__lt": end})


def _fmt_p(p: float) -> str:
    if p < 0.001:
        return "< " + str(formats.number_format(0.001, 3))
    return "= " + str(formats.number_format(round(p, 3), 3))


def verdict(difference: float, p: float) -> tuple[str, str]:
    """Plain words for a tested change (p already corrected), and its direction."""
    if not p < ALPHA:
        return _("no reliable change"), ""
    if difference > 0:
        return _("increase, unlikely to be chance (p %(p)s)") % {"p": _fmt_p(p)}, "up"
    return _("decrease, unlikely to be chance (p %(p)s)") % {"p": _fmt_p(p)}, "down"


def _rows(
    labels: list[str], current: list[int], previous: list[int], days: tuple[int, int]
) -> list[dict[str, Any]]:
    """One row per label with counts, the E-test p, its Holm-adjusted p and the verdict.

    Labels without incidents in either period are left out (there is nothing to test).
    """
    keep = [i for i in range(len(labels)) if current[i] + previous[i] > 0]
    if not keep:
        return []
    changes = change_test(
        [current[i] for i in keep],
        [previous[i] for i in keep],
        days[0],
        days[1],
        labels=[labels[i] for i in keep],
    )
    comp, adjusted = changes.comparison, changes.p_adjusted
    rows: list[dict[str, Any]] = []
    for j, i in enumerate(keep):
        text, direction = verdict(float(comp.difference[j]), float(adjusted[j]))
        rows.append(
            {
                "name": labels[i],
                "current": current[i],
                "previous": previous[i],
                "difference": round(float(comp.difference[j]), 1),
                "p": float(comp.p_values[j]),
                "p_adjusted": float(adjusted[j]),
                "verdict": text,
                "direction": direction,
            }
        )
    rows.sort(key=lambda r: (-r["current"], r["name"]))
    return rows


def _profile(qs: Any, first: date, last: date) -> tuple[list[int], list[int]]:
    """Counts by calendar month (January first) and weekday (Monday first), in local time."""
    start, end = local_day_bounds(first, last)
    utc = list(
        qs.filter(occurred_from__gte=start, occurred_from__lt=end).values_list(
            "occurred_from", flat=True
        )
    )
    if not utc:
        return [0] * 12, [0] * 7
    naive = np.array([t.replace(tzinfo=None) for t in utc], dtype="datetime64[s]")
    cycle = annual_cycle(trends.to_local_time(naive), start=first.isoformat(), end=last.isoformat())
    return [int(n) for n in cycle.month_counts], [int(n) for n in cycle.weekday_counts]


def figures(partnership: Partnership, first: date, last: date) -> dict[str, Any]:
    """The lägesbild's numbers for ``first``..``last`` against the year before.

    1. Incidents are counted by the local day they began, by category and by area, in the
       period and in the same length of time just before it.
    2. Each category and area is tested with the product's one change test (the Poisson E-test,
       exposure in days, Holm's correction within each table:
       :func:`samtrygg.analysis.changes.change_test`, shared with the weekly picture).
    3. The month and weekday profile of the period comes from ``cycle.annual_cycle``.
    """
    days = (last - first).days + 1
    prev_last = first - timedelta(days=1)
    prev_first = prev_last - timedelta(days=days - 1)
    prev_days = days
    qs = Incident.objects.filter(partnership=partnership)
    now_q, before_q = _window(first, last), _window(prev_first, prev_last)
    now_a, before_a = (
        _window(first, last, "incident__"),
        _window(prev_first, prev_last, "incident__"),
    )
    by_cat = {
        g["category_id"]: (g["n1"], g["n0"])
        for g in qs.filter(now_q | before_q)
        .order_by()
        .values("category_id")
        .annotate(n1=Count("id", filter=now_q), n0=Count("id", filter=before_q))
    }
    categories = list(Category.objects.filter(pk__in=by_cat))
    by_area = {
        g["area_id"]: (g["n1"], g["n0"])
        for g in IncidentArea.objects.filter(incident__partnership=partnership)
        .filter(now_a | before_a)
        .order_by()
        .values("area_id")
        .annotate(n1=Count("id", filter=now_a), n0=Count("id", filter=before_a))
    }
    areas = list(Area.objects.filter(pk__in=by_area))
    months, weekdays = _profile(qs, first, last)
    start, end = local_day_bounds(first, last)
    hot = findings.hotspots(partnership.pk, start, end)
    total_now = sum(n for n, _b in by_cat.values())
    total_before = sum(b for _n, b in by_cat.values())
    total = _rows([_("All categories")], [total_now], [total_before], (days, prev_days))
    fig = {
        "period": {"start": first.isoformat(), "end": last.isoformat(), "days": days},
        "previous": {
            "start": prev_first.isoformat(),
            "end": prev_last.isoformat(),
            "days": prev_days,
        },
        "method": "etest+holm",
        "total": total[0] if total else None,
        "categories": _rows(
            [c.name for c in categories],
            [by_cat[c.pk][0] for c in categories],
            [by_cat[c.pk][1] for c in categories],
            (days, prev_days),
        ),
        "areas": _rows(
            [a.name for a in areas],
            [by_area[a.pk][0] for a in areas],
            [by_area[a.pk][1] for a in areas],
            (days, prev_days),
        ),
        "months": [{"name": str(MONTHS[m + 1]), "count": months[m]} for m in range(12)],
        "weekdays": [{"name": str(WEEKDAYS[d]), "count": weekdays[d]} for d in range(7)],
        "hotspots": hot,
        "maps": maps.stored_maps(partnership, {pk: n for pk, (n, _b) in by_area.items()}, hot),
        "near_repeat": findings.near_repeats(partnership.pk, start, end),
    }
    fig["protected"] = _protected(
        partnership, (now_q, before_q), (now_a, before_a), (first, last), categories, areas, fig
    )
    return fig


def _split(rows: np.ndarray, keys: list[int], rule: CellKeyRule) -> tuple[list[int], list[int]]:
    """Published (this period, the period before) counts per key from (id, key, now) rows."""
    position = {key: i for i, key in enumerate(keys)}
    ids, groups = [], []
    for incident, key, now in rows.tolist():
        if key in position:
            ids.append(incident)
            groups.append(position[key] * 2 + now)
    published = rule.publish(np.array(ids, dtype=np.int64), np.array(groups, dtype=np.int64),
                             2 * len(keys)).reshape(-1, 2)  # fmt: skip
    return published[:, 1].tolist(), published[:, 0].tolist()


def _in_windows(qs: Any, now_q: Q, before_q: Q, record: str, key: str) -> np.ndarray:
    """(record id, key, 1 if in this period else 0) of the rows in either window."""
    now = Case(When(now_q, then=Value(1)), default=Value(0), output_field=IntegerField())
    rows = qs.filter(now_q | before_q).order_by().annotate(now=now)
    return np.array(list(rows.values_list(record, key, "now")), dtype=np.int64).reshape(-1, 3)


def _protected(
    partnership: Partnership,
    incident_windows: tuple[Q, Q],
    area_windows: tuple[Q, Q],
    period: tuple[date, date],
    categories: list[Category],
    areas: list[Area],
    fig: dict[str, Any],
) -> dict[str, Any]:
    """The figures as every reader without exact access sees them (docs/privacy.md).

    The lägesbild is read by viewers and reporters and may be published, so its numbers follow
    the same rule as the public page: every count is perturbed by the cell key of the incidents
    behind it (:class:`~samtrygg.analysis.disclosure.CellKeyRule`), so that the same incidents
    always give the same published number across versions, and the totals are the sums of the
    published parts. Subtracting the categories from the total, or one version from the next,
    therefore reveals no count below k. The changes shown beside them are tested on these
    published counts, so that nothing printed is computed from a hidden number.
    """
    rule = disclosure_rule()
    now_q, before_q = incident_windows
    now_a, before_a = area_windows
    days = (fig["period"]["days"], fig["previous"]["days"])
    rows = _in_windows(
        Incident.objects.filter(partnership=partnership), now_q, before_q, "id", "category_id"
    )
    cat_now, cat_before = _split(rows, [c.pk for c in categories], rule)
    links = _in_windows(
        IncidentArea.objects.filter(incident__partnership=partnership),
        now_a,
        before_a,
        "incident_id",
        "area_id",
    )
    area_now, area_before = _split(links, [a.pk for a in areas], rule)
    total = _rows(
        [_("All categories")],
        [additive_total(cat_now)],
        [additive_total(cat_before)],
        days,
    )
    months, weekdays = _protected_profile(partnership, period, rule)
    return {
        "total": total[0] if total else None,
        "categories": _rows([c.name for c in categories], cat_now, cat_before, days),
        "areas": _rows([a.name for a in areas], area_now, area_before, days),
        "months": [{"name": str(MONTHS[m + 1]), "count": months[m]} for m in range(12)],
        "weekdays": [{"name": str(WEEKDAYS[d]), "count": weekdays[d]} for d in range(7)],
        # The maps keep their shapes; only the counts they are coloured and labelled by differ.
        "map_counts": {
            "areas": _map_area_counts(partnership, areas, area_now),
            "cells": [c.get("published", 0) for c in (fig.get("hotspots") or {}).get("cells", [])],
        },
    }


def _map_area_counts(
    partnership: Partnership, areas: list[Area], published: list[int]
) -> list[int]:
    """The published count of each mapped area, in the order :func:`maps.stored_maps` maps them."""
    qs = Area.objects.filter(partnership=partnership)
    mapped = list(qs.sub_areas()) or list(qs.municipalities())
    by_pk = {a.pk: n for a, n in zip(areas, published, strict=True)}
    return [int(by_pk.get(a.pk, 0)) for a in mapped]


def _protected_profile(
    partnership: Partnership, period: tuple[date, date], rule: CellKeyRule
) -> tuple[list[int], list[int]]:
    """Published counts by calendar month and weekday of the period (local time)."""
    start, end = local_day_bounds(*period)
    rows = list(
        Incident.objects.filter(
            partnership=partnership, occurred_from__gte=start, occurred_from__lt=end
        ).values_list("id", "occurred_from")
    )
    if not rows:
        return [0] * 12, [0] * 7
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    naive = np.array([r[1].replace(tzinfo=None) for r in rows], dtype="datetime64[s]")
    local = trends.to_local_time(naive)
    month = local.astype("datetime64[M]").astype(np.int64) % 12
    # 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
    weekday = (local.astype("datetime64[D]").astype(np.int64) + 3) % 7
    return rule.publish(ids, month, 12).tolist(), rule.publish(ids, weekday, 7).tolist()


def shown_figures(fig: dict[str, Any], exact: bool) -> dict[str, Any]:
    """The figures a reader sees: all of them with exact access, else the protected ones.

    Documents drafted before the protected figures were kept (no ``"protected"`` key) show
    their counts with those below k hidden, and no total, which could otherwise be
    differenced against the shown parts.
    """
    if exact:
        return fig
    protected = fig.get("protected")
    if not isinstance(protected, dict):
        return _legacy_hidden(fig)
    shown = {**fig, **{key: value for key, value in protected.items() if key != "map_counts"}}
    stored = fig.get("maps")
    counts = protected.get("map_counts") or {}
    if isinstance(stored, dict):
        area_counts = counts.get("areas") or []
        cell_counts = counts.get("cells") or []
        shown["maps"] = {
            **stored,
            "areas": [
                {**a, "count": area_counts[i] if i < len(area_counts) else 0}
                for i, a in enumerate(stored.get("areas", []))
            ],
            "cells": [
                {**c, "count": cell_counts[i] if i < len(cell_counts) else 0}
                for i, c in enumerate(stored.get("cells", []))
            ],
        }
    hot = fig.get("hotspots")
    if isinstance(hot, dict):
        shown["hotspots"] = {
            **hot,
            "cells": [{**c, "count": c.get("published", 0)} for c in hot.get("cells", [])],
        }
    return shown


def _legacy_hidden(fig: dict[str, Any]) -> dict[str, Any]:
    k = public_k()

    def hide(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for r in rows:
            small = 0 < r["current"] < k or 0 < r["previous"] < k
            marker = f"<{k}"
            out.append(
                {**r, "current": marker, "previous": marker, "verdict": _("hidden")} if small else r
            )
        return out

    return {
        **fig,
        "total": None,
        "categories": hide(fig.get("categories", [])),
        "areas": hide(fig.get("areas", [])),
        "months": [
            {**m, "count": f"<{k}" if 0 < m["count"] < k else m["count"]}
            for m in fig.get("months", [])
        ],
        "weekdays": [
            {**d, "count": f"<{k}" if 0 < d["count"] < k else d["count"]}
            for d in fig.get("weekdays", [])
        ],
    }


def _count(n: int) -> str:
    k = public_k()  # counts 1..k-1 are written "fewer than k" (docs/domain.md §11)
    if 0 < n < k:
        return _("fewer than %(k)s") % {"k": k}
    return str(n)


def draft_extent(fig: dict[str, Any]) -> str:
    """A plain first draft of § 4 point 1 from the figures, for people to edit."""
    period = fig["period"]
    lines = [
        _(
            "During the period %(start)s to %(end)s, %(n)s incidents were recorded "
            "(the year before: %(m)s); %(verdict)s."
        )
        % {
            "start": period["start"],
            "end": period["end"],
            "n": _count(fig["total"]["current"] if fig["total"] else 0),
            "m": _count(fig["total"]["previous"] if fig["total"] else 0),
            "verdict": fig["total"]["verdict"] if fig["total"] else _("no reliable change"),
        },
        "",
    ]
    for key, heading in (("categories", _("By category")), ("areas", _("By area"))):
        if not fig[key]:
            continue
        lines.append(heading + ":")
        lines += [
            "- "
            + _("%(name)s: %(n)s (the year before: %(m)s), %(verdict)s.")
            % {
                "name": r["name"],
                "n": _count(r["current"]),
                "m": _count(r["previous"]),
                "verdict": r["verdict"],
            }
            for r in fig[key]
        ]
        lines.append("")
    months = [m for m in fig["months"] if m["count"]]
    if months:
        top = max(months, key=lambda m: m["count"])
        day = max(fig["weekdays"], key=lambda d: d["count"])
        lines.append(
            _("Most incidents began in %(month)s and on %(weekday)s.")
            % {"month": top["name"], "weekday": day["name"]}
        )
    lines += _finding_lines(fig)
    lines += reference.comparison_lines(fig)
    lines.append(
        _(
            "Changes are tested against the year before with the Poisson E-test and Holm's "
            "correction; a change is named only when chance is an unlikely explanation."
        )
    )
    return "\n".join(lines).strip()


def _finding_lines(fig: dict[str, Any]) -> list[str]:
    """Sentences for the tested hotspots and near repeats (older drafts may lack them)."""
    lines: list[str] = []
    cells = (fig.get("hotspots") or {}).get("cells") or []
    if cells:
        places = sorted({name for c in cells for name in c["areas"]})
        lines.append(
            _(
                "The hotspot test (Getis–Ord Gi*, 250 m cells, false discovery rate 5 %%) found "
                "%(n)s significant hot cells%(where)s."
            )
            % {
                "n": len(cells),
                "where": (_(", in %(places)s") % {"places": ", ".join(places)}) if places else "",
            }
        )
    summary = (fig.get("near_repeat") or {}).get("summary")
    if summary:
        lines.append(summary)
    return lines


def draft_voices(fig: dict[str, Any]) -> str:
    """A first draft of § 4 point 2 from what residents say and what the walks found.

    Empty when no survey, walk or dialogue of the period was recorded, so that adoption still
    asks people to write the section.
    """
    lines = voices.draft_lines(fig)
    if not any(lines):
        return ""
    return "\n".join([_("What residents say") + ":", "", *lines]).strip()


@transaction.atomic
def start_lagesbild(
    partnership: Partnership,
    year: int,
    actor: Any,
    *,
    title: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
) -> Lagesbild:
    """Create the year's draft lägesbild with drafted figures and extent text."""
    default_start, default_end = lagesbild_year(year)
    first, last = period_start or default_start, period_end or default_end
    fig = figures(partnership, first, last)
    # Kolada/Brå figures for the municipalities, county and country, kept with the document.
    fig["reference"] = reference.comparison(partnership, year)
    # What residents say (surveys, dialogues) and what the safety walks found, from the apps
    # that registered as sources (lagesbild/voices.py), beside what was reported.
    fig["voices"] = voices.collect(partnership, first, last)
    version = (
        Lagesbild.objects.filter(partnership=partnership, year=year)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    ) + 1
    lagesbild = Lagesbild.objects.create(
        partnership=partnership,
        year=year,
        version=version,
        title=title or _("Lägesbild %(year)s") % {"year": year},
        period_start=first,
        period_end=last,
        figures=fig,
        # Everyone reads the text, so it is drafted from the protected figures.
        extent=draft_extent(shown_figures(fig, exact=False)),
        other_information=draft_voices(fig),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # The imported reference series are proposed for the source inventory; people edit them.
    SourceEntry.objects.bulk_create(
        SourceEntry(lagesbild=lagesbild, used=True, **entry)
        for entry in reference.source_entries(fig) + voices.source_entries(fig)
    )
    record(partnership.pk, actor, lagesbild, "created", year=year)
    return lagesbild
