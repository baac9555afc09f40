"""Near-repeat (Knox) analysis, equivalent to Ratcliffe's Near Repeat Calculator.

Pairs of events are classified by distance band and day-lag band; the observed table is compared
with tables in which the dates are permuted across the fixed locations (a Monte Carlo Knox test),
and with the exact null expectation from the row and column totals. See
``docs/methods-reference.md`` section 6.

Bands
-----
``distance_bands`` and ``time_bands`` are increasing lists of breaks, as on the command line
(``0,200,400`` and ``0,7,14``). In the default mode the bands are left-closed ``[a, b)``:

* A leading 0 in ``distance_bands`` adds a *same location* row ``[0, 0.001 m)``; the next row
  starts at 0.001 m. ``0,200,400`` gives the rows same location, ``[0.001, 200)``, ``[200, 400)``
  and ``>= 400``. Without a leading 0 there is no same-location row and the first row starts at
  0: ``200,400`` gives ``[0, 200)``, ``[200, 400)`` and ``>= 400``.
* Time columns always start at a lag of 0 days, whether or not the list starts with 0:
  ``0,7,14`` and ``7,14`` both give ``[0, 7)``, ``[7, 14)`` and ``>= 14`` days (lags 0-6, 7-13
  and 14 or more).
* The last row and the last column are the open "more than" bands.

``nrc_compatible=True`` reproduces the Near Repeat Calculator (NRC v1.3): coordinates are
rounded to float32 before distances are computed, same location means a distance of exactly 0,
the first distance row after it is ``(0, b)``, and the labels are NRC's ("1 to 200", "0 to 7",
"More than 400"), although NRC computes "a to b" as ``[a-1, b)``. ``labels_true=True`` keeps the
NRC labels but computes what they claim: every break except 0 is moved up by one, so "0 to 7" is
``[0, 8)`` and "8 to 14" is ``[8, 15)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from samtrygg.analysis.errors import InputError

__all__ = [
    "SAME_LOCATION_TOLERANCE",
    "KnoxFindings",
    "KnoxResult",
    "MonteCarloSummary",
    "RaisedRisk",
    "knox",
    "mc_summary",
]

#: Pairs closer than this (metres) are at the *same location* in the default mode.
SAME_LOCATION_TOLERANCE = 0.001

# The largest supported span of dates; the lag histogram has one bin per day.
_MAX_DAY_SPAN = 10_000_000
# Close pairs are held in memory (about 50 bytes each while they are found) and visited in every
# permutation; beyond this many the bands are too wide for the question "near".
_MAX_CLOSE_PAIRS = 20_000_000
# Candidate pairs looked at in one numpy step (about 40 MB of work arrays).
_CANDIDATES_PER_STEP = 1 << 20
# Simulations that numpy does faster than this (estimated) are not worth loading numba for.
_NUMPY_SECONDS = 0.3
# Elements (events or close pairs times permutations) in one step of the numpy kernel.
_NUMPY_BLOCK = 1 << 22

Mode = Literal["default", "nrc", "labels-true"]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class MonteCarloSummary(NamedTuple):
    """Per-cell Monte Carlo statistics of a Knox table."""

    expected_mean: FloatArray
    expected_median: FloatArray
    ratio: FloatArray
    ratio_median: FloatArray
    p_values: FloatArray


def mc_summary(observed: npt.ArrayLike, simulated: npt.ArrayLike) -> MonteCarloSummary:
    """Mean and median expectation, ratios and pseudo p-values from simulated tables.

    Parameters
    ----------
    observed : array_like
        Observed counts, any shape.
    simulated : array_like
        Simulated counts with one more leading axis (one entry per permutation).

    Returns
    -------
    MonteCarloSummary
        ``ratio = observed / mean`` and ``p = (M + 1) / (R + 1)`` with ``M`` the number of
        simulations at least as large as the observed count. A ratio is NaN where both the
        observed count and the expectation are 0, and infinite where only the expectation is 0.

    Examples
    --------
    >>> s = mc_summary([9], [[0], [1], [0], [2]])
    >>> float(s.expected_mean[0]), float(s.ratio[0]), float(s.p_values[0])
    (0.75, 12.0, 0.2)
    """
    obs = np.asarray(observed, dtype=np.float64)
    sims = np.asarray(simulated, dtype=np.float64)
    if sims.ndim != obs.ndim + 1 or sims.shape[1:] != obs.shape or sims.shape[0] == 0:
        raise InputError(
            f"simulated has shape {sims.shape}; expected (R, *{obs.shape}) with R >= 1."
        )
    mean = sims.mean(axis=0)
    median = np.median(sims, axis=0)
    exceed = (sims >= obs).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = obs / mean
        ratio_median = obs / median
    p_values = (exceed + 1.0) / (sims.shape[0] + 1.0)
    return MonteCarloSummary(mean, median, ratio, ratio_median, p_values)


@dataclass(frozen=True, eq=False)
class KnoxResult:
    """Result of :func:`knox`: the observed table, its expectations, ratios and p-values.

    Rows are distance bands (same location first when present, "more than" last), columns are
    time bands ("more than" last). Every array has shape ``(rows, columns)`` except
    ``simulated`` ``(iterations, rows, columns)`` and the interval and total arrays.

    Attributes
    ----------
    distance_bands, time_bands : tuple of float
        The breaks as given.
    metric : {"euclidean", "manhattan"}
    mode : {"default", "nrc", "labels-true"}
    iterations, seed : int
        Number of permutations and the seed of the generator.
    n_events, n_pairs, n_close_pairs : int
        Events, all pairs ``n(n-1)/2`` and pairs closer than the last distance break.
    distance_intervals, time_intervals : ndarray
        ``[low, high)`` of each row (metres) and column (days); ``inf`` for open bands. In NRC
        mode the same-location row is ``[0, 0]`` (exactly 0) and the next row ``(0, b)``.
    distance_labels, time_labels : tuple of str
    observed : ndarray of int64
    simulated : ndarray of int64
        The table of every permutation.
    expected_mean, expected_median : ndarray
        Mean and median of the simulated tables.
    expected_exact : ndarray
        Exact null expectation ``E* = N_s N_t / P`` from the row and column totals.
    ratio, ratio_median, ratio_exact : ndarray
        Observed over the mean, median and exact expectation (NaN for 0/0, inf for k/0).
    p_values : ndarray
        ``(M + 1) / (R + 1)``, ``M`` = permutations with a count at least the observed one.
    distance_totals, time_totals : ndarray of int64
        Row totals ``N_s`` and column totals ``N_t`` (both invariant under permutation).
    """

    distance_bands: tuple[float, ...]
    time_bands: tuple[float, ...]
    metric: str
    mode: Mode
    iterations: int
    seed: int
    n_events: int
    n_pairs: int
    n_close_pairs: int
    distance_intervals: FloatArray
    time_intervals: FloatArray
    distance_labels: tuple[str, ...]
    time_labels: tuple[str, ...]
    observed: IntArray
    simulated: IntArray
    expected_mean: FloatArray
    expected_median: FloatArray
    expected_exact: FloatArray
    ratio: FloatArray
    ratio_median: FloatArray
    ratio_exact: FloatArray
    p_values: FloatArray
    distance_totals: IntArray
    time_totals: IntArray

    @property
    def has_same_location(self) -> bool:
        """Whether the first row is the same-location row."""
        return self.distance_bands[0] == 0

    def raised(self, *, alpha: float = 0.05, min_ratio: float = 1.2) -> npt.NDArray[np.bool_]:
        """Cells with ``p <= alpha`` and a ratio of at least ``min_ratio``.

        The ratio is ``O/E*``, which does not depend on the permutations (NRC uses its Monte
        Carlo ratio, which differs by Monte Carlo error). The open "more than" row and column
        are never raised: they are not near in space or time.

        Parameters
        ----------
        alpha : float
            Significance level.
        min_ratio : float
            Smallest ratio ``O/E*`` that counts as raised.

        Returns
        -------
        ndarray of bool
            Shape (rows, columns).
        """
        with np.errstate(invalid="ignore"):
            out = (self.p_values <= alpha) & (self.ratio_exact >= min_ratio)
        out[-1, :] = False
        out[:, -1] = False
        return out

    def findings(self, *, alpha: float = 0.05, min_ratio: float = 1.2) -> KnoxFindings:
        """Where and when the risk is raised, as numbers for a caller to put into words.

        The command line (``samtrygg analyse knox``) and the drafted lägesbild phrase these
        findings in Swedish or English; the library holds no wording.

        Parameters
        ----------
        alpha : float
            Significance level; bands need ``p <= alpha``.
        min_ratio : float
            Bands need a ratio of at least this to count as meaningful (NRC appears to use 1.2).

        Returns
        -------
        KnoxFindings
            One :class:`RaisedRisk` per distance band with raised risk (see :meth:`raised`),
            nearest band first, with the time window of its first run of raised cells and the
            increase ``(O/E* - 1) * 100`` % of its nearest raised cell.
        """
        return _findings(self, alpha, min_ratio)


@dataclass(frozen=True)
class RaisedRisk:
    """One distance band in which the risk is raised after an event.

    Attributes
    ----------
    same_location : bool
        Whether the band is the same-location row.
    distance_low, distance_high : float
        The band in metres as its label reads (``1`` and ``200`` for NRC's "1 to 200").
    days_low, days_high : float
        The days after an event over which the risk is raised, as the time labels read.
    increase_percent : int
        ``(O/E* - 1) * 100`` of the nearest raised time band, rounded to a whole percent.
    """

    same_location: bool
    distance_low: float
    distance_high: float
    days_low: float
    days_high: float
    increase_percent: int

    @property
    def window(self) -> Literal["same-day", "up-to", "later"]:
        """``"same-day"`` (0–0 days), ``"up-to"`` (from day 0) or ``"later"`` (from a later day)."""
        if self.days_low == 0 and self.days_high == 0:
            return "same-day"
        return "up-to" if self.days_low == 0 else "later"


@dataclass(frozen=True)
class KnoxFindings:
    """What a Knox test found, as codes and numbers (see :meth:`KnoxResult.findings`).

    Attributes
    ----------
    raised : tuple of RaisedRisk
        The distance bands with raised risk, nearest first; empty when no risk is raised.
    alpha, min_ratio : float
        The thresholds the bands had to pass.
    iterations : int
        Number of permutations.
    p_floor : float
        The smallest p-value the permutations can give, ``1 / (iterations + 1)``.
    """

    raised: tuple[RaisedRisk, ...]
    alpha: float
    min_ratio: float
    iterations: int
    p_floor: float

    @property
    def too_few_permutations(self) -> bool:
        """Whether no band could reach ``alpha`` because ``p_floor`` is above it."""
        return self.p_floor > self.alpha


def knox(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    days: npt.ArrayLike | None,
    distance_bands: Sequence[float],
    time_bands: Sequence[float],
    iterations: int = 999,
    *,
    metric: Literal["euclidean", "manhattan"] = "euclidean",
    nrc_compatible: bool = False,
    labels_true: bool = False,
    seed: int = 12345,
) -> KnoxResult:
    """Knox test for near-repeat patterns with Monte Carlo and exact expectations.

    Parameters
    ----------
    x, y : array_like
        Coordinates in metres (a projected CRS).
    days : array_like
        Dates as whole day numbers or ``datetime64`` values (only the date is used).
    distance_bands : sequence of float
        Increasing distance breaks in metres; a leading 0 adds the same-location row (see the
        module docstring for how breaks become rows).
    time_bands : sequence of float
        Increasing day-lag breaks; columns start at a lag of 0 either way.
    iterations : int
        Number of permutations ``R`` (NRC offers 19 and 99).
    metric : {"euclidean", "manhattan"}
    nrc_compatible : bool
        Reproduce the Near Repeat Calculator: intervals ``[a-1, b)``, float32 coordinates,
        NRC labels. Float32 holds about 7 digits, so SWEREF 99 TM northings (about 6.5e6 m)
        are rounded to 0.5 m, as in NRC.
    labels_true : bool
        NRC labels, with intervals that mean what they say (breaks + 1).
    seed : int
        Seed of the permutations (``numpy.random.default_rng``).

    Returns
    -------
    KnoxResult

    Raises
    ------
    InputError
        For fewer than two events, missing or non-finite coordinates or dates, bad bands, all
        events at one point (positions are then probably area centres, not incident places),
        a last distance band so wide that over 20 million pairs are close, or a bad
        ``iterations`` or ``metric``.

    Notes
    -----
    Knox (1964), *Appl Stat* 13:25-30; Johnson et al. (2007), *J Quant Criminol* 23:201-219;
    Ratcliffe, Near Repeat Calculator v1.3. The algorithm:

    1. Pairs closer than the last distance break are found once by sorting the events into
       square cells as wide as that break and comparing each cell with its neighbours, and
       given their distance band.
    2. The lags of all ``n(n-1)/2`` pairs are counted from the daily counts ``c_d``
       (``A(0) = sum c_d(c_d-1)/2``, ``A(k) = sum c_d c_{d+k}``) and binned into the column
       totals ``N_t``, which do not change when dates are permuted.
    3. Each permutation (a Fisher-Yates shuffle of the dates, drawn from
       ``numpy.random.default_rng(seed)``) counts only the close pairs; the "more than" row
       is ``N_t`` minus the other rows. Cost per permutation is linear in the number of
       events and of close pairs. Small jobs are counted with numpy, larger ones with a
       kernel compiled by numba on one core (worth its 0.45 s start-up in a new process);
       both give the same tables.

    Events are renumbered cell by cell for speed, so a seed reproduces its simulations for
    the same events given in the same order. The Monte Carlo mean converges to the exact
    expectation ``E*``: each pair of places receives a uniformly random pair of dates.

    When all events fall on one day every permutation gives the observed table, so every
    p-value is 1 and every defined ratio is 1.

    Examples
    --------
    >>> r = knox([0, 0, 50, 900], [0, 0, 0, 900], [0, 2, 3, 40], [0, 100], [0, 7], 99, seed=1)
    >>> r.distance_labels, r.time_labels
    (('same location', '0–100 m', '≥ 100 m'), ('0–6 days', '≥ 7 days'))
    >>> r.observed.tolist()
    [[1, 0], [2, 0], [0, 3]]
    >>> r.expected_exact[1].round(2).tolist()
    [1.0, 1.0]
    >>> found = r.findings()
    >>> found.raised, found.p_floor
    ((), 0.01)
    """
    mode = _mode(nrc_compatible, labels_true)
    xs, ys, ts = _validate_events(x, y, days)
    dist = _distance_layout(distance_bands, mode)
    times = _time_layout(time_bands, mode)
    if metric not in ("euclidean", "manhattan"):
        raise InputError(f"metric {metric!r} is not known; use 'euclidean' or 'manhattan'.")
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)):
        raise InputError(f"iterations {iterations!r} must be a whole number such as 99 or 999.")
    if iterations < 1:
        raise InputError(f"iterations {iterations} must be at least 1 (for example 99 or 999).")
    if mode == "nrc":
        # NRC stores coordinates in single precision; only then are its tables reproduced.
        xs = xs.astype(np.float32).astype(np.float64)
        ys = ys.astype(np.float32).astype(np.float64)
    if np.ptp(xs) == 0 and np.ptp(ys) == 0:
        raise InputError(
            f"All {xs.size} events lie at the same point ({xs[0]:g}, {ys[0]:g}); a near-repeat "
            "analysis needs the places of the incidents (these may be area centres)."
        )

    n = xs.size
    n_rows, n_cols = dist.edges.size + 1, times.edges.size + 1
    order, first, second, band = _close_pairs(xs, ys, dist.edges, metric)
    t0 = ts[order] - ts.min()
    lut = np.searchsorted(times.edges, np.arange(int(t0.max()) + 1), side="right")
    time_totals = _lag_totals(t0, lut, n_cols)
    cells = band * n_cols + lut[np.abs(t0[first] - t0[second])]
    n_close_cells = (n_rows - 1) * n_cols
    observed = _table(np.bincount(cells, minlength=n_close_cells), time_totals)
    simulated = _simulate(
        t0, first, second, band * n_cols, lut, n_rows, time_totals, iterations, seed
    )

    n_pairs = n * (n - 1) // 2
    distance_totals = observed.sum(axis=1)
    expected_exact = np.outer(distance_totals, time_totals) / n_pairs
    stats = mc_summary(observed, simulated)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio_exact = observed / expected_exact
    arrays = (observed, simulated, expected_exact, ratio_exact, *stats, dist.intervals)
    for array in (*arrays, times.intervals, distance_totals, time_totals):
        array.flags.writeable = False  # the result is frozen, its arrays too
    return KnoxResult(
        distance_bands=tuple(float(v) for v in distance_bands),
        time_bands=tuple(float(v) for v in time_bands),
        metric=metric,
        mode=mode,
        iterations=int(iterations),
        seed=int(seed),
        n_events=n,
        n_pairs=n_pairs,
        n_close_pairs=int(first.size),
        distance_intervals=dist.intervals,
        time_intervals=times.intervals,
        distance_labels=dist.labels,
        time_labels=times.labels,
        observed=observed,
        simulated=simulated,
        expected_mean=stats.expected_mean,
        expected_median=stats.expected_median,
        expected_exact=expected_exact,
        ratio=stats.ratio,
        ratio_median=stats.ratio_median,
        ratio_exact=ratio_exact,
        p_values=stats.p_values,
        distance_totals=distance_totals,
        time_totals=time_totals,
    )


# --- Validation -------------------------------------------------------------------------------


def _mode(nrc_compatible: bool, labels_true: bool) -> Mode:
    if nrc_compatible and labels_true:
        raise InputError(
            "nrc_compatible and labels_true were both given; choose one of the two band modes."
        )
    return "nrc" if nrc_compatible else "labels-true" if labels_true else "default"


def _validate_events(
    x: npt.ArrayLike, y: npt.ArrayLike, days: npt.ArrayLike | None
) -> tuple[FloatArray, FloatArray, IntArray]:
    if days is None:
        raise InputError("days is missing; a near-repeat analysis needs the date of every event.")
    arrays: list[FloatArray] = []
    for name, values in (("x", x), ("y", y)):
        try:
            arr = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError(f"{name} must be numbers (metres); it could not be read.") from exc
        if arr.ndim != 1:
            raise InputError(f"{name} has shape {arr.shape}; expected one value per event.")
        arrays.append(arr)
    xs, ys = arrays
    if xs.size == 0:
        raise InputError("x is empty; a near-repeat analysis needs at least two events.")
    if xs.size == 1:
        raise InputError("Only 1 event was given; a near-repeat analysis needs at least two.")
    ts = _days(days)
    for name, size in (("y", ys.size), ("days", ts.size)):
        if size != xs.size:
            raise InputError(f"{name} has {size} values but x has {xs.size}; give one each.")
    for name, arr in (("x", xs), ("y", ys)):
        bad = ~np.isfinite(arr)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(f"{name}[{i}] is {arr[i]}; every event needs finite coordinates.")
    return xs, ys, ts


def _days(days: npt.ArrayLike) -> IntArray:
    arr = np.asarray(days)
    if arr.ndim != 1:
        raise InputError(f"days has shape {arr.shape}; expected one date per event.")
    if np.issubdtype(arr.dtype, np.datetime64):
        missing = np.isnat(arr)
        out = arr.astype("datetime64[D]").astype(np.int64)
    else:
        try:
            values = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError("days must be whole day numbers or datetime64 dates.") from exc
        missing = ~np.isfinite(values)
        if not missing.any() and np.any(values != np.floor(values)):
            i = int(np.flatnonzero(values != np.floor(values))[0])
            raise InputError(f"days[{i}] is {values[i]}; expected whole day numbers.")
        out = np.where(missing, 0, values).astype(np.int64)
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise InputError(f"days[{i}] is missing; every event needs a date.")
    if out.size and int(out.max()) - int(out.min()) > _MAX_DAY_SPAN:
        raise InputError(
            f"days span {int(out.max()) - int(out.min())} days; expected dates within "
            f"{_MAX_DAY_SPAN} days of each other (are they in days?)."
        )
    return out


def _check_breaks(values: Sequence[float], name: str) -> FloatArray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} {values!r} must be numbers.") from exc
    shown = ",".join(f"{v:g}" for v in arr.ravel())
    if arr.ndim != 1 or arr.size == 0:
        raise InputError(f"{name} is empty; give increasing breaks such as 0,200,400.")
    if not np.isfinite(arr).all():
        raise InputError(f"{name} {shown} has a value that is not finite; give numbers.")
    if (arr < 0).any():
        raise InputError(f"{name} {shown} has a negative value; bands start at 0.")
    if (np.diff(arr) <= 0).any():
        raise InputError(f"{name} {shown} must be strictly increasing.")
    return arr


# --- Bands and labels -------------------------------------------------------------------------


class _Layout(NamedTuple):
    edges: FloatArray  # upper edges of every band but the open last one
    intervals: FloatArray  # (bands, 2) [low, high)
    labels: tuple[str, ...]
    display: tuple[tuple[float, float], ...]  # the numbers a person reads for each band


def _g(value: float) -> str:
    return f"{value:g}"


def _distance_layout(bands: Sequence[float], mode: Mode) -> _Layout:
    b = _check_breaks(bands, "distance_bands")
    same = b[0] == 0
    upper = b[1:] if same else b
    if mode == "labels-true":
        upper = upper + 1.0
    lows: list[float] = []
    highs: list[float] = []
    labels: list[str] = []
    display: list[tuple[float, float]] = []
    if same:
        eps = 0.0 if mode == "nrc" else SAME_LOCATION_TOLERANCE
        if upper.size and upper[0] <= eps:
            raise InputError(
                f"distance_bands {b[1]:g} after 0 must be larger than the same-location "
                f"tolerance {SAME_LOCATION_TOLERANCE:g} m."
            )
        lows.append(0.0)
        highs.append(eps)
        labels.append("Same location" if mode != "default" else "same location")
        display.append((0.0, 0.0))
        previous = eps
    else:
        previous = 0.0
    given = b[1:] if same else b
    for i, high in enumerate(upper):
        lows.append(previous)
        highs.append(float(high))
        if mode == "default":
            shown_low = 0.0 if i == 0 else previous
            labels.append(f"{_g(shown_low)}–{_g(high)} m")
            display.append((shown_low, float(high)))
        else:
            shown_low = (0.0 if not same else 1.0) if i == 0 else float(given[i - 1]) + 1.0
            labels.append(f"{_g(shown_low)} to {_g(given[i])}")
            display.append((shown_low, float(given[i])))
        previous = float(high)
    last = float(given[-1]) if given.size else 0.0
    lows.append(previous)
    highs.append(math.inf)
    labels.append(f"≥ {_g(previous)} m" if mode == "default" else f"More than {_g(last)}")
    display.append((previous, math.inf))
    # In NRC mode "same location" is a distance of exactly 0: the edge is the smallest double.
    edges = np.asarray(highs[:-1], dtype=np.float64)
    if same and mode == "nrc":
        edges[0] = np.nextafter(0.0, 1.0)
    intervals = np.column_stack([lows, highs]).astype(np.float64)
    return _Layout(edges, intervals, tuple(labels), tuple(display))


def _time_layout(bands: Sequence[float], mode: Mode) -> _Layout:
    b = _check_breaks(bands, "time_bands")
    given = b[b > 0]
    upper = given + 1.0 if mode == "labels-true" else given
    lows = np.concatenate([[0.0], upper])
    highs = np.concatenate([upper, [math.inf]])
    labels: list[str] = []
    display: list[tuple[float, float]] = []
    for i, (low, high) in enumerate(zip(lows, highs, strict=True)):
        last = i == lows.size - 1
        if mode == "default":
            first_lag = math.ceil(low)
            if last:
                labels.append(f"≥ {first_lag} days")
                display.append((first_lag, math.inf))
                continue
            last_lag = math.ceil(high) - 1
            labels.append(
                f"{first_lag} days" if first_lag == last_lag else f"{first_lag}–{last_lag} days"
            )
            display.append((first_lag, last_lag))
        elif last:
            labels.append(f"More than {_g(given[-1]) if given.size else '0'}")
            display.append((float(given[-1]) + 1.0 if given.size else 0.0, math.inf))
        else:
            shown_low = 0.0 if i == 0 else float(given[i - 1]) + 1.0
            labels.append(f"{_g(shown_low)} to {_g(given[i])}")
            display.append((shown_low, float(given[i])))
    intervals = np.column_stack([lows, highs]).astype(np.float64)
    return _Layout(upper.astype(np.float64), intervals, tuple(labels), tuple(display))


# --- Counting ---------------------------------------------------------------------------------


def _close_pairs(
    xs: FloatArray, ys: FloatArray, edges: FloatArray, metric: str
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Pairs closer than the last edge, with their distance band.

    Events are sorted into square cells at least as wide as the last edge, so a close pair lies
    in one cell or in two neighbouring ones; each cell is compared with itself and with the
    cells after it (right, and the three above). Events are renumbered in cell order, so that
    close events get close numbers and the permutation loop reads memory nearby; ``order`` maps
    new numbers to input positions. Pairs are returned as ``first < second`` in the new
    numbering, sorted.
    """
    limit = float(edges[-1])
    x0, y0 = float(xs.min()), float(ys.min())
    span = max(float(xs.max()) - x0, float(ys.max()) - y0)
    # The margin covers the rounding of (x - x0) / cell, so that two points less than ``limit``
    # apart never land two cells apart; at most 2**20 cells a side keep the cell keys small
    # (wider cells only mean more pairs compared, never a pair missed).
    cell = max(limit * (1 + 1e-9) + span * 1e-12, span / 2**20)
    # Column 0 and the last column stay empty, so the neighbours of a cell never wrap a row.
    cols = np.floor((xs - x0) / cell).astype(np.int64) + 1
    rows = np.floor((ys - y0) / cell).astype(np.int64)
    n_cols = int(cols.max()) + 2
    keys = rows * n_cols + cols
    order = np.argsort(keys, kind="stable").astype(np.int64)
    cell_keys, starts = np.unique(keys[order], return_index=True)
    starts = np.append(starts, xs.size).astype(np.int64)
    xo, yo = xs[order], ys[order]
    first, second, d, count = _pair_search(
        xo, yo, cell_keys, starts, n_cols, limit, metric == "euclidean"
    )
    if count > _MAX_CLOSE_PAIRS:
        raise InputError(
            f"distance_bands end at {limit:g} m, which makes {count} pairs of events close "
            f"(more than {_MAX_CLOSE_PAIRS}); choose a smaller last distance band."
        )
    band = np.searchsorted(edges, d, side="right").astype(np.int64)
    return order, first, second, band


def _pair_search(
    xs: FloatArray,
    ys: FloatArray,
    cell_keys: IntArray,
    starts: IntArray,
    n_cols: int,
    limit: float,
    euclidean: bool,
) -> tuple[IntArray, IntArray, FloatArray, int]:
    """The pairs ``i < j`` closer than ``limit``, in increasing order, their distances, and how
    many there are.

    Events are in cell order: cell ``c`` holds ``starts[c]:starts[c + 1]``. The cell to the
    right has key + 1 and the three above have keys + ``n_cols`` - 1 … + 1, so the candidates
    of an event are two runs of consecutive numbers: the rest of its own cell with the cell to
    the right, and the three cells above. The runs are expanded a million candidates at a time
    so that memory stays bounded. Past ``_MAX_CLOSE_PAIRS`` the pairs are only counted, so
    that the refusal can say how many there are.
    """
    n = xs.size
    own = np.repeat(cell_keys, np.diff(starts))
    low = np.empty((n, 2), dtype=np.int64)
    high = np.empty((n, 2), dtype=np.int64)
    low[:, 0] = np.arange(1, n + 1)
    high[:, 0] = starts[np.searchsorted(cell_keys, own + 2)]
    low[:, 1] = starts[np.searchsorted(cell_keys, own + n_cols - 1)]
    high[:, 1] = starts[np.searchsorted(cell_keys, own + n_cols + 2)]
    lengths = (high - low).ravel()
    run_low = low.ravel()
    ends = np.cumsum(lengths)
    firsts: list[IntArray] = []
    seconds: list[IntArray] = []
    distances: list[FloatArray] = []
    count = 0
    run = 0
    while run < lengths.size:
        done = int(ends[run - 1]) if run else 0
        stop = max(run + 1, int(np.searchsorted(ends, done + _CANDIDATES_PER_STEP, "right")))
        sizes = lengths[run:stop]
        total = int(sizes.sum())
        if total:
            owner = np.repeat(np.arange(run, stop) // 2, sizes)
            run_start = np.cumsum(sizes) - sizes
            other = np.arange(total) - np.repeat(run_start - run_low[run:stop], sizes)
            dx = xs[owner] - xs[other]
            dy = ys[owner] - ys[other]
            d = np.sqrt(dx * dx + dy * dy) if euclidean else np.abs(dx) + np.abs(dy)
            close = d < limit
            found = int(np.count_nonzero(close))
            count += found
            if count <= _MAX_CLOSE_PAIRS:
                firsts.append(owner[close])
                seconds.append(other[close])
                distances.append(d[close])
            else:
                firsts.clear()
                seconds.clear()
                distances.clear()
        run = stop
    if not firsts or count > _MAX_CLOSE_PAIRS:
        none = np.empty(0, dtype=np.int64)
        return none, none.copy(), np.empty(0), count
    return np.concatenate(firsts), np.concatenate(seconds), np.concatenate(distances), count


def _lag_totals(t0: IntArray, lut: IntArray, n_cols: int) -> IntArray:
    """Column totals ``N_t`` of all ``n(n-1)/2`` pairs from the daily counts."""
    daily = np.bincount(t0).astype(np.int64)
    if daily.size <= 4096:
        lags = np.correlate(daily, daily, mode="full")[daily.size - 1 :]
    else:
        from scipy.signal import fftconvolve

        full = fftconvolve(daily.astype(np.float64), daily[::-1].astype(np.float64))
        lags = np.rint(full[daily.size - 1 :]).astype(np.int64)
    lags[0] = int((daily * (daily - 1) // 2).sum())
    return np.bincount(lut, weights=lags, minlength=n_cols).round().astype(np.int64)


def _table(close_counts: IntArray, time_totals: IntArray) -> IntArray:
    """The full table: the close rows as counted, the last row as ``N_t`` minus the others."""
    n_cols = time_totals.size
    close = close_counts.reshape(-1, n_cols)
    return np.vstack([close, time_totals - close.sum(axis=0)])


def _simulate(
    t0: IntArray,
    first: IntArray,
    second: IntArray,
    base: IntArray,
    lut: IntArray,
    n_rows: int,
    time_totals: IntArray,
    iterations: int,
    seed: int,
) -> IntArray:
    """Tables of ``iterations`` random permutations of the dates over the fixed places."""
    n = t0.size
    n_cols = time_totals.size
    n_close = (n_rows - 1) * n_cols
    # Small integer types keep the arrays read in every permutation in the fastest caches.
    index_type = np.uint16 if n <= 1 << 16 else np.int32
    cell_type = np.uint8 if n_close <= 1 << 8 else np.int32
    time_type = np.int16 if int(t0.max()) < 1 << 15 else np.int32
    compiled = _compiled_pays(n, first.size, iterations)
    kernel: Callable[..., None] = _kernel() if compiled else _numpy_counts
    # numpy indexes with intp: the small types are for the compiled kernel only.
    args = (
        (first.astype(index_type), second.astype(index_type))
        + (base.astype(cell_type), lut.astype(cell_type))
        if compiled
        else (first, second, base, lut)
    )
    times = t0.astype(time_type)
    simulated = np.empty((iterations, n_rows, n_cols), dtype=np.int64)
    bit_generator = np.random.default_rng(seed).bit_generator
    chunk = max(1, min(iterations, ((1 << 21) if compiled else _NUMPY_BLOCK) // n))
    for start in range(0, iterations, chunk):
        stop = min(iterations, start + chunk)
        # Both kernels read one row of n draws per permutation, so the chunks do not change
        # which permutations a seed gives.
        raw = bit_generator.random_raw((stop - start, n))
        counts = np.zeros((stop - start, n_close), dtype=np.int64)
        kernel(times, raw, *args, counts)
        close = counts.reshape(stop - start, n_rows - 1, n_cols)
        simulated[start:stop, :-1] = close
        simulated[start:stop, -1] = time_totals - close.sum(axis=1)
    return simulated


def _compiled_pays(n: int, n_pairs: int, iterations: int) -> bool:
    """Whether the numba kernel is worth loading for this simulation.

    In a new process numba costs about 0.45 s to import and to load its cached kernel, more
    than the numpy kernel needs for a small job (most of a municipality's: a few thousand
    events, 99 or 999 permutations). Both kernels give the same tables, so this only decides
    which is faster. The numpy estimate is from measurements on a 2-core machine: about 30 ns
    per event and 4 ns per close pair per permutation, and 1.5 µs per event for each pass of
    the shuffle (a pass shuffles up to a few hundred permutations at once).
    """
    if _kernel.cache_info().currsize:
        return True  # numba is already loaded in this process (a server worker)
    passes = -(-iterations // max(1, _NUMPY_BLOCK // n))
    estimate = iterations * (n * 30e-9 + n_pairs * 4e-9) + passes * n * 1.5e-6
    return estimate > _NUMPY_SECONDS


def _numpy_counts(
    t: npt.NDArray[np.integer],
    raw: npt.NDArray[np.uint64],
    first: npt.NDArray[np.integer],
    second: npt.NDArray[np.integer],
    base: npt.NDArray[np.integer],
    lut: npt.NDArray[np.integer],
    out: IntArray,
) -> None:
    """What :func:`_permutation_counts` counts, with numpy: all rows of ``raw`` at once.

    The Fisher-Yates steps are taken one position at a time for every permutation together
    (the dates are held as columns, one per permutation), with the same random indices as the
    compiled kernel, so both give the same permuted dates and the same counts.
    """
    rows, n = raw.shape
    if first.size == 0:
        return
    position = np.arange(n)
    scale = 2.0**-53
    draws = (raw >> np.uint64(11)).astype(np.float64) * scale * (position + 1)
    swap_with = np.minimum(draws.astype(np.intp), position).T.copy()
    shuffled = np.empty((n, rows), dtype=t.dtype)
    shuffled[:] = t[:, None]
    columns = np.arange(rows)
    for i in range(n - 1, 0, -1):
        j = swap_with[i]
        kept = shuffled[i].copy()
        shuffled[i] = shuffled[j, columns]
        shuffled[j, columns] = kept
    first, second = np.asarray(first, np.intp), np.asarray(second, np.intp)
    lut, base = np.asarray(lut, np.intp), np.asarray(base, np.intp)[:, None]
    n_close = out.shape[1]
    # The pairs' lags are looked at for a block of permutations at a time (bounded memory).
    step = max(1, _NUMPY_BLOCK // first.size)
    for start in range(0, rows, step):
        block = shuffled[:, start : start + step]
        size = block.shape[1]
        lag = block.take(first, axis=0)
        lag -= block.take(second, axis=0)
        np.abs(lag, out=lag)
        cells = lut.take(lag)
        cells += base
        cells += np.arange(size) * n_close
        counts = np.bincount(cells.ravel(), minlength=size * n_close)
        out[start : start + size] += counts.reshape(size, n_close)


def _permutation_counts(
    t: npt.NDArray[np.integer],
    raw: npt.NDArray[np.uint64],
    first: npt.NDArray[np.integer],
    second: npt.NDArray[np.integer],
    base: npt.NDArray[np.integer],
    lut: npt.NDArray[np.integer],
    out: IntArray,
) -> None:
    """Count the close pairs of one permutation per row of ``raw`` (compiled with numba).

    1. Shuffle the dates (Fisher-Yates; the index is drawn from 53 random bits of ``raw``).
    2. For each close pair, add one to the cell of its band and its permuted day lag.
    """
    n = t.size
    shuffled = np.empty_like(t)
    scale = 2.0**-53
    for r in range(raw.shape[0]):
        shuffled[:] = t
        for i in range(n - 1, 0, -1):
            j = min(int((raw[r, i] >> np.uint64(11)) * scale * (i + 1)), i)
            shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
        row = out[r]
        for k in range(first.size):
            lag = np.int64(shuffled[first[k]]) - np.int64(shuffled[second[k]])
            row[base[k] + lut[abs(lag)]] += 1


@cache
def _kernel() -> Callable[..., None]:
    # numba is imported on first use so that importing this module (and the CLI) stays quick.
    import numba

    compiled: Callable[..., None] = numba.njit(cache=True, nogil=True)(_permutation_counts)
    return compiled


# --- Findings ---------------------------------------------------------------------------------


def _findings(result: KnoxResult, alpha: float, min_ratio: float) -> KnoxFindings:
    dist = _distance_layout(result.distance_bands, result.mode)
    times = _time_layout(result.time_bands, result.mode)
    raised = result.raised(alpha=alpha, min_ratio=min_ratio)
    bands: list[RaisedRisk] = []
    for row in range(raised.shape[0]):
        cols = np.flatnonzero(raised[row])
        if cols.size == 0:
            continue
        # The window is the first run of consecutive raised time bands.
        start = int(cols[0])
        stop = start
        while stop + 1 < raised.shape[1] and raised[row, stop + 1]:
            stop += 1
        d_low, d_high = dist.display[row]
        bands.append(
            RaisedRisk(
                same_location=row == 0 and result.has_same_location,
                distance_low=d_low,
                distance_high=d_high,
                days_low=times.display[start][0],
                days_high=times.display[stop][1],
                increase_percent=round((float(result.ratio_exact[row, start]) - 1.0) * 100),
            )
        )
    return KnoxFindings(
        raised=tuple(bands),
        alpha=alpha,
        min_ratio=min_ratio,
        iterations=result.iterations,
        p_floor=1.0 / (result.iterations + 1),
    )
