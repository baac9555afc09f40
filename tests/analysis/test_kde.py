"""KDE on grids: FFT against the exact sum, bandwidth references, dual KDE.

See docs/methods-reference.md §2.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from numpy.testing import assert_allclose
from scipy.stats import gaussian_kde

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.geo import Grid
from samtrygg.analysis.kde import (
    bandwidth_nrd,
    dual_kde,
    kde,
    kernel_values,
    select_bandwidth,
)
from tests.datafiles import data_file

KERNELS = ["quartic", "quartic_unscaled", "gaussian"]


@pytest.fixture(scope="module")
def chicago_2014() -> tuple[np.ndarray, np.ndarray]:
    path = data_file("crime_points/chicago_burglary_2014_2017.csv")
    frame = pl.read_csv(path).filter(pl.col("date_single").str.ends_with("/2014"))
    assert frame.height == 12_334
    return frame.get_column("x").to_numpy(), frame.get_column("y").to_numpy()


def _clustered(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.uniform(1000, 9000, (8, 2))
    pick = rng.integers(0, 8, n)
    pts = centres[pick] + rng.normal(0, 400, (n, 2))
    return pts[:, 0], pts[:, 1]


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("h", [350.0, 400.0, 1000.0])
def test_fft_equals_direct_on_centre_snapped_points(kernel, h):
    x, y = _clustered(3000, seed=1)
    grid = Grid(0.0, 0.0, 100.0, 100, 100)
    row, col = grid.cell_of(x, y)
    keep = grid.inside(row, col)
    cx, cy = grid.centres()
    sx, sy = cx[row[keep], col[keep]], cy[row[keep], col[keep]]
    direct = kde(sx, sy, grid, bandwidth=h, kernel=kernel, method="direct").values
    fft = kde(sx, sy, grid, bandwidth=h, kernel=kernel, method="fft", bin_factor=1).values
    assert np.abs(fft - direct).max() <= 1e-12 * direct.max()


@pytest.mark.parametrize("kernel", KERNELS)
def test_fft_on_raw_points_is_within_one_percent_of_the_maximum(kernel):
    x, y = _clustered(3000, seed=2)
    grid = Grid(0.0, 0.0, 100.0, 100, 100)
    direct = kde(x, y, grid, bandwidth=400.0, kernel=kernel, method="direct").values
    fft = kde(x, y, grid, bandwidth=400.0, kernel=kernel, method="fft", bin_factor=4).values
    assert np.abs(fft - direct).max() <= 0.01 * direct.max()


def test_fft_matches_direct_on_chicago_2014(chicago_2014):
    x, y = chicago_2014
    grid = Grid.covering(x, y, 100.0, crs=26971)
    direct = kde(x, y, grid, bandwidth=400.0, method="direct").values
    fft = kde(x, y, grid, bandwidth=400.0, method="fft").values
    assert np.abs(fft - direct).max() <= 0.01 * direct.max()


def test_points_outside_the_grid_still_contribute_within_h():
    grid = Grid(0.0, 0.0, 100.0, 3, 3)
    x, y = [-120.0], [150.0]  # left of the grid, 170 m from the first column's centre
    direct = kde(x, y, grid, bandwidth=300.0, method="direct").values
    fft = kde(x, y, grid, bandwidth=300.0, method="fft").values
    assert direct[1, 0] > 0
    assert_allclose(fft, direct, atol=0.01 * direct.max())


def test_chicago_2014_nrd_bandwidth_reference_values(chicago_2014):
    x, y = chicago_2014
    assert bandwidth_nrd(x) == pytest.approx(3231, abs=1.0)
    assert bandwidth_nrd(y) == pytest.approx(6547, abs=1.0)
    ours = select_bandwidth(x, y, "nrd")
    assert ours.h == pytest.approx((ours.hx + ours.hy) / 2)
    sfhotspot = select_bandwidth(x, y, "nrd-sfhotspot")
    assert sfhotspot.h == pytest.approx(ours.hx)
    assert sfhotspot.rule == "nrd-sfhotspot"
    result = kde(x, y, Grid.covering(x, y, 500.0, crs=26971), bandwidth="nrd-sfhotspot")
    assert result.bandwidth.h == pytest.approx(3231, abs=1.0)
    assert result.bandwidth.rule == "nrd-sfhotspot"


def test_bandwidth_adjust_multiplies_h():
    x, y = _clustered(500, seed=3)
    assert select_bandwidth(x, y, "nrd", adjust=0.5).h == pytest.approx(
        0.5 * select_bandwidth(x, y, "nrd").h
    )
    assert select_bandwidth(x, y, 200.0, adjust=2.0).h == 400.0


def test_scott_rule_matches_scipy_gaussian_kde():
    x, y = _clustered(800, seed=4)
    ref = gaussian_kde(np.vstack([x, y]))  # bandwidth "scott": covariance × n^(-1/3)
    sd = np.sqrt(np.diag(ref.covariance))
    quartic = select_bandwidth(x, y, "scott")
    assert_allclose([quartic.hx, quartic.hy], math.sqrt(8.0) * sd, rtol=1e-12)
    gauss = select_bandwidth(x, y, "scott", kernel="gaussian")
    assert_allclose([gauss.hx, gauss.hy], 3.0 * sd, rtol=1e-12)


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
def test_scaled_kernels_integrate_to_n_away_from_edges(kernel):
    rng = np.random.default_rng(5)
    x, y = rng.uniform(4000, 6000, 200), rng.uniform(4000, 6000, 200)
    grid = Grid(0.0, 0.0, 25.0, 400, 400)
    r = kde(x, y, grid, bandwidth=300.0, kernel=kernel, method="fft", bin_factor=1)
    assert r.values.sum() * 25.0**2 == pytest.approx(200, rel=0.01)
    assert r.per_km2.max() == pytest.approx(r.values.max() * 1e6)


def test_kernel_definitions():
    h = 100.0
    assert kernel_values(0.0, h, "quartic") == pytest.approx(3 / (math.pi * h * h))
    assert kernel_values(h, h, "quartic") == 0.0
    sigma = h / 3
    g0 = 1 / (2 * math.pi * sigma**2 * (1 - math.exp(-4.5)))
    assert kernel_values(0.0, h, "gaussian") == pytest.approx(g0)
    assert kernel_values(h + 1, h, "gaussian") == 0.0
    with pytest.raises(InputError, match="kernel"):
        kernel_values(1.0, h, "epanechnikov")  # type: ignore[arg-type]


def test_weights_scale_the_surface():
    grid = Grid(0.0, 0.0, 100.0, 5, 5)
    one = kde([250.0], [250.0], grid, bandwidth=200.0).values
    three = kde([250.0], [250.0], grid, bandwidth=200.0, weights=[3.0]).values
    assert_allclose(three, 3 * one)


def test_edge_correction_lifts_cells_near_the_border_only():
    grid = Grid(0.0, 0.0, 100.0, 40, 40)
    rng = np.random.default_rng(6)
    x, y = rng.uniform(0, 4000, 4000), rng.uniform(0, 4000, 4000)
    plain = kde(x, y, grid, bandwidth=400.0)
    corrected = kde(x, y, grid, bandwidth=400.0, edge_correction=True)
    assert corrected.edge_corrected and not plain.edge_corrected
    # A corner cell loses about three quarters of its kernel to the outside.
    assert corrected.values[0, 0] / plain.values[0, 0] > 2.5
    assert_allclose(corrected.values[20, 20], plain.values[20, 20], rtol=1e-9)


def test_mask_blanks_cells_outside_the_study_area():
    grid = Grid(0.0, 0.0, 100.0, 4, 4)
    mask = np.ones(grid.shape, bool)
    mask[0, 0] = False
    r = kde([150.0], [150.0], grid, bandwidth=200.0, mask=mask)
    assert np.isnan(r.values[0, 0]) and np.isfinite(r.values[1, 1])


@pytest.mark.parametrize("method", ["fft", "direct"])
def test_dual_kde_recovers_a_constant_rate(method):
    grid = Grid(0.0, 0.0, 100.0, 20, 20)
    pop = np.random.default_rng(7).integers(0, 300, grid.shape).astype(float)
    cx, cy = grid.centres()
    # One event per hundred residents, placed at the cell centres as weighted events.
    r = dual_kde(cx.ravel(), cy.ravel(), grid, pop, bandwidth=250.0, method=method,
                 weights=0.01 * pop.ravel(), min_denominator=50.0)  # fmt: skip
    ok = ~r.masked
    assert ok.sum() > 300
    assert_allclose(r.rate[ok], 0.01, rtol=1e-9)
    assert np.isnan(r.rate[r.masked]).all()


def test_dual_kde_masks_small_denominators():
    grid = Grid(0.0, 0.0, 100.0, 3, 1)
    pop = np.array([[1000.0, 10.0, 0.0]])
    r = dual_kde([50.0, 150.0], [50.0, 50.0], grid, pop, bandwidth=100.0, method="direct")
    assert r.masked.tolist() == [[False, True, True]]
    assert r.weighted_denominator[0, 0] == pytest.approx(1000.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda g: kde([1.0], [1.0, 2.0], g, bandwidth=100.0), "one y per x"),
        (lambda g: kde([], [], g, bandwidth=100.0), "no points"),
        (lambda g: kde([np.nan], [1.0], g, bandwidth=100.0), "not finite"),
        (lambda g: kde([1.0], [1.0], g, bandwidth=-5.0), "positive number of metres"),
        (lambda g: kde([1.0], [1.0], g, bandwidth="silverman"), "one of"),
        (lambda g: kde([1.0, 1.0], [1.0, 1.0], g), "no spread"),
        (lambda g: kde([1.0], [1.0], g, bandwidth=100.0, method="slow"), "method"),
        (lambda g: kde([1.0], [1.0], g, bandwidth=100.0, bin_factor=0), "bin_factor"),
        (lambda g: kde([1.0], [1.0], g, bandwidth=100.0, weights=[-1.0]), "weights"),
        (lambda g: kde([1.0], [1.0], g, bandwidth=100.0, mask=np.ones((2, 2))), "mask"),
        (lambda g: dual_kde([1.0], [1.0], g, np.ones((2, 2)), bandwidth=1.0), "denominator"),
        (lambda g: kde([1.0], [1.0], g, bandwidth=100.0, bandwidth_adjust=0), "adjust"),
    ],
)
def test_kde_refuses_bad_input(call, message):
    with pytest.raises(InputError, match=message):
        call(Grid(0.0, 0.0, 100.0, 3, 3))


def test_unscaled_quartic_has_no_density_units():
    r = kde([150.0], [150.0], Grid(0.0, 0.0, 100.0, 3, 3), bandwidth=100.0,
            kernel="quartic_unscaled")  # fmt: skip
    with pytest.raises(InputError, match="weighted counts"):
        _ = r.per_km2
