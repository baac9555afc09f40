"""The study area: where events are expected, so that one bad coordinate cannot blow up a grid.

A single row with latitude 90, a sign slip, 0,0 or a point 500 km away used to stretch every grid
over half a continent (millions of empty cells, minutes of work and a study area that inflates
PAI). The study area is either the data's *robust extent* or a boundary the user gives; points
outside it are reported by the caller (refused or excluded with a count, never silently).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from samtrygg.analysis.errors import InputError

__all__ = ["DEFAULT_MAX_CELLS", "StudyArea", "check_cell_count", "robust_extent"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# 1,000,000 cells is a 50 m grid over 50 × 50 km, larger than any Swedish municipality's
# built-up area; Gi* with 999 permutations on it takes tens of seconds, not hours.
DEFAULT_MAX_CELLS = 1_000_000

# Share of points ignored at each end of each axis, and the margin added around the rest.
_TAIL = 0.025
_MARGIN = 0.5
_SMALL_N = 40


def robust_extent(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    min_margin: float = 2000.0,
) -> tuple[float, float, float, float]:
    """A bounding box of the points that a few far-away points cannot stretch.

    Parameters
    ----------
    x, y : array_like
        Coordinates (metres, or degrees with a ``min_margin`` in degrees). Non-finite values
        are ignored.
    min_margin : float
        The smallest margin added on every side, in the units of ``x`` and ``y``.

    Returns
    -------
    tuple of float
        ``(xmin, ymin, xmax, ymax)``.

    Notes
    -----
    Per axis, with n finite values sorted as a:

    1. n ≥ 40: drop the k = ⌊0.025 n⌋ smallest and largest values (so up to 2.5 % of the points
       may be wild at each end), take the range [a_k, a_{n−1−k}] and widen it on both sides by
       max(half its width, ``min_margin``). Suburbs within half the city's width are kept.
    2. n < 40 (too few to drop any): Tukey's far-out fences [Q1 − 3 IQR, Q3 + 3 IQR], widened
       by ``min_margin``.

    Examples
    --------
    >>> x = [0.0, 1000, 2000, 3000, 500_000]
    >>> y = [0.0, 500, 1000, 1500, 0]
    >>> xmin, ymin, xmax, ymax = robust_extent(x, y)
    >>> xmax < 500_000 <= 600_000
    True
    """
    bounds: list[float] = []
    for name, values in (("x", x), ("y", y)):
        a = np.asarray(values, dtype=float).ravel()
        a = np.sort(a[np.isfinite(a)])
        if a.size == 0:
            raise InputError(f"There are no finite {name} coordinates to find a study area from.")
        if a.size >= _SMALL_N:
            k = int(math.floor(_TAIL * a.size))
            lo, hi = float(a[k]), float(a[a.size - 1 - k])
            margin = max(_MARGIN * (hi - lo), min_margin)
        else:
            q1, q3 = (float(v) for v in np.quantile(a, [0.25, 0.75]))
            lo, hi = q1, q3
            margin = 3.0 * (q3 - q1) + min_margin
        bounds += [lo - margin, hi + margin]
    return bounds[0], bounds[2], bounds[1], bounds[3]


def check_cell_count(n_cols: int, n_rows: int, cell_size: float, max_cells: int | None) -> None:
    """Refuse a grid of more than ``max_cells`` cells before any memory is allocated.

    Parameters
    ----------
    n_cols, n_rows : int
        The grid's shape.
    cell_size : float
        The cell side in metres, named in the message.
    max_cells : int or None
        The limit; None for none.

    Examples
    --------
    >>> check_cell_count(10, 10, 100.0, 1000)
    >>> check_cell_count(2000, 1000, 50.0, 1_000_000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    samtrygg.analysis.errors.InputError: A grid of 50 m cells over ... has 2,000,000 cells, ...
    """
    n = int(n_cols) * int(n_rows)
    if max_cells is not None and n > max_cells:
        width, height = n_cols * cell_size / 1000, n_rows * cell_size / 1000
        raise InputError(
            f"A grid of {cell_size:g} m cells over {width:.1f} × {height:.1f} km has {n:,} cells, "
            f"more than the maximum of {max_cells:,}. Choose a larger cell size (--cell-size), "
            "limit the study area (--boundary), or raise the maximum (--max-cells)."
        )


@dataclass(frozen=True)
class StudyArea:
    """The region in which events are analysed, in a metric CRS.

    Attributes
    ----------
    bounds : tuple of float
        ``(xmin, ymin, xmax, ymax)`` in metres.
    crs : int
        EPSG code of ``bounds`` and ``mask``.
    source : str
        ``"robust extent"`` (from the data) or ``"boundary"`` (a file the user gave).
    mask : shapely geometry, optional
        The boundary polygon(s); points and cells outside it are not part of the study area
        (lakes, neighbouring municipalities).
    """

    bounds: tuple[float, float, float, float]
    crs: int
    source: str
    mask: Any = None

    @classmethod
    def from_points(cls, x: npt.ArrayLike, y: npt.ArrayLike, crs: int) -> StudyArea:
        """The robust extent of the points (see :func:`robust_extent`)."""
        return cls(robust_extent(x, y), int(crs), "robust extent")

    @classmethod
    def from_boundary(cls, geometry: Any, crs: int) -> StudyArea:
        """A study area limited to ``geometry`` (a shapely geometry in ``crs``)."""
        import shapely

        if geometry is None or geometry.is_empty:
            raise InputError("The boundary is empty; give a file with at least one polygon.")
        shapely.prepare(geometry)
        xmin, ymin, xmax, ymax = (float(v) for v in geometry.bounds)
        return cls((xmin, ymin, xmax, ymax), int(crs), "boundary", geometry)

    def contains(self, x: npt.ArrayLike, y: npt.ArrayLike) -> BoolArray:
        """Whether each point lies in the study area (inside the box, and the mask if any).

        Parameters
        ----------
        x, y : array_like
            Point coordinates in the study area's CRS.

        Returns
        -------
        ndarray of bool
            True for the points inside.
        """
        xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        xmin, ymin, xmax, ymax = self.bounds
        inside = (xa >= xmin) & (xa <= xmax) & (ya >= ymin) & (ya <= ymax)
        if self.mask is not None and inside.any():
            import shapely

            idx = np.flatnonzero(inside)
            inside[idx] = shapely.intersects_xy(self.mask, xa[idx], ya[idx])
        return np.asarray(inside, dtype=bool)

    def cells_inside(self, cx: FloatArray, cy: FloatArray) -> BoolArray:
        """Which cell centres lie in the mask (all of them without a mask).

        Parameters
        ----------
        cx, cy : ndarray
            Cell-centre coordinates in the study area's CRS.

        Returns
        -------
        ndarray of bool
            True for the cells inside the mask.
        """
        if self.mask is None:
            return np.ones(np.shape(cx), dtype=bool)
        import shapely

        flat = shapely.intersects_xy(self.mask, np.ravel(cx), np.ravel(cy))
        return np.asarray(flat, dtype=bool).reshape(np.shape(cx))

    def describe(self) -> dict[str, Any]:
        """A JSON-friendly description.

        Returns
        -------
        dict
            The source of the study area (data extent or boundary file) and its bounds.
        """
        return {
            "source": self.source,
            "crs": f"EPSG:{self.crs}",
            "bounds": [round(v, 1) for v in self.bounds],
        }
