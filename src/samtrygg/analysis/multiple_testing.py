"""P-values for local statistics: permutation pseudo p-values and multiple-testing corrections.

Pseudo p-values follow esda 2.9.0 (``esda/significance.py``) exactly; the corrections are
Benjamini–Hochberg and Holm, plus the cut-off of ``esda.fdr``. See docs/methods-reference.md §3.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import numpy.typing as npt

from samtrygg.analysis.errors import InputError

__all__ = [
    "ALTERNATIVES",
    "CORRECTIONS",
    "DEFAULT_ALTERNATIVE",
    "adjust_p_values",
    "benjamini_hochberg",
    "bh_floor",
    "check_alpha",
    "check_alternative",
    "fdr_cutoff",
    "holm",
    "permutation_p_values",
]

ALTERNATIVES = ("two-sided", "greater", "lesser", "folded", "directed", "equal-tailed")
# esda's percentile-based "two-sided" misbehaves when simulations tie (discrete counts): a value
# beyond every simulation gets (#ties at the minimum + #ties at the maximum + 1)/(R + 1), which
# can be 0.5. The equal-tailed value 2·min(p_greater, p_lesser) has no such flaw.
DEFAULT_ALTERNATIVE = "equal-tailed"
ALTERNATIVE_CODES = {name: code for code, name in enumerate(ALTERNATIVES)}
# "fdr" and "bh" are the same Benjamini–Hochberg procedure.
CORRECTIONS = ("fdr", "bh", "holm", "none")

FloatArray = npt.NDArray[np.float64]


def check_alternative(alternative: str) -> int:
    """Return the internal code of ``alternative`` or raise a plain error.

    Parameters
    ----------
    alternative : str
        One of :data:`ALTERNATIVES`.

    Returns
    -------
    int

    Examples
    --------
    >>> check_alternative("greater")
    1
    """
    if alternative not in ALTERNATIVE_CODES:
        raise InputError(
            f"alternative must be one of {', '.join(ALTERNATIVES)}; got {alternative!r}."
        )
    return ALTERNATIVE_CODES[alternative]


def check_alpha(alpha: float) -> float:
    """Return ``alpha`` as a float after checking 0 < alpha < 1.

    Parameters
    ----------
    alpha : float

    Returns
    -------
    float

    Examples
    --------
    >>> check_alpha("0.1")
    0.1
    """
    try:
        value = float(alpha)
    except (TypeError, ValueError) as exc:
        raise InputError(f"alpha must be a number between 0 and 1; got {alpha!r}.") from exc
    if not 0.0 < value < 1.0:
        raise InputError(f"alpha must lie strictly between 0 and 1; got {alpha!r}.")
    return value


def _as_p_array(p: npt.ArrayLike) -> FloatArray:
    arr = np.asarray(p, dtype=float)
    if arr.ndim != 1:
        raise InputError(f"p-values must be a one-dimensional array; got shape {arr.shape}.")
    finite = arr[~np.isnan(arr)]
    if np.any((finite < 0) | (finite > 1)):
        bad = float(finite[(finite < 0) | (finite > 1)][0])
        raise InputError(f"p-values must lie between 0 and 1; got {bad!r}.")
    return arr


def benjamini_hochberg(p: npt.ArrayLike) -> FloatArray:
    """Benjamini–Hochberg adjusted p-values (false discovery rate).

    NaN entries are ignored and stay NaN; the number of tests m is the number of the others,
    as R's ``p.adjust`` does.

    Parameters
    ----------
    p : array_like
        Raw p-values, shape (m,).

    Returns
    -------
    ndarray
        p̃₍ᵢ₎ = min_{j≥i} min(1, m·p₍ⱼ₎/j), in the input order.

    Notes
    -----
    Benjamini & Hochberg (1995), *JRSS B* 57:289–300. Rejecting where the adjusted value is at
    most q controls the false discovery rate at q for independent or positively dependent tests.
    The arithmetic is :func:`scipy.stats.false_discovery_control`'s, step by step (the same
    values to the last bit, without importing scipy.stats, which costs a command ~0.3 s);
    NaN, which scipy refuses, is handled here.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.5]).tolist()
    [0.04, 0.05333333333333333, 0.05333333333333333, 0.5]
    """
    arr = _as_p_array(p)
    out = np.full(arr.shape, np.nan)
    keep = ~np.isnan(arr)
    if keep.any():
        out[keep] = _bh_adjust(arr[keep])
    return out


def _bh_adjust(ps: FloatArray) -> FloatArray:
    # scipy.stats.false_discovery_control(ps, method="bh") for 1-D float64 without NaN. Tied
    # p-values get equal adjusted values, so the order of ties in the sort does not matter.
    m = ps.size
    if m <= 1:
        return ps.copy()
    order = np.argsort(ps, kind="stable")
    adjusted = ps[order] * (m / np.arange(1, m + 1, dtype=np.float64))
    np.minimum.accumulate(adjusted[::-1], out=adjusted[::-1])
    out = np.empty_like(adjusted)
    out[order] = adjusted
    return np.clip(out, 0.0, 1.0)


def holm(p: npt.ArrayLike) -> FloatArray:
    """Holm step-down adjusted p-values (family-wise error rate).

    NaN entries are ignored and stay NaN, as in R's ``p.adjust``.

    Parameters
    ----------
    p : array_like
        Raw p-values, shape (m,).

    Returns
    -------
    ndarray
        p̃₍ᵢ₎ = max_{j≤i} min(1, (m−j+1)·p₍ⱼ₎), in the input order.

    Notes
    -----
    Holm (1979), *Scand J Stat* 6:65–70; valid under any dependence.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03, 0.5]).tolist()
    [0.04, 0.09, 0.09, 0.5]
    """
    arr = _as_p_array(p)
    out = np.full(arr.shape, np.nan)
    keep = ~np.isnan(arr)
    vals = arr[keep]
    m = vals.size
    if m == 0:
        return out
    order = np.argsort(vals, kind="stable")
    ranked = np.minimum(1.0, vals[order] * (m - np.arange(m)))
    adjusted = np.maximum.accumulate(ranked)
    result = np.empty(m)
    result[order] = adjusted
    out[keep] = result
    return out


def adjust_p_values(p: npt.ArrayLike, method: str = "fdr") -> FloatArray:
    """Adjust p-values for multiple testing.

    Parameters
    ----------
    p : array_like
        Raw p-values, shape (m,); NaN entries are left out of the count and stay NaN.
    method : {"fdr", "bh", "holm", "none"}
        ``"fdr"`` and ``"bh"`` are Benjamini–Hochberg; ``"none"`` returns a copy.

    Returns
    -------
    ndarray
        Adjusted p-values in the input order.

    Examples
    --------
    >>> adjust_p_values([0.01, 0.02], "holm").tolist()
    [0.02, 0.02]
    >>> adjust_p_values([0.01, 0.02], "none").tolist()
    [0.01, 0.02]
    """
    if method in ("fdr", "bh"):
        return benjamini_hochberg(p)
    if method == "holm":
        return holm(p)
    if method == "none":
        return _as_p_array(p).copy()
    raise InputError(f"correction must be one of {', '.join(CORRECTIONS)}; got {method!r}.")


def fdr_cutoff(p: npt.ArrayLike, alpha: float = 0.05) -> float:
    """The p-value cut-off of ``esda.fdr``: reject the tests with p at or below it.

    Takes the largest i with p₍ᵢ₎ < i·alpha/m (strict) and returns i·alpha/m; when there is none,
    returns the Bonferroni bound alpha/m (as esda does).

    Parameters
    ----------
    p : array_like
        Raw p-values, shape (m,).
    alpha : float
        The false discovery rate.

    Returns
    -------
    float

    Examples
    --------
    >>> fdr_cutoff([0.001, 0.002, 0.2, 0.9], 0.05)
    0.025
    >>> fdr_cutoff([0.5, 0.9], 0.05)
    0.025
    """
    arr = _as_p_array(p)
    a = check_alpha(alpha)
    m = arr.size
    if m == 0:
        raise InputError("fdr_cutoff needs at least one p-value.")
    p_sort = np.sort(arr)[::-1]
    index = np.arange(m, 0, -1)
    p_fdr = index * a / m
    hits = np.flatnonzero(p_sort < p_fdr)
    if hits.size == 0:
        return a / m
    return float(p_fdr[hits[0]])


@numba.njit(cache=True)
def _significance_one(
    observed: float, sims: npt.NDArray[np.float64], code: int
) -> tuple[float, int, int]:
    """Pseudo p-value of one site from its simulations, as esda's ``_permutation_significance``.

    The arithmetic (mean, percentile by linear interpolation) is numba's, as in esda, so results
    agree bit for bit; only a two-sided value above 1 (possible with ties) is capped at 1.
    """
    r = sims.shape[0]
    n_ge = 0
    n_le = 0
    for v in sims:
        if v >= observed:
            n_ge += 1
        if v <= observed:
            n_le += 1
    if code == 1:  # greater
        p = (n_ge + 1) / (r + 1)
    elif code == 2:  # lesser
        p = (n_le + 1) / (r + 1)
    elif code == 4:  # directed
        larger = n_ge
        if r - larger < larger:
            larger = r - larger
        p = (larger + 1.0) / (r + 1.0)
    elif code == 5:  # equal-tailed
        p = min(1.0, 2.0 * (min(n_ge, n_le) + 1) / (r + 1))
    elif code == 3:  # folded
        mean = sims.mean()
        folded_obs = abs(observed - mean)
        count = 0
        for v in sims:
            if abs(v - mean) >= folded_obs:
                count += 1
        p = (count + 1) / (r + 1)
    else:  # two-sided
        percentile = (sims <= observed).mean() * 100
        p_low = min(percentile, 100 - percentile)
        low = np.percentile(sims, p_low)
        high = np.percentile(sims, 100 - p_low)
        outside = 0
        for v in sims:
            if v <= low:
                outside += 1
            if v >= high:
                outside += 1
        p = min(1.0, (outside + 1) / (r + 1))
    return p, n_ge, n_le


@numba.njit(cache=True)
def _significance_rows(
    observed: npt.NDArray[np.float64], sims: npt.NDArray[np.float64], code: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    n = observed.shape[0]
    p = np.empty(n)
    n_ge = np.empty(n, dtype=np.int64)
    n_le = np.empty(n, dtype=np.int64)
    for i in range(n):
        p[i], n_ge[i], n_le[i] = _significance_one(observed[i], sims[i], code)
    return p, n_ge, n_le


def permutation_p_values(
    observed: npt.ArrayLike, simulations: npt.ArrayLike, alternative: str = DEFAULT_ALTERNATIVE
) -> FloatArray:
    """Pseudo p-values from simulated statistics, as ``esda.significance.calculate_significance``.

    Parameters
    ----------
    observed : array_like
        Observed statistics, shape (n,).
    simulations : array_like
        Simulated statistics, shape (n, R).
    alternative : {"two-sided", "greater", "lesser", "folded", "directed", "equal-tailed"}
        greater: (#{sim ≥ obs}+1)/(R+1); lesser: (#{sim ≤ obs}+1)/(R+1); directed (legacy esda
        default): the smaller tail of "greater"; folded: about the mean of the simulations;
        two-sided: esda's count beyond the percentile of the observed value and its mirror;
        equal-tailed (ours, not esda's): min(1, 2·min(greater, lesser)).

    Returns
    -------
    ndarray
        Values in (0, 1]. esda's two-sided value can exceed 1 when many simulations tie with the
        observed value; it is capped at 1 here, otherwise the numbers are esda's bit for bit.

    Examples
    --------
    >>> sims = [[1.0, 2.0, 3.0, 4.0]]
    >>> permutation_p_values([4.0], sims, "greater").tolist()
    [0.4]
    >>> permutation_p_values([4.0], sims, "two-sided").tolist()
    [0.6]
    >>> permutation_p_values([4.0], sims, "equal-tailed").tolist()
    [0.8]
    """
    code = check_alternative(alternative)
    obs = np.ascontiguousarray(np.asarray(observed, dtype=float).reshape(-1))
    sims = np.ascontiguousarray(np.asarray(simulations, dtype=float))
    if sims.ndim != 2 or sims.shape[0] != obs.size or sims.shape[1] == 0:
        raise InputError(
            f"simulations must have shape (n, R) with n = {obs.size} and R > 0; got {sims.shape}."
        )
    p, _, _ = _significance_rows(obs, sims, code)
    return p


def bh_floor(m: int, permutations: int, alpha: float) -> int:
    """How many sites must reach the smallest pseudo p 1/(R+1) for BH to reject any of them.

    Parameters
    ----------
    m : int
        Number of sites tested.
    permutations : int
        R.
    alpha : float
        The false discovery rate q.

    Returns
    -------
    int
        ``ceil(m / ((R + 1) alpha))``.

    Examples
    --------
    >>> bh_floor(2500, 999, 0.05)
    50
    """
    return int(math.ceil(m / ((permutations + 1) * alpha)))
