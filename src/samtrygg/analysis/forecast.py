"""Short-term grid forecasts of where events will happen next (docs/methods-reference.md section 7).

Every model follows the scikit-learn convention: hyper-parameters go to the constructor,
``fit(x, y, t, grid, end=T)`` learns from the events before ``T`` and returns the model, learned
attributes end in ``_``, and ``predict(at=T, horizon_days=7)`` returns a risk grid of shape
``(grid.n_rows, grid.n_cols)``; larger means more expected events in ``[T, T + horizon)``.

Times are days on a continuous clock: floats (days since any fixed epoch) or ``datetime64``
values (converted to days since 1970-01-01). Events at or after ``end`` are dropped in ``fit``,
so a model cannot look ahead.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

import numba
import numpy as np
import numpy.typing as npt

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.geo import Grid

__all__ = [
    "ForecastModel",
    "GridSEPP",
    "NaiveCounts",
    "ProspectiveHotspot",
    "RetrospectiveKDE",
    "as_days",
    "kernel_stencil",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class ForecastModel(Protocol):
    """What the backtest needs from a model."""

    def fit(self, x: Any, y: Any, t: Any, grid: Grid, *, end: Any = None) -> ForecastModel:
        """Learn from the events before ``end``; return the model.

        Parameters
        ----------
        x, y : array_like
            Event coordinates in the grid's CRS.
        t : array_like
            Event times: ``datetime64`` or days.
        grid : Grid
            The cells to forecast.
        end : date, str or float, optional
            Events from ``end`` on are left out (default: the day after the last event).

        Returns
        -------
        ForecastModel
            The model itself, fitted.
        """

    def predict(self, at: Any = None, horizon_days: float = 7.0) -> FloatArray:
        """Risk per cell for ``[at, at + horizon_days)``.

        Parameters
        ----------
        at : date, str or float, optional
            Start of the forecast (default: the end of the training data).
        horizon_days : float
            Length of the forecast period.

        Returns
        -------
        ndarray
            Shape (n_rows, n_cols).
        """


def as_days(t: Any, name: str = "t") -> FloatArray:
    """Convert times to float days: ``datetime64`` or ISO strings to days since 1970-01-01.

    Parameters
    ----------
    t : array_like
        ``datetime64`` values, ISO date strings or numbers of days.
    name : str
        The argument's name, for error messages.

    Returns
    -------
    ndarray of float

    Examples
    --------
    >>> as_days(np.array(["1970-01-02T12:00"], dtype="datetime64[s]")).tolist()
    [1.5]
    >>> as_days("1970-01-11").tolist()
    10.0
    >>> as_days([3, 4.5]).tolist()
    [3.0, 4.5]
    """
    arr = np.asarray(t)
    if arr.dtype.kind in "US":
        try:
            arr = arr.astype("datetime64[s]")
        except ValueError as exc:
            raise InputError(f"{name} {t!r} is not an ISO date (YYYY-MM-DD).") from exc
    if arr.dtype.kind == "M":
        if np.isnat(arr).any():
            raise InputError(f"{name} has missing times (NaT); remove those events.")
        return arr.astype("datetime64[s]").astype(np.int64) / 86400.0
    try:
        out = arr.astype(float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be times or numbers of days, got {arr.dtype}.") from exc
    if not np.all(np.isfinite(out)):
        raise InputError(f"{name} has missing or infinite values; remove those events.")
    return out


def _positive(value: float, name: str) -> float:
    v = float(value)
    if not (math.isfinite(v) and v > 0):
        raise InputError(f"{name} must be a positive number, got {value!r}.")
    return v


class _GridModel:
    """Shared input handling: validate events, keep those before ``end`` and on the grid."""

    window_days: float = math.inf
    # Set by fit.
    grid_: Grid
    end_: float
    t_: FloatArray
    cell_: IntArray
    n_events_: int

    def _prepare(self, x: Any, y: Any, t: Any, grid: Grid, end: Any) -> None:
        if not isinstance(grid, Grid):
            raise InputError(
                f"grid must be a samtrygg.analysis.geo.Grid, got {type(grid).__name__}."
            )
        xa, ya = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
        ta = as_days(t).ravel()
        if not (xa.size == ya.size == ta.size):
            raise InputError(
                f"x, y and t must have the same length, got {xa.size}, {ya.size} and {ta.size}."
            )
        if xa.size == 0:
            raise InputError("There are no events to fit a forecast to.")
        if not (np.all(np.isfinite(xa)) and np.all(np.isfinite(ya))):
            raise InputError("Some coordinates are missing or not finite; remove those events.")
        end_day = float(ta.max()) + 1.0 if end is None else float(as_days(end, "end"))
        lo = end_day - self.window_days if math.isfinite(self.window_days) else -math.inf
        row, col = grid.cell_of(xa, ya)
        keep = (ta < end_day) & grid.inside(row, col)
        if not np.any(keep & (ta >= lo)):
            raise InputError(
                f"There are no events on the grid in the training window of {self.window_days:g} "
                f"days before day {end_day:g}; choose a later origin or a longer window."
            )
        order = np.argsort(ta[keep], kind="stable")
        self.grid_ = grid
        self.end_ = end_day
        self.t_ = ta[keep][order]
        self.cell_ = (row[keep] * grid.n_cols + col[keep])[order]
        self.n_events_ = int(self.t_.size)

    def _at(self, at: Any, horizon_days: float) -> float:
        if not hasattr(self, "end_"):
            raise InputError("Call fit before predict.")
        _positive(horizon_days, "horizon_days")
        at_day = self.end_ if at is None else float(as_days(at, "at"))
        if at_day < self.end_:
            raise InputError(
                f"at (day {at_day:g}) lies before the end of the training data (day {self.end_:g});"
                " refit on the events before at, so that the forecast cannot look ahead."
            )
        return at_day

    def _counts(self, lo: float, hi: float, weights: FloatArray | None = None) -> FloatArray:
        m = (self.t_ >= lo) & (self.t_ < hi)
        size = self.grid_.n_rows * self.grid_.n_cols
        w = None if weights is None else weights[m]
        return np.bincount(self.cell_[m], weights=w, minlength=size).astype(float)


def _clean(risk: FloatArray) -> FloatArray:
    # FFT round-off turns exact zeros and exact ties into noise; snap it away so that the
    # evaluation's tie rule sees the ties that are really there.
    scale = float(np.abs(risk).max()) if risk.size else 0.0
    if scale == 0.0:
        return np.zeros_like(risk)
    return np.round(risk / scale, 12) * scale + 0.0  # + 0.0 turns -0.0 into 0.0


class NaiveCounts(_GridModel):
    """The baseline: counts per cell over the trailing window, ties broken at random.

    Parameters
    ----------
    window_days : float
        Length of the trailing window (default 365; docs/methods-reference.md uses 28, 56 or 364).
    seed : int, optional
        Seed of the random tie-break.
    tie_break : bool
        Add a uniform random number in [0, 0.5) to each count, so that equal counts are ranked at
        random and different counts keep their order (default True).

    Examples
    --------
    >>> g = Grid(0.0, 0.0, 100.0, 3, 1)
    >>> m = NaiveCounts(window_days=10, tie_break=False).fit([50, 50, 250], [5, 5, 5], [1, 2, 3], g,
    ...                                                      end=5)
    >>> m.predict().tolist()
    [[2.0, 0.0, 1.0]]
    """

    def __init__(
        self, window_days: float = 365.0, *, seed: int | None = None, tie_break: bool = True
    ):
        self.window_days = _positive(window_days, "window_days")
        self.seed = seed
        self.tie_break = tie_break

    def fit(self, x: Any, y: Any, t: Any, grid: Grid, *, end: Any = None) -> NaiveCounts:
        """Keep the events before ``end`` (default: the day after the last event).

        Parameters
        ----------
        x, y : array_like
            Event coordinates in the grid's CRS.
        t : array_like
            Event times: ``datetime64`` or days.
        grid : Grid
            The cells to forecast.
        end : date, str or float, optional
            Events from ``end`` on are left out (default: the day after the last event).

        Returns
        -------
        NaiveCounts
            The model itself, fitted.
        """
        self._prepare(x, y, t, grid, end)
        return self

    def predict(self, at: Any = None, horizon_days: float = 7.0) -> FloatArray:
        """Counts in ``[at - window_days, at)``; the horizon does not change the ranking.

        Parameters
        ----------
        at : date, str or float, optional
            Start of the forecast (default: the end of the training data).
        horizon_days : float
            Length of the forecast period.

        Returns
        -------
        ndarray
            Shape (n_rows, n_cols).
        """
        at_day = self._at(at, horizon_days)
        risk = self._counts(at_day - self.window_days, at_day)
        if self.tie_break:
            risk = risk + 0.5 * np.random.default_rng(self.seed).random(risk.size)
        return risk.reshape(self.grid_.shape)


def kernel_stencil(cell_size: float, bandwidth: float, kernel: str = "quartic") -> FloatArray:
    """Kernel weights at cell-centre offsets: quartic (1 - d²/h²)² for d < h, or Gaussian.

    The Gaussian has standard deviation ``bandwidth`` and is truncated at 3 sd (open_cp).

    Parameters
    ----------
    cell_size : float
        Cell side in metres.
    bandwidth : float
        Kernel radius (quartic) or standard deviation (Gaussian) in metres.
    kernel : {"quartic", "gaussian"}

    Returns
    -------
    ndarray
        Square, odd side, weight 1 at the centre.

    Examples
    --------
    >>> kernel_stencil(100.0, 150.0).round(3).tolist()
    [[0.012, 0.309, 0.012], [0.309, 1.0, 0.309], [0.012, 0.309, 0.012]]
    """
    h = _positive(bandwidth, "bandwidth")
    if kernel == "quartic":
        reach = h
    elif kernel == "gaussian":
        reach = 3.0 * h
    else:
        raise InputError(f"kernel must be 'quartic' or 'gaussian', got {kernel!r}.")
    # Offsets strictly inside the reach; the kernel is zero at and beyond it.
    r = int(math.ceil(reach / cell_size)) - 1
    off = np.arange(-r, r + 1) * cell_size
    d2 = off[:, None] ** 2 + off[None, :] ** 2
    if kernel == "quartic":
        w = np.where(d2 < h * h, (1.0 - d2 / (h * h)) ** 2, 0.0)
    else:
        w = np.where(d2 < reach * reach, np.exp(-d2 / (2 * h * h)), 0.0)
    return np.asarray(w, dtype=float)


class RetrospectiveKDE(_GridModel):
    """Retrospective hotspot map (open_cp ``RetroHotSpot``, grid variant).

    The risk of a cell is Σ K(d) over the events in ``[T - window_days, T)``, where ``d`` is the
    distance between the centres of the event's cell and the cell.

    Parameters
    ----------
    bandwidth : float
        Quartic radius h, or Gaussian sd, in metres (default 200).
    kernel : {"quartic", "gaussian"}
        Quartic ``(1 - d²/h²)²`` (unscaled, open_cp) or Gaussian truncated at 3 sd.
    window_days : float
        Trailing window (default 365).

    Examples
    --------
    >>> g = Grid(0.0, 0.0, 100.0, 3, 1)
    >>> RetrospectiveKDE(150.0).fit([50], [50], [0], g).predict().round(3).tolist()
    [[1.0, 0.309, 0.0]]
    """

    def __init__(
        self, bandwidth: float = 200.0, kernel: str = "quartic", window_days: float = 365.0
    ) -> None:
        self.bandwidth = _positive(bandwidth, "bandwidth")
        self.kernel = kernel
        self.window_days = _positive(window_days, "window_days")

    def fit(self, x: Any, y: Any, t: Any, grid: Grid, *, end: Any = None) -> RetrospectiveKDE:
        """Keep the events before ``end`` and build the kernel stencil.

        Parameters
        ----------
        x, y : array_like
            Event coordinates in the grid's CRS.
        t : array_like
            Event times: ``datetime64`` or days.
        grid : Grid
            The cells to forecast.
        end : date, str or float, optional
            Events from ``end`` on are left out (default: the day after the last event).

        Returns
        -------
        RetrospectiveKDE
            The model itself, fitted.
        """
        self.stencil_ = kernel_stencil(grid.cell_size, self.bandwidth, self.kernel)
        self._prepare(x, y, t, grid, end)
        return self

    def predict(self, at: Any = None, horizon_days: float = 7.0) -> FloatArray:
        """Kernel-weighted counts of the window before ``at``.

        Parameters
        ----------
        at : date, str or float, optional
            Start of the forecast (default: the end of the training data).
        horizon_days : float
            Length of the forecast period.

        Returns
        -------
        ndarray
            Shape (n_rows, n_cols).
        """
        from scipy.signal import fftconvolve  # here: the naive forecast needs no scipy

        at_day = self._at(at, horizon_days)
        counts = self._counts(at_day - self.window_days, at_day).reshape(self.grid_.shape)
        return _clean(fftconvolve(counts, self.stencil_, mode="same"))


class ProspectiveHotspot(_GridModel):
    """Prospective hotspotting (Bowers, Johnson & Pease 2004; open_cp ``ClassicWeight``).

    ``w_c = Σ_i 1/((1 + d_i)(1 + t_i))`` over events with ``d_i < space_bandwidth`` cells (L∞ cell
    distance) and ``t_i < time_bandwidth`` whole weeks of age, both strict.

    Parameters
    ----------
    space_bandwidth : int
        Bandwidth in cells (default 8, with 50 m cells in the paper; scale it to the cell size).
    time_bandwidth : int
        Bandwidth in weeks (default 8).

    Notes
    -----
    The weight is separable, so the risk is ``f * Σ_w C_w/(1 + w)`` with ``C_w`` the grid of
    events aged ``w`` weeks and ``f`` the ``(2s-1)²`` stencil ``1/(1 + d)``: one convolution.

    Examples
    --------
    >>> g = Grid(0.0, 0.0, 100.0, 3, 1)
    >>> m = ProspectiveHotspot(space_bandwidth=2, time_bandwidth=2).fit([50, 50], [5, 5], [0, 6], g,
    ...                                                                   end=8)
    >>> m.predict().tolist()  # ages 8 d (week 1) and 2 d (week 0)
    [[1.5, 0.75, 0.0]]
    """

    def __init__(self, space_bandwidth: int = 8, time_bandwidth: int = 8) -> None:
        if int(space_bandwidth) < 1 or int(time_bandwidth) < 1:
            raise InputError(
                "space_bandwidth and time_bandwidth must be at least 1, got "
                f"{space_bandwidth!r} and {time_bandwidth!r}."
            )
        self.space_bandwidth = int(space_bandwidth)
        self.time_bandwidth = int(time_bandwidth)
        self.window_days = 7.0 * self.time_bandwidth

    def fit(self, x: Any, y: Any, t: Any, grid: Grid, *, end: Any = None) -> ProspectiveHotspot:
        """Keep the events before ``end`` and build the distance stencil.

        Parameters
        ----------
        x, y : array_like
            Event coordinates in the grid's CRS.
        t : array_like
            Event times: ``datetime64`` or days.
        grid : Grid
            The cells to forecast.
        end : date, str or float, optional
            Events from ``end`` on are left out (default: the day after the last event).

        Returns
        -------
        ProspectiveHotspot
            The model itself, fitted.
        """
        s = self.space_bandwidth - 1
        off = np.arange(-s, s + 1)
        dist = np.maximum(np.abs(off)[:, None], np.abs(off)[None, :])
        self.stencil_ = 1.0 / (1.0 + dist)
        self._prepare(x, y, t, grid, end)
        return self

    def predict(self, at: Any = None, horizon_days: float = 7.0) -> FloatArray:
        """Risk at ``at``; recompute daily, since weights jump at week boundaries.

        Parameters
        ----------
        at : date, str or float, optional
            Start of the forecast (default: the end of the training data).
        horizon_days : float
            Length of the forecast period.

        Returns
        -------
        ndarray
            Shape (n_rows, n_cols).
        """
        from scipy.signal import fftconvolve  # here: the naive forecast needs no scipy

        at_day = self._at(at, horizon_days)
        weeks = np.floor((at_day - self.t_) / 7.0)
        weights = np.where(weeks < self.time_bandwidth, 1.0 / (1.0 + np.maximum(weeks, 0.0)), 0.0)
        lo = at_day - 7.0 * self.time_bandwidth
        counts = self._counts(lo, at_day, weights).reshape(self.grid_.shape)
        return _clean(fftconvolve(counts, self.stencil_, mode="same"))


def _same_cell_pairs(cell: IntArray, t: FloatArray) -> tuple[IntArray, IntArray, FloatArray]:
    """All pairs (j, i) in one cell with t_j < t_i, as index arrays and lags t_i - t_j."""
    order = np.lexsort((t, cell))
    cs = cell[order]
    starts = np.flatnonzero(np.r_[True, cs[1:] != cs[:-1]])
    sizes = np.diff(np.r_[starts, cs.size])
    group_start = np.repeat(starts, sizes)
    pos = np.arange(cs.size) - group_start
    total = int(pos.sum())
    i_sorted = np.repeat(np.arange(cs.size), pos)
    offsets = np.arange(total) - np.repeat(np.cumsum(pos) - pos, pos)
    j_sorted = np.repeat(group_start, pos) + offsets
    i_idx, j_idx = order[i_sorted], order[j_sorted]
    lag = t[i_idx] - t[j_idx]
    keep = lag > 0
    return j_idx[keep], i_idx[keep], lag[keep]


def _mixture_weights(components: list[FloatArray], targets: list[FloatArray]) -> FloatArray:
    """EM for the weights of a mixture of fixed densities that maximise the held-out likelihood."""
    k = len(components[0])
    dens = np.concatenate([c[:, a > 0] for c, a in zip(components, targets, strict=True)], axis=1)
    counts = np.concatenate([a[a > 0] for a in targets])
    w = np.full(k, 1.0 / k)
    total = float(counts.sum())
    if total == 0:
        return w
    dens = np.maximum(dens, 1e-300)
    previous = -math.inf
    for _ in range(500):
        mix = w @ dens
        loglik = float(counts @ np.log(mix))
        # EM never lowers the likelihood; stop when a step gains less than 1e-7 of it.
        if loglik - previous < 1e-7 * abs(loglik):
            break
        previous = loglik
        w = w * (dens @ (counts / mix)) / total
    return np.asarray(w / w.sum(), dtype=float)


class GridSEPP(_GridModel):
    """Self-exciting grid model: grid ETAS (Mohler et al. 2015) with a long-term background.

    ``λ_c(t) = μ_c + Σ_{t_i < t, i in c} θω exp(-ω(t - t_i))``, fitted by EM as in
    docs/methods-reference.md §7.

    Parameters
    ----------
    window_days : float
        Training window of the EM (default 365).
    background : {"mixture", "cell"}
        ``"cell"``: the EM's per-cell rates μ_c (docs/methods-reference.md §7 as written).
        ``"mixture"`` (default): the EM's total background rate spread over cells by a mixture of
        densities (uniform; cell counts of all earlier events weighted with a half-life, raw and
        smoothed; recent events, smoothed), whose weights maximise the likelihood of held-out weeks
        of the training data.
    bandwidths : tuple of float
        Gaussian sds, in cells, of the smoothed background components (default 1, 2, 4).
    half_life_days : float
        Half-life of event weights in the long-term background (default 365).
    recency_days : float
        Time constant of the recent-event weights exp(-age / recency_days), over 8 time
        constants (default 7).
    recency_bandwidths : tuple of float
        Gaussian sds, in cells, of the smoothed recent-event components (default 0.5, 2).
    n_inner : int
        Held-out weeks, the last ones before the origin, for the mixture weights (default 12).
    trigger_cutoff : float
        Truncate the trigger at ``trigger_cutoff / ω`` (default 10).
    max_iter, tol : int, float
        EM stops at ``max_iter`` iterations or a relative change below ``tol``.

    Attributes
    ----------
    theta_, omega_ : float
        Expected offspring per event and trigger decay per day.
    mu_ : ndarray
        Per-cell background rates per day, shape (n_rows, n_cols).
    weights_ : ndarray
        Mixture weights for ``background="mixture"``: uniform, raw long-term counts, one per
        ``bandwidths``, then one per ``recency_bandwidths``.
    n_iter_ : int
        EM iterations used.
    decay_weights_ : ndarray
        Weight of each stored event in the long-term background, ``0.5 ** (age / half-life)``.

    Notes
    -----
    The mixture weights are refitted with every ``fit``: for each of the ``n_inner`` weeks before
    ``end``, the densities are built from the events before that week and scored on the events in
    it, and EM finds the weights with the highest likelihood. On Chicago burglary the per-cell EM
    drives θ to about zero (the per-cell background absorbs repeats), so near repeats enter
    through the recent-event components; see ``docs/forecast-quality.md``.

    Edge correction: the θ denominator is ``n - Σ exp(-ω a_i)`` and the ω denominator gains
    ``θ Σ a_i exp(-ω a_i)``, with ``a_i = min(T - t_i, cutoff)``. The score is the horizon
    integral ``μ_c Δ + θ Σ_i (exp(-ω a_i) - exp(-ω min(a_i + Δ, cutoff)))``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> g = Grid(0.0, 0.0, 100.0, 4, 4)
    >>> x, y, t = rng.uniform(0, 400, 300), rng.uniform(0, 400, 300), rng.uniform(0, 200, 300)
    >>> m = GridSEPP(window_days=200).fit(x, y, t, g, end=200)
    >>> m.predict(horizon_days=7).shape
    (4, 4)
    >>> bool(0 <= m.theta_ < 1)
    True
    """

    def __init__(
        self,
        window_days: float = 365.0,
        *,
        background: str = "mixture",
        bandwidths: tuple[float, ...] = (1.0, 2.0, 4.0),
        half_life_days: float = 365.0,
        recency_days: float = 7.0,
        recency_bandwidths: tuple[float, ...] = (0.5, 2.0),
        n_inner: int = 12,
        trigger_cutoff: float = 10.0,
        max_iter: int = 200,
        tol: float = 1e-6,
    ) -> None:
        if background not in ("mixture", "cell"):
            raise InputError(f"background must be 'mixture' or 'cell', got {background!r}.")
        self.window_days = _positive(window_days, "window_days")
        self.background = background
        self.bandwidths = tuple(_positive(b, "bandwidths") for b in bandwidths)
        self.half_life_days = _positive(half_life_days, "half_life_days")
        self.recency_days = _positive(recency_days, "recency_days")
        self.recency_bandwidths = tuple(
            _positive(b, "recency_bandwidths") for b in recency_bandwidths
        )
        self.n_inner = int(n_inner)
        self.trigger_cutoff = _positive(trigger_cutoff, "trigger_cutoff")
        self.max_iter = int(max_iter)
        self.tol = float(tol)

    def fit(self, x: Any, y: Any, t: Any, grid: Grid, *, end: Any = None) -> GridSEPP:
        """Fit θ, ω and μ by EM on the training window, then the background mixture.

        Parameters
        ----------
        x, y : array_like
            Event coordinates in the grid's CRS.
        t : array_like
            Event times: ``datetime64`` or days.
        grid : Grid
            The cells to forecast.
        end : date, str or float, optional
            Events from ``end`` on are left out (default: the day after the last event).

        Returns
        -------
        GridSEPP
            The model itself, fitted.
        """
        self._prepare(x, y, t, grid, end)
        self.decay_weights_ = 0.5 ** ((self.end_ - self.t_) / self.half_life_days)
        self._fit_em()
        if self.background == "mixture":
            self._fit_mixture()
        return self

    def _fit_em(self) -> None:
        T = self.end_
        start = max(T - self.window_days, float(np.floor(self.t_.min())))
        first = int(np.searchsorted(self.t_, start, side="left"))
        tw = self.t_[first:]
        # Work on the occupied cells only; every other cell has μ = 0 after one M-step.
        occupied, cw = np.unique(self.cell_[first:], return_inverse=True)
        _, i_idx, lag = _same_cell_pairs(cw, tw)
        theta, omega, mu, used = _em(
            cw.astype(np.int64), T - tw, i_idx.astype(np.int64), lag, int(occupied.size),
            T - start, self.trigger_cutoff, self.max_iter, self.tol,
        )  # fmt: skip
        self.theta_, self.omega_ = float(theta), float(omega)
        full = np.zeros(self.grid_.n_rows * self.grid_.n_cols)
        full[occupied] = mu
        self.mu_ = full.reshape(self.grid_.shape)
        self.n_iter_ = int(used)

    # The background mixture. Components are densities over cells: uniform, the long-term
    # counts (weights halve every half_life_days), their Gaussian smoothings, and smoothings of
    # the recent events (weights exp(-age / recency_days)). For the held-out weeks only the
    # target cells are needed, so the smoothings are gathered there instead of computed on the
    # whole grid.

    def _layers(self, at: float) -> tuple[FloatArray, FloatArray]:
        size = self.grid_.n_rows * self.grid_.n_cols
        lo, hi = np.searchsorted(self.t_, [at - 8.0 * self.recency_days, at], side="left")
        # Weights relative to the end of training differ from weights relative to ``at`` by a
        # common factor, which the densities ignore.
        decay = self.decay_weights_[:hi]
        raw = np.bincount(self.cell_[:hi], weights=decay, minlength=size)
        wr = np.exp(-(at - self.t_[lo:hi]) / self.recency_days)
        recent = np.bincount(self.cell_[lo:hi], weights=wr, minlength=size)
        shape = self.grid_.shape
        return (
            np.asarray(raw, dtype=float).reshape(shape),
            np.asarray(recent, dtype=float).reshape(shape),
        )

    def _specs(self) -> list[tuple[int, float]]:
        """(layer, sd) of each non-uniform component; sd 0 means the raw layer."""
        return [
            (0, 0.0),
            *((0, b) for b in self.bandwidths),
            *((1, b) for b in self.recency_bandwidths),
        ]

    def _at_cells(self, at: float, cells: IntArray) -> FloatArray:
        """Component densities at the given flat cells, shape (n_components, n_cells)."""
        from scipy import ndimage  # here: the naive forecast needs no scipy

        layers = self._layers(at)
        n_rows, n_cols = self.grid_.shape
        rows, cols = np.divmod(cells.astype(np.int64), n_cols)
        size = n_rows * n_cols
        out = [np.full(cells.size, 1.0 / size)]
        for which, sd in self._specs():
            layer = layers[which]
            if sd == 0.0:
                values, total = layer.ravel()[cells], float(layer.sum())
            else:
                g = _gauss1d(sd)
                values = _smooth_at(layer, rows, cols, g)
                # The share of each cell's kernel that lands on the grid, separable by axis.
                mass_r = ndimage.correlate1d(np.ones(n_rows), g, mode="constant")
                mass_c = ndimage.correlate1d(np.ones(n_cols), g, mode="constant")
                total = float(mass_r @ layer @ mass_c)
            out.append(values / total if total > 0 else np.full(cells.size, 1.0 / size))
        return np.array(out)

    def _density(self, at: float) -> FloatArray:
        """The fitted mixture density on the whole grid, shape (n_rows, n_cols).

        Each layer is convolved once, with the weighted sum of its components' kernels.
        """
        from scipy import ndimage
        from scipy.signal import fftconvolve

        layers = self._layers(at)
        n_rows, n_cols = self.grid_.shape
        size = n_rows * n_cols
        density = np.full((n_rows, n_cols), self.weights_[0] / size)
        specs = self._specs()
        for which, layer in enumerate(layers):
            reach = max(
                [(_gauss1d(sd).size - 1) // 2 for w, sd in specs if w == which and sd > 0] + [0]
            )
            kernel = np.zeros((2 * reach + 1, 2 * reach + 1))
            for (w, sd), weight in zip(specs, self.weights_[1:], strict=True):
                if w != which or weight == 0.0:
                    continue
                if sd == 0.0:
                    g = np.ones(1)
                    total = float(layer.sum())
                else:
                    g = _gauss1d(sd)
                    mass_r = ndimage.correlate1d(np.ones(n_rows), g, mode="constant")
                    mass_c = ndimage.correlate1d(np.ones(n_cols), g, mode="constant")
                    total = float(mass_r @ layer @ mass_c)
                if total <= 0.0:
                    density += weight / size
                    continue
                r = (g.size - 1) // 2
                kernel[reach - r : reach + r + 1, reach - r : reach + r + 1] += (
                    weight / total * np.outer(g, g)
                )
            if kernel.any():
                density += np.maximum(_clean(fftconvolve(layer, kernel, mode="same")), 0.0)
        return density

    def _fit_mixture(self) -> None:
        comps, targets = [], []
        first = float(self.t_.min())
        for k in range(1, self.n_inner + 1):
            lo = self.end_ - 7.0 * k
            if lo <= first:
                break
            counts = self._counts(lo, lo + 7.0)
            cells = np.flatnonzero(counts)
            comps.append(self._at_cells(lo, cells))
            targets.append(counts[cells])
        if comps:
            self.weights_ = _mixture_weights(comps, targets)
        else:
            self.weights_ = np.r_[0.0, 1.0, np.zeros(len(self._specs()) - 1)]

    def predict(self, at: Any = None, horizon_days: float = 7.0) -> FloatArray:
        """Expected events per cell in ``[at, at + horizon_days)``.

        Parameters
        ----------
        at : date, str or float, optional
            Start of the forecast (default: the end of the training data).
        horizon_days : float
            Length of the forecast period.

        Returns
        -------
        ndarray
            Shape (n_rows, n_cols).
        """
        at_day = self._at(at, horizon_days)
        cutoff = self.trigger_cutoff / self.omega_
        age = at_day - self.t_
        m = age < cutoff
        a = age[m]
        end = np.minimum(a + horizon_days, cutoff)
        gain = self.theta_ * (np.exp(-self.omega_ * a) - np.exp(-self.omega_ * end))
        size = self.grid_.n_rows * self.grid_.n_cols
        trigger = np.bincount(self.cell_[m], weights=gain, minlength=size)
        if self.background == "cell":
            base = self.mu_.ravel() * horizon_days
        else:
            density = self._density(at_day).ravel()
            base = float(self.mu_.sum()) * horizon_days * density
        return np.asarray(base + trigger, dtype=float).reshape(self.grid_.shape)


def _gauss1d(sd: float) -> FloatArray:
    """Normalised Gaussian weights on cell offsets, truncated at 3 sd (as scipy's default)."""
    r = int(3.0 * sd + 0.5)
    off = np.arange(-r, r + 1)
    g = np.exp(-0.5 * (off / sd) ** 2)
    return np.asarray(g / g.sum(), dtype=float)


@numba.njit(cache=True)
def _em(
    cell: IntArray,
    age: FloatArray,
    i_idx: IntArray,
    lag: FloatArray,
    n_cells: int,
    span: float,
    cutoff_factor: float,
    max_iter: int,
    tol: float,
) -> tuple[float, float, FloatArray, int]:  # pragma: no cover - compiled
    """EM for grid ETAS (docs/methods-reference.md §7), edge correction and trigger truncation."""
    n = cell.shape[0]
    n_pairs = lag.shape[0]
    theta, omega = 0.5, 1.0
    mu = np.full(n_cells, 0.5)
    lam = np.empty(n)
    trig = np.empty(n_pairs)
    used = 0
    for it in range(1, max_iter + 1):
        used = it
        cutoff = cutoff_factor / omega
        for i in range(n):
            lam[i] = mu[cell[i]]
        for p in range(n_pairs):
            trig[p] = theta * omega * np.exp(-omega * lag[p]) if lag[p] < cutoff else 0.0
            lam[i_idx[p]] += trig[p]
        new_mu = np.zeros(n_cells)
        for i in range(n):
            new_mu[cell[i]] += mu[cell[i]] / lam[i]
        s = 0.0
        s_lag = 0.0
        for p in range(n_pairs):
            q = trig[p] / lam[i_idx[p]]
            s += q
            s_lag += q * lag[p]
        sum_decay = 0.0
        sum_age_decay = 0.0
        for i in range(n):
            a = min(age[i], cutoff)
            e = np.exp(-omega * a)
            sum_decay += e
            sum_age_decay += a * e
        new_mu /= span
        if s <= 0.0:
            new_theta, new_omega = 0.0, omega
        else:
            new_theta = s / max(n - sum_decay, 1e-12)
            new_omega = s / (s_lag + new_theta * sum_age_decay)
        # A branching ratio below 1e-4 is nil; do not iterate on towards zero.
        change = max(abs(new_theta - theta) / max(theta, 1e-4), abs(new_omega - omega) / omega)
        top = max(new_mu.max(), 1e-12)
        for c in range(n_cells):
            change = max(change, abs(new_mu[c] - mu[c]) / top)
        theta, omega, mu = new_theta, new_omega, new_mu
        if change < tol:
            break
    return theta, omega, mu, used


@numba.njit(cache=True)
def _smooth_at(
    layer: FloatArray, rows: IntArray, cols: IntArray, g: FloatArray
) -> FloatArray:  # pragma: no cover - compiled
    """The layer smoothed with the separable kernel g x g, at the given cells only."""
    n_rows, n_cols = layer.shape
    r = (g.shape[0] - 1) // 2
    out = np.zeros(rows.shape[0])
    for k in range(rows.shape[0]):
        total = 0.0
        for a in range(-r, r + 1):
            rr = rows[k] + a
            if rr < 0 or rr >= n_rows:
                continue
            part = 0.0
            for b in range(-r, r + 1):
                cc = cols[k] + b
                if 0 <= cc < n_cols:
                    part += g[b + r] * layer[rr, cc]
            total += g[a + r] * part
        out[k] = total
    return out
