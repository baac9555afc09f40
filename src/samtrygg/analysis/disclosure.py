"""Statistical disclosure control for public numbers: small-count suppression and safe locations.

Public pages and cross-organisation exports never show a count n with 0 < n < k, nor a number
from which such a count can be worked out, nor raw coordinates. See docs/methods-reference.md §10
and docs/domain.md §11.

Decisions
---------
* **Zeros are published** (``publish_zero=True``). docs/domain.md §11 suppresses 0 < n < k; a zero
  names nobody. A zero may still be hidden as a *secondary* suppression, so an intruder cannot
  assume that a hidden cell holds at least 1.
* **One neutral marker** (None) for every hidden cell, primary or secondary, so the marker does
  not say "between 1 and k − 1".
* **Protection rule.** With the published cells and margins, each hidden cell's feasible values
  form an interval [lo, hi] (linear programming with non-negative cells). A hidden cell is
  protected when ``lo < hi`` (it cannot be recomputed) **and** the interval is not inside
  ``[1, k − 1]`` (``lo == 0`` or ``hi >= k``): an intruder can neither recompute the value nor
  conclude that a small non-zero count sits in that cell.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.geo import CELL_SIZE

__all__ = [
    "AreaCounts",
    "GridCounts",
    "SuppressedSeries",
    "SuppressedTable",
    "aggregate_to_areas",
    "aggregate_to_grid",
    "snap_to_grid",
    "suppress_series",
    "suppress_table",
]


def _check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise InputError(f"k must be a whole number of at least 1, got {k!r}.")
    return int(k)


def _as_count_array(values: npt.ArrayLike, name: str, ndim: int) -> npt.NDArray[np.int64]:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != ndim:
        raise InputError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}.")
    if arr.size == 0:
        raise InputError(f"{name} is empty; give at least one count.")
    if not np.isfinite(arr).all():
        raise InputError(f"{name} contains NaN or infinite values; counts must be finite.")
    if (arr < 0).any() or (arr != np.round(arr)).any():
        raise InputError(f"{name} must hold whole counts of at least 0.")
    return arr.astype(np.int64)


def _primary(values: npt.NDArray[np.int64], k: int, publish_zero: bool) -> npt.NDArray[np.bool_]:
    small = values < k
    return small & (values > 0) if publish_zero else small


def _secondary_fixpoint(
    values: npt.NDArray[np.int64],
    hidden: npt.NDArray[np.bool_],
    equations: list[npt.NDArray[np.int64]],
) -> None:
    """Until nothing changes: every equation with exactly one hidden member hides its smallest
    published member too (ties by position)."""
    changed = True
    while changed:
        changed = False
        for members in equations:
            h = hidden[members]
            if int(h.sum()) == 1:
                candidates = members[~h]
                if candidates.size == 0:  # pragma: no cover - an equation has ≥ 2 members
                    continue
                pick = candidates[np.argmin(values[candidates])]
                hidden[pick] = True
                changed = True


def _interval_bounds(
    values: npt.NDArray[np.int64],
    hidden: npt.NDArray[np.bool_],
    equations: list[npt.NDArray[np.int64]],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """LP bounds of each hidden entry given the published ones (∞ when unbounded)."""
    idx = np.flatnonzero(hidden)
    lo = np.full(values.size, np.nan)
    hi = np.full(values.size, np.nan)
    if idx.size == 0:
        return lo, hi
    pos = {int(j): i for i, j in enumerate(idx)}
    rows, rhs = [], []
    for members in equations:
        # Each equation reads sum(members[:-1]) - members[-1] = 0 (the last member is the total).
        coef = np.zeros(idx.size)
        const = 0.0
        for j, sign in zip(members, [1.0] * (members.size - 1) + [-1.0], strict=True):
            if hidden[j]:
                coef[pos[int(j)]] += sign
            else:
                const += sign * values[j]
        if coef.any():
            rows.append(coef)
            rhs.append(-const)
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    for i, j in enumerate(idx):
        for sign, target in ((1.0, lo), (-1.0, hi)):
            c = np.zeros(idx.size)
            c[i] = sign
            res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            if res.status == 3:
                target[j] = math.inf
            elif res.status == 0:
                target[j] = sign * res.fun
            else:  # pragma: no cover - the true table is always feasible
                raise InputError(f"The suppression check failed: {res.message}")
    # Integer data: round away LP round-off.
    return np.round(lo, 9), np.round(hi, 9)


def _unprotected(
    lo: npt.NDArray[np.float64], hi: npt.NDArray[np.float64], hidden: npt.NDArray[np.bool_], k: int
) -> npt.NDArray[np.int64]:
    exact = hi - lo < 0.5
    pinned = (lo >= 1) & (hi <= k - 1)
    return np.flatnonzero(hidden & (exact | pinned))


def _protect(
    values: npt.NDArray[np.int64],
    primary: npt.NDArray[np.bool_],
    equations: list[npt.NDArray[np.int64]],
    k: int,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """1. Hide primaries; 2. fixpoint of the one-hidden-per-equation rule; 3. LP check;
    4. for an unprotected cell hide the smallest published member of its equations (or of the
    table) and go back to 2."""
    hidden = primary.copy()
    while True:
        _secondary_fixpoint(values, hidden, equations)
        lo, hi = _interval_bounds(values, hidden, equations)
        bad = _unprotected(lo, hi, hidden, k)
        if bad.size == 0 or hidden.all():
            return hidden, lo, hi
        j = int(bad[0])
        near = np.unique(np.concatenate([m for m in equations if j in m]))
        pool = near[~hidden[near]]
        if pool.size == 0:
            pool = np.flatnonzero(~hidden)
        hidden[pool[np.argmin(values[pool])]] = True


@dataclass(frozen=True)
class SuppressedTable:
    """A two-way table of counts ready to publish.

    Attributes
    ----------
    cells : tuple of tuples of int or None
        Inner cells; None = suppressed.
    row_totals, column_totals : tuple of int or None
    grand_total : int or None
    primary, secondary : ndarray of bool, shape (n_rows + 1, n_cols + 1)
        Why each entry of the extended table (margins in the last row and column, grand total
        in the corner) is hidden.
    lower, upper : ndarray, shape (n_rows + 1, n_cols + 1)
        What an intruder can infer for each hidden entry from the published ones (NaN where
        published; upper may be inf).
    k : int
    publish_zero : bool
    """

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    grand_total: int | None
    primary: npt.NDArray[np.bool_]
    secondary: npt.NDArray[np.bool_]
    lower: npt.NDArray[np.float64]
    upper: npt.NDArray[np.float64]
    k: int
    publish_zero: bool


def _published(values: npt.NDArray[np.int64], hidden: npt.NDArray[np.bool_]) -> list[int | None]:
    return [None if h else int(v) for v, h in zip(values.ravel(), hidden.ravel(), strict=True)]


def suppress_table(
    counts: npt.ArrayLike, *, k: int = 5, publish_zero: bool = True
) -> SuppressedTable:
    """Suppress small counts in a table with row, column and grand totals, safely.

    Parameters
    ----------
    counts : array_like of int, shape (n_rows, n_cols)
        The inner cells; the margins are computed from them and published too.
    k : int
        Threshold: 0 < n < k is suppressed (n = 0 is published when ``publish_zero``).
    publish_zero : bool

    Returns
    -------
    SuppressedTable

    Notes
    -----
    The extended table (cells, margins, grand total) is protected as a whole: margins below k
    are primary suppressions too. Secondary suppression (smallest counts first) runs to a
    fixpoint, then linear-programming bounds check every hidden entry (module docstring) and
    more cells are hidden until all pass.

    Examples
    --------
    >>> t = suppress_table([[3, 10, 12], [20, 30, 7]])
    >>> t.cells
    ((None, None, 12), (None, None, 7))
    >>> t.row_totals, t.column_totals, t.grand_total
    ((25, 57), (23, 40, 19), 82)
    """
    kk = _check_k(k)
    inner = _as_count_array(counts, "counts", 2)
    n_r, n_c = inner.shape
    ext = np.zeros((n_r + 1, n_c + 1), dtype=np.int64)
    ext[:n_r, :n_c] = inner
    ext[:n_r, n_c] = inner.sum(axis=1)
    ext[n_r, :n_c] = inner.sum(axis=0)
    ext[n_r, n_c] = inner.sum()
    index = np.arange(ext.size).reshape(ext.shape)
    # Every row and column of the extended table sums to its last entry.
    equations = [index[i, :] for i in range(n_r + 1)] + [index[:, j] for j in range(n_c + 1)]
    values = ext.ravel()
    primary = _primary(values, kk, publish_zero)
    hidden, lo, hi = _protect(values, primary, equations, kk)
    pub = _published(values, hidden)
    grid = [pub[i * (n_c + 1) : (i + 1) * (n_c + 1)] for i in range(n_r + 1)]
    return SuppressedTable(
        cells=tuple(tuple(row[:n_c]) for row in grid[:n_r]),
        row_totals=tuple(row[n_c] for row in grid[:n_r]),
        column_totals=tuple(grid[n_r][:n_c]),
        grand_total=grid[n_r][n_c],
        primary=primary.reshape(ext.shape),
        secondary=(hidden & ~primary).reshape(ext.shape),
        lower=lo.reshape(ext.shape),
        upper=hi.reshape(ext.shape),
        k=kk,
        publish_zero=publish_zero,
    )


@dataclass(frozen=True)
class SuppressedSeries:
    """A 1-D series (e.g. months) with its total, ready to publish.

    Attributes
    ----------
    values : tuple of int or None
    total : int or None
    primary, secondary : ndarray of bool, shape (n + 1,)
        For the values followed by the total.
    lower, upper : ndarray, shape (n + 1,)
    k : int
    publish_zero : bool
    """

    values: tuple[int | None, ...]
    total: int | None
    primary: npt.NDArray[np.bool_]
    secondary: npt.NDArray[np.bool_]
    lower: npt.NDArray[np.float64]
    upper: npt.NDArray[np.float64]
    k: int
    publish_zero: bool


def suppress_series(
    counts: npt.ArrayLike, *, k: int = 5, publish_zero: bool = True, with_total: bool = True
) -> SuppressedSeries:
    """Suppress small counts in a series published with (or without) its total.

    Parameters
    ----------
    counts : array_like of int
        The series (e.g. one count per month).
    k : int
        Threshold: counts 1 … k − 1 are suppressed.
    publish_zero : bool
        Whether zeros are shown (see the module docstring).
    with_total : bool
        Whether the total is published beside the series; then a second value is suppressed
        where one suppressed value could be worked out from the total.

    Returns
    -------
    SuppressedSeries
        The values to publish (None where suppressed) and the total.

    Examples
    --------
    >>> s = suppress_series([12, 3, 0, 40])
    >>> s.values, s.total
    ((12, None, None, 40), 55)
    >>> suppress_series([12, 3, 40], with_total=False).values
    (12, None, 40)
    """
    kk = _check_k(k)
    inner = _as_count_array(counts, "counts", 1)
    values = np.append(inner, inner.sum())
    equations = [np.arange(values.size)] if with_total else []
    primary = _primary(values, kk, publish_zero)
    if not with_total:
        primary[-1] = True  # the total is not released at all
    hidden, lo, hi = _protect(values, primary, equations, kk)
    pub = _published(values, hidden)
    return SuppressedSeries(
        values=tuple(pub[:-1]),
        total=pub[-1] if with_total else None,
        primary=primary,
        secondary=hidden & ~primary,
        lower=lo,
        upper=hi,
        k=kk,
        publish_zero=publish_zero,
    )


# --------------------------------------------------------------------------- locations


def snap_to_grid(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    cell_size: float = CELL_SIZE,
    *,
    x0: float = 0.0,
    y0: float = 0.0,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Replace each point by the centre of its grid cell (cells of at least 250 m).

    Parameters
    ----------
    x, y : array_like
        Coordinates in metres.
    cell_size : float
        Cell side in metres, at least 250.
    x0, y0 : float
        Origin of the grid.

    Returns
    -------
    x, y : ndarray
        The centre of each point's cell.

    Examples
    --------
    >>> snap_to_grid([10.0, 260.0], [499.0, 501.0])
    (array([125., 375.]), array([375., 625.]))
    """
    c = _check_cell(cell_size)
    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xa.shape != ya.shape:
        raise InputError(f"x has {xa.size} values but y has {ya.size}; give one y per x.")
    if not (np.isfinite(xa).all() and np.isfinite(ya).all()):
        raise InputError("Some coordinates are missing or not finite; remove those points.")
    sx = x0 + (np.floor((xa - x0) / c) + 0.5) * c
    sy = y0 + (np.floor((ya - y0) / c) + 0.5) * c
    return sx, sy


def _check_cell(cell_size: float) -> float:
    if not (isinstance(cell_size, (int, float)) and cell_size >= CELL_SIZE):
        raise InputError(
            f"cell_size must be at least {CELL_SIZE:g} m for public maps, got {cell_size!r}."
        )
    return float(cell_size)


@dataclass(frozen=True)
class GridCounts:
    """Counts per occupied public grid cell (no raw coordinates).

    Attributes
    ----------
    x, y : ndarray
        Cell centres.
    counts : tuple of int or None
        None where 0 < n < k.
    cell_size : float
    k : int
    """

    x: npt.NDArray[np.float64]
    y: npt.NDArray[np.float64]
    counts: tuple[int | None, ...]
    cell_size: float
    k: int


def aggregate_to_grid(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    cell_size: float = CELL_SIZE,
    *,
    k: int = 5,
    x0: float = 0.0,
    y0: float = 0.0,
) -> GridCounts:
    """Count points per grid cell of at least 250 m and suppress 0 < n < k.

    No total is published with the cells, so no secondary suppression is needed; do not
    publish one beside them.

    Parameters
    ----------
    x, y : array_like
        Event coordinates in metres.
    cell_size : float
        Cell side in metres, at least 250.
    k : int
        Threshold: counts 1 … k − 1 are suppressed.
    x0, y0 : float
        Origin of the grid; the same origin for every release keeps cells comparable.

    Returns
    -------
    GridCounts
        The centres of the occupied cells and their counts (None where suppressed).

    Examples
    --------
    >>> g = aggregate_to_grid([10, 20, 30, 40, 50, 600], [10, 10, 10, 10, 10, 10], k=5)
    >>> g.x.tolist(), g.counts
    ([125.0, 625.0], (5, None))
    """
    kk = _check_k(k)
    sx, sy = snap_to_grid(x, y, cell_size, x0=x0, y0=y0)
    if sx.size == 0:
        return GridCounts(np.empty(0), np.empty(0), (), float(cell_size), kk)
    cells, counts = np.unique(np.column_stack([sx, sy]), axis=0, return_counts=True)
    pub = tuple(None if 0 < n < kk else int(n) for n in counts)
    return GridCounts(cells[:, 0].copy(), cells[:, 1].copy(), pub, float(cell_size), kk)


@dataclass(frozen=True)
class AreaCounts:
    """Counts per named area (DeSO, RegSO, kommun) with their total, suppressed.

    Attributes
    ----------
    areas : tuple of str
    series : SuppressedSeries
    """

    areas: tuple[str, ...]
    series: SuppressedSeries


def aggregate_to_areas(
    area_ids: Sequence[object],
    *,
    all_areas: Sequence[str] | None = None,
    k: int = 5,
    with_total: bool = True,
) -> AreaCounts:
    """Count events per area (one id per event) and suppress small counts safely.

    Parameters
    ----------
    area_ids : sequence
        The area of each event (e.g. its DeSO code).
    all_areas : sequence of str, optional
        Every area of the release, so areas without events show 0.
    k : int
        Threshold: counts 1 … k − 1 are suppressed.
    with_total : bool
        Whether the total is published beside the areas (then more cells may be suppressed so
        that none can be worked out from it).

    Returns
    -------
    AreaCounts
        Per area its count or None where suppressed, and the total when ``with_total``.

    Examples
    --------
    >>> a = aggregate_to_areas(["A"] * 7 + ["B"] * 2 + ["C"] * 9)
    >>> a.areas, a.series.values, a.series.total
    (('A', 'B', 'C'), (None, None, 9), 18)
    """
    ids = [str(a) for a in area_ids]
    names = sorted(set(ids) | set(all_areas or []))
    if not names:
        raise InputError("There are no events and no areas to count.")
    unknown = set(ids) - set(names)
    if unknown:  # pragma: no cover - names includes ids
        raise InputError(f"Unknown areas {sorted(unknown)}.")
    pos = {n: i for i, n in enumerate(names)}
    counts = np.bincount([pos[a] for a in ids], minlength=len(names))
    return AreaCounts(tuple(names), suppress_series(counts, k=k, with_total=with_total))
