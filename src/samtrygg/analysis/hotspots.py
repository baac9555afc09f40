"""Local statistics on grids and spatial weights: Getis–Ord Gi*/Gi and local Moran's I.

The analytic outputs are computed exactly as esda 2.9.0 computes them (``esda/getisord.py``,
``esda/moran.py``); inference is by conditional permutation (``esda/crand.py``), two-sided by
default, followed by a multiple-testing correction (Benjamini–Hochberg by default). See
docs/methods-reference.md §3.

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

The spatial weights are built in :mod:`samtrygg.analysis.weights` (:func:`grid_weights` and
:func:`distance_weights` are re-exported here) and the permutation engines live in the private
module ``samtrygg.analysis._permutation``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# ndtr(-|z|) is scipy.stats.norm.sf(|z|) bit for bit, without importing scipy.stats (~0.3 s).
from scipy.special import ndtr

from samtrygg.analysis._permutation import (
    _STAT_GI,
    _STAT_GI_STAR,
    _STAT_MORAN,
    _simulate,
    _Simulation,
)
from samtrygg.analysis.errors import InputError
from samtrygg.analysis.multiple_testing import (
    DEFAULT_ALTERNATIVE,
    adjust_p_values,
    check_alpha,
    check_alternative,
)
from samtrygg.analysis.weights import _prepare_weights, distance_weights, grid_weights

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

_METHODS = ("auto", "distribution", "matrix")
_P_SOURCES = ("auto", "exact", "permutation", "analytic")


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
        (docs/methods-reference.md §3, resolution caveat); the exact value has no floor and no
        normal approximation, which is skewed for sparse counts.
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
    p_norm = ndtr(-np.abs(z_scores))
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
        p_z_sim=ndtr(-np.abs(z_sim)), permutations=sim.permutations,
        alternative=opts.alternative, correction=opts.correction, alpha=opts.alpha,
        p_exact=p_exact, p_source=p_source_used, method=sim.method, seed=opts.seed,
    )  # fmt: skip


def gi(y: npt.ArrayLike, weights: object | None = None, **options: object) -> GiStarResult:
    """Getis–Ord Gi (the site itself excluded); options as :func:`gi_star`.

    Parameters
    ----------
    y : array_like
        A 2-D grid of counts or 1-D values with ``weights``.
    weights : sparse or dense (n, n) matrix, optional
        Spatial weights; the diagonal is dropped.
    **options
        Any other keyword of :func:`gi_star` except ``star``.

    Returns
    -------
    GiStarResult
        With ``star`` False.

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

    Parameters
    ----------
    y : array_like
        A 2-D grid of counts or 1-D values with ``weights``.
    weights : sparse or dense (n, n) matrix, optional
        Spatial weights; the diagonal is dropped. Default for a grid: ``neighbourhood`` contiguity
        without the cell itself.
    neighbourhood : {"queen", "rook"}
        Grid neighbours: 8 or 4.
    transform : {"R", "B"}
        Row-standardised (default, as esda) or binary.
    permutations, alternative, correction, alpha, p_source, seed, permutation_ids, method
        As for :func:`gi_star`.
    geoda_quads : bool
        Number the quadrants as GeoDa does instead of as esda does.

    Returns
    -------
    LocalMoranResult

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
    p_norm = ndtr(-np.abs(z_scores))
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
        p_z_sim=ndtr(-np.abs(z_sim)), permutations=sim.permutations,
        alternative=opts.alternative, correction=opts.correction, alpha=opts.alpha,
        p_exact=p_exact, p_source=p_source_used, method=sim.method, seed=opts.seed,
    )  # fmt: skip
