"""Emerging and persistent hot- and coldspots over time slices, and the Mann–Kendall trend test.

:func:`hotspot_classify` follows sfhotspot ``hotspot_classify`` (v1.0.0 source) as
docs/methods-reference.md §4 states it: Gi* per period (binary weights, the cell included), p =
2Φ(−|z|), Holm across each cell's periods, and the persistent / emerging / former / intermittent
rules.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.geo import Grid
from samtrygg.analysis.hotspots import gi_star
from samtrygg.analysis.multiple_testing import adjust_p_values
from samtrygg.analysis.weights import grid_weights

__all__ = [
    "HotspotClassification",
    "MannKendallResult",
    "Periods",
    "auto_period",
    "hotspot_classify",
    "hotspot_cube",
    "mann_kendall",
    "time_periods",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
_DAY = np.timedelta64(1, "D")


def auto_period(span_days: float) -> tuple[int, str]:
    """sfhotspot's automatic period for a span of ``span_days`` (max − min time).

    Parameters
    ----------
    span_days : float
        Time between the first and the last event, in days.

    Returns
    -------
    (length, unit)
        ≤ 14 days → (1, "days"); ≤ 91 → (7, "days"); ≤ 732 → (28, "days"); ≤ 3,653 → (91,
        "days"); ≤ 7,306 → (1, "years"); otherwise (⌊span/10⌋, "days").

    Examples
    --------
    >>> auto_period(364.9), auto_period(14), auto_period(2000), auto_period(8000)
    ((28, 'days'), (1, 'days'), (91, 'days'), (800, 'days'))
    """
    if not span_days >= 0:
        raise InputError(f"The time span must be zero or more days; got {span_days!r}.")
    for limit, days in ((14, 1), (91, 7), (366 * 2, 28), (3653, 91)):
        if span_days <= limit:
            return days, "days"
    if span_days <= 3653 * 2:
        return 1, "years"
    return int(math.floor(span_days / 10)), "days"


@dataclass(frozen=True, eq=False)
class Periods:
    """Time periods of events: ``index[k]`` is the period of event k, ``starts`` their dates."""

    index: npt.NDArray[np.int64]
    starts: npt.NDArray[np.datetime64]
    length: int
    unit: str

    @property
    def n_periods(self) -> int:
        """Number of periods T."""
        return int(self.starts.size)


def time_periods(
    times: npt.ArrayLike,
    *,
    length: int | None = None,
    unit: str = "days",
    start: np.datetime64 | str | None = None,
    collapse: bool = False,
) -> Periods:
    """Split event times into consecutive periods starting at the first date.

    Parameters
    ----------
    times : array_like of datetime64
        Event times (UTC); periods are whole days counted from the date of ``start``.
    length, unit : int, {"days", "years"}
        Period length; chosen by :func:`auto_period` when ``length`` is None. Years are calendar
        years.
    start : datetime64 or str, optional
        First period start (default: the earliest time's date).
    collapse : bool
        Merge a shorter final period into the one before (sfhotspot ``collapse = TRUE``).

    Returns
    -------
    Periods
        The period of each event, the start dates, the length and the unit.

    Examples
    --------
    >>> t = np.array(["2019-01-01", "2019-01-29", "2019-02-10"], dtype="datetime64[s]")
    >>> p = time_periods(t, length=28)
    >>> p.index.tolist(), p.n_periods
    ([0, 1, 1], 2)
    """
    t = np.asarray(times).astype("datetime64[s]")
    if t.ndim != 1 or t.size == 0:
        raise InputError("times must be a non-empty 1-D array of dates or date-times.")
    if np.any(np.isnat(t)):
        raise InputError("Some times are missing (NaT); remove those events.")
    span_days = float((t.max() - t.min()) / np.timedelta64(1, "s")) / 86400.0
    if length is None:
        length, unit = auto_period(span_days)
    if unit not in ("days", "years") or length < 1:
        raise InputError(
            f"The period must be a positive number of days or years; got {length} {unit}."
        )
    first = (t.min() if start is None else np.asarray(start, dtype="datetime64[s]")).astype(
        "datetime64[D]"
    )
    days = t.astype("datetime64[D]")
    if np.any(days < first):
        raise InputError(f"Some events lie before the first period start {first}.")
    if unit == "years":
        years = days.astype("datetime64[Y]").astype(np.int64)
        first_year = first.astype("datetime64[Y]")
        index = years - int(first_year.astype(np.int64))
        n_periods = int(index.max()) + 1
        starts = (first_year + np.arange(n_periods)).astype("datetime64[D]")
        return Periods(index.astype(np.int64), starts, 1, "years")
    offset = ((days - first) / _DAY).astype(np.int64)
    last = int((days.max() - first) / _DAY)
    n_periods = last // length + 1
    index = offset // length
    starts = first + np.arange(n_periods) * length * _DAY
    if collapse and span_days % length != 0 and n_periods > 1:
        n_periods -= 1
        index = np.minimum(index, n_periods - 1)
        starts = starts[:n_periods]
    return Periods(index.astype(np.int64), starts, int(length), "days")


def hotspot_cube(
    x: npt.ArrayLike, y: npt.ArrayLike, periods: Periods, grid: Grid
) -> npt.NDArray[np.int64]:
    """Counts per period and cell, zero-filled: shape (T, n_rows, n_cols).

    Parameters
    ----------
    x, y : array_like
        Event coordinates in the grid's CRS.
    periods : Periods
        The period of each event, from :func:`time_periods`.
    grid : Grid
        The cells.

    Returns
    -------
    ndarray of int64
        Shape (T, n_rows, n_cols).

    Examples
    --------
    >>> g = Grid(0.0, 0.0, 10.0, 2, 1)
    >>> p = Periods(np.array([0, 1, 1]), np.array(["2020-01-01", "2020-01-08"], "M8[D]"), 7, "days")
    >>> hotspot_cube([1, 1, 15], [1, 1, 1], p, g).tolist()
    [[[1, 0]], [[1, 1]]]
    """
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xs.shape != ys.shape or xs.shape != periods.index.shape:
        raise InputError(
            f"x, y and the periods must have one entry per event; got {xs.shape}, {ys.shape} "
            f"and {periods.index.shape}."
        )
    cube = np.zeros((periods.n_periods, grid.n_rows, grid.n_cols), dtype=np.int64)
    for k in range(periods.n_periods):
        chosen = periods.index == k
        cube[k] = grid.counts(xs[chosen], ys[chosen])
    return cube


@dataclass(frozen=True, eq=False)
class HotspotClassification:
    """Per-cell hot/coldspot categories over T periods (sfhotspot ``hotspot_classify``).

    Attributes
    ----------
    z_scores, p_values, p_adjusted : ndarray, shape (T, n)
        Gi* z per period, 2Φ(−|z|) and the Holm-adjusted value across each cell's periods (NaN
        for a period whose counts are all equal, e.g. no events: sfhotspot leaves it out).
    sig_hot, sig_cold : ndarray of bool, shape (T, n)
        p_adjusted < critical_p with z > 0, respectively z ≤ 0.
    recent_periods : int
        r = max(1, ⌊recent_prop·T⌋).
    prop_hot, recent_hot, older_hot, prop_cold, recent_cold, older_cold : ndarray, shape (n,)
        Shares of significant periods: all T, recent, and periods 1 … T − r.
    category_hot, category_cold, categories : ndarray of str, shape (n,)
        "persistent hotspot", "emerging hotspot", "former hotspot", "intermittent hotspot",
        the coldspot twins, "no pattern", and "mixed hot/coldspot" in ``categories``.
    """

    z_scores: FloatArray
    p_values: FloatArray
    p_adjusted: FloatArray
    sig_hot: BoolArray
    sig_cold: BoolArray
    recent_periods: int
    prop_hot: FloatArray
    recent_hot: FloatArray
    older_hot: FloatArray
    prop_cold: FloatArray
    recent_cold: FloatArray
    older_cold: FloatArray
    category_hot: npt.NDArray[np.str_]
    category_cold: npt.NDArray[np.str_]
    categories: npt.NDArray[np.str_]
    shape: tuple[int, int] | None

    def grid(self, name: str) -> npt.NDArray[np.generic]:
        """A per-cell attribute reshaped to (n_rows, n_cols).

        Parameters
        ----------
        name : str
            An attribute with one value per cell, e.g. ``"classes"``.

        Returns
        -------
        ndarray
            Shape (n_rows, n_cols).
        """
        if self.shape is None:
            raise InputError("This classification was computed on weights, not on a grid.")
        return np.asarray(getattr(self, name)).reshape(self.shape)


def _shares(
    sig: BoolArray, r: int, compatibility: bool
) -> tuple[FloatArray, FloatArray, FloatArray]:
    t = sig.shape[0]
    prop = sig.sum(axis=0) / t
    # sfhotspot sums columns (T − r):T, i.e. r + 1 periods, and divides by r.
    recent_rows = sig[t - r - 1 :] if compatibility else sig[t - r :]
    recent = recent_rows.sum(axis=0) / r
    older = sig[: t - r].sum(axis=0) / (t - r)
    return prop, recent, older


def _categorise(
    prop: FloatArray,
    recent: FloatArray,
    older: FloatArray,
    side: str,
    hotspot_prop: float,
    persistent_prop: float,
    recent_prop: float,
) -> npt.NDArray[np.str_]:
    return np.select(
        [
            prop >= persistent_prop,
            (older < hotspot_prop) & (recent >= recent_prop),
            (older >= hotspot_prop) & (recent < hotspot_prop),
            prop >= hotspot_prop,
        ],
        [f"persistent {side}", f"emerging {side}", f"former {side}", f"intermittent {side}"],
        "no pattern",
    )


def hotspot_classify(
    cube: npt.ArrayLike,
    weights: object | None = None,
    *,
    neighbourhood: str = "queen",
    critical_p: float = 0.05,
    hotspot_prop: float = 0.1,
    persistent_prop: float = 0.8,
    recent_prop: float = 0.2,
    p_adjust: str = "holm",
    compatibility: bool = True,
) -> HotspotClassification:
    """Classify cells as persistent, emerging, former or intermittent hot- or coldspots.

    Parameters
    ----------
    cube : array_like
        Counts of shape (T, n_rows, n_cols) (see :func:`hotspot_cube`) or (T, n) with
        ``weights``.
    weights : (n, n) matrix, optional
        Neighbours for Gi* (e.g. :func:`~samtrygg.analysis.weights.distance_weights` with
        ``nb_dist``); binary, the cell itself added. Default: ``neighbourhood`` on the grid.
    neighbourhood : {"queen", "rook"}
        Grid neighbours when ``weights`` is not given.
    critical_p, hotspot_prop, persistent_prop, recent_prop : float
        sfhotspot ``hotspot_classify_params`` defaults.
    p_adjust : {"holm", "fdr", "none"}
        Correction across each cell's periods (R ``p.adjust``'s default Holm).
    compatibility : bool
        Keep sfhotspot's count of r + 1 recent periods (divided by r); False uses r.

    Returns
    -------
    HotspotClassification

    Notes
    -----
    Rules, first match wins: persistent if prop ≥ persistent_prop; emerging if older <
    hotspot_prop and recent ≥ recent_prop; former if older ≥ hotspot_prop and recent <
    hotspot_prop; intermittent if prop ≥ hotspot_prop; otherwise no pattern. A cell with a
    pattern on both sides is "mixed hot/coldspot".

    Examples
    --------
    >>> cube = np.zeros((5, 6, 6)); cube[:, 1:3, 1:3] = 6; cube[:, 5, 5] = 1
    >>> res = hotspot_classify(cube)
    >>> str(res.grid("categories")[1, 1]), res.recent_periods
    ('persistent hotspot', 1)
    """
    arr = np.asarray(cube, dtype=float)
    shape: tuple[int, int] | None = None
    if arr.ndim == 3:
        shape = (int(arr.shape[1]), int(arr.shape[2]))
        if weights is None:
            weights = grid_weights(shape[0], shape[1], neighbourhood, include_self=True)
        arr = arr.reshape(arr.shape[0], -1)
    elif arr.ndim != 2 or weights is None:
        raise InputError("cube must be (T, n_rows, n_cols), or (T, n) together with weights.")
    t = arr.shape[0]
    if t < 2:
        raise InputError(f"Classifying needs at least 2 periods; got {t}. Choose a shorter period.")
    for name, value in (
        ("critical_p", critical_p),
        ("hotspot_prop", hotspot_prop),
        ("persistent_prop", persistent_prop),
        ("recent_prop", recent_prop),
    ):
        if not 0.0 < value <= 1.0:
            raise InputError(f"{name} must lie in (0, 1]; got {value!r}.")
    z = np.full(arr.shape, np.nan)
    for k in range(t):
        if np.ptp(arr[k]) > 0:  # an all-equal (e.g. empty) period has no Gi*: left as NaN
            res = gi_star(arr[k], weights, permutations=0, p_source="analytic", correction="none")
            z[k] = res.z_scores
    p = 2.0 * stats.norm.sf(np.abs(z))
    p_adj = np.vstack([adjust_p_values(p[:, i], p_adjust) for i in range(arr.shape[1])]).T
    significant = p_adj < critical_p
    sig_hot = significant & (z > 0)
    sig_cold = significant & ~(z > 0)
    r = int(math.floor(recent_prop * t))
    if r < 1 or t - r < 1:
        warnings.warn(
            "Zero periods count as recent; the final period is treated as recent.", stacklevel=2
        )
        r = 1
    prop_h, recent_h, older_h = _shares(sig_hot, r, compatibility)
    prop_c, recent_c, older_c = _shares(sig_cold, r, compatibility)
    params = (hotspot_prop, persistent_prop, recent_prop)
    cat_h = _categorise(prop_h, recent_h, older_h, "hotspot", *params)
    cat_c = _categorise(prop_c, recent_c, older_c, "coldspot", *params)
    both = (cat_h != "no pattern") & (cat_c != "no pattern")
    categories = np.where(both, "mixed hot/coldspot", np.where(cat_h != "no pattern", cat_h, cat_c))
    return HotspotClassification(
        z_scores=z, p_values=p, p_adjusted=p_adj, sig_hot=sig_hot, sig_cold=sig_cold,
        recent_periods=r, prop_hot=prop_h, recent_hot=recent_h, older_hot=older_h,
        prop_cold=prop_c, recent_cold=recent_c, older_cold=older_c, category_hot=cat_h,
        category_cold=cat_c, categories=categories, shape=shape,
    )  # fmt: skip


@dataclass(frozen=True)
class MannKendallResult:
    """Mann–Kendall trend test: S, Var S (tie-corrected), z, two-sided p and Kendall's τ_b."""

    s: int
    var_s: float
    z: float
    p_value: float
    tau: float


def mann_kendall(x: npt.ArrayLike) -> MannKendallResult:
    """Mann–Kendall test for a monotone trend in a series (e.g. a cell's Gi* z per period).

    S = Σ_{i<j} sgn(x_j − x_i); Var S = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)]/18 over tie groups;
    Z = (S − sgn S)/√Var S (0 when S = 0); p = 2(1 − Φ(|Z|)); τ_b = S/√[(n₀ − n₁)n₀].

    Parameters
    ----------
    x : array_like
        The series, in time order.

    Returns
    -------
    MannKendallResult
        S, Var S, z, p and τ_b.

    Notes
    -----
    Mann (1945), *Econometrica* 13:245–259; Kendall (1975). The normal approximation is used
    for every n; R's ``Kendall::MannKendall`` small-n p-values are not reproduced.

    Examples
    --------
    >>> res = mann_kendall([1, 2, 3, 4, 5])
    >>> res.s, res.var_s, round(res.z, 4), res.tau
    (10, 16.666666666666668, 2.2045, 1.0)
    """
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 1 or arr.size < 3:
        raise InputError(
            f"Mann–Kendall needs a series of at least 3 values; got shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        raise InputError("The series has missing or infinite values; drop them first.")
    n = arr.size
    diff = np.sign(arr[None, :] - arr[:, None])
    s = int(np.triu(diff, k=1).sum())
    _, ties = np.unique(arr, return_counts=True)
    var_s = (n * (n - 1) * (2 * n + 5) - float(np.sum(ties * (ties - 1) * (2 * ties + 5)))) / 18.0
    z = 0.0 if s == 0 or var_s <= 0 else (s - math.copysign(1, s)) / math.sqrt(var_s)
    n0 = n * (n - 1) / 2
    n1 = float(np.sum(ties * (ties - 1))) / 2
    tau = s / math.sqrt((n0 - n1) * n0) if n0 > n1 else float("nan")
    return MannKendallResult(s, var_s, float(z), float(2 * stats.norm.sf(abs(z))), float(tau))
