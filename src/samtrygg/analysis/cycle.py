"""The annual cycle (årshjul): month, weekday and hour profiles of events in a window.

* Month and weekday rates are corrected for exposure: a month's count per day of that month in
  the window (× 30.44, a standard month), a weekday's count per occurrence of that weekday.
  Rate ratios to the window's mean daily rate carry exact (Garwood) Poisson intervals
  (:func:`poisson_ci`; Garwood 1936, *Biometrika* 28:437–442).
* Hours use aoristic weights over the 7 × 24 weekday-hour bins in local time, so an event known
  only to lie in a window is spread over the hours it covers (:func:`aoristic_hour_weights`;
  Ratcliffe 2000, *IJGIS* 14:669–679).
* A Rayleigh test on the hour-centre angles 2πh/24 says whether the hour profile is uniform
  (Zar 1999, *Biostatistical Analysis*, eq. 27.4 p-value approximation).

See docs/methods-reference.md §1 (aoristic weights) and §5 (profiles).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from samtrygg.analysis._validate import _DAY, _as_counts, _as_times, _check_alpha, _day
from samtrygg.analysis.errors import InputError

__all__ = ["AnnualCycle", "annual_cycle", "aoristic_hour_weights", "poisson_ci"]

MONTH_LENGTH = 30.44


def poisson_ci(
    counts: npt.ArrayLike, alpha: float = 0.05
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Exact (Garwood) two-sided confidence interval for a Poisson mean.

    Parameters
    ----------
    counts : array_like of int
        Observed counts.
    alpha : float
        1 − confidence level (0.05 for a 95 % interval).

    Returns
    -------
    lower, upper : ndarray
        The interval for each count; the lower end is 0 for a count of 0.

    Examples
    --------
    >>> lo, hi = poisson_ci([0, 10])
    >>> np.round(lo, 4).tolist(), np.round(hi, 4).tolist()
    ([0.0, 4.7954], [3.6889, 18.3904])
    """
    x = _as_counts(counts, "counts")
    a = _check_alpha(alpha)
    from scipy.stats import chi2  # here: scipy.stats costs the trends command ~0.3 s

    lo = np.where(x > 0, chi2.ppf(a / 2, 2 * x) / 2, 0.0)
    hi = chi2.ppf(1 - a / 2, 2 * (x + 1)) / 2
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
    max_days : float
        Longest window, in days, that still gets aoristic hour weights.
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
