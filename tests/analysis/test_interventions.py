"""WDD, WDQ and TNE on hand-worked examples (docs/methods-reference.md §9).

The numbers below are worked by hand in the comments; they are not taken from the papers'
own examples, which have not been checked against the sources here.
"""

from __future__ import annotations

import math

import pytest
from scipy import stats

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.interventions import wdd, wdq


def test_wdd_with_displacement_areas_by_hand():
    # Treated 60 -> 40 (ΔT = -20), control 50 -> 55 (ΔC = +5),
    # buffer 30 -> 28 (ΔD = -2), control buffer 25 -> 27 (ΔD_C = +2).
    # local = -20 - 5 = -25; displacement = -2 - 2 = -4; WDD = -29.
    # Var = 60+40+50+55 (= 205) + 30+28+25+27 (= 110) = 315; z = -29/17.74824 = -1.633965.
    r = wdd(60, 40, 50, 55, 30, 28, 25, 27)
    assert r.local == -25 and r.displacement == -4 and r.estimate == -29
    assert r.local_variance == 205 and r.displacement_variance == 110 and r.variance == 315
    assert r.z == pytest.approx(-29 / math.sqrt(315), rel=1e-14)
    assert r.z == pytest.approx(-1.633965, abs=1e-6)
    assert r.p_value == pytest.approx(2 * stats.norm.sf(29 / math.sqrt(315)), rel=1e-12)
    assert r.p_value == pytest.approx(0.10226, abs=1e-5)
    # 95 % CI: -29 ± 1.959964 × 17.74824 = -29 ± 34.7859.
    assert r.ci_low == pytest.approx(-63.7859, abs=1e-4)
    assert r.ci_high == pytest.approx(5.7859, abs=1e-4)
    assert r.has_displacement


def test_wdd_without_displacement_areas():
    # local = (40 - 60) - (50 - 50) = -20; Var = 200; z = -√2.
    r = wdd(60, 40, 50, 50)
    assert (r.estimate, r.variance, r.displacement) == (-20, 200, 0)
    assert r.z == pytest.approx(-math.sqrt(2))
    assert not r.has_displacement


def test_wdd_with_unequal_periods():
    # 12 months before, 6 after: T 120/12 = 10 -> 40/6 = 6.667, C 60/12 = 5 -> 33/6 = 5.5.
    # local = (6.6667 - 10) - (5.5 - 5) = -3.8333;
    # Var = 120/144 + 40/36 + 60/144 + 33/36 = 3.27778.
    r = wdd(120, 40, 60, 33, time_weights=(12, 6))
    assert r.estimate == pytest.approx(-23 / 6)
    assert r.variance == pytest.approx(120 / 144 + 40 / 36 + 60 / 144 + 33 / 36)
    assert r.variance == pytest.approx(3.27778, abs=1e-5)


def test_wdd_with_unequal_areas():
    # The treated area is twice the control: T 40/2 = 20 -> 20/2 = 10; C 30 -> 30.
    # local = -10; Var = 40/4 + 20/4 + 30 + 30 = 75.
    r = wdd(40, 20, 30, 30, area_weights=(2, 1, 1, 1))
    assert r.estimate == pytest.approx(-10.0)
    assert r.variance == pytest.approx(75.0)


def test_wdd_ci_level_follows_alpha():
    r90 = wdd(60, 40, 50, 50, alpha=0.10)
    # 90 %: -20 ± 1.644854 × √200 = -20 ± 23.2617.
    assert r90.ci_high == pytest.approx(3.2617, abs=1e-4)


@pytest.mark.parametrize("counts", [(60, 40, 50, 55, 30, 28, 25, 27), (5, 90, 70, 3), (1, 0, 0, 2)])
@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.01])
def test_wdd_p_value_and_interval_equal_scipy_stats_bit_for_bit(counts, alpha):
    # The module uses scipy.special (cheaper to import); the values must be scipy.stats'.
    r = wdd(*counts, alpha=alpha)
    assert r.p_value == float(2.0 * stats.norm.sf(abs(r.z)))
    half = float(stats.norm.ppf(1.0 - alpha / 2.0)) * math.sqrt(r.variance)
    assert (r.ci_low, r.ci_high) == (r.estimate - half, r.estimate + half)


def test_wdd_of_all_zeros_has_no_z():
    r = wdd(0, 0, 0, 0)
    assert r.estimate == 0 and math.isnan(r.z) and math.isnan(r.p_value)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: wdd(-1, 2, 3, 4), "treated_before"),
        (lambda: wdd(1, float("nan"), 3, 4), "treated_after"),
        (lambda: wdd(1, 2, 3, 4, alpha=0), "alpha"),
        (lambda: wdd(1, 2, 3, 4, 5), "all four displacement"),
        (lambda: wdd(1, 2, 3, 4, time_weights=(1, 0)), "time_weights"),
        (lambda: wdd(1, 2, 3, 4, area_weights=(1, 1)), "area_weights"),
        (lambda: wdd("7", 2, 3, 4), "treated_before"),
    ],
)
def test_wdd_refuses_bad_input(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_wdq_and_tne_by_hand():
    # R 100 -> 60, D 50 -> 40, C 200 -> 200.
    # success = 60/200 - 100/200 = -0.2; buffer = 40/200 - 50/200 = -0.05; WDQ = 0.25.
    # TNE = (100·200/200 - 60) + (50·200/200 - 40) = 40 + 10 = 50.
    r = wdq(100, 60, 50, 40, 200, 200)
    assert r.success_measure == pytest.approx(-0.2)
    assert r.buffer_measure == pytest.approx(-0.05)
    assert r.wdq == pytest.approx(0.25)
    assert r.meaningful and r.interpretation == "diffusion"
    assert (r.tne_treated, r.tne_buffer, r.tne) == (40, 10, 50)


def test_wdq_scales_by_the_control_trend():
    # C halves (200 -> 100): success = 60/100 - 100/200 = +0.1, so the WDQ is not meaningful.
    # TNE = (100·100/200 - 60) + (50·100/200 - 40) = -10 - 15 = -25.
    r = wdq(100, 60, 50, 40, 200, 100)
    assert not r.meaningful and r.interpretation == "not meaningful"
    assert r.tne == pytest.approx(-25.0)


@pytest.mark.parametrize(
    ("buffer_after", "expected", "label"),
    [
        (60, -0.5, "partial displacement"),  # buffer +0.1 against success -0.2
        (80, -1.5, "backfire"),  # buffer +0.3
        (50, 0.0, "none"),
        (20, 1.5, "diffusion exceeds direct effect"),  # buffer -0.3
    ],
)
def test_wdq_interpretation(buffer_after, expected, label):
    r = wdq(100, 80, 50, buffer_after, 100, 100)
    assert r.wdq == pytest.approx(expected)
    assert r.interpretation == label


def test_wdq_needs_control_counts():
    with pytest.raises(InputError, match="control_before and control_after"):
        wdq(10, 5, 5, 5, 0, 10)
