"""The reference data's line chart: regions × years as SVG geometry, drawn on the server.

The chart is drawn on the server so that it works offline; the template
``reference/list.html`` turns this geometry into ``<svg>`` markup. No Django here: the caller
passes how a tick value is written (``formats.number_format`` in the web app).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

__all__ = ["COLOURS", "line_chart", "nice_ceiling"]

# Chart geometry (SVG user units).
_W, _H, _LEFT, _RIGHT, _TOP, _BOTTOM = 640, 260, 64, 150, 16, 32
COLOURS = ("#1b5e9f", "#b3541e", "#2e7d32", "#6a1b9a", "#455a64", "#ad1457", "#00838f")


def nice_ceiling(value: float) -> float:
    """The smallest round number (1, 1.2, 1.4, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) ≥ ``value``.

    Parameters
    ----------
    value : float
        The largest value the axis must reach.

    Returns
    -------
    float
        The top of the axis; 1.0 when ``value`` is not positive.

    Examples
    --------
    >>> nice_ceiling(1302.0), nice_ceiling(0.0), nice_ceiling(87.0)
    (1400.0, 1.0, 100.0)
    """
    if value <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.4, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= value * (1 - 1e-12):
            return round(step * magnitude, 10)
    return 10 * magnitude  # pragma: no cover - the loop always returns


def line_chart(
    years: list[int],
    rows: list[dict[str, Any]],
    tick_label: Callable[[float], str],
    max_lines: int = 7,
) -> dict[str, Any] | None:
    """Line-chart geometry for the first ``max_lines`` rows.

    Parameters
    ----------
    years : list of int
        The x axis, in order.
    rows : list of dict
        Each with ``name`` and ``values`` (one value or None per year).
    tick_label : callable
        Writes a tick value (for example with the reader's decimal separator).
    max_lines : int
        Most lines drawn; each gets the next of :data:`COLOURS`.

    Returns
    -------
    dict or None
        Sizes, axis ticks, year labels and lines (``points`` as an SVG points list, ``dots``
        and an end label placed at least 12 units from its neighbours); None when there are
        fewer than two years or no values.

    Examples
    --------
    >>> c = line_chart([2020, 2021], [{"name": "A", "values": [1.0, 2.0]}], str)
    >>> c["lines"][0]["points"], [t["label"] for t in c["ticks"]]
    ('64.0,143.2 490.0,58.4', ['0.0', '1.25', '2.5'])
    """
    if len(years) < 2:
        return None
    rows = rows[:max_lines]
    values = [v for r in rows for v in r["values"] if v is not None]
    if not values:
        return None
    top = nice_ceiling(max(values) * 1.05)
    width = _W - _LEFT - _RIGHT
    height = _H - _TOP - _BOTTOM

    def x(i: int) -> float:
        return round(_LEFT + width * i / (len(years) - 1), 1)

    def y(v: float) -> float:
        return round(_TOP + height * (1 - v / top), 1)

    lines = []
    for k, r in enumerate(rows):
        points = [(x(i), y(v)) for i, v in enumerate(r["values"]) if v is not None]
        if not points:
            continue
        lines.append(
            {
                "name": r["name"],
                "colour": COLOURS[k % len(COLOURS)],
                "points": " ".join(f"{px},{py}" for px, py in points),
                "dots": points,
                "label_y": points[-1][1],
                "label_x": points[-1][0] + 6,
            }
        )
    # End labels at least 12 units apart, so that close lines keep readable names.
    previous = -1e9
    for line in sorted(lines, key=lambda ln: ln["label_y"]):
        line["label_y"] = max(line["label_y"], previous + 12)
        previous = line["label_y"]
    ticks = [{"y": y(top * f), "label": tick_label(top * f)} for f in (0, 0.5, 1)]
    return {
        "width": _W,
        "height": _H,
        "left": _LEFT,
        "bottom": _H - _BOTTOM,
        "right": _W - _RIGHT,
        "years": [{"x": x(i), "label": yr} for i, yr in enumerate(years)],
        "ticks": ticks,
        "lines": lines,
    }
