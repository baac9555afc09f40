"""Count series, the annual cycle and count-change tests (docs/methods-reference.md §5, §12)."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.trends import (
    annual_cycle,
    aoristic_hour_weights,
    binomial_test,
    compare_counts,
    compare_periods,
    count_series,
    etest,
    exceedance_probability,
    poisson_ci,
    poisson_z,
    seasonal_trend,
    to_local_time,
)
from tests.datafiles import data_file


def _dates(*values: str) -> np.ndarray:
    return np.array(values, dtype="datetime64[s]")


@pytest.fixture(scope="module")
def chicago_days() -> np.ndarray:
    path = data_file("crime_points/chicago_burglary_2014_2017.csv")
    frame = pl.read_csv(path, columns=["date_single"])
    dates = frame.get_column("date_single").str.to_date("%d/%m/%Y")
    return dates.to_numpy().astype("datetime64[s]")


# --------------------------------------------------------------------------- count series


def test_count_series_zero_fills_missing_weeks_and_groups():
    t = _dates("2024-01-01", "2024-01-03", "2024-01-22T23:00")  # Mondays 1 and 22 January
    s = count_series(t, ["a", "b", "a"], period="week")
    assert s.labels() == ["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"]
    assert s.groups == ("a", "b")
    assert s.counts.tolist() == [[1, 0, 0, 1], [1, 0, 0, 0]]
    assert s.days.tolist() == [7, 7, 7, 7]
    # The window ends on Monday 22 January, so that week is incomplete.
    assert s.complete.tolist() == [True, True, True, False]
    assert s.last_complete() == 2


def test_weeks_start_on_monday_whatever_the_first_event():
    s = count_series(_dates("2024-01-07", "2024-01-08"), period="week")  # a Sunday, a Monday
    assert s.labels() == ["2024-01-01", "2024-01-08"]
    assert s.counts.tolist() == [[1, 1]]


def test_months_have_their_lengths_as_exposure():
    s = count_series(_dates("2024-01-01", "2024-03-31"), period="month")
    assert s.days.tolist() == [31, 29, 31]
    assert s.complete.all()


def test_window_drops_events_outside_it():
    s = count_series(_dates("2023-12-31", "2024-01-05"), period="month", start="2024-01-01")
    assert s.labels() == ["2024-01"] and s.counts.tolist() == [[1]]


def test_blank_groups_get_a_label():
    s = count_series(_dates("2024-01-01", "2024-01-02"), ["", None], period="month")
    assert s.groups == ("(blank)",) and s.counts.tolist() == [[2]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"times": np.array([], dtype="datetime64[s]")}, "empty"),
        ({"times": _dates("2024-01-01"), "groups": ["a", "b"]}, "one group per event"),
        ({"times": _dates("2024-01-01"), "period": "year"}, "'week' or 'month'"),
        ({"times": np.array(["2024-01-01", "NaT"], dtype="datetime64[s]")}, "missing"),
        ({"times": _dates("2024-01-01"), "start": "2024-02-01", "end": "2024-01-01"}, "before"),
    ],
)
def test_count_series_refuses_bad_input(kwargs, message):
    with pytest.raises(InputError, match=message):
        count_series(**kwargs)


def test_chicago_2014_monthly_counts(chicago_days):
    s = count_series(chicago_days, period="month", start="2014-01-01", end="2014-12-31")
    assert s.counts[0].tolist() == [
        959,
        764,
        910,
        955,
        1038,
        1052,
        1153,
        1167,
        1085,
        1140,
        956,
        1155,
    ]
    assert int(s.counts.sum()) == 12_334


def test_chicago_weekday_counts_all_years(chicago_days):
    cycle = annual_cycle(chicago_days)
    assert cycle.weekday_counts.tolist() == [6944, 6729, 6978, 6825, 7357, 5556, 4930]
    assert int(cycle.month_counts.sum()) == 45_319
    assert not cycle.times_of_day  # dates only: no hour profile
    # 2014-01-01 .. 2017-12-31: 1,461 days, 208 or 209 of each weekday.
    assert int(cycle.weekday_days.sum()) == 1461
    assert set(cycle.weekday_days.tolist()) <= {208, 209}


def test_memphis_weekday_counts_in_local_time():
    path = data_file("crime_points/memphis_robberies_2019.csv")
    frame = pl.read_csv(path, columns=["date"])
    utc = (
        frame.get_column("date")
        .str.to_datetime("%Y-%m-%d %H:%M:%S%z")
        .dt.replace_time_zone(None)
        .to_numpy()
        .astype("datetime64[s]")
    )
    monthly = count_series(utc, period="month")
    assert monthly.counts[0].tolist() == [
        206,
        154,
        127,
        162,
        202,
        232,
        214,
        209,
        219,
        182,
        146,
        192,
    ]
    local = to_local_time(utc, "America/Chicago")
    cycle = annual_cycle(local)
    assert cycle.weekday_counts.tolist() == [346, 279, 312, 292, 376, 340, 300]


def test_to_local_time_refuses_unknown_zones():
    with pytest.raises(InputError, match="time zone"):
        to_local_time(_dates("2024-01-01"), "Mars/Olympus")


# --------------------------------------------------------------------------- annual cycle


def test_month_rates_are_normalised_by_days():
    # 31 events in January and 29 in February 2024: one a day, so equal rates of 30.44.
    jan = np.arange("2024-01-01", "2024-02-01", dtype="datetime64[D]")
    feb = np.arange("2024-02-01", "2024-03-01", dtype="datetime64[D]")
    t = np.concatenate([jan, feb]).astype("datetime64[s]")
    cycle = annual_cycle(t)
    assert cycle.month_counts[:2].tolist() == [31, 29]
    assert cycle.month_days[:2].tolist() == [31, 29]
    assert_allclose(cycle.month_rates[:2], [30.44, 30.44])
    assert_allclose(cycle.month_ratio[:2], [1.0, 1.0])
    assert np.isnan(cycle.month_rates[2])  # March is outside the window


def test_rate_ratio_intervals_are_exact_poisson_intervals():
    t = np.repeat(_dates("2024-01-01"), 10)  # ten events on a Monday
    cycle = annual_cycle(t, start="2024-01-01", end="2024-01-14")
    lo, hi = poisson_ci([10])
    expected = 2 * 10 / 14  # two Mondays at the window's daily rate
    assert_allclose(cycle.weekday_ci_low[0], lo[0] / expected)
    assert_allclose(cycle.weekday_ci_high[0], hi[0] / expected)
    assert cycle.weekday_ci_low[0] < cycle.weekday_ratio[0] < cycle.weekday_ci_high[0]


def test_poisson_ci_matches_known_garwood_values():
    lo, hi = poisson_ci([0, 1, 10])
    assert_allclose(lo, [0.0, 0.0253178, 4.795389], rtol=1e-6)
    assert_allclose(hi, [3.688879, 5.571643, 18.390356], rtol=1e-6)


def test_aoristic_weights_split_windows_over_hours_and_sum_to_one():
    start = _dates("2024-01-01T22:30", "2024-01-03T10:00", "2024-01-01T00:00")
    end = _dates("2024-01-02T00:30", "2024-01-03T10:00", "2024-01-09T00:00")
    w, used = aoristic_hour_weights(start, end)
    assert used.tolist() == [True, True, False]  # the third window is 8 days long
    assert_allclose(w[0, 0, 22:], [0.25, 0.5])
    assert_allclose(w[0, 1, 0], 0.25)
    assert w[1, 2, 10] == 1.0  # zero-length window on Wednesday 10:00
    assert_allclose(w.sum(axis=(1, 2)), [1.0, 1.0, 0.0])


def test_hour_profile_uses_aoristic_weights_and_counts_exclusions():
    start = _dates("2024-01-01T10:00", "2024-01-01T10:00", "2024-01-01T00:00")
    end = _dates("2024-01-01T12:00", "2024-01-01T10:00", "2024-01-20T00:00")
    cycle = annual_cycle(start, end)
    assert cycle.hour_excluded == 1
    assert cycle.times_of_day
    assert_allclose(cycle.hour_weights[10:12], [1.5, 0.5])
    assert_allclose(cycle.hour_weights.sum(), 2.0)
    assert int(cycle.month_counts.sum()) == 3  # every event is still counted by date


def test_rayleigh_test_separates_concentrated_from_uniform_hours():
    rng = np.random.default_rng(1)
    base = np.datetime64("2024-01-01T00:00", "s")
    uniform = base + rng.integers(0, 24 * 3600 * 60, 2000).astype("timedelta64[s]")
    night = base + (rng.integers(0, 60, 2000) * 86400 + rng.integers(0, 3600, 2000)).astype(
        "timedelta64[s]"
    )
    assert annual_cycle(uniform).rayleigh_p > 0.01
    assert annual_cycle(night).rayleigh_p < 1e-6


# --------------------------------------------------------------------------- count tests


def test_poisson_z_reproduces_the_percent_change_examples():
    zw, zc = poisson_z([4, 120], [2, 100])
    assert_allclose(zw, [2 * (2 - math.sqrt(2)), 2 * (math.sqrt(120) - 10)])
    assert_allclose(np.round(zw, 2), [1.17, 1.91])
    assert_allclose(zc, zw / math.sqrt(2))


def test_calibrated_poisson_z_has_unit_variance_under_the_null():
    rng = np.random.default_rng(7)
    x0, x1 = rng.poisson(50, 20_000), rng.poisson(50, 20_000)
    zw, zc = poisson_z(x1, x0)
    assert abs(np.var(zw) - 2.0) < 0.1
    assert abs(np.var(zc) - 1.0) < 0.05


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_binomial_test_agrees_with_scipy(alternative):
    x1, x0, t1, t0 = [12, 3, 0, 40], [5, 9, 4, 31], [7.0, 30.0, 1.0, 31.0], [7.0, 31.0, 2.0, 28.0]
    ours = binomial_test(x1, x0, t1, t0, alternative)
    for i in range(4):
        ref = stats.binomtest(
            x1[i], x1[i] + x0[i], t1[i] / (t1[i] + t0[i]), alternative=alternative
        )
        assert ours[i] == pytest.approx(ref.pvalue, rel=1e-12)
    assert binomial_test(0, 0)[0] == 1.0


def _etest_brute_force(x1: int, x2: int, t1: float, t2: float, alternative: str) -> float:
    """An independent E-test: a plain double sum over a generous box, in log space."""
    lam = (x1 + x2) / (t1 + t2)
    m1, m2 = t1 * lam, t2 * lam

    def stat(k1: int, k2: int) -> float:
        den = math.sqrt(k1 / t1**2 + k2 / t2**2)
        return 0.0 if den == 0 else (k1 / t1 - k2 / t2) / den

    def logpmf(k: int, m: float) -> float:
        return k * math.log(m) - m - math.lgamma(k + 1) if m > 0 else (0.0 if k == 0 else -math.inf)

    t_obs = stat(x1, x2)
    total = 0.0
    for k1 in range(int(m1 + 15 * math.sqrt(m1) + 40)):
        for k2 in range(int(m2 + 15 * math.sqrt(m2) + 40)):
            s = stat(k1, k2)
            if alternative == "greater":
                hit = s >= t_obs - 1e-12
            elif alternative == "less":
                hit = s <= t_obs + 1e-12
            else:
                hit = abs(s) >= abs(t_obs) - 1e-12
            if hit:
                total += math.exp(logpmf(k1, m1) + logpmf(k2, m2))
    return min(1.0, total)


@pytest.mark.parametrize(
    ("x1", "x2", "t1", "t2"),
    [(12, 3, 1.0, 1.0), (3, 12, 1.0, 1.0), (7, 7, 1.0, 1.0), (0, 4, 1.0, 1.0), (9, 20, 7.0, 31.0),
     (1, 0, 2.0, 1.0), (25, 10, 30.0, 31.0)],
)  # fmt: skip
@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_etest_matches_a_brute_force_double_sum(x1, x2, t1, t2, alternative):
    ours = etest(x1, x2, t1, t2, alternative)[0]
    assert ours == pytest.approx(_etest_brute_force(x1, x2, t1, t2, alternative), rel=1e-9)


@pytest.mark.parametrize("mean", [1e-9, 0.3, 1.0, 7.5, 123.456, 5e4])
def test_poisson_probabilities_of_the_etest_are_scipy_stats_bit_for_bit(mean):
    # The E-test computes them with scipy.special (scipy.stats is slow to import); they must be
    # scipy.stats.poisson.pmf's values exactly.
    from samtrygg.analysis.counttests import _poisson_pmf, _support

    k = _support(mean)
    assert np.array_equal(_poisson_pmf(k, mean), stats.poisson.pmf(k, mean))


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_etest_agrees_with_scipy_poisson_means_test_where_scipy_is_exact(alternative):
    # No ties at T_obs and no (0, 0) table in the tail: scipy only drops 1e-10 of the mass.
    for x1, x2, t1, t2 in [(9, 20, 7.0, 31.0), (60, 30, 51477.5, 54308.7), (40, 12, 28.0, 31.0)]:
        theirs = stats.poisson_means_test(x1, t1, x2, t2, alternative=alternative).pvalue
        assert etest(x1, x2, t1, t2, alternative)[0] == pytest.approx(theirs, abs=1e-9)


def test_etest_stays_hand_written_because_scipy_loses_tables_it_should_count():
    # 1. scipy rounds T of the observed table (25, 10) one ulp below T_obs and leaves that
    #    table's own probability out of the tail.
    x1, x2, t1, t2 = 25, 10, 30.0, 31.0
    exact = _etest_brute_force(x1, x2, t1, t2, "greater")
    ours = etest(x1, x2, t1, t2, "greater")[0]
    theirs = stats.poisson_means_test(x1, t1, x2, t2, alternative="greater").pvalue
    lam = (x1 + x2) / (t1 + t2)
    observed_table = stats.poisson.pmf(x1, t1 * lam) * stats.poisson.pmf(x2, t2 * lam)
    assert ours == pytest.approx(exact, rel=1e-9)
    assert exact - theirs == pytest.approx(observed_table, rel=1e-6)
    # 2. T(0, 0) is 0 in Krishnamoorthy & Thomson; scipy's 0/0 is NaN, so (0, 0) never counts.
    exact = _etest_brute_force(0, 4, 1.0, 1.0, "greater")
    ours = etest(0, 4, 1.0, 1.0, "greater")[0]
    theirs = stats.poisson_means_test(0, 1.0, 4, 1.0, alternative="greater").pvalue
    assert ours == pytest.approx(exact, rel=1e-9)
    assert exact - theirs == pytest.approx(math.exp(-4.0), rel=1e-6)  # P(0, 0) at λ̂ = 2 each


def test_etest_reproduces_krishnamoorthy_and_thomson_example():
    # Gu et al. (2008) example 1, E-test p = 0.000298 (as in statsmodels' test suite).
    p = etest(60, 30, 51477.5, 54308.7, alternative="greater")[0]
    assert p == pytest.approx(0.000298, abs=1e-6)


def test_etest_is_symmetric_and_bounded():
    p = etest([5, 9, 0], [9, 5, 0])
    assert p[0] == pytest.approx(p[1], rel=1e-12)
    assert p[2] == 1.0
    assert ((p > 0) & (p <= 1)).all()


def test_exceedance_probability_reference_value():
    assert exceedance_probability(3, 0.8)[0] == pytest.approx(0.0474, abs=5e-5)
    # P(X = 3) alone is 0.0383: the exceedance is the tail, not the point probability.
    assert stats.poisson.pmf(3, 0.8) == pytest.approx(0.0383, abs=5e-5)
    assert exceedance_probability(0, 2.0)[0] == 1.0


# --------------------------------------------------------------------------- comparisons


@pytest.mark.parametrize("method", ["etest", "binomial"])
def test_compare_counts_flags_only_what_chance_cannot_explain(method):
    r = compare_counts([12, 30, 2], [3, 28, 4], labels=["a", "b", "c"], method=method)
    assert r.labels == ("a", "b", "c")
    assert r.difference.tolist() == [9.0, 2.0, -2.0]
    assert r.flagged.tolist() == [True, False, False]
    assert r.z[0] > 2 and abs(r.z[1]) < 1
    assert ((r.p_values > 0) & (r.p_values <= 1)).all()


def test_compare_counts_scales_the_baseline_by_exposure():
    r = compare_counts(31, 28, t_current=31.0, t_baseline=28.0)
    assert r.expected[0] == pytest.approx(31.0)
    assert r.difference[0] == pytest.approx(0.0)
    assert r.rate_ratio[0] == pytest.approx(1.0)
    assert not r.flagged[0]


def test_compare_counts_handles_zero_baselines():
    r = compare_counts([0, 5], [0, 0])
    assert np.isnan(r.rate_ratio[0]) and np.isinf(r.rate_ratio[1])
    assert r.p_values[0] == 1.0


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([-1], [2]), {}, "negative"),
        (([np.nan], [2]), {}, "NaN"),
        (([1.5], [2]), {}, "non-integer"),
        (([], []), {}, "empty"),
        (([1, 2], [1, 2, 3]), {}, "same length"),
        (([1], [2]), {"alpha": 1.5}, "alpha"),
        (([1], [2]), {"method": "z"}, "method"),
        (([1], [2]), {"t_current": 0.0}, "t_current"),
        (([1], [2]), {"labels": ["a", "b"]}, "labels"),
        (([1], [2]), {"alternative": "up"}, "alternative"),
    ],
)
def test_compare_counts_refuses_bad_input(args, kwargs, message):
    with pytest.raises(InputError, match=message):
        compare_counts(*args, **kwargs)


def test_compare_periods_uses_previous_week_and_52_weeks_before():
    mondays = np.arange("2023-01-02", "2024-03-04", 7, dtype="datetime64[D]")
    t = np.repeat(mondays, 3).astype("datetime64[s]")
    s = count_series(t, period="week", end="2024-03-10")
    ch = compare_periods(s)
    assert ch.current_label == "2024-03-04"
    assert ch.previous_label == "2024-02-26"
    assert ch.last_year_label == "2023-03-06"
    assert ch.previous is not None and ch.previous.current[0] == 0
    assert ch.previous.baseline[0] == 3


def test_compare_periods_without_a_year_of_history_has_no_last_year():
    s = count_series(_dates("2024-01-05", "2024-02-10", "2024-03-31"), period="month")
    ch = compare_periods(s)
    assert ch.last_year is None and ch.last_year_label is None
    assert ch.previous is not None and ch.previous.t_current[0] == 31.0
    assert ch.previous.t_baseline[0] == 29.0


def test_compare_periods_needs_a_complete_period():
    s = count_series(_dates("2024-01-05", "2024-01-10"), period="month")
    with pytest.raises(InputError, match="complete period"):
        compare_periods(s)


# --------------------------------------------------------------------------- seasonal GLM


def _monthly_series(counts: np.ndarray, first: str = "2019-01"):
    months = np.datetime64(first, "M") + np.arange(counts.size)
    t = np.repeat(months.astype("datetime64[D]"), counts).astype("datetime64[s]")
    end = (months[-1] + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    return count_series(t, period="month", start=months[0].astype("datetime64[D]"), end=end)


def test_seasonal_trend_matches_direct_likelihood_maximisation():
    from scipy.optimize import minimize

    rng = np.random.default_rng(4)
    n = 48
    season = np.tile([1.0, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.3, 1.1, 1.0, 0.9, 1.0], 4)
    counts = rng.poisson(40 * season * 0.93 ** (np.arange(n) / 12))
    series = _monthly_series(counts)
    fit = seasonal_trend(series)
    years = np.arange(n) / 12
    X = np.column_stack([np.ones(n), years, (np.arange(n)[:, None] % 12 == np.arange(1, 12)) * 1.0])
    offset = np.log(series.days.astype(float))

    def nll(beta):
        eta = offset + X @ beta
        return np.sum(np.exp(eta) - counts * eta)

    best = minimize(nll, np.r_[np.log(counts.mean() / 30), np.zeros(12)], method="BFGS",
                    options={"gtol": 1e-9})  # fmt: skip
    assert fit.rate_ratio_per_year == pytest.approx(np.exp(best.x[1]), rel=1e-4)
    assert_allclose(fit.month_ratios[1:], np.exp(best.x[2:]), rtol=1e-4)
    assert fit.ci_low < fit.rate_ratio_per_year < fit.ci_high
    assert fit.df == 11


def test_seasonal_trend_finds_no_season_in_flat_series():
    counts = np.random.default_rng(5).poisson(30, 36)
    fit = seasonal_trend(_monthly_series(counts))
    assert fit.p_value > 0.01
    assert 0.5 < fit.dispersion < 2.0


def test_chicago_burglaries_are_seasonal_and_falling(chicago_days):
    fit = seasonal_trend(count_series(chicago_days, period="month"))
    assert fit.p_value < 1e-6 and fit.p_value_overdispersed < 1e-3
    assert fit.ci_high < 1.0  # 12,334 burglaries in 2014, 10,426 in 2017
    assert fit.month_ratios[6] > fit.month_ratios[1]  # July above February


def test_seasonal_trend_refuses_weekly_or_short_series():
    weekly = count_series(_dates("2024-01-01", "2024-06-30"), period="week")
    with pytest.raises(InputError, match="monthly"):
        seasonal_trend(weekly)
    with pytest.raises(InputError, match="13 complete months"):
        seasonal_trend(_monthly_series(np.full(6, 3)))
