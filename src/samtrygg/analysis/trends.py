"""Count series, the seasonal trend and period-against-period comparisons.

Everything here works on event times (``datetime64``, naive local time) and plain counts, so the
web "picture" page, the command line and analysts' scripts share one implementation. The count
tests themselves are in :mod:`samtrygg.analysis.counttests` and the annual cycle (årshjul) in
:mod:`samtrygg.analysis.cycle`; their public names are re-exported here. Sequential monitoring
(CUSUM, EWMA) lives in :mod:`samtrygg.analysis.monitoring`.

See docs/methods-reference.md §5.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from samtrygg.analysis._validate import (
    _DAY,
    _as_times,
    _broadcast,
    _check_alpha,
    _check_alternative,
    _day,
)
from samtrygg.analysis.counttests import (
    Alternative,
    binomial_test,
    etest,
    exceedance_probability,
    poisson_z,
)
from samtrygg.analysis.cycle import AnnualCycle, annual_cycle, aoristic_hour_weights, poisson_ci
from samtrygg.analysis.errors import InputError

__all__ = [
    "AnnualCycle",
    "CountComparison",
    "CountSeries",
    "PeriodChanges",
    "SeasonalTrend",
    "annual_cycle",
    "aoristic_hour_weights",
    "binomial_test",
    "compare_counts",
    "compare_periods",
    "count_series",
    "etest",
    "exceedance_probability",
    "poisson_ci",
    "poisson_z",
    "seasonal_trend",
    "to_local_time",
]

Period = Literal["week", "month"]


# --------------------------------------------------------------------------- count series


def _period_index(days: npt.NDArray[np.int64], period: str) -> npt.NDArray[np.int64]:
    """Period number of each day: Monday-based ISO weeks, or calendar months since 1970-01."""
    if period == "week":
        # 1970-01-01 was a Thursday, so (day + 3) // 7 counts Monday-started weeks.
        return (days + 3) // 7
    if period == "month":
        return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    raise InputError(f"period must be 'week' or 'month', got {period!r}.")


def _period_bounds(
    index: npt.NDArray[np.int64], period: str
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.datetime64]]:
    """First day and the day after the last day of each period."""
    if period == "week":
        first = (index * 7 - 3).astype("datetime64[D]")
        return first, (index * 7 + 4).astype("datetime64[D]")
    first = index.astype("datetime64[M]").astype("datetime64[D]")
    after = (index + 1).astype("datetime64[M]").astype("datetime64[D]")
    return first, after


@dataclass(frozen=True)
class CountSeries:
    """Zero-filled event counts per group and period.

    Attributes
    ----------
    period : {"week", "month"}
        Weeks start on Monday (ISO); months are calendar months.
    starts : ndarray of datetime64[D]
        First day of each period, shape (n_periods,).
    days : ndarray of int
        Days of each period, the exposure used by the count tests.
    complete : ndarray of bool
        Whether each period lies wholly inside the observation window ``[first_day, last_day]``.
    groups : tuple of str
        Group labels (sorted), or ``("all",)`` without groups.
    counts : ndarray of int, shape (n_groups, n_periods)
    first_day, last_day : datetime64[D]
        The observation window (inclusive).
    """

    period: str
    starts: npt.NDArray[np.datetime64]
    days: npt.NDArray[np.int64]
    complete: npt.NDArray[np.bool_]
    groups: tuple[str, ...]
    counts: npt.NDArray[np.int64]
    first_day: np.datetime64
    last_day: np.datetime64

    def labels(self) -> list[str]:
        """Period labels: ``YYYY-MM`` for months, the Monday ``YYYY-MM-DD`` for weeks.

        Returns
        -------
        list of str
        """
        if self.period == "month":
            return [str(s.astype("datetime64[M]")) for s in self.starts]
        return [str(s) for s in self.starts]

    def last_complete(self) -> int | None:
        """Index of the last complete period, or None.

        Returns
        -------
        int or None
        """
        idx = np.flatnonzero(self.complete)
        return int(idx[-1]) if idx.size else None


def count_series(
    times: npt.ArrayLike,
    groups: Sequence[object] | npt.ArrayLike | None = None,
    *,
    period: Period = "week",
    start: str | np.datetime64 | None = None,
    end: str | np.datetime64 | None = None,
) -> CountSeries:
    """Count events per group and week or month, zero-filled.

    Parameters
    ----------
    times : array_like of datetime64
        Event times in local time (the date decides the period).
    groups : sequence, optional
        A label per event (e.g. ``"area|category"``); missing values become ``"(blank)"``.
    period : {"week", "month"}
        Weeks start on Monday.
    start, end : date, optional
        The observation window (inclusive days); defaults to the first and last event dates.
        Events outside it are dropped.

    Returns
    -------
    CountSeries

    Examples
    --------
    >>> t = np.array(["2024-01-30", "2024-03-02", "2024-03-05"], dtype="datetime64[s]")
    >>> s = count_series(t, ["a", "b", "a"], period="month")
    >>> s.labels(), s.groups, s.counts.tolist()
    (['2024-01', '2024-02', '2024-03'], ('a', 'b'), [[1, 0, 1], [0, 0, 1]])
    >>> s.complete.tolist()  # the window is 30 January to 5 March
    [False, True, False]
    """
    t = _as_times(times)
    if t.size == 0:
        raise InputError("times is empty; there are no events to count.")
    days = t.astype("datetime64[D]")
    if groups is None:
        labels = np.zeros(t.size, dtype=np.int64)
        names: tuple[str, ...] = ("all",)
    else:
        raw = list(np.asarray(groups, dtype=object).ravel())
        if len(raw) != t.size:
            raise InputError(
                f"groups has {len(raw)} values but times has {t.size}; give one group per event."
            )
        text = ["(blank)" if g is None or str(g) == "" else str(g) for g in raw]
        uniq, inverse = np.unique(np.asarray(text, dtype=str), return_inverse=True)
        labels, names = inverse.astype(np.int64), tuple(str(u) for u in uniq)
    first = _day(start) if start is not None else days.min()
    last = _day(end) if end is not None else days.max()
    if last < first:
        raise InputError(f"end {last} lies before start {first}; give a window that is not empty.")
    keep = (days >= first) & (days <= last)
    pidx = _period_index(days[keep].astype(np.int64), period)
    p0 = int(_period_index(np.array([first.astype(np.int64)]), period)[0])
    p1 = int(_period_index(np.array([last.astype(np.int64)]), period)[0])
    n_periods = p1 - p0 + 1
    flat = labels[keep] * n_periods + (pidx - p0)
    counts = np.bincount(flat, minlength=len(names) * n_periods).reshape(len(names), n_periods)
    index = np.arange(p0, p1 + 1, dtype=np.int64)
    starts, after = _period_bounds(index, period)
    complete = (starts >= first) & (after - _DAY <= last)
    return CountSeries(
        period=period,
        starts=starts,
        days=(after - starts).astype(np.int64),
        complete=complete,
        groups=names,
        counts=counts.astype(np.int64),
        first_day=first,
        last_day=last,
    )


def to_local_time(
    times_utc: npt.ArrayLike, zone: str = "Europe/Stockholm"
) -> npt.NDArray[np.datetime64]:
    """Convert naive UTC times to naive local wall-clock times in ``zone``.

    Parameters
    ----------
    times_utc : array_like of datetime64
        Naive times in UTC.
    zone : str
        An IANA time zone.

    Returns
    -------
    ndarray of datetime64[s]

    Examples
    --------
    >>> to_local_time(np.array(["2019-01-01T01:30"], dtype="datetime64[s]"), "America/Chicago")
    array(['2018-12-31T19:30:00'], dtype='datetime64[s]')
    """
    import polars as pl

    t = _as_times(times_utc, "times_utc")
    try:
        series = (
            pl.Series("t", t.astype("datetime64[ms]"))
            .dt.replace_time_zone("UTC")
            .dt.convert_time_zone(zone)
        )
    except Exception as exc:  # polars raises its own error for unknown zones; say it plainly.
        raise InputError(f"The time zone {zone!r} is unknown; give an IANA name.") from exc
    return series.dt.replace_time_zone(None).to_numpy().astype("datetime64[s]")


# --------------------------------------------------------------------------- seasonal GLM


def _poisson_fit(
    X: npt.NDArray[np.float64], y: npt.NDArray[np.float64], offset: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], float]:
    """Poisson GLM with log link by IRLS: coefficients, their covariance and the deviance."""
    beta: npt.NDArray[np.float64] = np.zeros(X.shape[1])
    beta[0] = math.log(max(y.sum(), 0.5) / np.exp(offset).sum())
    for _ in range(100):
        mu = np.exp(offset + X @ beta)
        z = X @ beta + (y - mu) / mu
        xtw = X.T * mu
        new = np.asarray(np.linalg.solve(xtw @ X, xtw @ z), dtype=float)
        done = np.max(np.abs(new - beta)) < 1e-10
        beta = new
        if done:
            break
    mu = np.exp(offset + X @ beta)
    cov = np.asarray(np.linalg.inv((X.T * mu) @ X), dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return beta, cov, float(2.0 * np.sum(term - (y - mu)))


@dataclass(frozen=True)
class SeasonalTrend:
    """Poisson GLM ``log μ_t = β0 + β1·years + month + log(days)`` on a monthly series.

    Attributes
    ----------
    rate_ratio_per_year, ci_low, ci_high : float
        ``exp(β1)`` and its Wald interval (widened by √dispersion).
    month_ratios : ndarray, shape (12,)
        Month effects relative to January (``exp(β_month)``; NaN for months not in the data).
    lr_statistic, df, p_value : float
        Likelihood-ratio test of the month factor (χ², Poisson).
    p_value_overdispersed : float
        The same with the statistic divided by the dispersion (quasi-Poisson).
    dispersion : float
        Pearson χ² / residual df; well above 1 means overdispersion.
    """

    rate_ratio_per_year: float
    ci_low: float
    ci_high: float
    month_ratios: npt.NDArray[np.float64]
    lr_statistic: float
    df: int
    p_value: float
    p_value_overdispersed: float
    dispersion: float


def seasonal_trend(series: CountSeries, group: int = 0, *, alpha: float = 0.05) -> SeasonalTrend:
    """Trend and month effect of a monthly count series (complete months only).

    Parameters
    ----------
    series : CountSeries
        A monthly series from :func:`count_series`.
    group : int
        Which group (row of ``series.counts``) to fit.
    alpha : float
        1 − confidence level of the intervals.

    Returns
    -------
    SeasonalTrend

    Examples
    --------
    >>> days = np.arange("2020-01-01", "2023-01-01", dtype="datetime64[D]")
    >>> summer = np.isin(days.astype("datetime64[M]").astype(int) % 12, [5, 6, 7])
    >>> t = np.concatenate([days, days[summer]]).astype("datetime64[s]")
    >>> r = seasonal_trend(count_series(t, period="month"))
    >>> round(r.rate_ratio_per_year, 6), np.round(r.month_ratios[[0, 6]], 6).tolist()
    (1.0, [1.0, 2.0])
    """
    if series.period != "month":
        raise InputError(f"seasonal_trend needs a monthly series, got period {series.period!r}.")
    from scipy import stats  # here: scipy.stats costs the trends command ~0.3 s

    a = _check_alpha(alpha)
    keep = series.complete
    y = series.counts[group, keep].astype(float)
    if y.size < 13:
        raise InputError(f"seasonal_trend needs at least 13 complete months, got {y.size}.")
    months = series.starts[keep].astype("datetime64[M]").astype(np.int64)
    years = (months - months[0]) / 12.0
    moy = months % 12
    present = np.unique(moy)
    dummies = (moy[:, None] == present[None, 1:]).astype(float)
    offset = np.log(series.days[keep].astype(float))
    full = np.column_stack([np.ones(y.size), years, dummies])
    beta, cov, dev_full = _poisson_fit(full, y, offset)
    _, _, dev_reduced = _poisson_fit(full[:, :2], y, offset)
    resid_df = y.size - full.shape[1]
    mu = np.exp(offset + full @ beta)
    dispersion = float(np.sum((y - mu) ** 2 / mu) / resid_df) if resid_df > 0 else math.nan
    lr = max(0.0, dev_reduced - dev_full)
    df = int(dummies.shape[1])
    q = float(stats.norm.ppf(1 - a / 2))
    se = math.sqrt(cov[1, 1] * max(1.0, dispersion if math.isfinite(dispersion) else 1.0))
    ratios = np.full(12, np.nan)
    ratios[present[0]] = 1.0
    ratios[present[1:]] = np.exp(beta[2:])
    return SeasonalTrend(
        rate_ratio_per_year=float(math.exp(beta[1])),
        ci_low=float(math.exp(beta[1] - q * se)),
        ci_high=float(math.exp(beta[1] + q * se)),
        month_ratios=ratios,
        lr_statistic=float(lr),
        df=df,
        p_value=float(stats.chi2.sf(lr, df)),
        p_value_overdispersed=float(stats.chi2.sf(lr / max(1.0, dispersion), df)),
        dispersion=dispersion,
    )


# --------------------------------------------------------------------------- comparisons


@dataclass(frozen=True)
class CountComparison:
    """Current counts against a baseline, per category.

    Attributes
    ----------
    labels : tuple of str
    current, baseline : ndarray
        Observed counts.
    t_current, t_baseline : ndarray
        Exposures.
    expected : ndarray
        The baseline scaled to the current exposure, ``x0 · t1 / t0``.
    difference : ndarray
        ``current − expected`` (a count, never a percentage; METHODS §5).
    rate_ratio : ndarray
        ``(x1/t1) / (x0/t0)``; inf when the baseline is 0 and the current is not.
    z : ndarray
        Calibrated Poisson z, ``2(√x1 − √(r x0)) / √(1 + r)`` with r = t1/t0.
    p_values : ndarray
        From ``method``.
    flagged : ndarray of bool
        ``p < alpha``: unlikely under chance alone.
    method, alternative : str
    alpha : float
    """

    labels: tuple[str, ...]
    current: npt.NDArray[np.float64]
    baseline: npt.NDArray[np.float64]
    t_current: npt.NDArray[np.float64]
    t_baseline: npt.NDArray[np.float64]
    expected: npt.NDArray[np.float64]
    difference: npt.NDArray[np.float64]
    rate_ratio: npt.NDArray[np.float64]
    z: npt.NDArray[np.float64]
    p_values: npt.NDArray[np.float64]
    flagged: npt.NDArray[np.bool_]
    method: str
    alternative: str
    alpha: float


def compare_counts(
    current: npt.ArrayLike,
    baseline: npt.ArrayLike,
    t_current: npt.ArrayLike = 1.0,
    t_baseline: npt.ArrayLike = 1.0,
    *,
    alpha: float = 0.05,
    method: Literal["etest", "binomial"] = "etest",
    alternative: Alternative = "two-sided",
    labels: Sequence[str] | None = None,
) -> CountComparison:
    """Compare current counts with a baseline for many categories; flag what chance cannot explain.

    Parameters
    ----------
    current, baseline : array_like of int
        One count per category (or scalars).
    t_current, t_baseline : array_like of float
        Exposures (days, weeks, population); default 1 each.
    alpha : float
        Flag threshold for the p-value.
    method : {"etest", "binomial"}
        The Poisson E-test or the exact conditional binomial test.
    alternative : {"two-sided", "greater", "less"}
    labels : sequence of str, optional

    Returns
    -------
    CountComparison

    Examples
    --------
    >>> r = compare_counts([12, 30], [3, 28], labels=["inbrott", "skadegörelse"])
    >>> r.difference.tolist(), r.flagged.tolist()
    ([9.0, 2.0], [True, False])
    """
    a = _check_alpha(alpha)
    _check_alternative(alternative)
    x1, x0, t1, t0 = _broadcast(current, baseline, t_current, t_baseline)
    if method == "etest":
        p = etest(x1, x0, t1, t0, alternative)
    elif method == "binomial":
        p = binomial_test(x1, x0, t1, t0, alternative)
    else:
        raise InputError(f"method must be 'etest' or 'binomial', got {method!r}.")
    names = (
        tuple(str(v) for v in labels)
        if labels is not None
        else tuple(str(i) for i in range(x1.size))
    )
    if len(names) != x1.size:
        raise InputError(f"labels has {len(names)} names but there are {x1.size} counts.")
    ratio = t1 / t0
    expected = x0 * ratio
    with np.errstate(divide="ignore", invalid="ignore"):
        rr = np.where(
            x0 > 0, (x1 / t1) / np.where(x0 > 0, x0 / t0, 1.0), np.where(x1 > 0, np.inf, np.nan)
        )
    _, zc = poisson_z(x1, x0, ratio)
    return CountComparison(
        labels=names,
        current=x1,
        baseline=x0,
        t_current=t1,
        t_baseline=t0,
        expected=expected,
        difference=x1 - expected,
        rate_ratio=rr,
        z=zc,
        p_values=p,
        flagged=p < a,
        method=method,
        alternative=alternative,
        alpha=a,
    )


@dataclass(frozen=True)
class PeriodChanges:
    """The current period against the previous one and the same period a year before.

    Attributes
    ----------
    period : str
    current_label, previous_label, last_year_label : str or None
        Labels of the periods compared (None when not in the series).
    previous, last_year : CountComparison or None
        Per group; None when that baseline period is not in the series.
    """

    period: str
    current_label: str
    previous_label: str | None
    last_year_label: str | None
    previous: CountComparison | None
    last_year: CountComparison | None


def compare_periods(
    series: CountSeries,
    index: int | None = None,
    *,
    alpha: float = 0.05,
    method: Literal["etest", "binomial"] = "etest",
) -> PeriodChanges:
    """Test a period (default: the last complete one) against the previous period and last year.

    Exposures are the periods' lengths in days, so February is fairly compared with January.
    The same period last year is 12 months or 52 weeks (364 days, same weekdays) earlier.

    Parameters
    ----------
    series : CountSeries
        From :func:`count_series`.
    index : int, optional
        The period to test (negative counts from the end); default the last complete one.
    alpha : float
        Flag threshold for the p-value.
    method : {"etest", "binomial"}
        The count test (see :func:`compare_counts`).

    Returns
    -------
    PeriodChanges

    Examples
    --------
    >>> t = np.array(["2023-03-10"] * 2 + ["2024-02-10"] * 3 + ["2024-03-10"] * 9,
    ...              dtype="datetime64[s]")
    >>> s = count_series(t, period="month", start="2023-03-01", end="2024-03-31")
    >>> ch = compare_periods(s)
    >>> ch.current_label, ch.previous_label, ch.last_year_label
    ('2024-03', '2024-02', '2023-03')
    >>> ch.last_year.current.tolist(), ch.last_year.baseline.tolist()
    ([9.0], [2.0])
    """
    n = series.counts.shape[1]
    if index is None:
        last = series.last_complete()
        if last is None:
            raise InputError(
                "The events do not span one complete period; "
                "give a longer file or a shorter period."
            )
        index = last
    if not -n <= index < n:
        raise InputError(f"index {index} is outside the series of {n} periods.")
    index %= n
    labels = series.labels()
    lag = 12 if series.period == "month" else 52
    comps: list[CountComparison | None] = []
    for j in (index - 1, index - lag):
        if j < 0:
            comps.append(None)
            continue
        comps.append(
            compare_counts(
                series.counts[:, index],
                series.counts[:, j],
                float(series.days[index]),
                float(series.days[j]),
                alpha=alpha,
                method=method,
                labels=list(series.groups),
            )
        )
    return PeriodChanges(
        period=series.period,
        current_label=labels[index],
        previous_label=labels[index - 1] if index >= 1 else None,
        last_year_label=labels[index - lag] if index >= lag else None,
        previous=comps[0],
        last_year=comps[1],
    )
