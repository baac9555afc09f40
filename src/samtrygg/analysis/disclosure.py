"""Statistical disclosure control for public numbers: cell-key perturbation, small-count
suppression and safe locations.

Public pages and cross-organisation exports never show a count n with 0 < n < k, nor a number
from which such a count can be worked out, nor raw coordinates. See docs/methods-reference.md §10,
docs/domain.md §11 and docs/privacy.md.

Cell-key perturbation (what the web application publishes)
-----------------------------------------------------------
Suppression protects one table; it does not protect a *series* of tables (two periods, two
versions, a filter and its complement): subtracting one from another recovers hidden cells. The
rule the application uses everywhere is therefore the table-builder method of the Australian
Bureau of Statistics and the ONS (Fraser & Wooton 2005; Thompson, Broadfoot & Elazar 2013):

1. Every record gets a fixed random **record key** in [0, 2⁶⁴): a keyed BLAKE2b hash of its id
   with a per-installation secret (:func:`record_keys`). Nobody without the secret can compute it.
2. A cell's **cell key** is the sum of its records' keys modulo 2⁶⁴, read as a number in [0, 1)
   (:func:`cell_keys`). The same set of records always has the same cell key, whatever the query
   that counts it, so asking again, or in another table, returns the same number and repeated or
   overlapping queries cannot average the noise away; a set that differs by one record has an
   unrelated cell key.
3. A fixed **perturbation table** (:func:`perturb`) maps (count n, cell key u) to the published
   value: 0 stays 0; otherwise v = n + d(u) with d in {−D, …, D} drawn by u from the triangular
   weights D + 1 − |d|, and v < k is published as **0**. A number from 1 to k − 1 is never
   published. ``D = max(2, ⌈(k − 1) / 2⌉)`` (:func:`noise_bound`; 2 for k = 5).
4. **Totals are the sums of their published parts** (:func:`additive_total`), so they add no
   information and every table adds up.

What an intruder who knows this rule (not the secret) can infer from one published value p is
:func:`feasible_counts`: p = 0 means 0 … k − 1 + D, p ≥ k means p − D … p + D. Both ranges hold
at least k whole numbers, so even knowing an exact part of the cell (their own reports), a
second cell's value or that exactly one report was added since the last look, the intruder
cannot narrow a count to 1 … k − 1 (tests/analysis/test_cell_key.py plays these attacks).

Suppression (library functions for single tables)
-------------------------------------------------
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

import hashlib
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.geo import CELL_SIZE

__all__ = [
    "AreaCounts",
    "CellKeyRule",
    "GridCounts",
    "SuppressedSeries",
    "SuppressedTable",
    "aggregate_to_areas",
    "aggregate_to_grid",
    "additive_total",
    "cell_keys",
    "feasible_counts",
    "noise_bound",
    "perturb",
    "record_keys",
    "snap_to_grid",
    "suppress_overlapping_areas",
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


# --------------------------------------------------------------------------- overlapping areas


def _lp_range(
    target: npt.NDArray[np.float64],
    a_eq: npt.NDArray[np.float64] | None,
    b_eq: npt.NDArray[np.float64] | None,
) -> tuple[float, float]:
    """The smallest and largest value of target · x over x ≥ 0 with a_eq x = b_eq."""
    ends = []
    for sign in (1.0, -1.0):
        res = linprog(sign * target, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        ends.append(math.inf if res.status == 3 else round(float(sign * res.fun), 6))
    return ends[0], ends[1]


def suppress_overlapping_areas(
    n_areas: int,
    atoms: Sequence[frozenset[int]],
    atom_counts: Sequence[int],
    total: int | None,
    k: int,
) -> list[int | None]:
    """Exact area counts safe to publish side by side, for areas that overlap or nest.

    Parameters
    ----------
    n_areas : int
        How many areas there are (positions 0 … n_areas − 1).
    atoms : sequence of frozenset of int
        Each distinct set of areas that some records lie in (positions into the areas).
    atom_counts : sequence of int
        How many records share each atom.
    total : int or None
        An exact total published beside the areas (counting the records in no area too), or
        None when there is none.
    k : int
        Threshold: no area or part of an area may be pinned to 1 … k − 1.

    Returns
    -------
    list of int or None
        The count of each area, None where it is hidden.

    Notes
    -----
    Subtracting one published area from another (or from the total) can give a small count for
    the part of an area outside another. Each atom (and the records in no area, when ``total``
    is given) is an unknown ≥ 0 to the intruder; every published area is an equation. An area
    below k is hidden (zeros too); then, while an atom or a hidden area holding 1 … k − 1 can be
    pinned inside [1, k − 1] by linear programming, the smallest published area overlapping it
    is hidden. This protects one release of *exact* counts; the web application publishes
    perturbed counts instead (:func:`perturb`), which also hold across releases.

    Examples
    --------
    >>> suppress_overlapping_areas(2, [frozenset({0, 1}), frozenset({0})], [20, 3], None, 5)
    [23, None]
    >>> suppress_overlapping_areas(2, [frozenset({0, 1}), frozenset({0})], [20, 9], None, 5)
    [29, 20]
    """
    kk = _check_k(k)
    if len(atoms) != len(atom_counts):
        raise InputError(
            f"atoms has {len(atoms)} entries but atom_counts {len(atom_counts)}; give one count "
            "per atom."
        )
    counts = [0] * n_areas
    for members, n in zip(atoms, atom_counts, strict=True):
        for i in members:
            if not 0 <= i < n_areas:
                raise InputError(f"Atom {sorted(members)} names area {i}, beyond {n_areas}.")
            counts[i] += n
    # The records in no area are one more atom (only the total includes them).
    outside = None if total is None else total - sum(atom_counts)
    if outside is not None and outside < 0:
        raise InputError(f"total {total} is smaller than the records in areas {sum(atom_counts)}.")
    all_atoms = [*atoms, frozenset()] if outside is not None else list(atoms)
    values = [*atom_counts, outside] if outside is not None else list(atom_counts)
    hidden = [c < kk for c in counts]
    area_rows = [np.array([1.0 if i in m else 0.0 for m in all_atoms]) for i in range(n_areas)]

    def pinned(target: npt.NDArray[np.float64], hide: list[bool]) -> bool:
        rows = [area_rows[i] for i in range(n_areas) if not hide[i]]
        rhs = [float(counts[i]) for i in range(n_areas) if not hide[i]]
        if total is not None:
            rows.append(np.ones(len(all_atoms)))
            rhs.append(float(total))
        if not rows:
            return False
        lo, hi = _lp_range(target, np.array(rows), np.array(rhs))
        return lo >= 1 and hi <= kk - 1

    while True:
        # What must not be pinned inside [1, k - 1]: the small atoms and the small hidden areas.
        checks = [
            (np.eye(len(all_atoms))[j], all_atoms[j])
            for j, v in enumerate(values)
            if v is not None and 1 <= v <= kk - 1
        ]
        checks += [
            (area_rows[i], frozenset({i}))
            for i in range(n_areas)
            if hidden[i] and 1 <= counts[i] <= kk - 1
        ]
        bad = next(((t, m) for t, m in checks if pinned(t, hidden)), None)
        if bad is None:
            return [None if h else c for h, c in zip(hidden, counts, strict=True)]
        target, members = bad
        near = {i for m in all_atoms if m & members or not members for i in m} | set(members)
        pool = sorted(
            (i for i in range(n_areas) if not hidden[i] and i in near), key=lambda i: counts[i]
        ) or sorted((i for i in range(n_areas) if not hidden[i]), key=lambda i: counts[i])
        if not pool:  # pragma: no cover - with no area published only the total binds
            return [None] * n_areas
        # The smallest area whose hiding frees the pinned part, else the smallest one.
        choice = next(
            (i for i in pool if not pinned(target, [h or j == i for j, h in enumerate(hidden)])),
            pool[0],
        )
        hidden[choice] = True


# --------------------------------------------------------------------------- cell-key perturbation

_KEY_SPACE = float(2**64)


def noise_bound(k: int) -> int:
    """The largest perturbation D for threshold k: ``max(2, ceil((k - 1) / 2))``.

    Parameters
    ----------
    k : int
        The small-count threshold.

    Returns
    -------
    int

    Notes
    -----
    D ≥ (k − 1) / 2 makes every published value stand for at least k consecutive counts, so an
    intruder who knows an exact part of a cell cannot narrow the rest to 1 … k − 1; D ≥ 2 keeps
    a count that grows by one report from being pinned (module docstring).

    Examples
    --------
    >>> noise_bound(5), noise_bound(3), noise_bound(10)
    (2, 2, 5)
    """
    return max(2, math.ceil((_check_k(k) - 1) / 2))


def record_keys(ids: npt.ArrayLike, secret: bytes) -> npt.NDArray[np.uint64]:
    """A fixed random 64-bit key per record: the keyed BLAKE2b hash of its id.

    Parameters
    ----------
    ids : array_like of int
        The records' ids (stable for the life of the record).
    secret : bytes
        The installation's secret (16 to 64 bytes). Keep it stable: a new secret gives every
        cell new noise, and two versions with unrelated noise can be averaged.

    Returns
    -------
    ndarray of uint64

    Examples
    --------
    >>> a = record_keys([1, 2, 3], b"0123456789abcdef")
    >>> bool((a == record_keys([1, 2, 3], b"0123456789abcdef")).all()), a.dtype.name
    (True, 'uint64')
    """
    if not isinstance(secret, bytes) or not 16 <= len(secret) <= 64:
        raise InputError("The disclosure secret must be 16 to 64 bytes.")
    arr = np.asarray(ids)
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise InputError("Record ids must be whole numbers.")
    flat = arr.astype(np.int64).ravel()
    out = np.empty(flat.size, dtype=np.uint64)
    # A record's key never changes, and hashing costs about a microsecond per record in Python:
    # keys of ids below _MEMO_IDS are remembered per secret, so a year of incidents is hashed once
    # per process, not on every page.
    remembered = (flat >= 0) & (flat < _MEMO_IDS)
    keys, known = _memo(secret, int(flat[remembered].max()) + 1 if remembered.any() else 0)
    ids = flat[remembered]
    missing = np.unique(ids[~known[ids]])
    if missing.size:
        keys[missing] = _hash(missing, secret)
        known[missing] = True
    out[remembered] = keys[ids]
    out[~remembered] = _hash(flat[~remembered], secret)
    return out.reshape(arr.shape)


# Ids below this have their keys remembered (8 bytes + 1 per id: at most 36 MB per secret).
_MEMO_IDS = 4_000_000
_memos: dict[bytes, tuple[npt.NDArray[np.uint64], npt.NDArray[np.bool_]]] = {}
_memo_lock = threading.Lock()


def _memo(secret: bytes, size: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.bool_]]:
    """The remembered keys of ``secret`` and which are known, at least ``size`` long."""
    with _memo_lock:
        keys, known = _memos.get(secret, (np.zeros(0, np.uint64), np.zeros(0, bool)))
        if keys.size < size:
            # Grow by half again at least, so that new ids rarely copy the arrays.
            grown = min(_MEMO_IDS, max(size, keys.size + keys.size // 2))
            keys = np.concatenate([keys, np.zeros(grown - keys.size, np.uint64)])
            known = np.concatenate([known, np.zeros(grown - known.size, bool)])
            _memos[secret] = (keys, known)
        return keys, known


def _hash(ids: npt.NDArray[np.int64], secret: bytes) -> npt.NDArray[np.uint64]:
    """The keyed BLAKE2b hash of each id (8 bytes, little-endian)."""
    return np.fromiter(
        (
            int.from_bytes(
                hashlib.blake2b(
                    int(i).to_bytes(8, "little", signed=True), key=secret, digest_size=8
                ).digest(),
                "little",
            )
            for i in ids
        ),
        dtype=np.uint64,
        count=ids.size,
    )


def cell_keys(
    groups: npt.ArrayLike, keys: npt.ArrayLike, n_groups: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Counts and cell keys of records grouped into cells.

    Parameters
    ----------
    groups : array_like of int
        The cell (0 … n_groups − 1) of each record.
    keys : array_like of uint64
        Each record's key (:func:`record_keys`).
    n_groups : int
        How many cells there are (cells without records get count 0).

    Returns
    -------
    counts : ndarray of int64
    cell_keys : ndarray of float64
        The sum of the records' keys modulo 2⁶⁴, divided by 2⁶⁴: in [0, 1), the same for the
        same set of records in any order.

    Examples
    --------
    >>> n, u = cell_keys([0, 0, 1], np.array([2**63, 2**63, 2**62], dtype=np.uint64), 3)
    >>> n.tolist(), u.tolist()
    ([2, 1, 0], [0.0, 0.25, 0.0])
    """
    g = np.asarray(groups, dtype=np.int64).ravel()
    kk = np.asarray(keys, dtype=np.uint64).ravel()
    if g.size != kk.size:
        raise InputError(f"groups has {g.size} values but keys {kk.size}; give one key per record.")
    if g.size and (g.min() < 0 or g.max() >= n_groups):
        raise InputError(f"Every group must lie in 0 … {n_groups - 1}.")
    counts = np.bincount(g, minlength=n_groups).astype(np.int64)
    sums = np.zeros(n_groups, dtype=np.uint64)
    # Unsigned integers wrap: the sum is exact modulo 2**64, whatever the order of the records.
    np.add.at(sums, g, kk)
    return counts, sums.astype(np.float64) / _KEY_SPACE


def _noise_quantiles(d: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    offsets = np.arange(-d, d + 1)
    weights = (d + 1 - np.abs(offsets)).astype(float)
    return offsets, np.cumsum(weights) / weights.sum()


def perturb(counts: npt.ArrayLike, keys: npt.ArrayLike, *, k: int = 5) -> npt.NDArray[np.int64]:
    """The published value of each cell under the perturbation table.

    Parameters
    ----------
    counts : array_like of int
        The true counts (≥ 0).
    keys : array_like of float
        The cells' keys in [0, 1) (:func:`cell_keys`).
    k : int
        Threshold: no value from 1 to k − 1 is published.

    Returns
    -------
    ndarray of int64
        0 for 0; else n + d with d in −D … D (triangular weights D + 1 − |d|, D =
        :func:`noise_bound`), and 0 where that falls below k.

    Examples
    --------
    >>> perturb([0, 3, 3, 40, 40], [0.5, 0.01, 0.99, 0.01, 0.99], k=5).tolist()
    [0, 0, 5, 38, 42]
    """
    kk = _check_k(k)
    n = _as_count_array(np.atleast_1d(counts), "counts", 1) if np.size(counts) else np.zeros(0)
    u = np.asarray(keys, dtype=float).ravel()
    if u.size != n.size:
        raise InputError(f"counts has {n.size} values but keys {u.size}; give one key per cell.")
    if u.size and (not np.isfinite(u).all() or u.min() < 0 or u.max() >= 1):
        raise InputError("Cell keys must lie in [0, 1).")
    offsets, cumulative = _noise_quantiles(noise_bound(kk))
    d = offsets[np.minimum(np.searchsorted(cumulative, u, side="right"), offsets.size - 1)]
    v = n.astype(np.int64) + d
    return np.where((n == 0) | (v < kk), 0, v).astype(np.int64).reshape(np.shape(counts))


def feasible_counts(published: int, k: int = 5) -> tuple[int, int]:
    """The true counts an intruder who knows the rule (not the secret) finds possible.

    Parameters
    ----------
    published : int
        A value published by :func:`perturb`.
    k : int

    Returns
    -------
    (int, int)
        The smallest and largest true count that can be published as ``published``.

    Examples
    --------
    >>> feasible_counts(0), feasible_counts(5), feasible_counts(40)
    ((0, 6), (3, 7), (38, 42))
    """
    kk = _check_k(k)
    d = noise_bound(kk)
    if published == 0:
        return 0, kk - 1 + d
    if published < kk:
        raise InputError(f"{published} cannot be published with k = {kk}.")
    return max(1, published - d), published + d


def additive_total(published: Sequence[int]) -> int:
    """A total published as the sum of its published parts (so it adds no information).

    Parameters
    ----------
    published : sequence of int
        The published values of the parts.

    Returns
    -------
    int
        Their sum.

    Examples
    --------
    >>> additive_total([0, 7, 12])
    19
    """
    return int(sum(int(v) for v in published))


@dataclass(frozen=True)
class CellKeyRule:
    """The installation's disclosure rule: threshold k and the secret of the record keys.

    Attributes
    ----------
    k : int
    secret : bytes

    Examples
    --------
    >>> rule = CellKeyRule(5, b"0123456789abcdef")
    >>> values = rule.publish([11, 12, 13, 14, 15, 16, 17], [0, 0, 0, 0, 0, 0, 1], 3)
    >>> int(values[1]), int(values[2]), bool(values[0] >= 5)
    (0, 0, True)
    """

    k: int
    secret: bytes

    def __post_init__(self) -> None:
        _check_k(self.k)

    @property
    def noise(self) -> int:
        """D, the largest change the noise makes to a count."""
        return noise_bound(self.k)

    def publish(
        self, ids: npt.ArrayLike, groups: npt.ArrayLike, n_groups: int
    ) -> npt.NDArray[np.int64]:
        """Count records (``ids``, each in cell ``groups``) per cell and perturb the counts.

        Parameters
        ----------
        ids : array_like of int
            The records' ids (their record keys are derived from them).
        groups : array_like of int
            Each record's cell, 0 … ``n_groups`` − 1.
        n_groups : int
            Number of cells.

        Returns
        -------
        ndarray of int64
            The published value of every cell: 0 or at least k.
        """
        counts, keys = cell_keys(groups, record_keys(ids, self.secret), n_groups)
        return perturb(counts, keys, k=self.k)
