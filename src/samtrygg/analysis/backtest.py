"""Rolling-origin backtest of grid forecasts (docs/methods-reference.md section 8).

At each origin T (every ``step_days`` from ``start``), every method is refitted on the events
before T only and predicts the events in ``[T, T + horizon_days)``. Hit rate, PAI and PEI* are
averaged over the origins, with moving-block bootstrap 95 % intervals over origins; the same
resampled origins serve every method, so comparisons are paired.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.evaluate import check_coverages, score_forecast
from samtrygg.analysis.forecast import (
    ForecastModel,
    GridSEPP,
    NaiveCounts,
    ProspectiveHotspot,
    RetrospectiveKDE,
    as_days,
)
from samtrygg.analysis.geo import Grid

__all__ = [
    "DEFAULT_COVERAGES",
    "METHODS",
    "BacktestResult",
    "OffsetSensitivity",
    "block_bootstrap_ci",
    "grid_offset_sensitivity",
    "make_model",
    "rolling_origin_backtest",
]

FloatArray = npt.NDArray[np.float64]

METHODS = ("naive", "kde", "prospective", "sepp")
DEFAULT_COVERAGES = (0.01, 0.02, 0.05, 0.10, 0.20)
METRICS = ("hit_rate", "pai", "pei_star")


def make_model(
    name: str, *, cell_size: float, train_days: float = 365.0, seed: int = 0
) -> ForecastModel:
    """The model behind a method name, with the defaults the backtest uses.

    * ``naive``: counts over the last ``train_days`` (the baseline), random tie-break;
    * ``kde``: retrospective quartic KDE, h = 200 m, over ``train_days``;
    * ``prospective``: Bowers et al. with a 400 m (in whole cells, strict) and 8-week bandwidth;
    * ``sepp``: grid ETAS fitted on ``train_days`` with the likelihood-weighted background.

    Parameters
    ----------
    name : {"naive", "kde", "prospective", "sepp"}
        The method.
    cell_size : float
        Cell side in metres; the prospective model's 400 m is counted in whole cells of it.
    train_days : float
        Training window in days.
    seed : int
        Seed of the naive model's random tie-break.

    Returns
    -------
    ForecastModel
        An unfitted model.

    Examples
    --------
    >>> type(make_model("sepp", cell_size=150.0)).__name__
    'GridSEPP'
    """
    if name == "naive":
        return NaiveCounts(window_days=train_days, seed=seed)
    if name == "kde":
        return RetrospectiveKDE(bandwidth=200.0, window_days=train_days)
    if name == "prospective":
        return ProspectiveHotspot(
            space_bandwidth=max(1, math.ceil(400.0 / cell_size - 1e-9)), time_bandwidth=8
        )
    if name == "sepp":
        return GridSEPP(window_days=train_days)
    raise InputError(f"Unknown method {name!r}; choose from {', '.join(METHODS)}.")


def block_bootstrap_ci(
    values: Any,
    *,
    n_boot: int = 1000,
    block_length: int | None = None,
    seed: int = 0,
    level: float = 0.95,
) -> FloatArray:
    """Moving-block bootstrap percentile interval of the mean over the first axis (NaN ignored).

    Parameters
    ----------
    values : array_like, shape (n,) or (n, m)
        One row per origin.
    n_boot : int
        Bootstrap replicates.
    block_length : int, optional
        Block length; default ``round(n ** (1/3))``, at least 1.
    seed : int
        Seed of the resampling.
    level : float
        Coverage of the interval.

    Returns
    -------
    ndarray, shape (2,) or (m, 2)
        Lower and upper bounds.

    Examples
    --------
    >>> lo, hi = block_bootstrap_ci(np.arange(50.0), seed=1)
    >>> bool(lo < 24.5 < hi)
    True
    """
    v = np.asarray(values, dtype=float)
    squeeze = v.ndim == 1
    v2 = v[:, None] if squeeze else v
    n = v2.shape[0]
    if n == 0:
        raise InputError("There are no origins to bootstrap.")
    if n_boot < 1:
        raise InputError(f"n_boot must be at least 1, got {n_boot}.")
    index = _block_index(n, n_boot, block_length, seed)
    with _quiet():
        means = np.nanmean(v2[index], axis=1)
        alpha = (1 - level) / 2
        out = np.nanquantile(means, [alpha, 1 - alpha], axis=0).T
    return np.asarray(out[0] if squeeze else out, dtype=float)


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence numpy's 'mean of empty slice' warnings where NaN is the intended answer."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _block_index(n: int, n_boot: int, block_length: int | None, seed: int) -> npt.NDArray[np.int64]:
    """Moving-block resamples of range(n), shape (n_boot, n)."""
    length = max(1, round(n ** (1 / 3))) if block_length is None else int(block_length)
    length = min(max(length, 1), n)
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, n - length + 1, size=(n_boot, math.ceil(n / length)))
    return (starts[:, :, None] + np.arange(length)).reshape(n_boot, -1)[:, :n]


@dataclass(frozen=True)
class BacktestResult:
    """Per-origin metrics and their summaries.

    Attributes
    ----------
    origins : ndarray
        Origin times in days (as given, or days since 1970-01-01 for dates).
    methods : tuple of str
    coverages : ndarray
        Fractions of the area.
    n_events : ndarray
        Test events per origin.
    folds : dict
        ``folds[method][metric]`` has shape (n_origins, n_coverages); NaN where a fold had no
        test events.
    mean, ci : dict
        ``mean[method][metric]`` (n_coverages,) over folds; ``ci[...]`` (n_coverages, 2),
        moving-block bootstrap 95 % intervals over origins (NaN when ``n_boot`` is 0).
    pai_ratio, pai_ratio_ci : dict
        Mean PAI over the baseline's mean PAI at each coverage (when ``naive`` was run), with a
        paired bootstrap interval.
    """

    origins: FloatArray
    methods: tuple[str, ...]
    coverages: FloatArray
    n_events: FloatArray
    folds: dict[str, dict[str, FloatArray]]
    mean: dict[str, dict[str, FloatArray]]
    ci: dict[str, dict[str, FloatArray]]
    pai_ratio: dict[str, FloatArray]
    pai_ratio_ci: dict[str, FloatArray]
    grid: Grid
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON: ``methods[name].coverage["5"]`` has the means and ``_ci``.

        Returns
        -------
        dict
            Only lists, numbers, strings and None, ready for ``json.dumps``.
        """
        methods: dict[str, Any] = {}
        for name in self.methods:
            coverage: dict[str, Any] = {}
            for m, c in enumerate(self.coverages):
                entry: dict[str, Any] = {}
                for metric in METRICS:
                    entry[metric] = float(self.mean[name][metric][m])
                    entry[f"{metric}_ci"] = [float(v) for v in self.ci[name][metric][m]]
                if name in self.pai_ratio:
                    entry["pai_ratio_to_naive"] = float(self.pai_ratio[name][m])
                    entry["pai_ratio_to_naive_ci"] = [float(v) for v in self.pai_ratio_ci[name][m]]
                coverage[_label(float(c))] = entry
            methods[name] = {"coverage": coverage}
        return {
            "folds": int(self.origins.size),
            "folds_without_events": int(np.sum(self.n_events == 0)),
            "methods": methods,
            "settings": self.settings,
        }


def _label(fraction: float) -> str:
    """Coverage key in per cent: 0.05 -> "5", 0.005 -> "0.5"."""
    return f"{fraction * 100:.6g}"


def _origins(start: float, end: float, step: float, horizon: float) -> FloatArray:
    n = int(math.floor((end - horizon - start) / step + 1e-9)) + 1
    return start + step * np.arange(max(n, 0), dtype=float)


def rolling_origin_backtest(
    x: Any,
    y: Any,
    t: Any,
    *,
    start: Any,
    end: Any,
    methods: Sequence[str] = METHODS,
    cell_size: float = 150.0,
    grid: Grid | None = None,
    train_days: float = 365.0,
    step_days: float = 7.0,
    horizon_days: float = 7.0,
    history_days: float | None = None,
    coverages: Sequence[float] = DEFAULT_COVERAGES,
    n_boot: int = 1000,
    block_length: int | None = None,
    seed: int = 0,
) -> BacktestResult:
    """Refit every method at each origin and score its forecast of the next horizon.

    Parameters
    ----------
    x, y : array_like
        Event coordinates in metres.
    t : array_like
        Event times: ``datetime64`` or days.
    start, end : date, str or float
        Origins are ``start + k * step_days`` with ``origin + horizon_days <= end``, so every test
        window lies in ``[start, end)``.
    methods : sequence of str
        Any of ``naive``, ``kde``, ``prospective``, ``sepp`` (see :func:`make_model`).
    cell_size : float
        Cell side in metres for the grid covering all events (ignored when ``grid`` is given).
    grid : Grid, optional
        The grid to forecast on; the study area is its cells.
    train_days : float
        Training window of each model (default 365); data must reach back that far before start.
    step_days, horizon_days : float
        Spacing of origins and length of each forecast (default 7 and 7).
    history_days : float, optional
        Events older than this before each origin are withheld from every model (default: all
        earlier events are available; the SEPP background uses them).
    coverages : sequence of float
        Fractions of the area in (0, 1].
    n_boot, block_length, seed : int
        Bootstrap replicates (0 for none), block length (default n^(1/3)) and the seed of both
        the bootstrap and the naive tie-break.

    Returns
    -------
    BacktestResult

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.normal(500, 150, 800), rng.normal(500, 150, 800)
    >>> t = rng.uniform(0, 140, 800)
    >>> r = rolling_origin_backtest(x, y, t, start=70, end=140, methods=["naive", "kde"],
    ...                             cell_size=100, train_days=70, n_boot=100)
    >>> r.origins.size, sorted(r.mean)
    (10, ['kde', 'naive'])
    """
    xa, ya = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    ta = as_days(t).ravel()
    if not (xa.size == ya.size == ta.size):
        raise InputError(
            f"x, y and t must have the same length, got {xa.size}, {ya.size}, {ta.size}."
        )
    if xa.size == 0:
        raise InputError("There are no events to backtest.")
    names = tuple(methods)
    if not names:
        raise InputError("methods is empty; choose from " + ", ".join(METHODS) + ".")
    for name in names:
        if name not in METHODS:
            raise InputError(f"Unknown method {name!r}; choose from {', '.join(METHODS)}.")
    if len(set(names)) != len(names):
        raise InputError(f"methods {list(names)} names a method twice.")
    cov = check_coverages(coverages)
    for name_, value in (
        ("train_days", train_days),
        ("step_days", step_days),
        ("horizon_days", horizon_days),
    ):
        if not (math.isfinite(float(value)) and float(value) > 0):
            raise InputError(f"{name_} must be a positive number of days, got {value!r}.")
    if history_days is not None and not float(history_days) >= float(train_days):
        raise InputError(
            f"history_days ({history_days!r}) must be at least train_days ({train_days!r})."
        )
    t0, t1 = float(as_days(start, "start")), float(as_days(end, "end"))
    if not t1 > t0:
        raise InputError(f"end ({end}) must come after start ({start}).")
    origins = _origins(t0, t1, float(step_days), float(horizon_days))
    if origins.size == 0:
        raise InputError(
            f"The period from start to end is shorter than the horizon of {horizon_days:g} days; "
            "choose a later end or a shorter horizon."
        )
    first_day, last_day = math.floor(float(ta.min())), math.floor(float(ta.max()))
    if t0 - float(train_days) < first_day:
        raise InputError(
            f"The data begin on day {first_day} ({_date(first_day)}), but the first origin needs "
            f"{train_days:g} days of training data before start ({start}); choose a start on or "
            f"after {_date(first_day + float(train_days))} or a shorter training window."
        )
    if t1 > last_day + 1:
        raise InputError(
            f"The data end on {_date(last_day)}, before end ({end}); later days would count as "
            f"days without crime. Choose an end no later than {_date(last_day + 1)}."
        )
    order = np.argsort(ta, kind="stable")
    xa, ya, ta = xa[order], ya[order], ta[order]
    g = grid if grid is not None else Grid.covering(xa, ya, cell_size)
    before = (ta >= t0 - float(train_days)) & (ta < t0)
    row, col = g.cell_of(xa[before], ya[before])
    if not g.inside(row, col).any():
        raise InputError(
            f"There are no events on the grid in the {train_days:g} days before start ({start})."
        )

    n_f, n_c = origins.size, cov.size
    folds = {nm: {mt: np.full((n_f, n_c), np.nan) for mt in METRICS} for nm in names}
    n_events = np.zeros(n_f)
    for f, T in enumerate(origins):
        lo = -math.inf if history_days is None else T - float(history_days)
        i0, i1 = np.searchsorted(ta, [lo, T], side="left")
        j1 = np.searchsorted(ta, T + float(horizon_days), side="left")
        actual = g.counts(xa[i1:j1], ya[i1:j1])
        n_events[f] = float(actual.sum())
        for name in names:
            model = make_model(
                name, cell_size=g.cell_size, train_days=float(train_days), seed=seed + f
            )
            risk = model.fit(xa[i0:i1], ya[i0:i1], ta[i0:i1], g, end=T).predict(
                T, float(horizon_days)
            )
            s = score_forecast(risk, actual, cov)
            folds[name]["hit_rate"][f] = s.hit_rate
            folds[name]["pai"][f] = s.pai
            folds[name]["pei_star"][f] = s.pei_star

    mean: dict[str, dict[str, FloatArray]] = {}
    ci: dict[str, dict[str, FloatArray]] = {}
    with _quiet():
        for name in names:
            mean[name] = {mt: np.nanmean(folds[name][mt], axis=0) for mt in METRICS}
            ci[name] = {
                mt: (
                    block_bootstrap_ci(
                        folds[name][mt], n_boot=n_boot, block_length=block_length, seed=seed
                    )
                    if n_boot > 0
                    else np.full((n_c, 2), np.nan)
                )
                for mt in METRICS
            }
    ratio: dict[str, FloatArray] = {}
    ratio_ci: dict[str, FloatArray] = {}
    if "naive" in names:
        base = folds["naive"]["pai"]
        for name in names:
            with _quiet():
                ratio[name] = np.nanmean(folds[name]["pai"], axis=0) / np.nanmean(base, axis=0)
            ratio_ci[name] = (
                _ratio_ci(folds[name]["pai"], base, n_boot, block_length, seed)
                if n_boot > 0
                else np.full((n_c, 2), np.nan)
            )
    settings = {
        "start": str(start),
        "end": str(end),
        "train_days": float(train_days),
        "step_days": float(step_days),
        "horizon_days": float(horizon_days),
        "history_days": None if history_days is None else float(history_days),
        "cell_size": float(g.cell_size),
        "grid_cells": int(g.n_rows * g.n_cols),
        "coverages": [float(c) for c in cov],
        "n_boot": int(n_boot),
        "seed": int(seed),
    }
    return BacktestResult(
        origins, names, cov, n_events, folds, mean, ci, ratio, ratio_ci, g, settings
    )


def _ratio_ci(
    num: FloatArray, den: FloatArray, n_boot: int, block_length: int | None, seed: int
) -> FloatArray:
    # Resample the two methods with the same origins (same seed), then take the ratio of means.
    index = _block_index(num.shape[0], n_boot, block_length, seed)
    with np.errstate(all="ignore"), _quiet():
        ratios = np.nanmean(num[index], axis=1) / np.nanmean(den[index], axis=1)
        return np.asarray(np.nanquantile(ratios, [0.025, 0.975], axis=0).T, dtype=float)


def _date(day: float) -> str:
    return str(np.datetime64(int(math.floor(day)), "D"))


@dataclass(frozen=True)
class OffsetSensitivity:
    """Backtests on the grid shifted by fractions of a cell.

    Attributes
    ----------
    offsets : tuple of (float, float)
        Shifts in metres.
    results : tuple of BacktestResult
        One per offset.
    spread : dict
        ``spread[method][metric]``: max minus min over offsets of the mean, per coverage.
    """

    offsets: tuple[tuple[float, float], ...]
    results: tuple[BacktestResult, ...]
    spread: dict[str, dict[str, FloatArray]]

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON: per method and coverage, the mean per offset and the spread.

        Returns
        -------
        dict
            Only lists, numbers, strings and None, ready for ``json.dumps``.
        """
        out: dict[str, Any] = {"offsets_m": [list(o) for o in self.offsets], "methods": {}}
        first = self.results[0]
        for name in first.methods:
            cov: dict[str, Any] = {}
            for m, c in enumerate(first.coverages):
                entry: dict[str, Any] = {}
                for metric in METRICS:
                    entry[metric] = [float(r.mean[name][metric][m]) for r in self.results]
                    entry[f"{metric}_spread"] = float(self.spread[name][metric][m])
                cov[_label(float(c))] = entry
            out["methods"][name] = {"coverage": cov}
        return out


def grid_offset_sensitivity(
    x: Any,
    y: Any,
    t: Any,
    *,
    cell_size: float = 150.0,
    offsets: Sequence[tuple[float, float]] = ((0.0, 0.0), (0.5, 0.0), (0.0, 0.5), (0.5, 0.5)),
    **kwargs: Any,
) -> OffsetSensitivity:
    """Re-run :func:`rolling_origin_backtest` with the grid origin shifted by fractions of a cell.

    ``offsets`` are fractions of ``cell_size``; the default is docs/methods-reference.md's (0,0),
    (c/2,0), (0,c/2), (c/2,c/2). Each shifted grid has one more row and column so it still covers
    every event. Other keyword arguments go to the backtest (``n_boot`` defaults to 0 here).

    Parameters
    ----------
    x, y : array_like
        Event coordinates in metres.
    t : array_like
        Event times: ``datetime64`` or days.
    cell_size : float
        Cell side in metres.
    offsets : sequence of (float, float)
        Shifts of the grid origin as fractions of ``cell_size``.
    **kwargs
        Passed to :func:`rolling_origin_backtest` (``start``, ``end``, ``methods`` …).

    Returns
    -------
    OffsetSensitivity
        One backtest per offset and the spread of the scores across offsets.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x, y, t = rng.normal(500, 150, 600), rng.normal(500, 150, 600), rng.uniform(0, 98, 600)
    >>> s = grid_offset_sensitivity(x, y, t, cell_size=100, start=56, end=98, methods=["naive"],
    ...                             train_days=56)
    >>> len(s.results), s.spread["naive"]["pai"].shape
    (4, (5,))
    """
    xa, ya = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    if xa.size == 0:
        raise InputError("There are no events to backtest.")
    base = Grid.covering(xa, ya, cell_size)
    kwargs.setdefault("n_boot", 0)
    shifts = tuple((float(dx) * base.cell_size, float(dy) * base.cell_size) for dx, dy in offsets)
    if not shifts:
        raise InputError("offsets is empty; give at least one (dx, dy) pair.")
    results = tuple(
        rolling_origin_backtest(xa, ya, t, grid=base.shifted(dx, dy), **kwargs) for dx, dy in shifts
    )
    spread = {
        name: {
            mt: np.nanmax([r.mean[name][mt] for r in results], axis=0)
            - np.nanmin([r.mean[name][mt] for r in results], axis=0)
            for mt in METRICS
        }
        for name in results[0].methods
    }
    return OffsetSensitivity(shifts, results, spread)
