"""Emerging and persistent hotspots (sfhotspot ``hotspot_classify``), Mann–Kendall (§4)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

from samtrygg.analysis.emerging import (
    auto_period,
    hotspot_classify,
    hotspot_cube,
    mann_kendall,
    time_periods,
)
from samtrygg.analysis.errors import InputError
from samtrygg.analysis.geo import Grid, to_metric
from samtrygg.analysis.hotspots import distance_weights, gi_star
from tests.datafiles import data_file


@pytest.mark.parametrize(
    ("span", "expected"),
    [(0, (1, "days")), (14, (1, "days")), (14.5, (7, "days")), (91, (7, "days")),
     (92, (28, "days")), (732, (28, "days")), (733, (91, "days")), (3653, (91, "days")),
     (3654, (1, "years")), (7306, (1, "years")), (7400, (740, "days"))],
)  # fmt: skip
def test_automatic_period_follows_sfhotspot(span: float, expected: tuple[int, str]) -> None:
    assert auto_period(span) == expected


def test_periods_start_at_the_first_date_and_keep_the_remainder() -> None:
    t = np.array(["2019-01-01T10:00", "2019-01-28T23:00", "2019-01-29", "2019-02-27"], "M8[s]")
    p = time_periods(t, length=28)
    assert p.index.tolist() == [0, 0, 1, 2]
    assert p.starts.astype(str).tolist() == ["2019-01-01", "2019-01-29", "2019-02-26"]
    collapsed = time_periods(t, length=28, collapse=True)
    assert collapsed.index.tolist() == [0, 0, 1, 1] and collapsed.n_periods == 2


def _sig_cube(pattern: list[int], t: int = 10) -> np.ndarray:
    """A (t, 7, 7) cube whose centre cell is a strong hotspot in the listed periods."""
    cube = np.ones((t, 7, 7))
    cube[:, 0, 0] = 2  # keeps every period non-constant
    for k in pattern:
        cube[k, 2:5, 2:5] = 30
    return cube


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        (range(10), "persistent hotspot"),
        ([8, 9], "emerging hotspot"),  # r = 2, recent = periods 7..9 (r + 1 columns) / 2
        ([7], "intermittent hotspot"),  # period 8 of 10 counts as older and (quirk) recent
        ([0, 1, 2], "former hotspot"),
        ([1, 4, 8], "intermittent hotspot"),
        ([], "no pattern"),
    ],
)
def test_categories_follow_the_first_matching_rule(periods: list[int], expected: str) -> None:
    res = hotspot_classify(_sig_cube(list(periods)))
    assert res.recent_periods == 2
    assert res.grid("categories")[3, 3] == expected


def test_compatibility_mode_is_the_r_plus_one_quirk() -> None:
    quirk = hotspot_classify(_sig_cube([7]))
    plain = hotspot_classify(_sig_cube([7]), compatibility=False)
    assert quirk.grid("recent_hot")[3, 3] == 0.5
    assert quirk.grid("categories")[3, 3] == "intermittent hotspot"
    assert plain.grid("recent_hot")[3, 3] == 0.0
    assert plain.grid("categories")[3, 3] == "former hotspot"


def test_holm_across_periods_and_coldspot_twins() -> None:
    cube = np.full((5, 9, 9), 6.0)
    cube[:, 0:3, 0:3] = 0  # a persistent coldspot corner
    cube[:, 8, 8] = 7
    res = hotspot_classify(cube)
    assert res.grid("categories")[0, 0] == "persistent coldspot"
    for i in (0, 40):
        assert_allclose(res.p_adjusted[:, i], _holm(res.p_values[:, i]))


def _holm(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p)
    adj = np.maximum.accumulate(np.minimum(1, p[order] * (p.size - np.arange(p.size))))
    out = np.empty_like(p)
    out[order] = adj
    return out


def test_an_empty_period_is_left_out_not_invented() -> None:
    cube = _sig_cube(list(range(10)))
    cube[4] = 0
    res = hotspot_classify(cube)
    assert np.all(np.isnan(res.z_scores[4]))
    assert not res.sig_hot[4].any()
    assert res.grid("categories")[3, 3] == "persistent hotspot"  # 9 of 10 ≥ 0.8


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(InputError, match="at least 2 periods"):
        hotspot_classify(np.ones((1, 4, 4)))
    with pytest.raises(InputError, match="critical_p"):
        hotspot_classify(_sig_cube([1]), critical_p=0)
    with pytest.raises(InputError, match="weights"):
        hotspot_classify(np.ones((3, 10)))


def test_mann_kendall_by_hand_and_against_kendall_tau() -> None:
    x = np.array([3.0, 1, 4, 1, 5, 9, 2, 6])
    res = mann_kendall(x)
    s = sum(np.sign(x[j] - x[i]) for i in range(8) for j in range(i + 1, 8))
    assert res.s == s == 11
    # one tie group of size 2: [8·7·21 − 2·1·9]/18 = 64.333…
    assert res.var_s == pytest.approx((8 * 7 * 21 - 18) / 18)
    assert res.z == pytest.approx((11 - 1) / np.sqrt(res.var_s))
    assert res.p_value == pytest.approx(2 * stats.norm.sf(res.z))
    assert res.tau == pytest.approx(stats.kendalltau(np.arange(8), x).statistic)
    assert mann_kendall([1.0, 1.0, 1.0]).z == 0.0


# ------------------------------------------------------------------ Memphis golden test (§12)


def _memphis() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    path = data_file("crime_points/memphis_robberies_2019.csv")
    frame = pl.read_csv(path)
    x, y, crs = to_metric(frame["longitude"].to_numpy(), frame["latitude"].to_numpy(), crs=32615)
    assert crs == 32615
    times = np.array(
        [np.datetime64(t.replace("+00:00", "").replace(" ", "T"), "s") for t in frame["date"]]
    )
    return x, y, times


def test_memphis_periods_match_sfhotspot() -> None:
    x, y, times = _memphis()
    periods = time_periods(times)
    assert (periods.length, periods.unit, periods.n_periods) == (28, "days", 14)
    counts = np.bincount(periods.index, minlength=14).tolist()
    assert counts == [194, 151, 119, 144, 165, 214, 213, 173, 195, 209, 154, 129, 181, 4]
    assert str(periods.starts[-1]) == "2019-12-31"


def test_memphis_gi_star_equals_esda_with_distance_band_neighbours() -> None:
    from esda.getisord import G_Local
    from libpysal.weights import DistanceBand

    x, y, times = _memphis()
    periods = time_periods(times)
    grid = Grid.covering(x, y, 500.0, origin="bbox", crs=32615)
    cube = hotspot_cube(x, y, periods, grid)
    cx, cy = grid.centres()
    nb_dist = 500 * np.sqrt(2) * (1 + 1e-9)  # the diagonal neighbour lies exactly at 500√2
    w = distance_weights(cx.ravel(), cy.ravel(), nb_dist)
    band = DistanceBand(np.column_stack([cx.ravel(), cy.ravel()]), threshold=nb_dist, binary=True)
    for k in (0, 6, 13):
        theirs = G_Local(cube[k].ravel().astype(float), band, transform="B", star=True,
                         permutations=0)  # fmt: skip
        ours = gi_star(cube[k].astype(float), w, permutations=0)
        assert_allclose(ours.z_scores, theirs.Zs, rtol=1e-10, atol=1e-10)
        on_grid = gi_star(cube[k].astype(float), permutations=0)
        assert_allclose(on_grid.z_scores, ours.z_scores, rtol=1e-12, atol=1e-12)
    res = hotspot_classify(cube, w)
    assert res.recent_periods == 2
    assert set(np.unique(res.categories)) <= {
        "no pattern", "mixed hot/coldspot",
        *(f"{kind} {side}" for kind in ("persistent", "emerging", "former", "intermittent")
          for side in ("hotspot", "coldspot")),
    }  # fmt: skip
    assert np.sum(res.categories != "no pattern") > 0
    assert_array_equal(res.z_scores.shape, (14, grid.n_rows * grid.n_cols))
