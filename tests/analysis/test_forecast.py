"""Forecast models: brute-force references, parameter recovery and no look-ahead."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.forecast import (
    GridSEPP,
    NaiveCounts,
    ProspectiveHotspot,
    RetrospectiveKDE,
    as_days,
    kernel_stencil,
)
from samtrygg.analysis.geo import Grid

GRID = Grid(0.0, 0.0, 100.0, 6, 5)  # 5 rows, 6 columns


def _events(n: int = 300, days: float = 120.0, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 600, n), rng.uniform(0, 500, n), rng.uniform(0, days, n)


def _cells(x, y):
    row, col = GRID.cell_of(x, y)
    return row, col


def test_as_days_accepts_dates_strings_and_numbers():
    assert as_days(np.array(["1970-01-03"], dtype="datetime64[D]")).tolist() == [2.0]
    assert as_days("1970-01-02T06:00").tolist() == 1.25
    with pytest.raises(InputError, match="ISO date"):
        as_days("yesterday", "start")
    with pytest.raises(InputError, match="missing"):
        as_days([1.0, np.nan])


def test_naive_counts_the_trailing_window_only():
    x = [50, 50, 150, 150, 250]
    y = [50, 50, 50, 50, 50]
    t = [0.0, 10.0, 10.0, 20.0, 19.999]
    m = NaiveCounts(window_days=10, tie_break=False).fit(x, y, t, GRID, end=20)
    risk = m.predict()
    # [10, 20): the events at 10 count, the one at 0 is too old, the one at 20 is the future.
    assert risk[0, :3].tolist() == [1.0, 1.0, 1.0]
    assert risk.sum() == 3
    assert m.n_events_ == 4  # the event at t = 20 was dropped by fit


def test_naive_tie_break_is_seeded_and_keeps_the_order_of_counts():
    x, y, t = _events()
    a = NaiveCounts(seed=5).fit(x, y, t, GRID).predict()
    b = NaiveCounts(seed=5).fit(x, y, t, GRID).predict()
    plain = NaiveCounts(tie_break=False).fit(x, y, t, GRID).predict()
    assert_allclose(a, b)
    assert np.all(np.floor(a) == plain)
    assert len(np.unique(a)) == a.size


def _kde_reference(x, y, t, end, window, h, kernel):
    row, col = _cells(x, y)
    keep = (t >= end - window) & (t < end)
    cx, cy = GRID.centres()
    out = np.zeros(GRID.shape)
    for r, c in zip(row[keep], col[keep], strict=True):
        ex, ey = GRID.x0 + (c + 0.5) * 100, GRID.y0 + (r + 0.5) * 100
        d = np.hypot(cx - ex, cy - ey)
        if kernel == "quartic":
            out += np.where(d < h, (1 - d**2 / h**2) ** 2, 0.0)
        else:
            out += np.where(d < 3 * h, np.exp(-(d**2) / (2 * h * h)), 0.0)
    return out


@pytest.mark.parametrize(
    ("kernel", "h"), [("quartic", 200.0), ("quartic", 350.0), ("gaussian", 90.0)]
)
def test_retrospective_kde_equals_the_direct_sum_over_cell_centres(kernel, h):
    x, y, t = _events()
    m = RetrospectiveKDE(bandwidth=h, kernel=kernel, window_days=56).fit(x, y, t, GRID, end=100)
    ref = _kde_reference(x, y, t, 100, 56, h, kernel)
    assert_allclose(m.predict(), ref, rtol=1e-9, atol=1e-9 * ref.max())


def test_kernel_stencil_refuses_unknown_kernels():
    with pytest.raises(InputError, match="kernel"):
        kernel_stencil(100.0, 200.0, "epanechnikov")


def _prospective_reference(x, y, t, at, s, tb):
    row, col = _cells(x, y)
    rr, cc = np.indices(GRID.shape)
    out = np.zeros(GRID.shape)
    for r, c, ti in zip(row, col, t, strict=True):
        if ti >= at:
            continue
        weeks = np.floor((at - ti) / 7.0)
        if weeks >= tb:
            continue
        d = np.maximum(np.abs(rr - r), np.abs(cc - c))
        out += np.where(d < s, 1.0 / ((1 + d) * (1 + weeks)), 0.0)
    return out


@pytest.mark.parametrize(("s", "tb"), [(1, 1), (3, 4), (8, 8)])
def test_prospective_hotspot_equals_the_direct_sum(s, tb):
    x, y, t = _events(seed=2)
    m = ProspectiveHotspot(space_bandwidth=s, time_bandwidth=tb).fit(x, y, t, GRID, end=90)
    assert_allclose(m.predict(), _prospective_reference(x, y, t, 90, s, tb), rtol=1e-9, atol=1e-12)
    # Predicting later, without refitting, ages the same events.
    past = t < 90
    assert_allclose(
        m.predict(at=95),
        _prospective_reference(x[past], y[past], t[past], 95, s, tb),
        rtol=1e-9,
        atol=1e-12,
    )


def test_prospective_bandwidths_are_strict():
    # One event 8 weeks old exactly, and one at L-infinity distance 2 with bandwidth 2.
    m = ProspectiveHotspot(space_bandwidth=2, time_bandwidth=8).fit([50], [50], [0.0], GRID, end=56)
    assert m.predict().sum() == 0.0
    risk = ProspectiveHotspot(space_bandwidth=2).fit([50], [50], [0.0], GRID, end=1).predict()
    assert risk[0, 0] == 1.0 and risk[1, 1] == 0.5 and risk[2, 2] == 0.0 and risk[0, 2] == 0.0


def _simulate_grid_hawkes(mu, theta, omega, days, grid, seed):
    rng = np.random.default_rng(seed)
    n_cells = grid.n_rows * grid.n_cols
    cells, times = [], []
    n_bg = rng.poisson(mu * days * n_cells)
    queue = list(zip(rng.integers(0, n_cells, n_bg), rng.uniform(0, days, n_bg), strict=True))
    while queue:
        c, ti = queue.pop()
        cells.append(c)
        times.append(ti)
        for _ in range(rng.poisson(theta)):
            child = ti + rng.exponential(1 / omega)
            if child < days:
                queue.append((c, child))
    cells_a = np.array(cells)
    row, col = np.divmod(cells_a, grid.n_cols)
    x = grid.x0 + (col + rng.uniform(0, 1, cells_a.size)) * grid.cell_size
    y = grid.y0 + (row + rng.uniform(0, 1, cells_a.size)) * grid.cell_size
    return x, y, np.array(times)


def test_grid_etas_em_recovers_simulated_parameters():
    grid = Grid(0.0, 0.0, 100.0, 10, 10)
    x, y, t = _simulate_grid_hawkes(0.02, 0.4, 0.5, 1000.0, grid, seed=11)
    m = GridSEPP(window_days=1000, background="cell").fit(x, y, t, grid, end=1000)
    assert m.theta_ == pytest.approx(0.4, abs=0.08)
    assert m.omega_ == pytest.approx(0.5, rel=0.3)
    assert m.mu_.mean() == pytest.approx(0.02, rel=0.2)
    assert m.n_iter_ <= 200


def test_grid_etas_score_is_the_horizon_integral():
    grid = Grid(0.0, 0.0, 100.0, 10, 10)
    x, y, t = _simulate_grid_hawkes(0.02, 0.4, 0.5, 300.0, grid, seed=3)
    m = GridSEPP(window_days=300, background="cell").fit(x, y, t, grid, end=300)
    at, horizon = 303.0, 7.0
    cutoff = 10.0 / m.omega_
    flat = (np.floor(y / 100) * 10 + np.floor(x / 100)).astype(int)
    expected = m.mu_.ravel() * horizon
    for c, ti in zip(flat, t, strict=True):
        a = at - ti
        if a < cutoff:
            hi = min(a + horizon, cutoff)
            expected[c] += m.theta_ * (np.exp(-m.omega_ * a) - np.exp(-m.omega_ * hi))
    assert_allclose(m.predict(at=at, horizon_days=horizon).ravel(), expected, rtol=1e-10)


def test_sepp_mixture_background_weights_form_a_distribution():
    x, y, t = _events(n=600, days=200, seed=4)
    m = GridSEPP(window_days=120).fit(x, y, t, GRID, end=200)
    assert m.weights_.shape == (7,)
    assert np.all(m.weights_ >= 0) and m.weights_.sum() == pytest.approx(1.0)
    risk = m.predict(horizon_days=7)
    assert risk.shape == GRID.shape and np.all(risk >= 0)
    # The background part of the forecast holds the expected background events of the horizon.
    trigger_free = GridSEPP(window_days=120, trigger_cutoff=1e-9).fit(x, y, t, GRID, end=200)
    assert trigger_free.predict(horizon_days=7).sum() == pytest.approx(
        trigger_free.mu_.sum() * 7, rel=1e-9
    )


def test_fit_returns_self_and_learned_attributes_end_in_underscore():
    x, y, t = _events()
    for model in (NaiveCounts(), RetrospectiveKDE(), ProspectiveHotspot(), GridSEPP()):
        assert model.fit(x, y, t, GRID, end=100) is model
        learned = [k for k in vars(model) if k.endswith("_") and not k.startswith("_")]
        assert "grid_" in learned and "end_" in learned


def test_events_at_or_after_end_never_change_the_forecast():
    x, y, t = _events(n=400, days=150, seed=6)
    past = t < 100
    for make in (
        lambda: NaiveCounts(seed=1),
        RetrospectiveKDE,
        ProspectiveHotspot,
        lambda: GridSEPP(window_days=90),
    ):
        full = make().fit(x, y, t, GRID, end=100).predict(at=100)
        only_past = make().fit(x[past], y[past], t[past], GRID, end=100).predict(at=100)
        assert_allclose(full, only_past)


def test_predicting_before_the_end_of_training_is_refused():
    x, y, t = _events()
    m = RetrospectiveKDE().fit(x, y, t, GRID, end=100)
    with pytest.raises(InputError, match="look ahead"):
        m.predict(at=99)
    with pytest.raises(InputError, match="horizon_days"):
        m.predict(horizon_days=0)
    with pytest.raises(InputError, match="fit"):
        RetrospectiveKDE().predict()


def test_bad_inputs_are_refused_with_a_sentence():
    with pytest.raises(InputError, match="no events"):
        NaiveCounts().fit([], [], [], GRID)
    with pytest.raises(InputError, match="same length"):
        NaiveCounts().fit([1, 2], [1], [1, 2], GRID)
    with pytest.raises(InputError, match="training window"):
        NaiveCounts(window_days=10).fit([50], [50], [0.0], GRID, end=50)
    with pytest.raises(InputError, match="window_days"):
        NaiveCounts(window_days=0)
    with pytest.raises(InputError, match="background"):
        GridSEPP(background="kde")
    with pytest.raises(InputError, match="Grid"):
        NaiveCounts().fit([50], [50], [0.0], "grid")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="at least 1"):
        ProspectiveHotspot(space_bandwidth=0)
