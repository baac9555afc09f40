"""Survey results per area on a map: the partnership's areas coloured by a chosen index.

1. The choices are the index formulas a survey's answers allow (problem, worry, safety index
   …) and the estimates it publishes itself (SCB's index, NTU's shares), and its years.
2. For the chosen index and year each survey area gets its value with the same rules as the
   results page: an index from fewer than k respondents (an estimate with n < k) is hidden.
3. A survey area is placed on one of the partnership's areas by its code, or else by its name
   (case ignored); survey areas without an outline are listed under the map.
4. The map is drawn as inline SVG by :mod:`samtrygg.rendering.svgmap` (offline, no tiles): five
   equal classes between the lowest and highest value shown, hidden areas grey.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import shapely
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from samtrygg.analysis import geo
from samtrygg.analysis import surveys as stats
from samtrygg.areas.models import Area
from samtrygg.rendering import svgmap
from samtrygg.surveys.models import Survey
from samtrygg.surveys.services import public_k

# ColorBrewer Blues: an index may be better high (safety) or low (problems), so the colours
# only say "higher", never "worse".
PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
HIDDEN = "#bdbdbd"
MARGIN = 0.04


def choices(survey: Survey) -> list[dict[str, str]]:
    """The indices the survey's figures allow: ``f:<formula>`` and ``e:<estimate item>``."""
    answered = set(
        survey.results.exclude(answer="").values_list("item", flat=True).distinct().order_by()
    )
    out = [
        {"value": f"f:{f.key}", "label": f.label}
        for f in stats.BUILTIN_FORMULAS.values()
        if answered & set(f.items)
    ]
    estimates = (
        survey.results.filter(answer="", value__isnull=False)
        .values_list("item", "item_text")
        .distinct()
        .order_by("item")
    )
    seen = set()
    for item, text in estimates:
        if item not in seen:
            seen.add(item)
            out.append({"value": f"e:{item}", "label": text or item})
    return out


def years(survey: Survey) -> list[int]:
    """The survey's years, oldest first."""
    return sorted(set(survey.results.values_list("year", flat=True).distinct().order_by()))


def values(survey: Survey, choice: str, year: int) -> list[dict[str, Any]]:
    """Per survey area: the chosen index's value, interval and n in ``year``, or hidden."""
    k = public_k()
    kind, _sep, key = choice.partition(":")
    rows = survey.results.filter(year=year)
    out: list[dict[str, Any]] = []
    if kind == "f" and key in stats.BUILTIN_FORMULAS:
        formula = stats.BUILTIN_FORMULAS[key]
        by_area: dict[tuple[str, str, str], dict[str, dict[str, int]]] = defaultdict(dict)
        for r in rows.filter(item__in=formula.items).exclude(answer=""):
            by_area[(r.level, r.area, r.area_code)].setdefault(r.item, {})[r.answer] = r.count or 0
        for (level, area, code), distributions in sorted(by_area.items()):
            result = stats.compute_index(formula, distributions)
            if result.value is None:
                continue
            row = {"level": level, "area": area, "code": code}
            if result.n < k:
                out.append({**row, "suppressed": True})
            else:
                out.append(
                    {**row, "value": result.value, "low": result.low, "high": result.high,
                     "n": result.n}
                )  # fmt: skip
    elif kind == "e":
        for r in rows.filter(item=key, answer="", value__isnull=False).order_by("level", "area"):
            row = {"level": r.level, "area": r.area, "code": r.area_code}
            if r.n is not None and stats.is_small(r.n, k):
                out.append({**row, "suppressed": True})
            else:
                out.append({**row, "value": r.value, "low": r.low, "high": r.high, "n": r.n})
    return out


def _metric(geometry: dict[str, Any]) -> BaseGeometry:
    def project(coords: np.ndarray) -> np.ndarray:
        x, y, _crs = geo.to_metric(coords[:, 0], coords[:, 1], geo.SWEREF99TM)
        return np.column_stack([x, y])

    return shapely.transform(shape(geometry), project)


def _place(rows: list[dict[str, Any]], areas: list[Area]) -> list[tuple[dict[str, Any], Area]]:
    """Each survey area with the partnership's area of the same code, or else name."""
    by_code = {a.code: a for a in areas if a.code}
    by_name = {a.name.casefold(): a for a in areas}
    placed = []
    for row in rows:
        area = (by_code.get(row["code"]) if row["code"] else None) or by_name.get(
            row["area"].casefold()
        )
        if area is not None:
            placed.append((row, area))
    return placed


def _breaks(shown: list[float]) -> list[float]:
    low, high = min(shown), max(shown)
    if high <= low:
        return [low]
    step = (high - low) / len(PALETTE)
    return [low + i * step for i in range(len(PALETTE))]


def _class(value: float, breaks: list[float]) -> int:
    return max(i for i, b in enumerate(breaks) if value >= b - 1e-12)


def _fmt(value: float) -> str:
    # Rounded first: number_format cuts digits off rather than rounding them.
    digits = 2 if abs(value) < 10 else 1
    return str(formats.number_format(round(value, digits), digits))


def results_map(
    survey: Survey, rows: list[dict[str, Any]], label: str, year: int
) -> dict[str, Any]:
    """The SVG map of ``rows`` on the partnership's areas, and the rows without an outline."""
    areas = list(Area.objects.filter(partnership=survey.partnership))
    placed = _place(rows, areas)
    placed_names = {row["area"] for row, _area in placed}
    unplaced = [r for r in rows if r["area"] not in placed_names]
    if not placed:
        return {"svg": None, "unplaced": unplaced}
    shapes = [_metric(a.geometry) for _row, a in placed]
    extent = svgmap.MapExtent.of(shapes, MARGIN)
    shapes = svgmap.simplify(shapes, extent)
    shown = [float(row["value"]) for row, _a in placed if not row.get("suppressed")]
    breaks = _breaks(shown) if shown else []
    fills, titles = [], []
    for row, area in placed:
        if row.get("suppressed"):
            fills.append(HIDDEN)
            titles.append(_("%(area)s: hidden, too few respondents") % {"area": area.name})
        else:
            fills.append(PALETTE[_class(float(row["value"]), breaks)])
            titles.append(f"{area.name}: {_fmt(float(row['value']))}")
    # Large areas first so that smaller ones inside them stay visible.
    order = sorted(range(len(placed)), key=lambda i: -shapes[i].area)
    layer = svgmap.Layer(
        [shapes[i] for i in order],
        fills=[fills[i] for i in order],
        titles=[titles[i] for i in order],
        stroke="#444444",
        name="survey-areas",
    )
    legend = [
        svgmap.LegendEntry(
            PALETTE[i],
            f"{_fmt(b)}–{_fmt(breaks[i + 1])}" if i + 1 < len(breaks) else f"≥ {_fmt(b)}",
        )
        for i, b in enumerate(breaks)
    ]
    if len(shown) < len(placed):
        legend.append(svgmap.LegendEntry(HIDDEN, _("hidden: too few respondents")))
    svg = svgmap.render(
        [layer],
        title=_("%(index)s per area, %(year)s") % {"index": label, "year": year},
        description="; ".join(sorted(titles)) + ".",
        legend=legend,
        legend_title=label,
        extent=extent,
        id_prefix="survey-map",
    )
    # mark_safe is sound here: svgmap.render escapes every text it is given (area names come
    # from users) and accepts only checked colours.
    drawn: SafeString = mark_safe(svg)  # noqa: S308
    return {"svg": drawn, "unplaced": unplaced}
