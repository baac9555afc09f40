"""Conditional-permutation inference for the local statistics (used by ``hotspots``).

Every site's statistic is compared with R simulations in which the site keeps its own value and
its k neighbours' values are drawn without replacement from the other n − 1 values (esda 2.9.0
``esda/crand.py``; docs/methods-reference.md §3, "Conditional permutation"). Two engines give the
same null distribution per site (the public description is in :mod:`samtrygg.analysis.hotspots`):

1. ``"matrix"`` (:func:`_matrix_engine`): esda's algorithm. One index matrix P (R × K) serves
   every site, either seeded NumPy draws (:func:`_own_permutation_ids`) or esda's own matrix
   injected as ``permutation_ids``. The numba kernels copy esda's expressions and fastmath flags,
   so an injected matrix gives esda's simulations and counts bit for bit.
2. ``"distribution"`` (:func:`_simulate_distribution`), for non-negative integer counts and equal
   weights within each row: the exact distribution of the sum of k draws from the multiset of
   values (:func:`_subset_sum_table`), with the site's own value removed (:func:`_remove_one`),
   is computed once per (k, value) class; each site's R simulated lags are then drawn as a
   multinomial histogram (:func:`_histogram_engine`) and its counts, moments and pseudo p-value
   read off the histogram (:func:`_histogram_p`), ties decided exactly on the integer lags. The
   same table gives the exact conditional p-value, R → ∞ (:func:`_exact_p`).

The pseudo p-value definitions are esda's (``esda/significance.py``; docs/methods-reference.md §3,
"Pseudo p-values"); the per-sample version for the matrix engine is
:func:`samtrygg.analysis.multiple_testing._significance_one`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.multiple_testing import _significance_one
from samtrygg.analysis.weights import _split_self

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_STAT_GI_STAR, _STAT_GI, _STAT_MORAN = 0, 1, 2
# Largest subset-sum table (cells) the "distribution" engine builds before it falls back.
_MAX_TABLE_WORK = 400_000_000


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
    # Sites have few distinct numbers of neighbours: one floor per number, not per site.
    ks, which = np.unique(card[ok], return_inverse=True)
    log_floor = np.array([-_log_comb(n - 1, int(k)) for k in ks])[which]
    out[ok] = np.clip(p, np.exp(log_floor), 1.0)
    return out
