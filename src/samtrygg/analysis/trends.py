"""Count series, the annual cycle (årshjul) and period-against-period count tests.

Everything here works on event times (``datetime64``, naive local time) and plain counts, so the
web "picture" page, the command line and analysts' scripts share one implementation. Sequential
monitoring (CUSUM, EWMA) lives in :mod:`samtrygg.analysis.monitoring`.

See METHODS.md §5.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

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
Alternative = Literal["two-sided", "greater", "less"]

MONTH_LENGTH = 30.44
_DAY = np.timedelta64(1, "D")


# --------------------------------------------------------------------------- validation helpers


def _as_times(times: npt.ArrayLike, name: str = "times") -> npt.NDArray[np.datetime64]:
    arr = np.asarray(times)
    if arr.dtype.kind != "M":
        try:
            arr = arr.astype("datetime64[s]")
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"{name} must be datetimes (datetime64), got dtype {arr.dtype}."
            ) from exc
    arr = arr.astype("datetime64[s]").ravel()
    if np.isnat(arr).any():
        raise InputError(f"{name} has {int(np.isnat(arr).sum())} missing times; remove them.")
    return arr


def _day(value: object) -> np.datetime64:
    try:
        day = np.datetime64(np.asarray(value).astype("datetime64[D]").item(), "D")
    except (TypeError, ValueError) as exc:
        raise InputError(f"The date {value!r} is not a date (YYYY-MM-DD).") from exc
    return day


def _as_counts(values: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.size == 0:
        raise InputError(f"{name} is empty; give at least one count.")
    if not np.isfinite(arr).all():
        raise InputError(f"{name} contains NaN or infinite values; counts must be finite.")
    if (arr < 0).any():
        raise InputError(
            f"{name} contains the negative count {arr[arr < 0][0]:g}; counts are >= 0."
        )
    if (arr != np.round(arr)).any():
        raise InputError(f"{name} contains the non-integer count {arr[arr != np.round(arr)][0]:g}.")
    return arr


def _as_exposure(values: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if not np.isfinite(arr).all() or (arr <= 0).any():
        raise InputError(f"{name} must be positive and finite, got {np.asarray(values)!r}.")
    return arr


def _check_alpha(alpha: float) -> float:
    if not (isinstance(alpha, (int, float)) and 0.0 < float(alpha) < 1.0):
        raise InputError(f"alpha must lie strictly between 0 and 1, got {alpha!r}.")
    return float(alpha)


def _check_alternative(alternative: str) -> None:
    if alternative not in ("two-sided", "greater", "less"):
        raise InputError(
            f"alternative must be 'two-sided', 'greater' or 'less', got {alternative!r}."
        )


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
        """Period labels: ``YYYY-MM`` for months, the Monday ``YYYY-MM-DD`` for weeks."""
        if self.period == "month":
            return [str(s.astype("datetime64[M]")) for s in self.starts]
        return [str(s) for s in self.starts]

    def last_complete(self) -> int | None:
        """Index of the last complete period, or None."""
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


# --------------------------------------------------------------------------- annual cycle


def poisson_ci(
    counts: npt.ArrayLike, alpha: float = 0.05
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Exact (Garwood) two-sided confidence interval for a Poisson mean.

    Examples
    --------
    >>> lo, hi = poisson_ci([0, 10])
    >>> np.round(lo, 4).tolist(), np.round(hi, 4).tolist()
    ([0.0, 4.7954], [3.6889, 18.3904])
    """
    x = _as_counts(counts, "counts")
    a = _check_alpha(alpha)
    lo = np.where(x > 0, stats.chi2.ppf(a / 2, 2 * x) / 2, 0.0)
    hi = stats.chi2.ppf(1 - a / 2, 2 * (x + 1)) / 2
    return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)


def aoristic_hour_weights(
    start: npt.ArrayLike, end: npt.ArrayLike | None = None, *, max_days: float = 7.0
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Aoristic weights of each event over the 7 × 24 weekday-hour bins (Ratcliffe 2000).

    Parameters
    ----------
    start, end : array_like of datetime64
        Window ``[start, end)`` in local time; ``end=None`` means exact times.
    max_days : float
        Windows longer than this are excluded (zero weights).

    Returns
    -------
    weights : ndarray, shape (n, 7, 24)
        ``w_b = |[s, e) ∩ b| / |[s, e)|``; weekday 0 is Monday. Each used row sums to 1.
    used : ndarray of bool
        False for excluded (too long or reversed) windows.

    Examples
    --------
    >>> s = np.array(["2024-01-01T22:30"], dtype="datetime64[s]")  # a Monday
    >>> e = np.array(["2024-01-02T00:30"], dtype="datetime64[s]")
    >>> w, used = aoristic_hour_weights(s, e)
    >>> float(w[0, 0, 22]), float(w[0, 0, 23]), float(w[0, 1, 0])
    (0.25, 0.5, 0.25)
    """
    s = _as_times(start, "start").astype(np.int64) / 3600.0  # hours since epoch
    e = s.copy() if end is None else _as_times(end, "end").astype(np.int64) / 3600.0
    if e.size != s.size:
        raise InputError(f"start has {s.size} times but end has {e.size}; give one end per start.")
    weights, used = _aoristic(s, e, max_days, per_event=True)
    return weights.reshape(s.size, 7, 24), used


def _aoristic(
    s: npt.NDArray[np.float64], e: npt.NDArray[np.float64], max_days: float, *, per_event: bool
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Aoristic weights over the 168 weekday-hour bins, per event (n, 168) or summed (168,)."""
    length = e - s
    used = (length >= 0) & (length <= max_days * 24.0)
    weights = np.zeros((s.size, 7 * 24)) if per_event else np.zeros(7 * 24)
    rows = np.flatnonzero(used)
    point = rows[length[rows] == 0]
    # A zero-length window puts its whole weight in its own hour.
    point_bins = _weekday_hour_bin(np.floor(s[point]).astype(np.int64))
    if per_event:
        weights[point, point_bins] = 1.0
    else:
        weights += np.bincount(point_bins, minlength=7 * 24)
    spans = rows[length[rows] > 0]
    if spans.size:
        ss, ee = s[spans], e[spans]
        base = np.floor(ss).astype(np.int64)
        n_steps = int(np.ceil(ee - base).max())
        for k in range(n_steps):
            b = base + k
            overlap = np.clip(np.minimum(ee, b + 1) - np.maximum(ss, b), 0.0, None) / (ee - ss)
            bins = _weekday_hour_bin(b)
            if per_event:
                np.add.at(weights, (spans, bins), overlap)
            else:
                weights += np.bincount(bins, weights=overlap, minlength=7 * 24)
    return weights, used


def _weekday_hour_bin(hours: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    day = hours // 24
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday (weekday 3).
    return weekday * 24 + hours % 24


@dataclass(frozen=True)
class AnnualCycle:
    """Month, weekday and hour profiles of events in a window (the årshjul).

    Attributes
    ----------
    first_day, last_day : datetime64[D]
        The window (inclusive).
    month_counts, month_days : ndarray, shape (12,)
        Events and days of each calendar month in the window.
    month_rates : ndarray
        ``count / days × 30.44``: events per standard month.
    month_ratio, month_ci_low, month_ci_high : ndarray
        Rate ratio to the window's mean daily rate, with an exact Poisson CI (see Notes).
    weekday_counts, weekday_days, weekday_rates : ndarray, shape (7,)
        Monday first; rates are events per occurrence of that weekday in the window.
    weekday_ratio, weekday_ci_low, weekday_ci_high : ndarray
    hour_weights : ndarray, shape (24,)
        Aoristic sum of events per hour (windows over ``max_days`` excluded).
    month_weekday : ndarray, shape (12, 7)
        Event counts by month and weekday.
    weekday_hour : ndarray, shape (7, 24)
        Aoristic weights by weekday and hour.
    hour_excluded : int
        Events left out of the hour profiles.
    times_of_day : bool
        False when every time is midnight (dates only, as in the Chicago file): the hour
        profile and the Rayleigh test then say nothing.
    rayleigh_z, rayleigh_p : float
        Rayleigh test of uniformity of the hour profile (angles 2πh/24, hour centres).
    """

    first_day: np.datetime64
    last_day: np.datetime64
    month_counts: npt.NDArray[np.int64]
    month_days: npt.NDArray[np.int64]
    month_rates: npt.NDArray[np.float64]
    month_ratio: npt.NDArray[np.float64]
    month_ci_low: npt.NDArray[np.float64]
    month_ci_high: npt.NDArray[np.float64]
    weekday_counts: npt.NDArray[np.int64]
    weekday_days: npt.NDArray[np.int64]
    weekday_rates: npt.NDArray[np.float64]
    weekday_ratio: npt.NDArray[np.float64]
    weekday_ci_low: npt.NDArray[np.float64]
    weekday_ci_high: npt.NDArray[np.float64]
    hour_weights: npt.NDArray[np.float64]
    month_weekday: npt.NDArray[np.int64]
    weekday_hour: npt.NDArray[np.float64]
    hour_excluded: int
    times_of_day: bool
    rayleigh_z: float
    rayleigh_p: float


def annual_cycle(
    times: npt.ArrayLike,
    ends: npt.ArrayLike | None = None,
    *,
    start: str | np.datetime64 | None = None,
    end: str | np.datetime64 | None = None,
    alpha: float = 0.05,
    max_days: float = 7.0,
) -> AnnualCycle:
    """Month, weekday and hour profiles with exposure-corrected rates.

    Parameters
    ----------
    times : array_like of datetime64
        Event times (or window starts) in local time.
    ends : array_like of datetime64, optional
        Window ends. An event's date is its window midpoint when the window is at most 48 h,
        else its start; hours use aoristic weights (windows over ``max_days`` excluded).
    start, end : date, optional
        The window (inclusive days); defaults to the first and last event dates.
    alpha : float
        For the rate-ratio intervals.

    Returns
    -------
    AnnualCycle

    Notes
    -----
    The month rate ratio is ``(x_m / d_m) / (X / D)``: month m's daily rate over the window's
    mean daily rate. Its interval is the exact Garwood interval of ``x_m`` divided by
    ``d_m · X / D``, treating the window's rate as known (it rests on many more events).
    Weekdays work the same way with the number of each weekday in the window as exposure.

    Examples
    --------
    >>> t = np.array(["2024-01-01", "2024-01-01", "2024-01-02"], dtype="datetime64[s]")
    >>> c = annual_cycle(t, start="2024-01-01", end="2024-01-14")
    >>> c.weekday_counts.tolist(), c.weekday_days.tolist()
    ([2, 1, 0, 0, 0, 0, 0], [2, 2, 2, 2, 2, 2, 2])
    >>> float(c.weekday_ratio[0])  # (2 / 2) / (3 / 14)
    4.666666666666667
    """
    t = _as_times(times)
    if t.size == 0:
        raise InputError("times is empty; there are no events to profile.")
    a = _check_alpha(alpha)
    if ends is None:
        point, e = t, t
    else:
        e = _as_times(ends, "ends")
        if e.size != t.size:
            raise InputError(f"ends has {e.size} times but times has {t.size}; give one each.")
        span = e - t
        short = span <= np.timedelta64(48 * 3600, "s")
        point = np.where(short, t + span // 2, t)
    days = point.astype("datetime64[D]")
    first = _day(start) if start is not None else days.min()
    last = _day(end) if end is not None else days.max()
    if last < first:
        raise InputError(f"end {last} lies before start {first}; give a window that is not empty.")
    keep = (days >= first) & (days <= last)
    days = days[keep]
    hours_s = t[keep].astype(np.int64) / 3600.0
    hours_e = e[keep].astype(np.int64) / 3600.0
    hour_sum, used = _aoristic(hours_s, hours_e, max_days, per_event=False)
    # Date-only data (every time at midnight) has no hour profile to speak of.
    times_of_day = bool((t[keep].astype(np.int64) % 86400 != 0).any())
    month = days.astype("datetime64[M]").astype(np.int64) % 12
    weekday = (days.astype(np.int64) + 3) % 7
    window = np.arange(first, last + _DAY, dtype="datetime64[D]")
    w_month = window.astype("datetime64[M]").astype(np.int64) % 12
    w_weekday = (window.astype(np.int64) + 3) % 7
    month_counts = np.bincount(month, minlength=12)
    month_days = np.bincount(w_month, minlength=12)
    weekday_counts = np.bincount(weekday, minlength=7)
    weekday_days = np.bincount(w_weekday, minlength=7)
    daily = month_counts.sum() / window.size
    lo_m, hi_m = poisson_ci(month_counts, a)
    lo_w, hi_w = poisson_ci(weekday_counts, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        m_exp = month_days * daily
        w_exp = weekday_days * daily
        month_rates = np.where(month_days > 0, month_counts / month_days * MONTH_LENGTH, np.nan)
        weekday_rates = np.where(weekday_days > 0, weekday_counts / weekday_days, np.nan)
        ratios = [np.where(ex > 0, v / ex, np.nan) for v, ex in (
            (month_counts, m_exp), (lo_m, m_exp), (hi_m, m_exp),
            (weekday_counts, w_exp), (lo_w, w_exp), (hi_w, w_exp),
        )]  # fmt: skip
    weekday_hour = hour_sum.reshape(7, 24)
    hour_weights = weekday_hour.sum(axis=0)
    rz, rp = _rayleigh(hour_weights)
    month_weekday = np.bincount(month * 7 + weekday, minlength=84).reshape(12, 7)
    return AnnualCycle(
        first_day=first,
        last_day=last,
        month_counts=month_counts,
        month_days=month_days,
        month_rates=month_rates,
        month_ratio=ratios[0],
        month_ci_low=ratios[1],
        month_ci_high=ratios[2],
        weekday_counts=weekday_counts,
        weekday_days=weekday_days,
        weekday_rates=weekday_rates,
        weekday_ratio=ratios[3],
        weekday_ci_low=ratios[4],
        weekday_ci_high=ratios[5],
        hour_weights=hour_weights,
        month_weekday=month_weekday,
        weekday_hour=weekday_hour,
        hour_excluded=int((~used).sum()),
        times_of_day=times_of_day,
        rayleigh_z=rz,
        rayleigh_p=rp,
    )


def _rayleigh(hour_weights: npt.NDArray[np.float64]) -> tuple[float, float]:
    """Rayleigh test on hour-centre angles (Zar 1999, eq. 27.4 p-value approximation)."""
    n = float(hour_weights.sum())
    if n <= 0:
        return math.nan, math.nan
    angles = 2 * np.pi * (np.arange(24) + 0.5) / 24
    r = math.hypot(float(hour_weights @ np.cos(angles)), float(hour_weights @ np.sin(angles)))
    z = r * r / n
    p = math.exp(math.sqrt(1 + 4 * n + 4 * (n * n - r * r)) - (1 + 2 * n))
    return z, min(1.0, p)


# --------------------------------------------------------------------------- count tests


def poisson_z(
    current: npt.ArrayLike, baseline: npt.ArrayLike, ratio: npt.ArrayLike = 1.0
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Wheeler's Poisson z, ``2(√x1 − √(r·x0))``, and its calibrated version.

    ``r = t1 / t0`` scales the baseline to the current exposure. Under H0 the variance of the
    raw score is about ``1 + r`` (2 for equal periods), so the calibrated score divides by
    ``√(1 + r)``: Z/√2 for equal periods.

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

    Examples
    --------
    >>> float(binomial_test(10, 2)[0])  # P of 10+ or 2- heads in 12 fair tosses
    0.03857421875
    """
    _check_alternative(alternative)
    x1, x0, t1, t0 = _broadcast(current, baseline, t_current, t_baseline)
    out = np.ones(x1.shape)
    for i in range(x1.size):
        n = int(x1[i] + x0[i])
        if n > 0:
            p = t1[i] / (t1[i] + t0[i])
            out[i] = stats.binomtest(int(x1[i]), n, p, alternative=alternative).pvalue
    return out


def _broadcast(
    current: npt.ArrayLike,
    baseline: npt.ArrayLike,
    t_current: npt.ArrayLike,
    t_baseline: npt.ArrayLike,
) -> tuple[npt.NDArray[np.float64], ...]:
    x1 = _as_counts(current, "current")
    x0 = _as_counts(baseline, "baseline")
    t1 = _as_exposure(t_current, "t_current")
    t0 = _as_exposure(t_baseline, "t_baseline")
    try:
        arrays = np.broadcast_arrays(x1, x0, t1, t0)
    except ValueError as exc:
        raise InputError(
            f"current ({x1.size}), baseline ({x0.size}) and the exposures must have the same "
            "length or length 1."
        ) from exc
    return tuple(np.asarray(a, dtype=float).ravel() for a in arrays)


def _etest_one(x1: float, x2: float, t1: float, t2: float, alternative: str) -> float:
    lam = (x1 + x2) / (t1 + t2)
    if lam == 0:
        return 1.0
    m1, m2 = t1 * lam, t2 * lam
    # Cover all but ~1e-16 of each Poisson's mass; the rest cannot change the p-value.
    k1 = _support(m1)
    k2 = _support(m2)
    p1, p2 = stats.poisson.pmf(k1, m1), stats.poisson.pmf(k2, m2)
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
    return np.array([_etest_one(*v, alternative) for v in zip(x1, x2, t1, t2, strict=True)])


def exceedance_probability(
    count: npt.ArrayLike, expected: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """``P(X ≥ x | λ) = 1 − F(x − 1; λ)`` for a Poisson baseline λ.

    Examples
    --------
    >>> round(float(exceedance_probability(3, 0.8)[0]), 4)
    0.0474
    """
    x = _as_counts(count, "count")
    lam = np.atleast_1d(np.asarray(expected, dtype=float))
    if not np.isfinite(lam).all() or (lam < 0).any():
        raise InputError(f"expected must be finite and >= 0, got {np.asarray(expected)!r}.")
    return np.asarray(stats.poisson.sf(x - 1, lam), dtype=float)


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
