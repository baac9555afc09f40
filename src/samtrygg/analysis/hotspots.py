"""Local statistics on grids and spatial weights: Getis–Ord Gi*/Gi and local Moran's I.

The analytic outputs are computed exactly as esda 2.9.0 computes them (``esda/getisord.py``,
``esda/moran.py``); inference is by conditional permutation (``esda/crand.py``), two-sided by
default, followed by a multiple-testing correction (Benjamini–Hochberg by default). See
METHODS.md §3.

Two permutation engines give the same null distribution per site:

* ``"matrix"`` follows esda's algorithm: one index matrix P (R × K) of draws without replacement
  serves every site. Pass esda's own matrix as ``permutation_ids`` and the simulations and the
  counts M agree with esda bit for bit.
* ``"distribution"`` (the default where it applies: non-negative integer counts and equal weights
  within each row, e.g. binary or row-standardised grids) uses the fact that a site's conditional
  null depends only on its cardinality k and its own value: the lag is a sum of k draws without
  replacement from the other n − 1 values. The exact distribution of that sum is computed once
  per (k, value) class, and the R simulated lags of each site are drawn from it as a multinomial
  histogram. Each site's simulated sample therefore has exactly the distribution it has under
  esda; only the dependence between sites differs (esda reuses one matrix for all sites, here
  sites are independent). Ties are decided exactly on the integer lags.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy import stats
from scipy.spatial import cKDTree

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.multiple_testing import (
    DEFAULT_ALTERNATIVE,
    _significance_one,
    adjust_p_values,
    check_alpha,
    check_alternative,
)

__all__ = [
    "GiStarResult",
    "LocalMoranResult",
    "distance_weights",
    "gi",
    "gi_star",
    "grid_weights",
    "local_moran",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_STAT_GI_STAR, _STAT_GI, _STAT_MORAN = 0, 1, 2
_METHODS = ("auto", "distribution", "matrix")
_P_SOURCES = ("auto", "exact", "permutation", "analytic")
# Largest subset-sum table (cells) the "distribution" engine builds before it falls back.
_MAX_TABLE_WORK = 400_000_000


# ---------------------------------------------------------------------------------------------
# Weights
# ---------------------------------------------------------------------------------------------


def grid_weights(
    n_rows: int, n_cols: int, neighbourhood: str = "queen", *, include_self: bool = False
) -> sp.csr_matrix:
    """Binary contiguity weights of a lattice, cells numbered row-major (``row * n_cols + col``).

    The numbering is libpysal's ``lat2W(n_rows, n_cols)``: with ``Grid.counts`` (row = y index)
    flattened in C order, site ``i`` is the cell ``divmod(i, n_cols)``.

    Parameters
    ----------
    n_rows, n_cols : int
        Grid shape.
    neighbourhood : {"queen", "rook"}
        8 or 4 neighbours.
    include_self : bool
        Put 1 on the diagonal (Gi*).

    Examples
    --------
    >>> w = grid_weights(2, 3, "queen", include_self=True)
    >>> w.sum(axis=1).A1.tolist()
    [4.0, 6.0, 4.0, 4.0, 6.0, 4.0]
    """
    if neighbourhood not in ("queen", "rook"):
        raise InputError(f"neighbourhood must be 'queen' or 'rook'; got {neighbourhood!r}.")
    if n_rows < 1 or n_cols < 1:
        raise InputError(f"The grid is empty ({n_rows} × {n_cols}); it needs at least one cell.")
    n = n_rows * n_cols
    rows, cols = np.divmod(np.arange(n), n_cols)
    offsets = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    if neighbourhood == "queen":
        offsets += [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    if include_self:
        offsets.append((0, 0))
    src, dst = [], []
    for dr, dc in offsets:
        r2, c2 = rows + dr, cols + dc
        ok = (r2 >= 0) & (r2 < n_rows) & (c2 >= 0) & (c2 < n_cols)
        src.append(np.flatnonzero(ok))
        dst.append(r2[ok] * n_cols + c2[ok])
    i, j = np.concatenate(src), np.concatenate(dst)
    w = sp.csr_matrix((np.ones(i.size), (i, j)), shape=(n, n))
    w.sort_indices()
    return w


def distance_weights(
    x: npt.ArrayLike, y: npt.ArrayLike, threshold: float, *, include_self: bool = False
) -> sp.csr_matrix:
    """Binary distance-band weights: j is a neighbour of i when 0 < d(i, j) ≤ threshold.

    This is spdep ``dnearneigh(coords, 0, threshold)`` (sfhotspot's ``nb_dist``) and libpysal
    ``DistanceBand(binary=True)``.

    Examples
    --------
    >>> w = distance_weights([0, 100, 250], [0, 0, 0], 150)
    >>> w.toarray().tolist()
    [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xa.shape != ya.shape or xa.ndim != 1:
        raise InputError(f"x and y must be 1-D of equal length; got {xa.shape} and {ya.shape}.")
    if not (np.all(np.isfinite(xa)) and np.all(np.isfinite(ya))):
        raise InputError("Some coordinates are missing or not finite; remove those points.")
    if not threshold > 0:
        raise InputError(f"threshold must be a positive distance; got {threshold!r}.")
    pairs = cKDTree(np.column_stack([xa, ya])).query_pairs(
        r=float(threshold), output_type="ndarray"
    )
    i = np.concatenate([pairs[:, 0], pairs[:, 1]])
    j = np.concatenate([pairs[:, 1], pairs[:, 0]])
    if include_self:
        i = np.concatenate([i, np.arange(xa.size)])
        j = np.concatenate([j, np.arange(xa.size)])
    w = sp.csr_matrix((np.ones(i.size), (i, j)), shape=(xa.size, xa.size))
    w.sort_indices()
    return w


def _prepare_weights(
    weights: object, n: int, *, star: bool | None, transform: str
) -> sp.csr_matrix:
    """Copy, check and transform weights as esda does (``_infer_star_and_structure_w``)."""
    try:
        w = sp.csr_matrix(weights, dtype=float, copy=True)
    except (TypeError, ValueError) as exc:
        raise InputError(f"weights must be a square sparse or dense matrix: {exc}.") from exc
    if w.shape != (n, n):
        raise InputError(f"weights must have shape ({n}, {n}) to match the values; got {w.shape}.")
    if not np.all(np.isfinite(w.data)) or np.any(w.data < 0):
        raise InputError("weights must be finite and non-negative.")
    w.sum_duplicates()
    w.eliminate_zeros()
    diagonal = w.diagonal()
    if star is True and not diagonal.any():
        # esda fills an empty diagonal with 1 for binary weights, else with the row maximum.
        fill = np.asarray(w.max(axis=1).todense()).ravel() if transform == "R" else np.ones(n)
        w = sp.csr_matrix(w + sp.diags(fill))
    elif star is False and diagonal.any():
        w = sp.csr_matrix(w - sp.diags(diagonal))
        w.eliminate_zeros()
    if transform == "B":
        w.data[:] = 1.0
    else:
        row_sums = np.asarray(w.sum(axis=1)).ravel()
        per_entry = np.repeat(row_sums, np.diff(w.indptr))
        w.data = np.where(per_entry > 0, w.data / np.where(per_entry > 0, per_entry, 1.0), 0.0)
    w.sort_indices()
    return w


def _split_self(w: sp.csr_matrix) -> tuple[FloatArray, sp.csr_matrix]:
    """Self weights and the off-diagonal part in CSR order (esda's ``setdiag(0)``)."""
    self_weights = np.asarray(w.diagonal(), dtype=float)
    off = sp.csr_matrix(w - sp.diags(self_weights)) if self_weights.any() else w.copy()
    off.eliminate_zeros()
    off.sort_indices()
    return self_weights, off


# ---------------------------------------------------------------------------------------------
# Engine 1: esda's algorithm with an index matrix (bit-for-bit with an injected matrix)
# ---------------------------------------------------------------------------------------------


@numba.njit(cache=True)
def _gather(
    i: int, z: FloatArray, permuted_ids: IntArray, weights: FloatArray
) -> tuple[float, FloatArray]:
    # esda builds z without element i and indexes it; shifting the index is the same value.
    k = weights.shape[0]
    r = permuted_ids.shape[0]
    zrand = np.empty((r, k))
    for a in range(r):
        for b in range(k):
            j = permuted_ids[a, b]
            if j >= i:
                j += 1
            zrand[a, b] = z[j]
    return z[i], zrand


# The three statistic kernels copy esda's expressions and fastmath flags so that the compiled
# arithmetic, and therefore every simulated value, is the same.
@numba.njit(fastmath=True, cache=True)
def _sim_gi(
    i: int, z: FloatArray, ids: IntArray, weights_i: FloatArray, scaling: float
) -> FloatArray:
    other_weights = weights_i[1:]
    zi, zrand = _gather(i, z, ids, other_weights)
    return (zrand @ other_weights) / (scaling - zi)


@numba.njit(fastmath=True, cache=True)
def _sim_gi_star(
    i: int, z: FloatArray, ids: IntArray, weights_i: FloatArray, scaling: float
) -> FloatArray:
    self_weight = weights_i[0]
    other_weights = weights_i[1:]
    zi, zrand = _gather(i, z, ids, other_weights)
    return (zrand @ other_weights + self_weight * zi) / scaling  # type: ignore[no-any-return]


@numba.njit(fastmath=True, cache=True)
def _sim_moran(
    i: int, z: FloatArray, ids: IntArray, weights_i: FloatArray, scaling: float
) -> FloatArray:
    self_weight = weights_i[0]
    other_weights = weights_i[1:]
    zi, zrand = _gather(i, z, ids, other_weights)
    return zi * (zrand @ other_weights + self_weight * zi) * scaling  # type: ignore[no-any-return]


@numba.njit(cache=True)
def _matrix_engine(
    z: FloatArray,
    observed: FloatArray,
    indptr: IntArray,
    other_weights: FloatArray,
    self_weights: FloatArray,
    ids: IntArray,
    scaling: float,
    stat: int,
    code: int,
    keep: bool,
) -> tuple[FloatArray, IntArray, IntArray, FloatArray, FloatArray, FloatArray]:
    n = z.shape[0]
    r = ids.shape[0]
    p = np.full(n, np.nan)
    n_ge = np.full(n, -1, dtype=np.int64)
    n_le = np.full(n, -1, dtype=np.int64)
    mean = np.full(n, np.nan)
    sd = np.full(n, np.nan)
    kept = np.empty((n if keep else 0, r))
    for i in range(n):
        card = indptr[i + 1] - indptr[i]
        if card == 0:
            continue  # a site without neighbours has no conditional distribution
        weights_i = np.zeros(card + 1)
        weights_i[0] = self_weights[i]
        weights_i[1:] = other_weights[indptr[i] : indptr[i + 1]]
        if stat == 0:
            sims = _sim_gi_star(i, z, ids, weights_i, scaling)
        elif stat == 1:
            sims = _sim_gi(i, z, ids, weights_i, scaling)
        else:
            sims = _sim_moran(i, z, ids, weights_i, scaling)
        p[i], n_ge[i], n_le[i] = _significance_one(observed[i], sims, code)
        mean[i] = sims.mean()
        sd[i] = sims.std()
        if keep:
            kept[i] = sims
    return p, n_ge, n_le, mean, sd, kept


def _own_permutation_ids(max_card: int, n: int, permutations: int, seed: int) -> IntArray:
    """R rows of ``max_card`` distinct indices into the n − 1 other sites (seeded NumPy)."""
    rng = np.random.default_rng(seed)
    ids = np.empty((permutations, max_card), dtype=np.int64)
    for r in range(permutations):
        ids[r] = rng.choice(n - 1, size=max_card, replace=False)
    return ids


# ---------------------------------------------------------------------------------------------
# Engine 2: exact conditional distribution per (cardinality, value) class
# ---------------------------------------------------------------------------------------------


@numba.njit(cache=True)
def _log_comb(a: int, b: int) -> float:
    return math.lgamma(a + 1.0) - math.lgamma(b + 1.0) - math.lgamma(a - b + 1.0)


@numba.njit(cache=True)
def _subset_sum_table(values: IntArray, counts: IntArray, kmax: int, smax: int) -> FloatArray:
    """q[j, s] = P(a uniformly random j-subset of the multiset has sum s), j ≤ kmax."""
    q = np.zeros((kmax + 1, smax + 1))
    q[0, 0] = 1.0
    m = 0
    top = 0
    for d in range(values.shape[0]):
        v, c = values[d], counts[d]
        new = np.zeros_like(q)
        for j in range(kmax + 1):
            total = _log_comb(m + c, j) if j <= m + c else 0.0
            for t in range(min(c, j) + 1):
                if j - t > m:
                    continue
                h = math.exp(_log_comb(c, t) + _log_comb(m, j - t) - total)
                shift = t * v
                for s in range(min(top, smax - shift) + 1):
                    x = q[j - t, s]
                    if x != 0.0:
                        new[j, s + shift] += h * x
        q = new
        m += c
        top = min(smax, top + min(c, kmax) * v)
    return q


@numba.njit(cache=True)
def _remove_one(q: FloatArray, n: int, v: int) -> FloatArray:
    """The table for the multiset without one element of value v (n = size with it).

    From N_j(A) = N_j(A') + N_{j−1}(A') shifted by v, divided by C(n, j).
    """
    kmax, width = q.shape[0] - 1, q.shape[1]
    out = np.zeros_like(q)
    out[0, 0] = 1.0
    for j in range(1, kmax + 1):
        frac = j / n
        scale = n / (n - j)
        total = 0.0
        for s in range(width):
            prev = out[j - 1, s - v] if s >= v else 0.0
            x = (q[j, s] - frac * prev) * scale
            if x < 1e-300:
                x = 0.0
            out[j, s] = x
            total += x
        if total > 0.0:
            for s in range(width):
                out[j, s] /= total
    return out


@numba.njit(cache=True)
def _kth(hist: IntArray, lo: int, hi: int, f: int, sign: int) -> int:
    """Lag value of the f-th smallest simulation (1-based) in the order of the statistic."""
    cum = 0
    if sign > 0:
        for u in range(lo, hi + 1):
            cum += hist[u]
            if cum >= f:
                return u
        return hi
    for u in range(hi, lo - 1, -1):
        cum += hist[u]
        if cum >= f:
            return u
    return lo


@numba.njit(cache=True)
def _count_le(hist: IntArray, lo: int, hi: int, x: int, sign: int) -> int:
    """Number of simulations whose statistic is ≤ the statistic at lag x."""
    total = 0
    for u in range(lo, hi + 1):
        if (sign > 0 and u <= x) or (sign < 0 and u >= x):
            total += hist[u]
    return total


@numba.njit(cache=True)
def _histogram_p(
    hist: IntArray, lo: int, top: int, obs: int, s: int, r: int, code: int
) -> tuple[float, int, int, float, float]:
    """p-value, #sim ≥ obs, #sim ≤ obs, mean and variance (ddof 0) of a histogram of lags.

    ``s`` is +1 when the statistic rises with the lag, −1 when it falls, 0 when it is constant.
    The definitions are esda's, with ties decided exactly on the integer lags.
    """
    ge_lag = le_lag = total = 0
    for u in range(lo, top + 1):
        h = hist[u]
        if u <= obs:
            le_lag += h
        if u >= obs:
            ge_lag += h
        total += h * u
    mean_lag = total / r
    var = 0.0
    for u in range(lo, top + 1):
        var += hist[u] * (u - mean_lag) ** 2
    if s > 0:
        ge, le = ge_lag, le_lag
    elif s < 0:
        ge, le = le_lag, ge_lag
    else:
        ge = le = r  # the statistic does not depend on the lag: every simulation ties
    if code == 5:
        p = min(1.0, 2.0 * (min(ge, le) + 1) / (r + 1))
    elif code == 1:
        p = (ge + 1) / (r + 1)
    elif code == 2:
        p = (le + 1) / (r + 1)
    elif code == 4:
        larger = r - ge if r - ge < ge else ge
        p = (larger + 1.0) / (r + 1.0)
    elif code == 3:
        count = r
        if s != 0:
            count = 0
            ref = abs(r * obs - total)
            for u in range(lo, top + 1):
                if abs(r * u - total) >= ref:
                    count += hist[u]
        p = (count + 1) / (r + 1)
    elif s == 0:
        p = 1.0
    else:
        percentile = le / r * 100
        p_low = min(percentile, 100 - percentile)
        f_low = int(math.floor(1 + (r - 1) * (p_low / 100.0)))
        outside = _count_le(hist, lo, top, _kth(hist, lo, top, f_low, s), s)
        rank = 1 + (r - 1) * ((100 - p_low) / 100.0)
        f_high = int(math.floor(rank))
        x_high = _kth(hist, lo, top, f_high, s)
        if rank - f_high > 0 and f_high < r and _kth(hist, lo, top, f_high + 1, s) != x_high:
            outside += r - _count_le(hist, lo, top, x_high, s)
        else:
            outside += r - _count_le(hist, lo, top, x_high, s) + hist[x_high]
        p = min(1.0, (outside + 1) / (r + 1))
    return p, ge, le, mean_lag, var / r


@numba.njit(cache=True)
def _histogram_engine(
    table: FloatArray,
    first: IntArray,
    last: IntArray,
    cls: IntArray,
    lag: IntArray,
    sign: IntArray,
    a: FloatArray,
    b: FloatArray,
    r: int,
    seed: int,
    code: int,
) -> tuple[FloatArray, IntArray, IntArray, FloatArray, FloatArray]:
    np.random.seed(seed)
    n = cls.shape[0]
    hist = np.zeros(table.shape[1], dtype=np.int64)
    p = np.full(n, np.nan)
    n_ge = np.full(n, -1, dtype=np.int64)
    n_le = np.full(n, -1, dtype=np.int64)
    mean = np.full(n, np.nan)
    sd = np.full(n, np.nan)
    for i in range(n):
        c = cls[i]
        if c < 0:
            continue
        lo, hi = first[c], last[c]
        # 1. The R simulated lags of site i as a multinomial histogram (chained binomials).
        remaining, rest, top = r, 1.0, lo
        for u in range(lo, hi + 1):
            pu = table[c, u]
            if pu <= 0.0:
                continue
            k = remaining if (u == hi or pu >= rest) else np.random.binomial(remaining, pu / rest)
            hist[u] = k
            remaining -= k
            rest -= pu
            top = u
            if remaining == 0:
                break
        # 2. Counts, moments and the p-value of the simulated sample.
        p[i], n_ge[i], n_le[i], mean_lag, var = _histogram_p(
            hist, lo, top, lag[i], sign[i], r, code
        )
        mean[i] = a[i] * mean_lag + b[i]
        sd[i] = abs(a[i]) * math.sqrt(var)
        for u in range(lo, top + 1):
            hist[u] = 0
    return p, n_ge, n_le, mean, sd


@dataclass(frozen=True)
class _Simulation:
    p: FloatArray
    n_ge: IntArray
    n_le: IntArray
    mean: FloatArray
    sd: FloatArray
    method: str
    permutations: int
    simulations: FloatArray | None = None
    p_exact: FloatArray | None = None


def _distribution_plan(
    y: FloatArray, off: sp.csr_matrix
) -> tuple[IntArray, IntArray, FloatArray, IntArray] | None:
    """Integer values, cardinalities, per-row weight and integer lags, or None if not exact."""
    if not np.all(y == np.floor(y)) or np.ptp(y) > 1e6:
        return None
    card = np.diff(off.indptr).astype(np.int64)
    if off.nnz == 0:
        return None
    starts = off.indptr[:-1][card > 0]
    row_max = np.maximum.reduceat(off.data, starts)
    row_min = np.minimum.reduceat(off.data, starts)
    if np.any(row_max != row_min) or np.any(row_min <= 0):
        return None
    weight = np.zeros(y.size)
    weight[card > 0] = row_max
    values = (y - y.min()).astype(np.int64)
    structure = sp.csr_matrix((np.ones(off.nnz), off.indices, off.indptr), shape=off.shape)
    lags = np.rint(structure @ values.astype(float)).astype(np.int64)
    return values, card, weight, lags


def _simulate(
    stat: int,
    y: FloatArray,
    w: sp.csr_matrix,
    observed: FloatArray,
    *,
    permutations: int,
    code: int,
    seed: int,
    permutation_ids: npt.ArrayLike | None,
    method: str,
    keep: bool = False,
) -> _Simulation:
    """Conditional-permutation inference for each site (see the module docstring)."""
    n = y.size
    self_weights, off = _split_self(w)
    card = np.diff(off.indptr)
    max_card = int(card.max()) if n else 0
    if stat == _STAT_MORAN:
        z = y - y.mean()
        z /= y.std()
        scaling = (n - 1) / (z * z).sum()
    else:
        z = y
        scaling = float(y.sum())
    plan = None
    if permutation_ids is None and method in ("auto", "distribution") and not keep:
        plan = _distribution_plan(y, off)
        if plan is not None:
            values, _, _, _ = plan
            kmax, smax = max_card, max_card * int(values.max())
            work = np.unique(values).size * (kmax + 1) ** 2 * (smax + 1)
            if work > _MAX_TABLE_WORK:
                plan = None
        if plan is None and method == "distribution":
            raise InputError(
                "method='distribution' needs non-negative integer counts and equal weights within "
                "each row (binary or row-standardised); use method='matrix' for these data."
            )
    if plan is not None:
        values, card64, weight, lags = plan
        return _simulate_distribution(
            stat, y, z, values, card64, weight, lags, self_weights, scaling,
            permutations=permutations, code=code, seed=seed,
        )  # fmt: skip
    if permutation_ids is None:
        ids = _own_permutation_ids(max(max_card, 1), n, permutations, seed)
        used = "matrix"
    else:
        ids = np.ascontiguousarray(np.asarray(permutation_ids), dtype=np.int64)
        if ids.ndim != 2 or ids.shape[0] < 1 or ids.shape[1] < max_card:
            raise InputError(
                f"permutation_ids must have shape (R, K) with K ≥ {max_card}; got {ids.shape}."
            )
        if ids.min() < 0 or ids.max() > n - 2:
            raise InputError(f"permutation_ids must index the other sites, 0 … {n - 2}.")
        used = "injected"
    p, n_ge, n_le, mean, sd, kept = _matrix_engine(
        np.ascontiguousarray(z, dtype=float), np.ascontiguousarray(observed, dtype=float),
        off.indptr.astype(np.int64), off.data.astype(float), self_weights, ids, float(scaling),
        stat, code, keep,
    )  # fmt: skip
    return _Simulation(p, n_ge, n_le, mean, sd, used, int(ids.shape[0]), kept if keep else None)


def _simulate_distribution(
    stat: int,
    y: FloatArray,
    z: FloatArray,
    values: IntArray,
    card: IntArray,
    weight: FloatArray,
    lags: IntArray,
    self_weights: FloatArray,
    scaling: float,
    *,
    permutations: int,
    code: int,
    seed: int,
) -> _Simulation:
    n = y.size
    kmax = int(card.max())
    vmax = int(values.max())
    distinct, counts = np.unique(values, return_counts=True)
    table = _subset_sum_table(distinct, counts.astype(np.int64), kmax, kmax * vmax)
    # One class per (cardinality, own value); its null is the k-draw sum without the site.
    key = card * (vmax + 1) + values
    keys, cls = np.unique(np.where(card > 0, key, -1), return_inverse=True)
    cls = cls.astype(np.int64) - (1 if keys[0] == -1 else 0)
    keys = keys[keys >= 0]
    class_table = np.zeros((keys.size, table.shape[1]))
    removed: dict[int, FloatArray] = {}
    for c, k_and_v in enumerate(keys):
        k, v = divmod(int(k_and_v), vmax + 1)
        if v not in removed:
            removed[v] = _remove_one(table, n, v)
        class_table[c] = removed[v][k]
    positive = class_table > 0
    first = np.argmax(positive, axis=1).astype(np.int64)
    last = (table.shape[1] - 1 - np.argmax(positive[:, ::-1], axis=1)).astype(np.int64)
    # The simulated statistic is a·L + b in the integer lag L of the shifted values.
    shift = card * float(y.min())
    with np.errstate(divide="ignore", invalid="ignore"):
        if stat == _STAT_GI_STAR:
            a = weight / scaling
            b = (weight * shift + self_weights * y) / scaling
        elif stat == _STAT_GI:
            denominator = scaling - y
            a = weight / denominator
            b = weight * shift / denominator
            cls = np.where(denominator > 0, cls, -1)
        else:
            sd_y = y.std()
            a = z * scaling * weight / sd_y
            b = z * scaling * (weight * (shift - card * y.mean()) / sd_y + self_weights * z)
    sign = np.sign(a).astype(np.int64)
    p, n_ge, n_le, mean, sd = _histogram_engine(
        class_table, first, last, cls, lags, sign, np.nan_to_num(a), np.nan_to_num(b),
        permutations, seed, code,
    )  # fmt: skip
    exact = _exact_p(class_table, cls, lags, sign, card, code)
    return _Simulation(p, n_ge, n_le, mean, sd, "distribution", permutations, None, exact)


def _exact_p(
    table: FloatArray, cls: IntArray, lags: IntArray, sign: IntArray, card: IntArray, code: int
) -> FloatArray:
    """The conditional-permutation p-value itself (R → ∞) from each site's exact null.

    greater and lesser give P(sim ≥ obs) and P(sim ≤ obs); every other alternative gives the
    equal-tailed min(1, 2·min of the two). The observed configuration is one of the C(n−1, k)
    equally likely draws, so 1/C(n−1, k) bounds the value from below despite rounding.
    """
    n = cls.size
    out = np.full(n, np.nan)
    ok = cls >= 0
    if not ok.any():
        return out
    below = np.cumsum(table, axis=1)[cls[ok], lags[ok]]
    above = np.cumsum(table[:, ::-1], axis=1)[:, ::-1][cls[ok], lags[ok]]
    s = sign[ok]
    p_ge = np.where(s > 0, above, np.where(s < 0, below, 1.0))
    p_le = np.where(s > 0, below, np.where(s < 0, above, 1.0))
    if code == 1:
        p = p_ge
    elif code == 2:
        p = p_le
    else:
        p = 2.0 * np.minimum(p_ge, p_le)
    k = card[ok]
    log_floor = np.array([-_log_comb(n - 1, int(kk)) for kk in k])
    out[ok] = np.clip(p, np.exp(log_floor), 1.0)
    return out


# ---------------------------------------------------------------------------------------------
# Inputs, results and the public functions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _LocalResult:
    """What Gi* and local Moran results share: the inputs' layout and the inference."""

    values: FloatArray
    transform: str
    shape: tuple[int, int] | None
    z_scores: FloatArray
    p_norm: FloatArray
    p_sim: FloatArray
    p_adjusted: FloatArray
    classes: npt.NDArray[np.str_]
    n_ge: IntArray
    n_le: IntArray
    expected_sim: FloatArray
    sd_sim: FloatArray
    z_sim: FloatArray
    p_z_sim: FloatArray
    p_exact: FloatArray
    permutations: int
    alternative: str
    correction: str
    alpha: float
    p_source: str
    method: str
    seed: int

    def grid(self, name: str) -> npt.NDArray[np.generic]:
        """The attribute ``name`` reshaped to the grid (n_rows, n_cols)."""
        if self.shape is None:
            raise InputError("This result was computed on weights, not on a grid.")
        return np.asarray(getattr(self, name)).reshape(self.shape)


@dataclass(frozen=True, eq=False)
class GiStarResult(_LocalResult):
    """Getis–Ord Gi* (or Gi) for every site, with analytic and permutation inference.

    Arrays have one entry per site; for a grid, sites run row-major and :meth:`grid` reshapes.

    Attributes
    ----------
    values : ndarray
        The counts y.
    star : bool
        True for Gi* (the site itself counts), False for Gi.
    transform : {"B", "R"}
        Binary or row-standardised weights.
    shape : tuple of int or None
        (n_rows, n_cols) for grid input.
    g, expected_g, variance_g : ndarray
        G_i, E[G_i], Var[G_i] (esda ``Gs``, ``EGs``, ``VGs``).
    z_scores : ndarray
        (G_i − E[G_i]) / √Var[G_i] (esda ``Zs``); NaN where undefined.
    p_norm : ndarray
        One-sided normal p-value 1 − Φ(|z|) (esda ``p_norm``); double it for two-sided.
    p_sim : ndarray
        Pseudo p-value (M + 1)/(R + 1) of the conditional permutation test for ``alternative``.
    p_exact : ndarray
        The conditional permutation p-value itself (R → ∞), computed from each site's exact
        null distribution where the "distribution" engine applies (else NaN): P(sim ≥ obs) for
        "greater", P(sim ≤ obs) for "lesser", otherwise equal-tailed 2·min of the two.
    p_adjusted : ndarray
        ``correction`` applied to the p named by ``p_source``: "exact" (``p_exact``; no
        1/(R+1) floor), "permutation" (``p_sim``) or "analytic" (2·p_norm).
    classes : ndarray of str
        "hot" where p_adjusted < alpha and z > 0, "cold" where p_adjusted < alpha and z < 0,
        otherwise "none".
    n_ge, n_le : ndarray of int
        Simulations at least / at most as large as the observed statistic (−1 for no
        simulation).
    expected_sim, sd_sim, z_sim, p_z_sim : ndarray
        Mean and SD (ddof 0) of the simulations, (G − mean)/SD and 1 − Φ(|z_sim|).
    method : str
        "distribution", "matrix", "injected" or "none" (see the module docstring).
    """

    star: bool
    g: FloatArray
    expected_g: FloatArray
    variance_g: FloatArray


@dataclass(frozen=True, eq=False)
class LocalMoranResult(_LocalResult):
    """Local Moran's I for every site (esda ``Moran_Local``), with permutation inference.

    Attributes
    ----------
    values : ndarray
        y.
    standardised : ndarray
        z = (y − ȳ)/σ with the population SD (esda ``z``).
    lag : ndarray
        Σ_j w_ij z_j.
    local_i : ndarray
        I_i = (n − 1)·z_i·lag_i / Σz² (esda ``Is``).
    quadrants : ndarray of int
        HH 1, LH 2, LL 3, HL 4 (esda), or GeoDa's HH 1, LL 2, LH 3, HL 4.
    expected_i, variance_i : ndarray
        Total-randomisation moments of I^A = z_i·lag_i/m₂ (esda ``EI``, ``VI``).
    expected_i_conditional, variance_i_conditional : ndarray
        Conditional-randomisation moments (esda ``EIc``, ``VIc``).
    z_scores, p_norm : ndarray
        (I^A − EI)/√VI and 1 − Φ(|z|) (one-sided).
    p_sim, p_exact, p_adjusted, n_ge, n_le, expected_sim, sd_sim, z_sim, p_z_sim :
        As in :class:`GiStarResult`.
    classes : ndarray of str
        "HH", "LH", "LL" or "HL" where p_adjusted < alpha, otherwise "none".
    """

    standardised: FloatArray
    lag: FloatArray
    local_i: FloatArray
    quadrants: IntArray
    expected_i: FloatArray
    variance_i: FloatArray
    expected_i_conditional: FloatArray
    variance_i_conditional: FloatArray


@dataclass(frozen=True)
class _Options:
    permutations: int
    code: int
    alternative: str
    correction: str
    alpha: float
    p_source: str
    seed: int
    method: str
    transform: str


def _check_options(
    permutations: int,
    alternative: str,
    correction: str,
    alpha: float,
    p_source: str,
    seed: int,
    method: str,
    transform: str,
) -> _Options:
    if isinstance(permutations, bool) or not isinstance(permutations, (int, np.integer)):
        raise InputError(f"permutations must be a whole number; got {permutations!r}.")
    if permutations < 0:
        raise InputError(f"permutations must be 0 or more; got {permutations}.")
    code = check_alternative(alternative)
    adjust_p_values(np.empty(0), correction)  # validates the name
    a = check_alpha(alpha)
    if p_source not in _P_SOURCES:
        raise InputError(f"p_source must be one of {', '.join(_P_SOURCES)}; got {p_source!r}.")
    if p_source in ("permutation", "exact") and permutations == 0:
        raise InputError(f"p_source={p_source!r} needs permutations > 0 (999 is usual).")
    if p_source == "exact" and method == "matrix":
        raise InputError("p_source='exact' needs method 'auto' or 'distribution'.")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise InputError(f"seed must be a whole number from 0 to 2**32 - 1; got {seed!r}.")
    if method not in _METHODS:
        raise InputError(f"method must be one of {', '.join(_METHODS)}; got {method!r}.")
    t = str(transform).upper()
    if t not in ("B", "R"):
        raise InputError(
            f"transform must be 'B' (binary) or 'R' (row-standardised); got {transform!r}."
        )
    return _Options(
        int(permutations), code, alternative, correction, a, p_source, int(seed), method, t
    )


def _values_and_weights(
    y: npt.ArrayLike,
    weights: object | None,
    neighbourhood: str,
    include_self: bool,
) -> tuple[FloatArray, tuple[int, int] | None, object]:
    arr = np.asarray(y, dtype=float)
    shape: tuple[int, int] | None = None
    if arr.ndim == 2:
        shape = (int(arr.shape[0]), int(arr.shape[1]))
        if arr.size == 0:
            raise InputError(f"The grid is empty (shape {arr.shape}); it needs cells.")
        if weights is None:
            weights = grid_weights(shape[0], shape[1], neighbourhood, include_self=include_self)
        arr = arr.reshape(-1)
    elif arr.ndim == 1:
        if weights is None:
            raise InputError(
                "Give weights for one-dimensional values, or pass a 2-D grid of counts."
            )
    else:
        raise InputError(f"values must be a 2-D grid or a 1-D array; got {arr.ndim} dimensions.")
    if arr.size < 3:
        raise InputError(f"Local statistics need at least 3 sites; got {arr.size}.")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise InputError(
            f"values must be finite; site {int(bad[0])} is {arr[bad[0]]!r}. Fill or drop it."
        )
    if np.ptp(arr) == 0:
        raise InputError(
            f"All {arr.size} values equal {arr[0]:g}, so the statistic is undefined (0/0); "
            "there is no pattern to test."
        )
    return arr, shape, weights


def _finish_p(sim: _Simulation, p_norm: FloatArray, opts: _Options) -> tuple[FloatArray, str]:
    """The corrected p-values and the source they came from (``auto`` resolved)."""
    source = opts.p_source
    if source == "auto":
        if sim.p_exact is not None:
            source = "exact"
        else:
            source = "permutation" if sim.permutations else "analytic"
    if source == "exact":
        if sim.p_exact is None:
            raise InputError(
                "Exact permutation p-values need non-negative integer counts and equal weights "
                "within each row; use p_source='permutation' for these data."
            )
        base = sim.p_exact
    elif source == "permutation":
        base = sim.p
    else:
        base = np.minimum(1.0, 2.0 * p_norm)
    return adjust_p_values(base, opts.correction), source


def _no_simulation(n: int) -> _Simulation:
    nan = np.full(n, np.nan)
    return _Simulation(nan, np.full(n, -1), np.full(n, -1), nan, nan, "none", 0)


def gi_star(
    y: npt.ArrayLike,
    weights: object | None = None,
    *,
    neighbourhood: str = "queen",
    transform: str = "B",
    permutations: int = 999,
    alternative: str = DEFAULT_ALTERNATIVE,
    correction: str = "fdr",
    alpha: float = 0.05,
    p_source: str = "auto",
    seed: int = 12345,
    permutation_ids: npt.ArrayLike | None = None,
    method: str = "auto",
    star: bool = True,
) -> GiStarResult:
    """Getis–Ord Gi* hot- and coldspots with permutation inference and correction.

    Parameters
    ----------
    y : array_like
        A 2-D grid of counts (row = y index, as ``Grid.counts``) or 1-D values with ``weights``.
        Values must be finite and non-negative, not all equal.
    weights : sparse or dense (n, n) matrix, optional
        Spatial weights (e.g. :func:`grid_weights`, :func:`distance_weights`, libpysal
        ``W.sparse``). For Gi* an empty diagonal is filled with 1 (esda's rule); for Gi the
        diagonal is dropped. Default for a grid: ``neighbourhood`` contiguity.
    neighbourhood : {"queen", "rook"}
        Grid neighbours: 8 or 4 plus the cell itself.
    transform : {"B", "R"}
        Binary (default; Ord–Getis z, as spdep/sfhotspot) or row-standardised (esda's default,
        whose z is about √k smaller).
    permutations : int
        R, the number of conditional permutations (0 for analytic inference only).
    alternative : {"equal-tailed", "two-sided", "greater", "lesser", "folded", "directed"}
        Pseudo p-value definition (see
        :func:`samtrygg.analysis.multiple_testing.permutation_p_values`). The default is the
        equal-tailed two-sided value; esda's own "two-sided" is available bit for bit, but with
        tied simulations (counts) it can give p ≈ 0.5 to a cell beyond every simulation.
    correction : {"fdr", "holm", "none"}
        Multiple-testing correction across sites.
    alpha : float
        Significance level of ``classes``.
    p_source : {"auto", "exact", "permutation", "analytic"}
        Which p is corrected. "auto" (default) takes ``p_exact`` where it exists, else ``p_sim``
        (else 2·p_norm without permutations). Pseudo p-values cannot go below 1/(R+1), so on a
        grid of m cells BH can only reject when at least m/((R+1)·alpha) cells reach that floor
        (METHODS.md §3, resolution caveat); the exact value has no floor and no normal
        approximation, which is skewed for sparse counts.
    seed : int
        Seed of the permutations.
    permutation_ids : array_like, optional
        An (R, K) index matrix as made by ``esda.crand.vec_permutations``; makes the
        simulations esda's bit for bit. R is taken from its rows.
    method : {"auto", "distribution", "matrix"}
        Permutation engine (see the module docstring); "auto" picks "distribution" where exact.
    star : bool
        False computes Gi (see :func:`gi`).

    Returns
    -------
    GiStarResult

    Notes
    -----
    Getis & Ord (1992), *Geogr Anal* 24:189–206; Ord & Getis (1995), *Geogr Anal* 27:286–306.
    The analytic values follow esda 2.9.0 ``G_Local`` to the last bit in practice; with binary
    weights the z-scores are spdep ``localG`` (``include.self``), which sfhotspot reports.

    Examples
    --------
    >>> counts = np.ones((10, 10)); counts[2:5, 2:5] = 6
    >>> res = gi_star(counts, seed=1)
    >>> round(float(res.grid("z_scores")[3, 3]), 2), str(res.grid("classes")[3, 3])
    (9.95, 'hot')
    >>> res.method, res.p_source, float(res.grid("p_sim")[3, 3])
    ('distribution', 'exact', 0.002)
    >>> int((res.classes == "hot").sum()), int((res.classes == "cold").sum())
    (5, 0)
    """
    opts = _check_options(
        permutations, alternative, correction, alpha, p_source, seed, method, transform
    )
    values, shape, raw_weights = _values_and_weights(y, weights, neighbourhood, star)
    if np.any(values < 0):
        raise InputError(
            "Getis–Ord statistics need non-negative values (counts); some are negative."
        )
    w = _prepare_weights(raw_weights, values.size, star=star, transform=opts.transform)
    remove_self = 0 if star else 1
    n = values.size
    big_n = n - remove_self
    total = values.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = (w @ values) / (total - values * remove_self)
        empirical_mean = (total - values * remove_self) / big_n
        mean_of_squares = ((values**2).sum() - (values**2) * remove_self) / big_n
        empirical_variance = mean_of_squares - empirical_mean**2
        cardinality = np.asarray(w.sum(axis=1)).squeeze()
        expected_value = cardinality / big_n
        expected_variance = cardinality * (big_n - cardinality)
        expected_variance /= big_n - 1
        expected_variance *= 1 / big_n**2
        expected_variance *= empirical_variance / (empirical_mean**2)
        z_scores = (statistic - expected_value) / np.sqrt(expected_variance)
    p_norm = stats.norm.sf(np.abs(z_scores))
    if opts.permutations:
        sim = _simulate(
            _STAT_GI_STAR if star else _STAT_GI, values, w, statistic,
            permutations=opts.permutations, code=opts.code, seed=opts.seed,
            permutation_ids=permutation_ids, method=opts.method,
        )  # fmt: skip
    else:
        sim = _no_simulation(n)
    p_adjusted, p_source_used = _finish_p(sim, p_norm, opts)
    p_exact = sim.p_exact if sim.p_exact is not None else np.full(p_norm.shape, np.nan)
    significant = p_adjusted < opts.alpha
    classes = np.where(
        significant & (z_scores > 0), "hot", np.where(significant & (z_scores < 0), "cold", "none")
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        z_sim = (statistic - sim.mean) / sim.sd
    return GiStarResult(
        values=values, star=star, transform=opts.transform, shape=shape, g=statistic,
        expected_g=expected_value, variance_g=expected_variance, z_scores=z_scores,
        p_norm=p_norm, p_sim=sim.p, p_adjusted=p_adjusted, classes=classes, n_ge=sim.n_ge,
        n_le=sim.n_le, expected_sim=sim.mean, sd_sim=sim.sd, z_sim=z_sim,
        p_z_sim=stats.norm.sf(np.abs(z_sim)), permutations=sim.permutations,
        alternative=opts.alternative, correction=opts.correction, alpha=opts.alpha,
        p_exact=p_exact, p_source=p_source_used, method=sim.method, seed=opts.seed,
    )  # fmt: skip


def gi(y: npt.ArrayLike, weights: object | None = None, **options: object) -> GiStarResult:
    """Getis–Ord Gi (the site itself excluded); options as :func:`gi_star`.

    Examples
    --------
    >>> counts = np.arange(16.0).reshape(4, 4)
    >>> res = gi(counts, permutations=0, p_source="analytic")
    >>> res.star, round(float(res.z_scores[0]), 4)
    (False, -2.0207)
    """
    return gi_star(y, weights, star=False, **options)  # type: ignore[arg-type]


def local_moran(
    y: npt.ArrayLike,
    weights: object | None = None,
    *,
    neighbourhood: str = "queen",
    transform: str = "R",
    permutations: int = 999,
    alternative: str = DEFAULT_ALTERNATIVE,
    correction: str = "fdr",
    alpha: float = 0.05,
    p_source: str = "auto",
    seed: int = 12345,
    permutation_ids: npt.ArrayLike | None = None,
    method: str = "auto",
    geoda_quads: bool = False,
) -> LocalMoranResult:
    """Local Moran's I (Anselin 1995) with conditional-permutation inference and correction.

    Parameters are those of :func:`gi_star`, except that the grid neighbours exclude the cell
    itself, the default transform is row-standardised ("R", esda's default) and
    ``geoda_quads`` switches the quadrant numbering to GeoDa's.

    Notes
    -----
    Anselin (1995), *Geogr Anal* 27:93–115; moments after Sokal, Oden & Thomson (1998),
    *Geogr Anal* 30:331–354, as esda 2.9.0 ``Moran_Local`` computes them.

    Examples
    --------
    >>> y = np.zeros((4, 4)); y[:2, :2] = 3
    >>> res = local_moran(y, permutations=99, seed=2)
    >>> res.grid("quadrants")[0].tolist()
    [1, 1, 2, 3]
    >>> round(float(res.local_i[0]), 4)
    2.8125
    """
    opts = _check_options(
        permutations, alternative, correction, alpha, p_source, seed, method, transform
    )
    values, shape, raw_weights = _values_and_weights(y, weights, neighbourhood, False)
    w = _prepare_weights(raw_weights, values.size, star=None, transform=opts.transform)
    n = values.size
    z = values - values.mean()
    z /= values.std()
    den = (z * z).sum()
    lag = w @ z
    local_i = (n - 1) * z * lag / den
    quads = (1, 3, 2, 4) if geoda_quads else (1, 2, 3, 4)
    zp, lp = z > 0, lag > 0
    quadrants = (
        quads[0] * (zp & lp)
        + quads[1] * (~zp & lp)
        + quads[2] * (~zp & ~lp)
        + quads[3] * (zp & ~lp)
    ).astype(np.int64)
    m2 = (z * z).sum() / n
    wi = np.asarray(w.sum(axis=1)).flatten()
    wi2 = np.asarray(w.multiply(w).sum(axis=1)).flatten()
    e_cond = -(z**2 * wi) / ((n - 1) * m2)
    v_cond = (z / m2) ** 2 * (n / (n - 2)) * (wi2 - (wi**2 / (n - 1))) * (m2 - (z**2 / (n - 1)))
    m4 = (z**4).sum() / n
    b2 = m4 / m2**2
    e_total = -wi / (n - 1)
    n1 = n - 1
    v_total = wi2 * (n - b2) / n1
    v_total += (wi**2 - wi2) * (2 * b2 - n) / (n1 * (n - 2))
    v_total -= (-wi / n1) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        z_scores = (z * lag / m2 - e_total) / np.sqrt(v_total)
    p_norm = stats.norm.sf(np.abs(z_scores))
    if opts.permutations:
        sim = _simulate(
            _STAT_MORAN, values, w, local_i, permutations=opts.permutations, code=opts.code,
            seed=opts.seed, permutation_ids=permutation_ids, method=opts.method,
        )  # fmt: skip
    else:
        sim = _no_simulation(n)
    p_adjusted, p_source_used = _finish_p(sim, p_norm, opts)
    p_exact = sim.p_exact if sim.p_exact is not None else np.full(p_norm.shape, np.nan)
    labels = np.array(["none", "HH", "LH", "LL", "HL"])
    pysal_quadrants = np.select([zp & lp, ~zp & lp, ~zp & ~lp], [1, 2, 3], 4)
    classes = np.where(p_adjusted < opts.alpha, labels[pysal_quadrants], "none")
    with np.errstate(divide="ignore", invalid="ignore"):
        z_sim = (local_i - sim.mean) / sim.sd
    return LocalMoranResult(
        values=values, transform=opts.transform, shape=shape, standardised=z, lag=lag,
        local_i=local_i, quadrants=quadrants, expected_i=e_total, variance_i=v_total,
        expected_i_conditional=e_cond, variance_i_conditional=v_cond, z_scores=z_scores,
        p_norm=p_norm, p_sim=sim.p, p_adjusted=p_adjusted, classes=classes, n_ge=sim.n_ge,
        n_le=sim.n_le, expected_sim=sim.mean, sd_sim=sim.sd, z_sim=z_sim,
        p_z_sim=stats.norm.sf(np.abs(z_sim)), permutations=sim.permutations,
        alternative=opts.alternative, correction=opts.correction, alpha=opts.alpha,
        p_exact=p_exact, p_source=p_source_used, method=sim.method, seed=opts.seed,
    )  # fmt: skip
