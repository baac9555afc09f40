"""Rolling-origin backtest: origins, no look-ahead, bootstrap, validation, Chicago quality."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from samtrygg.analysis import backtest as bt
from samtrygg.analysis.backtest import (
    block_bootstrap_ci,
    grid_offset_sensitivity,
    rolling_origin_backtest,
)
from samtrygg.analysis.errors import InputError
from tests.datafiles import data_file


def _clustered(n: int = 1500, days: float = 160.0, seed: int = 0):
    """Events around a few fixed hotspots, so forecasts beat chance."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(200, 1800, size=(6, 2))
    which = rng.integers(0, 6, n)
    hot = rng.random(n) < 0.7
    x = np.where(hot, centres[which, 0] + rng.normal(0, 60, n), rng.uniform(0, 2000, n))
    y = np.where(hot, centres[which, 1] + rng.normal(0, 60, n), rng.uniform(0, 2000, n))
    return np.clip(x, 0, 2000), np.clip(y, 0, 2000), rng.uniform(0, days, n)


KW = {"cell_size": 100.0, "train_days": 56.0, "start": 60.0, "end": 160.0, "n_boot": 200}


def test_origins_step_from_start_and_every_test_window_ends_by_end():
    x, y, t = _clustered()
    r = rolling_origin_backtest(x, y, t, methods=["naive"], **KW)
    # 60 + 13 * 7 + 7 = 158 <= 160, but 60 + 14 * 7 + 7 = 165 > 160.
    assert r.origins.tolist() == [60.0 + 7 * k for k in range(14)]
    assert r.folds["naive"]["pai"].shape == (14, 5)


def test_every_model_is_fitted_on_the_past_only(monkeypatch):
    seen = []
    real = bt.make_model

    class Spy:
        def __init__(self, inner):
            self.inner = inner

        def fit(self, x, y, t, grid, *, end=None):
            seen.append((float(np.max(t)), float(end)))
            self.inner.fit(x, y, t, grid, end=end)
            return self

        def predict(self, at=None, horizon_days=7.0):
            return self.inner.predict(at, horizon_days)

    monkeypatch.setattr(bt, "make_model", lambda *a, **k: Spy(real(*a, **k)))
    x, y, t = _clustered()
    rolling_origin_backtest(x, y, t, methods=["naive", "sepp"], **KW)
    assert len(seen) == 2 * 14
    assert all(latest < end for latest, end in seen)


def test_events_after_the_last_window_do_not_change_the_result():
    x, y, t = _clustered(days=160)
    a = rolling_origin_backtest(x, y, t, methods=["naive", "kde"], **KW)
    x2, y2, t2 = _clustered(n=300, days=40, seed=9)
    b = rolling_origin_backtest(
        np.r_[x, x2], np.r_[y, y2], np.r_[t, t2 + 160.0], methods=["naive", "kde"], **KW
    )
    for name in ("naive", "kde"):
        assert_allclose(a.folds[name]["pai"], b.folds[name]["pai"])


def test_summaries_bracket_the_means_and_naive_is_its_own_yardstick():
    x, y, t = _clustered()
    r = rolling_origin_backtest(x, y, t, methods=["naive", "kde", "prospective", "sepp"], **KW)
    for name in r.methods:
        for metric in ("hit_rate", "pai", "pei_star"):
            mean, ci = r.mean[name][metric], r.ci[name][metric]
            assert np.all(ci[:, 0] <= mean + 1e-12) and np.all(mean <= ci[:, 1] + 1e-12)
        assert np.all(np.diff(r.mean[name]["hit_rate"]) >= 0)  # monotone in coverage
    assert_allclose(r.pai_ratio["naive"], 1.0)
    d = r.to_dict()
    assert d["folds"] == 14
    entry = d["methods"]["sepp"]["coverage"]["5"]
    assert {"hit_rate", "pai", "pei_star", "hit_rate_ci", "pai_ci", "pei_star_ci"} <= set(entry)
    assert len(entry["pai_ci"]) == 2


def test_results_are_reproducible_with_the_seed():
    x, y, t = _clustered()
    a = rolling_origin_backtest(x, y, t, methods=["naive"], seed=3, **KW)
    b = rolling_origin_backtest(x, y, t, methods=["naive"], seed=3, **KW)
    assert_allclose(a.folds["naive"]["pai"], b.folds["naive"]["pai"])
    assert_allclose(a.ci["naive"]["pai"], b.ci["naive"]["pai"])


def test_block_bootstrap_interval_covers_the_mean_and_narrows_with_more_data():
    rng = np.random.default_rng(0)
    small = block_bootstrap_ci(rng.normal(1.0, 1.0, 30), seed=1)
    large = block_bootstrap_ci(rng.normal(1.0, 1.0, 3000), seed=1)
    assert small[0] < 1.0 < small[1] or large[0] < 1.0 < large[1]
    assert large[1] - large[0] < small[1] - small[0]
    with pytest.raises(InputError, match="no origins"):
        block_bootstrap_ci([])


def test_grid_offset_sensitivity_reports_four_grids_and_a_spread():
    x, y, t = _clustered()
    kw = {k: v for k, v in KW.items() if k != "n_boot"}
    s = grid_offset_sensitivity(x, y, t, methods=["naive", "kde"], **kw)
    assert [o for o in s.offsets] == [(0.0, 0.0), (50.0, 0.0), (0.0, 50.0), (50.0, 50.0)]
    assert len(s.results) == 4
    assert np.all(s.spread["kde"]["pai"] >= 0)
    assert s.results[1].grid.x0 == s.results[0].grid.x0 - 50.0
    assert set(s.to_dict()["methods"]) == {"naive", "kde"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": 100.0, "end": 90.0}, "must come after"),
        ({"horizon_days": 0.0}, "horizon_days"),
        ({"step_days": -7.0}, "step_days"),
        ({"start": 30.0}, "training data"),
        ({"end": 400.0}, "data end"),
        ({"end": 63.0}, "shorter than the horizon"),
        ({"methods": ["naive", "oracle"]}, "Unknown method"),
        ({"methods": ["naive", "naive"]}, "twice"),
        ({"methods": []}, "empty"),
        ({"coverages": [0.0, 0.05]}, "coverage"),
        ({"coverages": [5]}, "coverage"),
    ],
)
def test_bad_arguments_are_refused_with_a_sentence(change, message):
    x, y, t = _clustered()
    kw = {**KW, "methods": ["naive"], **change}
    with pytest.raises(InputError, match=message):
        rolling_origin_backtest(x, y, t, **kw)


def test_no_events_before_start_is_refused():
    x, y, t = _clustered()
    keep = (t < 4) | (t >= 60)
    with pytest.raises(InputError, match="no events"):
        rolling_origin_backtest(
            x[keep],
            y[keep],
            np.where(t[keep] < 4, 0.0, t[keep]),
            methods=["naive"],
            **{**KW, "train_days": 50.0},
        )


def test_empty_input_is_refused():
    with pytest.raises(InputError, match="no events"):
        rolling_origin_backtest([], [], [], methods=["naive"], **KW)


@pytest.mark.slow
def test_chicago_best_method_beats_the_one_year_count_by_ten_per_cent():
    """Forecast quality on Chicago burglary: train on 2014-2015, test weekly over 2016-2017."""
    from samtrygg.analysis.io import read_events

    path = data_file("crime_points/chicago_burglary_2014_2017.csv")
    ev = read_events(path, crs="EPSG:26971")
    r = rolling_origin_backtest(
        ev.x, ev.y, ev.times, start="2016-01-01", end="2018-01-01", methods=["naive", "sepp"],
        cell_size=150.0, coverages=[0.01, 0.05], n_boot=200, seed=12345,
    )  # fmt: skip
    assert r.origins.size == 104
    ratio = r.pai_ratio["sepp"]
    assert ratio[0] >= 1.1, ratio
    assert ratio[1] >= 1.1, ratio
