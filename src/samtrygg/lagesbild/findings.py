"""Tested hotspots and near-repeat findings for the drafted lägesbild.

Brå asks a lägesbild where problems are largest and which places and times recur. Two tested
findings answer that from the period's incidents, both from the analysis library:

1. Hotspots: Getis–Ord Gi* on a 250 m grid in SWEREF 99 TM (queen neighbours, 999
   permutations, Benjamini–Hochberg), described by the areas each hot cell lies in.
2. Near repeats: the Knox test on burglaries with an exact time (100/200/400 m, 0–6 and 7–13
   days, 99 permutations), summarised in words here from the library's numbers.

Only cell centres (never incident points) are kept with the document.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samtrygg.analysis import geo
from samtrygg.analysis.errors import AnalysisError
from samtrygg.analysis.hotspots import gi_star
from samtrygg.analysis.nearrepeat import KnoxFindings, RaisedRisk, knox
from samtrygg.areas.models import Area
from samtrygg.areas.services import assign_points
from samtrygg.incidents.models import Incident, TimeBand
from samtrygg.partnerships.disclosure import disclosure_rule

MIN_EVENTS = 20
BURGLARY = "inbrott"
SEED = 2023  # the year of Lag (2023:196); any fixed seed makes the draft reproducible


def hotspots(
    partnership_id: int, start: datetime, end: datetime, limit: int = 10
) -> dict[str, Any]:
    """The significant hot cells of the period, strongest first, with the areas they lie in."""
    points = list(
        Incident.objects.filter(
            partnership_id=partnership_id,
            occurred_from__gte=start,
            occurred_from__lt=end,
        )
        .with_precise_point()
        .values_list("id", "lon", "lat")
    )
    if len(points) < MIN_EVENTS:
        return {"cells": [], "note": _("Too few located incidents for a hotspot test.")}
    ids = np.array([p[0] for p in points], dtype=np.int64)
    lon, lat = np.array([p[1:] for p in points], dtype=float).T
    x, y, crs = geo.to_metric(lon, lat, geo.SWEREF99TM)
    grid = geo.Grid.covering(x, y, geo.CELL_SIZE, crs=crs)
    counts = grid.counts(x, y)
    try:
        result = gi_star(counts, neighbourhood="queen", correction="fdr", seed=SEED)
    except AnalysisError as exc:
        return {"cells": [], "note": str(exc)}
    hot = np.flatnonzero(result.classes == "hot")
    hot = hot[np.argsort(-result.z_scores[hot])][:limit]
    rows, cols = np.divmod(hot, grid.n_cols)
    cx, cy = grid.centres()
    clon, clat = geo.to_lonlat(cx[rows, cols], cy[rows, cols], crs)
    areas = list(Area.objects.filter(partnership_id=partnership_id).sub_areas())
    names = {a.pk: a.name for a in areas}
    inside = assign_points(areas, clon, clat)
    # Each hot cell's count as readers without exact access see it (docs/privacy.md).
    row, col = grid.cell_of(x, y)
    flat = row * grid.n_cols + col
    on_hot = np.isin(flat, hot)
    position = {int(cell): i for i, cell in enumerate(hot)}
    groups = np.array([position[int(c)] for c in flat[on_hot]], dtype=np.int64)
    published = disclosure_rule().publish(ids[on_hot], groups, max(len(hot), 1))
    cells = [
        {
            "lon": round(float(clon[i]), 5),
            "lat": round(float(clat[i]), 5),
            "count": int(counts.flat[cell]),
            "published": int(published[i]),
            "z": round(float(result.z_scores[cell]), 2),
            "p_adjusted": float(result.p_adjusted[cell]),
            "areas": [names[a] for a in inside[i]],
        }
        for i, cell in enumerate(hot)
    ]
    return {"cells": cells, "cell_size": geo.CELL_SIZE, "method": "gi_star+fdr"}


def near_repeats(partnership_id: int, start: datetime, end: datetime) -> dict[str, Any]:
    """Knox test on the period's burglaries that have an exact time and a place."""
    rows = list(
        Incident.objects.filter(
            partnership_id=partnership_id,
            category__name__iexact=BURGLARY,
            time_band=TimeBand.EXACT,
            occurred_from__gte=start,
            occurred_from__lt=end,
        )
        .with_precise_point()
        .values_list("lon", "lat", "occurred_from")
    )
    if len(rows) < MIN_EVENTS:
        return {"summary": "", "note": _("Too few timed burglaries for a near-repeat test.")}
    lon = np.array([r[0] for r in rows], dtype=float)
    lat = np.array([r[1] for r in rows], dtype=float)
    days = np.array([r[2].date().toordinal() for r in rows])
    x, y, _crs = geo.to_metric(lon, lat, geo.SWEREF99TM)
    try:
        result = knox(x, y, days, [0, 100, 200, 400], [0, 7, 14], iterations=99, seed=SEED)
    except AnalysisError as exc:
        return {"summary": "", "note": str(exc)}
    return {
        "summary": near_repeat_summary(result.findings()),
        "n_events": int(result.n_events),
        "ratio": _finite(result.ratio, 2),
        "p_values": _finite(result.p_values, 3),
    }


def near_repeat_summary(found: KnoxFindings) -> str:
    """One sentence per distance band where burglaries raise the risk, in the active language."""
    sentences = [_raised_sentence(band) for band in found.raised]
    if not sentences:
        sentences.append(
            _(
                "No raised risk: no distance and time band near the events is both significant "
                "(p ≤ %(alpha)s) and clearly raised (ratio ≥ %(ratio)s)."
            )
            % {"alpha": _number(found.alpha), "ratio": _number(found.min_ratio)}
        )
    if found.too_few_permutations:
        sentences[-1] += " " + _(
            "With %(permutations)s permutations p cannot be lower than %(p_floor)s; use more."
        ) % {"permutations": found.iterations, "p_floor": _number(found.p_floor)}
    return " ".join(sentences)


def _raised_sentence(band: RaisedRisk) -> str:
    values = {
        "event": _("a burglary"),
        "window": _window(band),
        "pct": band.increase_percent,
        "low": _number(band.distance_low),
        "high": _number(band.distance_high),
    }
    if band.same_location:
        return (
            _("At the same place as %(event)s the risk is raised %(window)s, by about %(pct)s%%.")
            % values
        )
    return (
        _(
            "Within %(low)s–%(high)s m of %(event)s the risk is raised %(window)s, "
            "by about %(pct)s%%."
        )
        % values
    )


def _window(band: RaisedRisk) -> str:
    low, high = band.days_low, band.days_high
    if band.window == "same-day":
        return _("on the same day")
    if band.window == "up-to":
        # Day bands are whole days; "1" is the only singular.
        return ngettext(
            "for up to %(days)s day", "for up to %(days)s days", 1 if high == 1 else 2
        ) % {"days": f"{high:g}"}
    span = f"{low:g}" if low == high else f"{low:g}–{high:g}"
    return _("%(days)s days later") % {"days": span}


def _number(value: float) -> str:
    # The language's decimal mark: "0,05" in Swedish, "0.05" in English.
    return f"{value:g}".replace(".", str(get_format("DECIMAL_SEPARATOR")))


def _finite(values: Any, digits: int) -> list[list[float | None]]:
    # JSON (and PostgreSQL's jsonb) has no NaN or infinity: an undefined ratio is null.
    return [
        [round(float(v), digits) if np.isfinite(v) else None for v in row]
        for row in np.asarray(values, dtype=float)
    ]
