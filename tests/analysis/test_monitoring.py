"""Poisson CUSUM and EWMA charts and their simulated calibration (docs/methods-reference.md §5)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.monitoring import (
    calibrate_cusum,
    calibrate_ewma,
    cusum_reference,
    poisson_cusum,
    poisson_ewma,
)

TARGET = 0.01  # at most 1 false alarm per 100 series-weeks (ARL0 >= 100)


def test_cusum_reference_value():
    # k = (6 - 4) / ln(1.5) = 4.93261...
    assert cusum_reference(4.0, 6.0) == pytest.approx(2.0 / math.log(1.5), rel=1e-14)


def test_cusum_by_hand_with_reset():
    # k = 4.93261; S: 0 (4-k<0), 0.06739, 4.13478, 9.2022 > 5 -> alarm, reset to 0; then 0.
    r = poisson_cusum([4, 5, 9, 10, 3], lambda0=4.0, h=5.0)
    k = 2.0 / math.log(1.5)
    assert_allclose(r.statistic, [0.0, 5 - k, 14 - 2 * k, 0.0, 0.0], atol=1e-12)
    assert r.alarms.tolist() == [False, False, False, True, False]
    assert r.lambda1 == 6.0


def test_cusum_runs_one_chart_per_row():
    x = np.array([[4, 5, 9, 10, 3], [0, 0, 0, 0, 0]])
    r = poisson_cusum(x, lambda0=4.0, h=5.0)
    assert r.alarms.shape == (2, 5)
    assert r.alarms[0].tolist() == poisson_cusum(x[0], 4.0, 5.0).alarms.tolist()
    assert not r.alarms[1].any()


def test_ewma_limits_follow_the_time_varying_formula():
    mu0, L, rho = 4.0, 3.0, 0.2
    r = poisson_ewma([4, 4, 4], mu0=mu0, L=L, rho=rho)
    t = np.arange(1, 4)
    half = L * np.sqrt(rho * mu0 * (1 - (1 - rho) ** (2 * t)) / (2 - rho))
    assert_allclose(r.upper, mu0 + half)
    assert_allclose(r.lower, mu0 - half)
    # At t = 1 the half-width is L·ρ·√μ0.
    assert r.upper[0] == pytest.approx(mu0 + L * rho * math.sqrt(mu0))


def test_ewma_restarts_after_an_alarm():
    r = poisson_ewma([4, 4, 12, 4], mu0=4.0, L=2.0)
    assert_allclose(r.statistic, [4.0, 4.0, 5.6, 4.0])
    assert r.alarms.tolist() == [False, False, True, False]
    assert r.upper[3] == pytest.approx(r.upper[0])  # t restarts at 1


def test_ewma_both_sides_flags_drops():
    r = poisson_ewma([20, 20, 0, 0, 0], mu0=20.0, L=2.0, side="both")
    assert r.alarms[2:].any()
    assert not poisson_ewma([20, 20, 0, 0, 0], mu0=20.0, L=2.0).alarms.any()


def _fresh_rate(chart: str, lambda0: float, threshold: float, seed: int) -> tuple[float, float]:
    """False alarms per series-week on fresh stationary Poisson series, and the MC error."""
    x = np.random.default_rng(seed).poisson(lambda0, (1000, 520))
    if chart == "cusum":
        alarms = poisson_cusum(x, lambda0, threshold).alarms
    else:
        alarms = poisson_ewma(x, lambda0, threshold).alarms
    rate = float(alarms.mean())
    return rate, math.sqrt(TARGET / x.size)


@pytest.mark.parametrize("lambda0", [1.0, 5.0])
def test_calibrated_cusum_keeps_false_alarms_within_the_bound(lambda0):
    cal = calibrate_cusum(lambda0, target_rate=TARGET, seed=11)
    assert cal.false_alarm_rate <= TARGET
    assert cal.arl0 >= 100
    rate, se = _fresh_rate("cusum", lambda0, cal.threshold, seed=99)
    # Independent simulation: within the bound up to 3 Monte Carlo standard errors.
    assert rate <= TARGET + 3 * se
    # ... and the threshold is not wastefully high: half of it alarms too often.
    assert _fresh_rate("cusum", lambda0, cal.threshold / 2, seed=98)[0] > TARGET


@pytest.mark.parametrize("lambda0", [1.0, 5.0])
def test_calibrated_ewma_keeps_false_alarms_within_the_bound(lambda0):
    cal = calibrate_ewma(lambda0, target_rate=TARGET, seed=11)
    assert cal.false_alarm_rate <= TARGET
    rate, se = _fresh_rate("ewma", lambda0, cal.threshold, seed=99)
    assert rate <= TARGET + 3 * se
    assert cal.rho == 0.2 and math.isnan(cal.k)


def test_calibration_reports_the_delay_for_a_50_percent_step():
    cal = calibrate_cusum(20.0, seed=3)
    assert cal.shift == 1.5
    assert cal.undetected == 0.0
    assert 1.0 <= cal.delay_median <= cal.delay_mean + 1
    assert cal.delay_mean < 4.0  # at 20 a week, +50 % is found within a few weeks
    # A larger mean is detected faster than a small one.
    assert calibrate_cusum(2.0, seed=3).delay_mean > cal.delay_mean


def test_overdispersed_calibration_is_stricter():
    poisson = calibrate_cusum(5.0, seed=5)
    nb = calibrate_cusum(5.0, size=5.0, seed=5)
    assert nb.threshold > poisson.threshold
    assert nb.false_alarm_rate == max(nb.false_alarm_rate_poisson, nb.false_alarm_rate_nb)
    assert nb.false_alarm_rate <= TARGET
    assert math.isnan(poisson.false_alarm_rate_nb)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: poisson_cusum([1, -2], 1.0, 3.0), "negative"),
        (lambda: poisson_cusum([], 1.0, 3.0), "empty"),
        (lambda: poisson_cusum([1, np.nan], 1.0, 3.0), "NaN"),
        (lambda: poisson_cusum([1], 0.0, 3.0), "lambda0"),
        (lambda: poisson_cusum([1], 1.0, -3.0), "h must"),
        (lambda: poisson_ewma([1], 1.0, rho=1.5), "rho"),
        (lambda: poisson_ewma([1], 1.0, side="lower"), "side"),
        (lambda: calibrate_cusum(1.0, target_rate=2.0), "target_rate"),
        (lambda: calibrate_cusum(1.0, size=-1.0), "size"),
        (lambda: cusum_reference(1.0, 1.0), "differ"),
    ],
)
def test_monitoring_refuses_bad_input(call, message):
    with pytest.raises(InputError, match=message):
        call()
