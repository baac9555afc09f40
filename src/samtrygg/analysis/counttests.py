"""Period-against-period count tests: Poisson z, exact binomial, E-test and exceedance.

Each test takes current counts x1 and baseline counts x0 with their exposures t1 and t0 (days,
weeks, population), one entry per category, so a whole table of categories is tested at once;
:func:`samtrygg.analysis.trends.compare_counts` combines them into one result per table.

* :func:`poisson_z`: Wheeler's Poisson z, ``2(√x1 − √(r·x0))``, and the calibrated ``z/√(1 + r)``.
* :func:`binomial_test`: the exact conditional test, ``x1 | x0 + x1 ~ Bin(x0 + x1, t1/(t0 + t1))``.
* :func:`etest`: the Poisson E-test of Krishnamoorthy & Thomson (2004), *J Stat Plan Inference*
  119:23–35.
* :func:`exceedance_probability`: ``P(X ≥ x | λ)`` for a Poisson baseline λ.

See docs/methods-reference.md §5 (count-change tests).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln, xlogy

from samtrygg.analysis._validate import _as_counts, _as_exposure, _broadcast, _check_alternative
from samtrygg.analysis.errors import InputError

__all__ = ["binomial_test", "etest", "exceedance_probability", "poisson_z"]

Alternative = Literal["two-sided", "greater", "less"]


def poisson_z(
    current: npt.ArrayLike, baseline: npt.ArrayLike, ratio: npt.ArrayLike = 1.0
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Wheeler's Poisson z, ``2(√x1 − √(r·x0))``, and its calibrated version.

    ``r = t1 / t0`` scales the baseline to the current exposure. Under H0 the variance of the
    raw score is about ``1 + r`` (2 for equal periods), so the calibrated score divides by
    ``√(1 + r)``: Z/√2 for equal periods.

    Parameters
    ----------
    current, baseline : array_like of int
        Counts x1 (current) and x0 (baseline).
    ratio : array_like of float
        ``r = t1 / t0``, the current exposure over the baseline's; 1 for equal periods.

    Returns
    -------
    z_wheeler, z_calibrated : ndarray

    Examples
    --------
    >>> zw, zc = poisson_z([4, 120], [2, 100])
    >>> np.round(zw, 2).tolist(), np.round(zc, 2).tolist()
    ([1.17, 1.91], [0.83, 1.35])
    """
    x1 = _as_counts(current, "current")
    x0 = _as_counts(baseline, "baseline")
    r = _as_exposure(ratio, "ratio")
    x1, x0, r = np.broadcast_arrays(x1, x0, r)
    zw = 2.0 * (np.sqrt(x1) - np.sqrt(r * x0))
    return zw, zw / np.sqrt(1.0 + r)


def binomial_test(
    current: npt.ArrayLike,
    baseline: npt.ArrayLike,
    t_current: npt.ArrayLike = 1.0,
    t_baseline: npt.ArrayLike = 1.0,
    alternative: Alternative = "two-sided",
) -> npt.NDArray[np.float64]:
    """Exact conditional test: ``x1 | x0 + x1 ~ Bin(x0 + x1, t1 / (t0 + t1))`` under H0.

    Uses :func:`scipy.stats.binomtest`; ``greater`` tests for an increase. A pair of zeros gives 1.

    Parameters
    ----------
    current, baseline : array_like of int
        Counts x1 (current) and x0 (baseline).
    t_current, t_baseline : array_like of float
        Exposures (e.g. days).
    alternative : {"two-sided", "greater", "less"}
        ``greater`` tests for a higher current rate.

    Returns
    -------
    ndarray
        p-values.

    Examples
    --------
    >>> float(binomial_test(10, 2)[0])  # P of 10+ or 2- heads in 12 fair tosses
    0.03857421875
    """
    from scipy.stats import binomtest  # here: scipy.stats costs the trends command ~0.3 s

    _check_alternative(alternative)
    x1, x0, t1, t0 = _broadcast(current, baseline, t_current, t_baseline)
    out = np.ones(x1.shape)
    for i in range(x1.size):
        n = int(x1[i] + x0[i])
        if n > 0:
            p = t1[i] / (t1[i] + t0[i])
            out[i] = binomtest(int(x1[i]), n, p, alternative=alternative).pvalue
    return out


def _etest_one(x1: float, x2: float, t1: float, t2: float, alternative: str) -> float:
    lam = (x1 + x2) / (t1 + t2)
    if lam == 0:
        return 1.0
    m1, m2 = t1 * lam, t2 * lam
    # Cover all but ~1e-16 of each Poisson's mass; the rest cannot change the p-value.
    k1 = _support(m1)
    k2 = _support(m2)
    p1, p2 = _poisson_pmf(k1, m1), _poisson_pmf(k2, m2)
    t_obs = float(_t_stat(np.array([x1]), np.array([x2]), t1, t2)[0])
    grid = _t_stat(k1[:, None].astype(float), k2[None, :].astype(float), t1, t2)
    # A relative tolerance keeps ties (equal T by symmetry) on the inclusive side.
    tol = 1e-12 * max(1.0, abs(t_obs))
    if alternative == "greater":
        mask = grid >= t_obs - tol
    elif alternative == "less":
        mask = grid <= t_obs + tol
    else:
        mask = np.abs(grid) >= abs(t_obs) - tol
    return float(min(1.0, (p1[:, None] * p2[None, :])[mask].sum()))


def _poisson_pmf(k: npt.NDArray[np.int64], mean: float) -> npt.NDArray[np.float64]:
    # scipy.stats.poisson.pmf(k, mean) for counts k >= 0 and mean > 0, to the last bit (the same
    # functions in the same order), without importing scipy.stats.
    pmf: npt.NDArray[np.float64] = np.clip(np.exp(xlogy(k, mean) - gammaln(k + 1) - mean), 0.0, 1.0)
    return pmf


def _support(mean: float) -> npt.NDArray[np.int64]:
    """Counts within 12 SD (+30) of a Poisson mean: everything else has < 1e-20 of the mass."""
    spread = 12.0 * math.sqrt(mean)
    return np.arange(max(0, int(mean - spread - 5)), int(mean + spread + 30))


def _t_stat(
    k1: npt.NDArray[np.float64], k2: npt.NDArray[np.float64], t1: float, t2: float
) -> npt.NDArray[np.float64]:
    num = k1 / t1 - k2 / t2
    den = np.sqrt(k1 / t1**2 + k2 / t2**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)


def etest(
    current: npt.ArrayLike,
    baseline: npt.ArrayLike,
    t_current: npt.ArrayLike = 1.0,
    t_baseline: npt.ArrayLike = 1.0,
    alternative: Alternative = "two-sided",
) -> npt.NDArray[np.float64]:
    """The Poisson E-test of Krishnamoorthy & Thomson (2004) for equal rates.

    Parameters
    ----------
    current, baseline : array_like of int
        Counts x1 (current) and x2 (baseline).
    t_current, t_baseline : array_like of float
        Exposures (e.g. days); rates are x/t.
    alternative : {"two-sided", "greater", "less"}
        ``greater`` tests for a higher current rate.

    Returns
    -------
    ndarray
        p-values.

    Notes
    -----
    ``T(k1, k2) = (k1/t1 − k2/t2) / √(k1/t1² + k2/t2²)`` (0 when both are 0) and
    ``p = Σ Pois(k1; t1λ̂) Pois(k2; t2λ̂) 1[T(k1, k2) ≥ T_obs]`` with ``λ̂ = (x1+x2)/(t1+t2)``,
    summed exactly over all (k1, k2) carrying more than 1e-17 of probability. The two-sided
    version compares ``|T|``. Krishnamoorthy & Thomson (2004), *J Stat Plan Inference*
    119:23–35.

    Examples
    --------
    >>> round(float(etest(60, 30, 51477.5, 54308.7, alternative="greater")[0]), 6)
    0.000298
    """
    _check_alternative(alternative)
    x1, x2, t1, t2 = _broadcast(current, baseline, t_current, t_baseline)
    # Kept by hand rather than calling scipy.stats.poisson_means_test (scipy 1.17), which is less
    # exact: it computes T of the grid with a different rounding than T_obs, so the observed
    # table itself can fall out of its own tail (25 vs 10 over 30 and 31 days loses 0.00028);
    # it gives T(0, 0) = NaN instead of 0, so the (0, 0) table never counts; and it drops the
    # lower 1e-10 of each Poisson. tests/analysis/test_trends.py compares both.
    return np.array([_etest_one(*v, alternative) for v in zip(x1, x2, t1, t2, strict=True)])


def exceedance_probability(
    count: npt.ArrayLike, expected: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """``P(X ≥ x | λ) = 1 − F(x − 1; λ)`` for a Poisson baseline λ.

    Parameters
    ----------
    count : array_like of int
        Observed counts x.
    expected : array_like of float
        Baseline means λ (finite, >= 0).

    Returns
    -------
    ndarray
        ``P(X ≥ x)``, 1 where x is 0.

    Examples
    --------
    >>> round(float(exceedance_probability(3, 0.8)[0]), 4)
    0.0474
    """
    x = _as_counts(count, "count")
    lam = np.atleast_1d(np.asarray(expected, dtype=float))
    if not np.isfinite(lam).all() or (lam < 0).any():
        raise InputError(f"expected must be finite and >= 0, got {np.asarray(expected)!r}.")
    from scipy.stats import poisson

    return np.asarray(poisson.sf(x - 1, lam), dtype=float)
