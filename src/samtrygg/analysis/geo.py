"""Projections to a metric CRS: SWEREF 99 TM inside Sweden, the local UTM zone elsewhere.

All distances, grids and kernels are computed in metres; lon/lat is only for storage and display.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.studyarea import DEFAULT_MAX_CELLS, check_cell_count

__all__ = [
    "CELL_SIZE",
    "Grid",
    "SWEREF99TM",
    "WGS84",
    "auto_cell_size",
    "auto_metric_crs",
    "check_metric_crs",
    "to_lonlat",
    "to_metric",
]

SWEREF99TM = 3006
WGS84 = 4326

#: The product's one grid cell, in metres of SWEREF 99 TM: the smallest cell a public map may
#: show (docs/methods-reference.md §10), the cells of the picture's map and of the lägesbild's
#: hot spots, and the cell whose centre replaces an incident's place when its retention ends.
CELL_SIZE = 250.0

# Sweden's extent with a margin; points inside it are projected to SWEREF 99 TM.
_SWEDEN_BOUNDS = (10.0, 55.0, 24.5, 69.5)


def auto_metric_crs(lon: npt.ArrayLike, lat: npt.ArrayLike) -> int:
    """Choose the metric CRS for points given in WGS 84.

    Parameters
    ----------
    lon, lat : array_like
        Longitudes and latitudes in degrees.

    Returns
    -------
    int
        EPSG:3006 when the centroid lies in Sweden, otherwise the WGS 84 UTM zone of the
        centroid (with the Norway and Svalbard exceptions, as sfhotspot ``st_transform_auto``).

    Examples
    --------
    >>> auto_metric_crs([14.52], [59.33])
    3006
    >>> auto_metric_crs([-89.96], [35.12])
    32616
    """
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    if lon_a.size == 0:
        raise InputError("There are no points to choose a coordinate system for.")
    clon, clat = float(np.mean(lon_a)), float(np.mean(lat_a))
    west, south, east, north = _SWEDEN_BOUNDS
    if west <= clon <= east and south <= clat <= north:
        return SWEREF99TM
    zone = int(np.floor((clon + 180.0) / 6.0)) + 1
    if 56.0 <= clat < 64.0 and 3.0 <= clon < 12.0:
        zone = 32
    elif 72.0 <= clat < 84.0 and clon >= 0.0:
        if clon < 9.0:
            zone = 31
        elif clon < 21.0:
            zone = 33
        elif clon < 33.0:
            zone = 35
        elif clon < 42.0:
            zone = 37
    zone = min(max(zone, 1), 60)
    epsg = (32600 if clat >= 0 else 32700) + zone
    central = -183.0 + 6.0 * zone
    if np.any(np.abs(lon_a - central) > 4.0):
        warnings.warn(
            f"Some points lie more than 1 degree outside UTM zone {zone} (EPSG:{epsg}); "
            "distances there are distorted. Name a projected CRS with --crs if this matters.",
            stacklevel=2,
        )
    return epsg


def check_metric_crs(crs: int | str) -> int:
    """Return the EPSG code of ``crs`` after checking that it is projected and in metres.

    Parameters
    ----------
    crs : int or str
        An EPSG code or anything pyproj understands.

    Returns
    -------
    int
        The EPSG code.

    Examples
    --------
    >>> check_metric_crs("EPSG:3006")
    3006
    """
    from pyproj import CRS  # imported here: pyproj costs start-up time of commands without it

    try:
        parsed = CRS.from_user_input(crs)
    except Exception as exc:  # pyproj raises its own CRSError; say it plainly.
        raise InputError(f"The coordinate system {crs!r} is unknown; give an EPSG code.") from exc
    if not parsed.is_projected:
        raise InputError(
            f"The coordinate system {crs!r} is not projected; distances need metres "
            "(for Sweden use EPSG:3006)."
        )
    unit = parsed.axis_info[0].unit_name if parsed.axis_info else ""
    if unit not in ("metre", "meter"):
        raise InputError(
            f"The coordinate system {crs!r} measures in {unit or 'unknown units'}, not metres; "
            "choose a metric CRS such as EPSG:3006."
        )
    epsg = parsed.to_epsg()
    if epsg is None:
        raise InputError(f"The coordinate system {crs!r} has no EPSG code; give one.")
    return int(epsg)


def to_metric(
    lon: npt.ArrayLike, lat: npt.ArrayLike, crs: int | None = None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], int]:
    """Project WGS 84 lon/lat to a metric CRS.

    Parameters
    ----------
    lon, lat : array_like
        Degrees, WGS 84.
    crs : int, optional
        Target EPSG code; chosen by :func:`auto_metric_crs` when omitted.

    Returns
    -------
    x, y : ndarray
        Metres in the target CRS.
    crs : int
        The EPSG code used.

    Examples
    --------
    >>> x, y, crs = to_metric([15.0], [59.0])
    >>> crs, round(float(x[0]))
    (3006, 500000)
    """
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    target = auto_metric_crs(lon_a, lat_a) if crs is None else check_metric_crs(crs)
    from pyproj import Transformer

    transformer = Transformer.from_crs(WGS84, target, always_xy=True)
    x, y = transformer.transform(lon_a, lat_a)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float), target


def to_lonlat(
    x: npt.ArrayLike, y: npt.ArrayLike, crs: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Project metric coordinates back to WGS 84 lon/lat.

    Parameters
    ----------
    x, y : array_like
        Coordinates in metres.
    crs : int
        Their EPSG code.

    Returns
    -------
    lon, lat : ndarray

    Examples
    --------
    >>> lon, lat = to_lonlat([500000.0], [6540000.0], 3006)
    >>> round(float(lon[0]), 6)
    15.0
    """
    from pyproj import Transformer

    transformer = Transformer.from_crs(crs, WGS84, always_xy=True)
    lon, lat = transformer.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def auto_cell_size(x: npt.ArrayLike, y: npt.ArrayLike, *, metric: bool = True) -> float:
    """The sfhotspot ``set_cell_size`` rule: a round 100 m multiple near 1/50 of the shorter side.

    Parameters
    ----------
    x, y : array_like
        Coordinates of the points.
    metric : bool
        Whether the coordinates are metres; otherwise the side is not rounded to 100.

    Returns
    -------
    float
        The cell side.

    Examples
    --------
    >>> auto_cell_size([0, 27000], [0, 42000])
    500.0
    """
    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xa.size == 0:
        raise InputError("There are no points to choose a cell size for.")
    side = float(min(np.ptp(xa), np.ptp(ya)))
    if side <= 0:
        raise InputError(
            "All points lie on one line or at one place, so no cell size follows from them; "
            "give the cell size."
        )
    m = math.floor(side / 50 / 100)
    return float(100 * m) if metric and m > 0 else side / 50


@dataclass(frozen=True)
class Grid:
    """A square grid (x0, y0, cell_size, n_cols, n_rows) in a metric CRS.

    Cells are half-open: a point lies in column ``floor((x - x0) / cell_size)`` and row
    ``floor((y - y0) / cell_size)``; row 0 is the southernmost.

    Examples
    --------
    >>> g = Grid.covering([10.0, 240.0], [5.0, 95.0], cell_size=100.0)
    >>> g.x0, g.y0, g.n_cols, g.n_rows
    (0.0, 0.0, 3, 1)
    >>> g.counts([10.0, 240.0, 250.0], [5.0, 95.0, 50.0]).tolist()
    [[1, 0, 2]]
    """

    x0: float
    y0: float
    cell_size: float
    n_cols: int
    n_rows: int
    crs: int = SWEREF99TM

    @classmethod
    def covering(
        cls,
        x: npt.ArrayLike,
        y: npt.ArrayLike,
        cell_size: float | None = None,
        *,
        origin: str = "nested",
        crs: int = SWEREF99TM,
        max_cells: int | None = DEFAULT_MAX_CELLS,
    ) -> Grid:
        """The smallest grid that covers the points.

        ``origin="nested"`` puts the origin on a multiple of the cell size so that grids nest
        across runs; ``origin="bbox"`` starts at the points' minimum (sfhotspot mode). A grid of
        more than ``max_cells`` cells is refused before it is allocated (one far-away point
        would otherwise stretch it over a continent); ``None`` lifts the limit.
        """
        xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if xa.size == 0:
            raise InputError("There are no points to lay a grid over.")
        if not (np.all(np.isfinite(xa)) and np.all(np.isfinite(ya))):
            raise InputError("Some coordinates are missing or not finite; remove those points.")
        c = auto_cell_size(xa, ya) if cell_size is None else float(cell_size)
        if not c > 0:
            raise InputError(f"cell_size must be positive, got {cell_size!r}.")
        if origin == "nested":
            x0, y0 = c * math.floor(xa.min() / c), c * math.floor(ya.min() / c)
        elif origin == "bbox":
            x0, y0 = float(xa.min()), float(ya.min())
        else:
            raise InputError(f"origin must be 'nested' or 'bbox', got {origin!r}.")
        n_cols = int(math.floor((xa.max() - x0) / c)) + 1
        n_rows = int(math.floor((ya.max() - y0) / c)) + 1
        check_cell_count(n_cols, n_rows, c, max_cells)
        return cls(float(x0), float(y0), c, n_cols, n_rows, crs)

    @property
    def shape(self) -> tuple[int, int]:
        """(n_rows, n_cols)."""
        return self.n_rows, self.n_cols

    def cell_of(
        self, x: npt.ArrayLike, y: npt.ArrayLike
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Row and column of each point (may lie outside the grid; see :meth:`inside`).

        Parameters
        ----------
        x, y : array_like
            Coordinates in the grid's CRS.

        Returns
        -------
        row, col : ndarray of int64
        """
        col = np.floor((np.asarray(x, dtype=float) - self.x0) / self.cell_size).astype(np.int64)
        row = np.floor((np.asarray(y, dtype=float) - self.y0) / self.cell_size).astype(np.int64)
        return row, col

    def inside(
        self, row: npt.NDArray[np.int64], col: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.bool_]:
        """Whether each (row, col) lies on the grid.

        Parameters
        ----------
        row, col : ndarray of int64
            From :meth:`cell_of`.

        Returns
        -------
        ndarray of bool
        """
        return (row >= 0) & (row < self.n_rows) & (col >= 0) & (col < self.n_cols)

    def counts(
        self, x: npt.ArrayLike, y: npt.ArrayLike, weights: npt.ArrayLike | None = None
    ) -> npt.NDArray[np.int64] | npt.NDArray[np.float64]:
        """Counts (or summed weights) per cell, shape (n_rows, n_cols), outside points left out.

        Parameters
        ----------
        x, y : array_like
            Coordinates in the grid's CRS.
        weights : array_like, optional
            One weight per point; counts when omitted.

        Returns
        -------
        ndarray
            int64 counts, or float sums with ``weights``.
        """
        row, col = self.cell_of(x, y)
        keep = self.inside(row, col)
        flat = row[keep] * self.n_cols + col[keep]
        size = self.n_rows * self.n_cols
        if weights is None:
            return np.bincount(flat, minlength=size).reshape(self.shape)
        w = np.asarray(weights, dtype=float)[keep]
        return np.bincount(flat, weights=w, minlength=size).reshape(self.shape)

    def centres(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Cell-centre coordinates, each of shape (n_rows, n_cols).

        Returns
        -------
        x, y : ndarray
        """
        xs = self.x0 + (np.arange(self.n_cols) + 0.5) * self.cell_size
        ys = self.y0 + (np.arange(self.n_rows) + 0.5) * self.cell_size
        cx, cy = np.meshgrid(xs, ys)
        return cx, cy

    def shifted(self, dx: float, dy: float) -> Grid:
        """The same grid with its origin moved by (dx, dy) and one more row and column.

        Parameters
        ----------
        dx, dy : float
            How far the origin moves back, in metres: the new origin is (x0 − dx, y0 − dy).

        Returns
        -------
        Grid
        """
        return Grid(
            self.x0 - dx, self.y0 - dy, self.cell_size, self.n_cols + 1, self.n_rows + 1, self.crs
        )
