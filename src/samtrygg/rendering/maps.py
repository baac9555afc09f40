"""The lägesbild's two maps, drawn from the figures stored with the document.

:func:`area_map` (incidents per area) and :func:`hot_cell_map` (the significant hot cells) draw
the plain data that ``plans/maps.py`` keeps in ``Lagesbild.figures["maps"]``: SWEREF 99 TM
outlines as WKT, counts per area, hot-cell centres and the extent. Both maps share one context
layer (:func:`context_layers`: the municipalities behind, the areas' outlines on top), so they
look alike. No Django here: the caller passes every text already translated, and how a count is
told (:class:`MapWords`), which is where small counts are hidden from readers who see
aggregates only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import box

from samtrygg.rendering import svgmap

__all__ = [
    "HOT",
    "PALETTE",
    "MapWords",
    "area_map",
    "context_layers",
    "extent",
    "hot_cell_map",
]

# ColorBrewer Oranges (colour-blind safe, prints in grey); the first class (no incidents) is grey.
PALETTE = ("#f0f0f0", "#fee6ce", "#fdae6b", "#e6550d", "#a63603")
HOT = "#b2182b"
_OUTLINE = "#444444"


@dataclass(frozen=True)
class MapWords:
    """What the maps say, in the reader's language.

    ``count`` tells a count (for example "fewer than 5 incidents"); ``class_label`` names a
    legend class from its lower and upper count (upper None for the open top class);
    ``hot_cell`` is the tooltip of a hot cell from its told count and its z-score.
    """

    area_title: str
    area_legend_title: str
    hot_title: str
    hot_description: str
    hot_legend: str
    area_legend: str
    count: Callable[[int], str]
    class_label: Callable[[int, int | None], str]
    hot_cell: Callable[[str, float], str]


def extent(data: dict[str, Any]) -> svgmap.MapExtent | None:
    """The stored extent, or None for older figures that have none."""
    e = data.get("extent")
    return svgmap.MapExtent(*map(float, e)) if e and len(e) == 4 else None


def context_layers(
    data: dict[str, Any],
    areas: Sequence[Any] | None = None,
    *,
    fills: Sequence[str] | None = None,
    titles: Sequence[str] | None = None,
    name: str = "outlines",
) -> list[svgmap.Layer]:
    """The municipalities behind and the areas' outlines on top, drawn alike on both maps.

    Parameters
    ----------
    data : dict
        The stored map figures (``background`` and ``areas`` with ``wkt``).
    areas : sequence of shapely geometries, optional
        The areas to draw (default: every stored area, in stored order).
    fills, titles : sequence of str, optional
        One fill and one tooltip per area; without titles the areas' names are used.
    name : str
        The CSS class suffix of the areas' layer.

    Returns
    -------
    list of svgmap.Layer
        The background layer and the areas' layer, bottom first.
    """
    rows = data.get("areas", [])
    if areas is None:
        areas = [shapely.from_wkt(r["wkt"]) for r in rows]
    return [
        svgmap.Layer(
            [shapely.from_wkt(b["wkt"]) for b in data.get("background", [])],
            fill="#fafafa",
            stroke="#999999",
            name="background",
        ),
        svgmap.Layer(
            areas,
            fills=fills,
            titles=titles if titles is not None else [r["name"] for r in rows],
            stroke=_OUTLINE,
            name=name,
        ),
    ]


def area_map(data: dict[str, Any], words: MapWords, small: int) -> str | None:
    """Incidents per area as a choropleth; counts 1 to ``small - 1`` share one class.

    Parameters
    ----------
    data : dict
        The stored map figures; each area has ``name``, ``count`` and ``wkt``.
    words : MapWords
        The texts, in the reader's language.
    small : int
        The small-count threshold k: counts 1..k-1 are never told apart on the map.

    Returns
    -------
    str or None
        ``<svg>`` markup with every text escaped; None when no area has an outline.
    """
    rows = [r for r in data.get("areas", []) if r.get("wkt")]
    if not rows:
        return None
    counts = [int(r["count"]) for r in rows]
    breaks = svgmap.count_breaks(counts, n_classes=len(PALETTE), small=small)
    classes = svgmap.classify(counts, breaks)
    geoms = [shapely.from_wkt(r["wkt"]) for r in rows]
    # Large areas first so that smaller ones lying inside them stay visible.
    order = sorted(range(len(rows)), key=lambda i: -geoms[i].area)
    titles = [f"{rows[i]['name']}: {words.count(counts[i])}" for i in order]
    layers = context_layers(
        data,
        [geoms[i] for i in order],
        fills=[PALETTE[int(classes[i])] for i in order],
        titles=titles,
        name="areas",
    )
    legend = [
        svgmap.LegendEntry(
            PALETTE[i], words.class_label(b, breaks[i + 1] - 1 if i + 1 < len(breaks) else None)
        )
        for i, b in enumerate(breaks)
    ]
    return svgmap.render(
        layers,
        title=words.area_title,
        description="; ".join(sorted(titles)) + ".",
        legend=legend,
        legend_title=words.area_legend_title,
        extent=extent(data),
        id_prefix="lagesbild-map-areas",
    )


def hot_cell_map(data: dict[str, Any], words: MapWords) -> str | None:
    """The significant hot cells as squares over the areas' outlines.

    Parameters
    ----------
    data : dict
        The stored map figures; ``cells`` hold the centres ``x``, ``y`` (metres), ``count``
        and ``z``, ``cell_size`` their side.
    words : MapWords
        The texts, in the reader's language.

    Returns
    -------
    str or None
        ``<svg>`` markup with every text escaped; None when there is no hot cell.
    """
    cells = data.get("cells") or []
    size = float(data.get("cell_size") or 0)
    if not cells or size <= 0:
        return None
    h = size / 2
    squares = [box(c["x"] - h, c["y"] - h, c["x"] + h, c["y"] + h) for c in cells]
    titles = [words.hot_cell(words.count(c["count"]), c["z"]) for c in cells]
    layers = [
        *context_layers(data),
        svgmap.Layer(squares, titles=titles, fill=HOT, stroke="#67001f", name="hot"),
    ]
    return svgmap.render(
        layers,
        title=words.hot_title,
        description=words.hot_description,
        legend=[
            svgmap.LegendEntry(HOT, words.hot_legend),
            svgmap.LegendEntry("#ffffff", words.area_legend, stroke=_OUTLINE),
        ],
        extent=extent(data),
        id_prefix="lagesbild-map-hotspots",
    )
