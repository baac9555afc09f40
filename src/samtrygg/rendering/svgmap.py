"""Small static maps as SVG: polygons in a metric CRS, filled by class, with legend and scale.

The maps are meant to be embedded in documents that are printed and read offline, so they need
no tiles, no fonts from elsewhere and no JavaScript. North is up and the x and y scales are equal
because the input is already projected (for Sweden SWEREF 99 TM, see :mod:`samtrygg.analysis.geo`).

Every text that reaches the markup (titles, legend labels, descriptions) is escaped here, and
colours are checked against a strict pattern, so the output can be inlined into HTML as is.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from samtrygg.analysis.errors import InputError

__all__ = [
    "Layer",
    "LegendEntry",
    "MapExtent",
    "classify",
    "count_breaks",
    "escape",
    "nice_length",
    "render",
    "simplify",
]

# Characters XML 1.0 does not allow, even escaped; a name pasted from elsewhere may hold them.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_COLOUR = re.compile(r"^(none|#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6})$")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_ROW = 20  # legend row height in pixels
MIN_WIDTH = 360.0  # pixels; room for the legend and the scale bar under a narrow map
_FONT = 'font-family="sans-serif" font-size="12"'


def escape(text: str) -> str:
    """Escape ``text`` for SVG text and attribute values, dropping characters XML forbids.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> escape('<script>alert("1")</script> & Ö')
    '&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt; &amp; Ö'
    """
    return html.escape(_NOT_XML.sub("", str(text)), quote=True)


@dataclass(frozen=True)
class MapExtent:
    """A rectangle (min_x, min_y, max_x, max_y) in metres."""

    min_x: float
    min_y: float
    max_x: float
    max_y: float

    @classmethod
    def of(cls, geometries: Sequence[BaseGeometry], margin: float = 0.0) -> MapExtent:
        """The bounding box of ``geometries``, widened by ``margin`` times its larger side."""
        shapes = [g for g in geometries if g is not None and not g.is_empty]
        if not shapes:
            raise InputError("There is nothing to draw: every geometry is empty.")
        x0, y0, x1, y1 = (float(v) for v in shapely.total_bounds(shapes))
        pad = margin * max(x1 - x0, y1 - y0, 1.0)
        return cls(x0 - pad, y0 - pad, x1 + pad, y1 + pad)

    @property
    def width(self) -> float:
        """East–west size in metres."""
        return self.max_x - self.min_x

    @property
    def height(self) -> float:
        """North–south size in metres."""
        return self.max_y - self.min_y


@dataclass(frozen=True)
class Layer:
    """Polygons drawn with one style, each with its own fill (optional) and title.

    Parameters
    ----------
    geometries : sequence of shapely Polygon or MultiPolygon
        In the map's metric CRS. Each becomes one ``<path>`` (a MultiPolygon one path with a
        sub-path per part); empty geometries are left out.
    fills : sequence of str, optional
        One colour (``#rgb``, ``#rrggbb`` or ``none``) per geometry; ``fill`` is used without.
    titles : sequence of str, optional
        One text per geometry, shown as its ``<title>`` (tooltip and accessible name).
    name : str
        Becomes the CSS class ``map-<name>`` of the layer's group.
    """

    geometries: Sequence[BaseGeometry]
    fills: Sequence[str] | None = None
    titles: Sequence[str] | None = None
    fill: str = "none"
    stroke: str = "#333333"
    stroke_width: float = 1.0
    fill_opacity: float = 1.0
    name: str = "layer"

    def __post_init__(self) -> None:
        n = len(self.geometries)
        for label, seq in (("fills", self.fills), ("titles", self.titles)):
            if seq is not None and len(seq) != n:
                raise InputError(
                    f"{label} has {len(seq)} entries for {n} geometries; give one per geometry."
                )
        for colour in [self.fill, self.stroke, *(self.fills or [])]:
            _check_colour(colour)
        if not _ID.match(self.name):
            raise InputError(f"name must be letters, digits, - or _, got {self.name!r}.")
        if not (self.stroke_width >= 0 and 0 <= self.fill_opacity <= 1):
            raise InputError(
                f"stroke_width must be >= 0 and fill_opacity in [0, 1], got "
                f"{self.stroke_width!r} and {self.fill_opacity!r}."
            )


@dataclass(frozen=True)
class LegendEntry:
    """A swatch and its label in the legend."""

    fill: str
    label: str
    stroke: str = "#333333"

    def __post_init__(self) -> None:
        _check_colour(self.fill)
        _check_colour(self.stroke)


@dataclass(frozen=True)
class _Frame:
    extent: MapExtent
    scale: float  # pixels per metre
    width: float = field(init=False)
    height: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "width", self.extent.width * self.scale)
        object.__setattr__(self, "height", self.extent.height * self.scale)


def _check_colour(colour: str) -> None:
    if not _COLOUR.match(colour):
        raise InputError(f"A colour must be #rgb, #rrggbb or none, got {colour!r}.")


def _num(v: float) -> str:
    """A pixel coordinate with one decimal and no trailing zeros (keeps the markup small)."""
    text = f"{v:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def classify(values: npt.ArrayLike, breaks: Sequence[float]) -> npt.NDArray[np.int64]:
    """The class of each value: the index of the last lower bound in ``breaks`` it reaches.

    Parameters
    ----------
    values : array_like
        The mapped numbers.
    breaks : sequence of float
        Strictly increasing lower bounds; class ``i`` holds ``breaks[i] <= v < breaks[i + 1]``.

    Returns
    -------
    ndarray of int
        Class indices; ``-1`` for values below ``breaks[0]`` or not finite.

    Examples
    --------
    >>> classify([0, 1, 4, 5, 12, 40], [0, 1, 5, 12]).tolist()
    [0, 1, 1, 2, 3, 3]
    """
    v = np.asarray(values, dtype=float)
    b = np.asarray(breaks, dtype=float)
    if b.ndim != 1 or b.size == 0 or np.any(np.diff(b) <= 0) or not np.all(np.isfinite(b)):
        raise InputError(f"breaks must be finite and strictly increasing, got {list(breaks)!r}.")
    classes = np.searchsorted(b, v, side="right").astype(np.int64) - 1
    classes[~np.isfinite(v)] = -1
    return classes


def count_breaks(values: npt.ArrayLike, n_classes: int = 5, small: int = 5) -> list[int]:
    """Class lower bounds for counts that keep the small counts 1..small-1 in one class.

    The classes are ``0``, ``1 .. small-1`` and up to ``n_classes - 2`` quantile classes of the
    counts from ``small`` up, so a map never tells a count below ``small`` more exactly than
    "fewer than ``small``" (disclosure control as in the tables).

    Parameters
    ----------
    values : array_like of int
        The counts (non-negative).
    n_classes : int
        Most classes in all, at least 3.
    small : int
        The first count shown apart from the small ones (K of the k-anonymity rule).

    Returns
    -------
    list of int
        Strictly increasing lower bounds, starting ``[0, 1, small]``.

    Examples
    --------
    >>> count_breaks([0, 2, 7, 12, 30, 55])
    [0, 1, 5, 13, 31]
    >>> count_breaks([0, 3])
    [0, 1, 5]
    """
    if n_classes < 3 or small < 2:
        raise InputError(f"n_classes must be >= 3 and small >= 2, got {n_classes!r} and {small!r}.")
    v = np.asarray(values, dtype=float)
    if v.size and (not np.all(np.isfinite(v)) or np.any(v < 0)):
        raise InputError("Counts must be finite and not negative.")
    breaks = [0, 1, small]
    large = np.sort(v[v >= small])
    m = n_classes - 2
    if large.size and m > 1:
        qs = np.quantile(large, [j / m for j in range(1, m)], method="inverted_cdf")
        # Each quantile closes its class, so the next class starts just above it; a class
        # above the largest count would be empty.
        for q in qs:
            b = math.floor(float(q)) + 1
            if breaks[-1] < b <= large[-1]:
                breaks.append(b)
    return breaks


def nice_length(max_length: float) -> float:
    """The longest 1, 2 or 5 times a power of ten that is at most ``max_length``.

    Parameters
    ----------
    max_length : float
        Positive.

    Returns
    -------
    float

    Examples
    --------
    >>> nice_length(2600.0), nice_length(740.0), nice_length(1.0)
    (2000.0, 500.0, 1.0)
    """
    if not max_length > 0 or not math.isfinite(max_length):
        raise InputError(f"max_length must be positive and finite, got {max_length!r}.")
    power = 10.0 ** math.floor(math.log10(max_length))
    for step in (5.0, 2.0, 1.0):
        if step * power <= max_length * (1 + 1e-12):
            return step * power
    return power  # pragma: no cover - the loop always returns


def simplify(
    geometries: Sequence[BaseGeometry], extent: MapExtent, fraction: float = 1 / 500
) -> list[BaseGeometry]:
    """Simplify for a map of ``extent``: tolerance ``fraction`` of its larger side.

    Topology is preserved, so a polygon stays valid and does not vanish. At 1/500 of the
    extent the change is below a pixel on a map 500 pixels wide.

    Parameters
    ----------
    geometries : sequence of shapely geometries
        In the map's CRS.
    extent : MapExtent
        The map's extent.
    fraction : float
        Tolerance as a fraction of the extent's larger side.

    Returns
    -------
    list of shapely geometries

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> circle = Point(0, 0).buffer(1000, quad_segs=64)
    >>> [small] = simplify([circle], MapExtent(-1000, -1000, 1000, 1000))
    >>> len(small.exterior.coords) < len(circle.exterior.coords)
    True
    """
    tolerance = fraction * max(extent.width, extent.height)
    return [shapely.simplify(g, tolerance, preserve_topology=True) for g in geometries]


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    parts = getattr(geom, "geoms", None)
    if parts is None:
        if geom.geom_type in ("LineString", "LinearRing", "Point", "MultiPoint"):
            return []  # slivers left over from clipping a polygon to the frame
        raise InputError(f"Only polygons can be drawn, got a {geom.geom_type}.")
    return [p for part in parts for p in _polygons(part)]


def _ring(coords: npt.NDArray[np.float64], frame: _Frame) -> str:
    ext = frame.extent
    px = (coords[:, 0] - ext.min_x) * frame.scale
    py = (ext.max_y - coords[:, 1]) * frame.scale
    points: list[str] = []
    for x, y in zip(px, py, strict=True):
        p = f"{_num(float(x))} {_num(float(y))}"
        if not points or points[-1] != p:  # points that fall on one pixel add nothing
            points.append(p)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3:
        return ""
    return "M" + " ".join(points) + "Z"


def _path_data(geom: BaseGeometry, frame: _Frame) -> str:
    rings = []
    for poly in _polygons(geom):
        rings.append(_ring(np.asarray(poly.exterior.coords), frame))
        rings += [_ring(np.asarray(r.coords), frame) for r in poly.interiors]
    return "".join(r for r in rings if r)


def _layer(layer: Layer, frame: _Frame) -> list[str]:
    out = [
        f'<g class="map-{layer.name}" fill="{layer.fill}" stroke="{layer.stroke}" '
        f'stroke-width="{_num(layer.stroke_width)}" stroke-linejoin="round" '
        f'fill-rule="evenodd"'
        + (f' fill-opacity="{layer.fill_opacity:g}"' if layer.fill_opacity < 1 else "")
        + ">"
    ]
    for i, geom in enumerate(layer.geometries):
        d = _path_data(geom, frame)
        if not d:
            continue
        fill = f' fill="{layer.fills[i]}"' if layer.fills is not None else ""
        title = f"<title>{escape(layer.titles[i])}</title>" if layer.titles is not None else ""
        out.append(f'<path d="{d}"{fill}>{title}</path>')
    out.append("</g>")
    return out


def _scale_bar(frame: _Frame, right: float, top: float) -> list[str]:
    metres = nice_length(frame.extent.width / 4)
    px = metres * frame.scale
    label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    x, y = right - px - 36, top + 18
    return [
        f'<g class="map-scale" {_FONT} fill="#222222">',
        f'<rect class="scale-bar" data-metres="{metres:g}" x="{_num(x)}" y="{_num(y)}" '
        f'width="{_num(px)}" height="4"/>',
        f'<text x="{_num(x)}" y="{_num(y - 4)}">{label}</text>',
        "</g>",
    ]


def _north_arrow(right: float, top: float) -> list[str]:
    x, y = right - 14, top + 2
    return [
        f'<g class="map-north" {_FONT} fill="#222222">',
        f'<path d="M{_num(x)} {_num(y)}L{_num(x + 6)} {_num(y + 16)}L{_num(x)} {_num(y + 12)}'
        f'L{_num(x - 6)} {_num(y + 16)}Z"/>',
        f'<text x="{_num(x)}" y="{_num(y + 30)}" text-anchor="middle">N</text>',
        "</g>",
    ]


def _legend(entries: Sequence[LegendEntry], title: str, top: float) -> list[str]:
    out = [f'<g class="map-legend" {_FONT} fill="#222222">']
    y = top
    if title:
        out.append(f'<text x="10" y="{_num(y + 14)}" font-weight="bold">{escape(title)}</text>')
        y += _ROW
    for e in entries:
        out.append(
            f'<rect x="10" y="{_num(y + 3)}" width="14" height="14" fill="{e.fill}" '
            f'stroke="{e.stroke}"/>'
        )
        out.append(f'<text x="32" y="{_num(y + 14)}">{escape(e.label)}</text>')
        y += _ROW
    out.append("</g>")
    return out


def render(
    layers: Sequence[Layer],
    *,
    title: str,
    description: str = "",
    legend: Sequence[LegendEntry] = (),
    legend_title: str = "",
    extent: MapExtent | None = None,
    width: int = 560,
    max_height: int = 560,
    margin: float = 0.04,
    id_prefix: str = "map",
) -> str:
    """Draw ``layers`` (first at the bottom) as one SVG element with legend and scale bar.

    1. The extent (given, or the layers' bounding box widened by ``margin``) is scaled to
       ``width`` pixels, or less when the map would be taller than ``max_height``; x and y
       share one scale and north is up.
    2. Each geometry becomes one ``<path>`` with its fill and ``<title>``; coordinates are
       rounded to a tenth of a pixel and repeated points dropped.
    3. A scale bar (a round length near a quarter of the width), a north arrow and the legend
       are added in a band below the map; the ``<svg>`` has ``role="img"``, a ``<title>`` and a
       ``<desc>`` referenced by ``aria-labelledby`` and ``aria-describedby``.

    Parameters
    ----------
    layers : sequence of Layer
        Drawn in order.
    title, description : str
        The map's accessible name and description (plain text; escaped here).
    legend : sequence of LegendEntry
        Swatches shown under the map.
    legend_title : str
        A heading for the legend.
    extent : MapExtent, optional
        The area shown; geometries outside it are cut off by the view box.
    width, max_height : int
        Size limits in pixels.
    margin : float
        Padding around the layers' bounding box, as a fraction of its larger side.
    id_prefix : str
        Prefix of the element ids; use a different one for each map on a page.

    Returns
    -------
    str
        ``<svg …>…</svg>`` markup in which every text is escaped.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> svg = render([Layer([box(0, 0, 1000, 500)], titles=["A & B"])], title="Test")
    >>> svg.startswith("<svg") and "<title>A &amp; B</title>" in svg
    True
    """
    if not _ID.match(id_prefix):
        raise InputError(f"id_prefix must be letters, digits, - or _, got {id_prefix!r}.")
    if not (width > 0 and max_height > 0):
        raise InputError(f"width and max_height must be positive, got {width!r}, {max_height!r}.")
    if extent is None:
        extent = MapExtent.of([g for layer in layers for g in layer.geometries], margin)
    if not (extent.width > 0 and extent.height > 0):
        raise InputError(f"The extent must have a positive width and height, got {extent!r}.")
    scale = min(width / extent.width, max_height / extent.height)
    frame = _Frame(extent, scale)
    rows = len(legend) + (1 if legend_title and legend else 0)
    # The band under the map holds the legend, the scale bar and the north arrow, so that
    # none of them hides a part of the map.
    legend_height = max(rows * _ROW, 2 * _ROW) + 12
    # A very tall, narrow map still gets room for the legend and the scale bar beside it.
    right = max(frame.width, MIN_WIDTH)
    total_w, total_h = _num(right), _num(frame.height + legend_height)
    p = id_prefix
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {total_w} {total_h}" '
        f'width="{total_w}" height="{total_h}" role="img" aria-labelledby="{p}-title" '
        f'aria-describedby="{p}-desc">',
        f'<title id="{p}-title">{escape(title)}</title>',
        f'<desc id="{p}-desc">{escape(description)}</desc>',
        f'<rect width="{total_w}" height="{total_h}" fill="#ffffff"/>',
        f'<rect class="map-frame" width="{_num(frame.width)}" height="{_num(frame.height)}" '
        'fill="#ffffff" stroke="#999999"/>',
        f'<svg class="map-body" width="{_num(frame.width)}" height="{_num(frame.height)}" '
        f'viewBox="0 0 {_num(frame.width)} {_num(frame.height)}" overflow="hidden">',
    ]
    for layer in layers:
        out += _layer(layer, frame)
    out.append("</svg>")
    out += _scale_bar(frame, right, frame.height + 6)
    out += _north_arrow(right, frame.height + 6)
    if legend:
        out += _legend(legend, legend_title, frame.height + 6)
    out.append("</svg>")
    return "\n".join(out)
