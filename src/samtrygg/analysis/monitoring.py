"""Sequential monitoring of weekly counts: Poisson CUSUM and EWMA, calibrated by simulation.

A partnership watches many series (area × category) every week, so each chart's threshold is
set from its in-control false-alarm rate per series-week, not from a textbook constant. The
calibration simulates stationary series at the baseline mean (Poisson, and optionally the
negative binomial fitted to the history, keeping the stricter threshold), reports the rate it
achieved and the delay to detect a 50 % step. See docs/methods-reference.md §5.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from samtrygg.analysis.errors import InputError

__all__ = [
    "Calibration",
    "CusumResult",
    "EwmaResult",
    "calibrate_cusum",
    "calibrate_ewma",
    "cusum_reference",
    "poisson_cusum",
    "poisson_ewma",
]

Side = Literal["upper", "both"]


def _counts(values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise InputError("counts is empty; give at least one period's count.")
    if not np.isfinite(arr).all():
        raise InputError("counts contains NaN or infinite values; counts must be finite.")
    if (arr < 0).any():
        raise InputError(
            f"counts contains the negative count {arr[arr < 0][0]:g}; counts are >= 0."
        )
    return arr


def _positive(value: float, name: str) -> float:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise InputError(f"{name} must be a positive number, got {value!r}.")
    return float(value)


def cusum_reference(lambda0: float, lambda1: float) -> float:
    """The Poisson CUSUM reference value ``k = (λ1 − λ0) / ln(λ1 / λ0)`` (Lucas 1985).

    Parameters
    ----------
    lambda0, lambda1 : float
        In-control mean and the mean to detect, per period.

    Returns
    -------
    float

    Examples
    --------
    >>> round(cusum_reference(4.0, 6.0), 4)
    4.9326
    """
    l0, l1 = _positive(lambda0, "lambda0"), _positive(lambda1, "lambda1")
    if l1 == l0:
        raise InputError("lambda1 must differ from lambda0; the default is 1.5 × lambda0.")
    return (l1 - l0) / math.log(l1 / l0)


@dataclass(frozen=True)
class CusumResult:
    """An upper Poisson CUSUM run over one or more series (last axis = time).

    Attributes
    ----------
    statistic : ndarray
        ``S_t`` after each period (0 after a reset).
    alarms : ndarray of bool
        ``S_t > h``; the chart restarts from 0 after each alarm.
    lambda0, lambda1, k, h : float
    """

    statistic: npt.NDArray[np.float64]
    alarms: npt.NDArray[np.bool_]
    lambda0: float
    lambda1: float
    k: float
    h: float


def poisson_cusum(
    counts: npt.ArrayLike,
    lambda0: float,
    h: float,
    *,
    lambda1: float | None = None,
) -> CusumResult:
    """Upper Poisson CUSUM ``S_t = max(0, S_{t−1} + x_t − k)``, alarm when ``S_t > h``, then reset.

    Parameters
    ----------
    counts : array_like
        Counts per period; a 2-D array runs one chart per row.
    lambda0 : float
        In-control mean per period.
    h : float
        Decision threshold; choose it with :func:`calibrate_cusum`.
    lambda1 : float, optional
        The mean to detect, default ``1.5 λ0``.

    Returns
    -------
    CusumResult

    Examples
    --------
    >>> r = poisson_cusum([4, 5, 9, 10, 3], lambda0=4.0, h=5.0)
    >>> round(r.k, 3), np.round(r.statistic, 3).tolist(), r.alarms.tolist()
    (4.933, [0.0, 0.067, 4.135, 0.0, 0.0], [False, False, False, True, False])
    """
    x = _counts(counts)
    l0 = _positive(lambda0, "lambda0")
    l1 = 1.5 * l0 if lambda1 is None else _positive(lambda1, "lambda1")
    k = cusum_reference(l0, l1)
    if not (math.isfinite(h) and h >= 0):
        raise InputError(f"h must be a non-negative number, got {h!r}.")
    stat, alarms = _run_cusum(x.reshape(-1, x.shape[-1]), k, np.array([float(h)]))
    return CusumResult(
        statistic=stat[0].reshape(x.shape),
        alarms=alarms[0].reshape(x.shape),
        lambda0=l0,
        lambda1=l1,
        k=k,
        h=float(h),
    )


def _run_cusum(
    x: npt.NDArray[np.float64], k: float, hs: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Run charts for every threshold in ``hs`` at once: output shape (n_h, n_series, T)."""
    n_series, n_t = x.shape
    s = np.zeros((hs.size, n_series))
    stat = np.empty((hs.size, n_series, n_t))
    alarms = np.empty((hs.size, n_series, n_t), dtype=bool)
    limit = hs[:, None]
    for t in range(n_t):
        s = np.maximum(0.0, s + x[None, :, t] - k)
        hit = s > limit
        stat[:, :, t] = np.where(hit, 0.0, s)
        alarms[:, :, t] = hit
        s[hit] = 0.0
    return stat, alarms


def _cusum_alarm_counts(
    x: npt.NDArray[np.float64], k: float, hs: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Alarms per threshold, without storing the charts (memory O(n_h × n_series))."""
    s = np.zeros((hs.size, x.shape[0]))
    total = np.zeros(hs.size)
    limit = hs[:, None]
    for t in range(x.shape[1]):
        s = np.maximum(0.0, s + x[None, :, t] - k)
        hit = s > limit
        total += hit.sum(axis=1)
        s[hit] = 0.0
    return total


@dataclass(frozen=True)
class EwmaResult:
    """A Poisson EWMA chart with time-varying limits (last axis = time).

    Attributes
    ----------
    statistic, upper, lower : ndarray
        ``Z_t`` and its control limits.
    alarms : ndarray of bool
        Above ``upper`` (or below ``lower`` when ``side="both"``); the chart restarts at μ0.
    mu0, L, rho : float
    side : str
    """

    statistic: npt.NDArray[np.float64]
    upper: npt.NDArray[np.float64]
    lower: npt.NDArray[np.float64]
    alarms: npt.NDArray[np.bool_]
    mu0: float
    L: float
    rho: float
    side: str


def poisson_ewma(
    counts: npt.ArrayLike,
    mu0: float,
    L: float = 3.0,
    *,
    rho: float = 0.2,
    side: Side = "upper",
) -> EwmaResult:
    """Poisson EWMA ``Z_t = ρ x_t + (1 − ρ) Z_{t−1}``, ``Z_0 = μ0`` (Borror, Champ & Rigdon 1998).

    Limits are ``μ0 ± L √(ρ μ0 (1 − (1 − ρ)^{2t}) / (2 − ρ))`` with t counted from the start or
    the last alarm, after which the chart restarts at μ0.

    Parameters
    ----------
    counts : array_like
        Counts per period; a 2-D array runs one chart per row.
    mu0 : float
        In-control mean per period.
    L : float
        Width of the limits in standard deviations; choose it with :func:`calibrate_ewma`.
    rho : float
        Smoothing weight of the newest count, in (0, 1].
    side : {"upper", "both"}
        Alarm on increases only, or on decreases too.

    Returns
    -------
    EwmaResult

    Examples
    --------
    >>> r = poisson_ewma([4, 4, 12, 4], mu0=4.0, L=2.0)
    >>> np.round(r.statistic, 2).tolist(), r.alarms.tolist()
    ([4.0, 4.0, 5.6, 4.0], [False, False, True, False])
    """
    x = _counts(counts)
    m0 = _positive(mu0, "mu0")
    if not (0.0 < rho <= 1.0):
        raise InputError(f"rho must lie in (0, 1], got {rho!r}.")
    if side not in ("upper", "both"):
        raise InputError(f"side must be 'upper' or 'both', got {side!r}.")
    _positive(L, "L")
    flat = x.reshape(-1, x.shape[-1])
    z, up, lo, alarms = _run_ewma(flat, m0, np.array([float(L)]), rho, side)
    return EwmaResult(
        statistic=z[0].reshape(x.shape),
        upper=up[0].reshape(x.shape),
        lower=lo[0].reshape(x.shape),
        alarms=alarms[0].reshape(x.shape),
        mu0=m0,
        L=float(L),
        rho=float(rho),
        side=side,
    )


def _run_ewma(
    x: npt.NDArray[np.float64], mu0: float, Ls: npt.NDArray[np.float64], rho: float, side: str
) -> tuple[npt.NDArray[np.float64], ...]:
    n_series, n_t = x.shape
    shape = (Ls.size, n_series)
    z = np.full(shape, mu0)
    age = np.zeros(shape)
    out_z = np.empty((*shape, n_t))
    out_up = np.empty((*shape, n_t))
    out_lo = np.empty((*shape, n_t))
    out_alarm = np.empty((*shape, n_t), dtype=bool)
    L = Ls[:, None]
    for t in range(n_t):
        z = rho * x[None, :, t] + (1.0 - rho) * z
        age += 1.0
        half = L * np.sqrt(rho * mu0 * (1.0 - (1.0 - rho) ** (2.0 * age)) / (2.0 - rho))
        up, lo = mu0 + half, mu0 - half
        hit = z > up if side == "upper" else (z > up) | (z < lo)
        out_z[:, :, t], out_up[:, :, t], out_lo[:, :, t] = z, up, lo
        out_alarm[:, :, t] = hit
        z = np.where(hit, mu0, z)
        age = np.where(hit, 0.0, age)
    return out_z, out_up, out_lo, out_alarm


def _ewma_alarm_counts(
    x: npt.NDArray[np.float64], mu0: float, Ls: npt.NDArray[np.float64], rho: float, side: str
) -> npt.NDArray[np.float64]:
    z = np.full((Ls.size, x.shape[0]), mu0)
    age = np.zeros_like(z)
    total = np.zeros(Ls.size)
    L = Ls[:, None]
    for t in range(x.shape[1]):
        z = rho * x[None, :, t] + (1.0 - rho) * z
        age += 1.0
        half = L * np.sqrt(rho * mu0 * (1.0 - (1.0 - rho) ** (2.0 * age)) / (2.0 - rho))
        hit = z > mu0 + half if side == "upper" else np.abs(z - mu0) > half
        total += hit.sum(axis=1)
        z[hit] = mu0
        age[hit] = 0.0
    return total


@dataclass(frozen=True)
class Calibration:
    """A simulated threshold for CUSUM (h) or EWMA (L) and what it achieves.

    Attributes
    ----------
    chart : {"cusum", "ewma"}
    lambda0 : float
        In-control mean per period.
    threshold : float
        h for CUSUM, L for EWMA: the smallest on the search grid whose in-control false-alarm
        rate is at most ``target_rate``.
    target_rate : float
        Allowed false alarms per series-period (0.01 = ARL0 ≥ 100).
    false_alarm_rate : float
        Achieved rate (the larger of the Poisson and negative binomial runs).
    false_alarm_rate_poisson, false_alarm_rate_nb : float
        Each run's rate (NaN when no ``size`` was given).
    arl0 : float
        ``1 / false_alarm_rate``.
    shift : float
        The step in the mean for the delay, as a multiple of λ0 (1.5 = +50 %).
    delay_mean, delay_median : float
        Periods from the first shifted period to the alarm (1 = alarmed in that period).
    undetected : float
        Share of shifted series without an alarm within ``delay_horizon`` periods (counted as
        ``delay_horizon`` in the mean).
    k, rho : float
        The CUSUM reference value and EWMA smoothing (NaN when not used).
    size : float or None
        Negative binomial size used, if any.
    n_series, n_periods, seed : int
    """

    chart: str
    lambda0: float
    threshold: float
    target_rate: float
    false_alarm_rate: float
    false_alarm_rate_poisson: float
    false_alarm_rate_nb: float
    arl0: float
    shift: float
    delay_mean: float
    delay_median: float
    undetected: float
    k: float
    rho: float
    size: float | None
    n_series: int
    n_periods: int
    seed: int


def _simulate(
    rng: np.random.Generator, mean: float, size: float | None, shape: tuple[int, int]
) -> npt.NDArray[np.float64]:
    if size is None:
        return rng.poisson(mean, shape).astype(float)
    return rng.negative_binomial(size, size / (size + mean), shape).astype(float)


def _pick(
    candidates: npt.NDArray[np.float64], rates: npt.NDArray[np.float64], target: float
) -> int:
    """The smallest candidate from which on every rate is within the target, or -1."""
    ok = rates <= target
    bad = np.flatnonzero(~ok)
    first = 0 if bad.size == 0 else int(bad[-1]) + 1
    return first if first < candidates.size else -1


def _calibrate(
    chart: str,
    lambda0: float,
    count: Callable[[npt.NDArray[np.float64], npt.NDArray[np.float64]], npt.NDArray[np.float64]],
    run: Callable[[npt.NDArray[np.float64], npt.NDArray[np.float64]], npt.NDArray[np.bool_]],
    grid_max: float,
    *,
    target_rate: float,
    size: float | None,
    shift: float,
    n_series: int,
    n_periods: int,
    delay_horizon: int,
    seed: int,
    k: float,
    rho: float,
) -> Calibration:
    """1. Simulate in-control series; 2. run all thresholds on a grid at once; 3. keep the
    smallest meeting the target (stricter of Poisson and NB); 4. measure the delay to a step."""
    if not (0.0 < target_rate < 1.0):
        raise InputError(f"target_rate must lie strictly between 0 and 1, got {target_rate!r}.")
    if size is not None:
        _positive(size, "size")
    _positive(shift, "shift")
    if n_series < 1 or n_periods < 1 or delay_horizon < 1:
        raise InputError("n_series, n_periods and delay_horizon must be at least 1.")
    rng = np.random.default_rng(seed)
    models = [None] if size is None else [None, size]
    sims = [_simulate(rng, lambda0, m, (n_series, n_periods)) for m in models]
    upper = grid_max
    for _ in range(6):
        grid = np.linspace(0.0, upper, 201)[1:]
        rates = np.stack([count(sim, grid) / sim.size for sim in sims])
        worst = rates.max(axis=0)
        idx = _pick(grid, worst, target_rate)
        if idx >= 0:
            break
        upper *= 2.0
    else:  # pragma: no cover - the grid doubles six times
        raise InputError(f"No threshold up to {upper:g} reaches the target rate {target_rate}.")
    threshold = float(grid[idx])
    shifted = _simulate(rng, shift * lambda0, None, (n_series, delay_horizon))
    hits = run(shifted, np.array([threshold]))[0]
    any_hit = hits.any(axis=1)
    delay = np.where(any_hit, hits.argmax(axis=1) + 1, delay_horizon).astype(float)
    achieved = float(worst[idx])
    return Calibration(
        chart=chart,
        lambda0=lambda0,
        threshold=threshold,
        target_rate=target_rate,
        false_alarm_rate=achieved,
        false_alarm_rate_poisson=float(rates[0, idx]),
        false_alarm_rate_nb=float(rates[1, idx]) if size is not None else math.nan,
        arl0=1.0 / achieved if achieved > 0 else math.inf,
        shift=shift,
        delay_mean=float(delay.mean()),
        delay_median=float(np.median(delay)),
        undetected=float(1.0 - any_hit.mean()),
        k=k,
        rho=rho,
        size=size,
        n_series=n_series,
        n_periods=n_periods,
        seed=seed,
    )


def calibrate_cusum(
    lambda0: float,
    *,
    target_rate: float = 0.01,
    lambda1: float | None = None,
    size: float | None = None,
    shift: float = 1.5,
    n_series: int = 400,
    n_periods: int = 520,
    delay_horizon: int = 104,
    seed: int = 0,
) -> Calibration:
    """Choose the CUSUM threshold h for a false-alarm rate of at most ``target_rate`` per period.

    Parameters
    ----------
    lambda0 : float
        In-control mean per period.
    target_rate : float
        Allowed false alarms per series-period; 0.01 means at most 1 per 100 series-weeks.
    lambda1 : float, optional
        The mean the chart is tuned to detect (default 1.5 λ0).
    size : float, optional
        Negative binomial size fitted to the history (variance μ + μ²/size); when given, the
        stricter of the Poisson and NB thresholds is kept.
    shift : float
        Step (multiple of λ0) for the reported detection delay.
    n_series, n_periods : int
        Simulated in-control series and their length.
    delay_horizon : int
        Periods after the step within which the detection delay is measured.
    seed : int

    Returns
    -------
    Calibration

    Examples
    --------
    >>> c = calibrate_cusum(5.0, n_series=200, n_periods=260, seed=1)
    >>> c.false_alarm_rate <= 0.01, c.threshold > 0
    (True, True)
    """
    l0 = _positive(lambda0, "lambda0")
    l1 = 1.5 * l0 if lambda1 is None else _positive(lambda1, "lambda1")
    k = cusum_reference(l0, l1)

    def count(x: npt.NDArray[np.float64], hs: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return _cusum_alarm_counts(x, k, hs)

    def run(x: npt.NDArray[np.float64], hs: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        return _run_cusum(x, k, hs)[1]

    return _calibrate(
        "cusum", l0, count, run, 4.0 + 6.0 * math.sqrt(l0),
        target_rate=target_rate, size=size, shift=shift, n_series=n_series,
        n_periods=n_periods, delay_horizon=delay_horizon, seed=seed, k=k, rho=math.nan,
    )  # fmt: skip


def calibrate_ewma(
    lambda0: float,
    *,
    rho: float = 0.2,
    side: Side = "upper",
    target_rate: float = 0.01,
    size: float | None = None,
    shift: float = 1.5,
    n_series: int = 400,
    n_periods: int = 520,
    delay_horizon: int = 104,
    seed: int = 0,
) -> Calibration:
    """Choose the EWMA limit width L for a false-alarm rate of at most ``target_rate``.

    Parameters are as for :func:`calibrate_cusum`, plus the smoothing ``rho`` and ``side``.

    Parameters
    ----------
    lambda0 : float
        In-control mean per period.
    rho : float
        Smoothing weight of the newest count, in (0, 1].
    side : {"upper", "both"}
        Alarm on increases only, or on decreases too.
    target_rate, size, shift, n_series, n_periods, seed
        As for :func:`calibrate_cusum`.
    delay_horizon : int
        Periods after the step over which the detection delay is measured.

    Returns
    -------
    Calibration

    Examples
    --------
    >>> c = calibrate_ewma(5.0, n_series=200, n_periods=260, seed=1)
    >>> c.false_alarm_rate <= 0.01, 1.0 < c.threshold < 4.0
    (True, True)
    """
    l0 = _positive(lambda0, "lambda0")
    if not (0.0 < rho <= 1.0):
        raise InputError(f"rho must lie in (0, 1], got {rho!r}.")
    if side not in ("upper", "both"):
        raise InputError(f"side must be 'upper' or 'both', got {side!r}.")

    def count(x: npt.NDArray[np.float64], Ls: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return _ewma_alarm_counts(x, l0, Ls, rho, side)

    def run(x: npt.NDArray[np.float64], Ls: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        return _run_ewma(x, l0, Ls, rho, side)[3].astype(bool)

    return _calibrate(
        "ewma", l0, count, run, 6.0,
        target_rate=target_rate, size=size, shift=shift, n_series=n_series,
        n_periods=n_periods, delay_horizon=delay_horizon, seed=seed, k=math.nan, rho=rho,
    )  # fmt: skip
