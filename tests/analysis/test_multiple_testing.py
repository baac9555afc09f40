"""Multiple-testing corrections and pseudo p-values (docs/methods-reference.md §3)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import false_discovery_control

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.multiple_testing import (
    adjust_p_values,
    benjamini_hochberg,
    bh_floor,
    fdr_cutoff,
    holm,
    permutation_p_values,
)

P_VALUES = st.lists(
    st.floats(min_value=1e-6, max_value=1.0, allow_nan=False), min_size=1, max_size=60
)


def test_bh_matches_a_hand_worked_example() -> None:
    # m = 5; sorted .001, .008, .01, .05, .5 → p·m/i = .005, .02, .01667, .0625, .5, and the
    # running minimum from the top lowers .02 to .01667.
    p = [0.01, 0.001, 0.05, 0.5, 0.008]
    assert_allclose(benjamini_hochberg(p), [1 / 60, 0.005, 0.0625, 0.5, 1 / 60], rtol=1e-12)


def test_holm_matches_a_hand_worked_example() -> None:
    # sorted .001·5, .008·4, .01·3, .05·2, .5·1 = .005, .032, .03, .1, .5 → running maximum.
    p = [0.01, 0.001, 0.05, 0.5, 0.008]
    assert_allclose(holm(p), [0.032, 0.005, 0.1, 0.5, 0.032], rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_bh_equals_scipy_false_discovery_control_bit_for_bit(seed: int) -> None:
    # Our own arithmetic (so commands need not import scipy.stats) must give scipy's values
    # exactly, also for ties (permutation p-values repeat) and for 0 and 1.
    rng = np.random.default_rng(seed)
    p = np.concatenate(
        [
            rng.uniform(size=300),
            rng.uniform(0, 0.002, size=40),
            rng.integers(1, 1000, size=200) / 999.0,
            [0.0, 1.0, 1.0],
        ]
    )
    p = np.minimum(p[rng.permutation(p.size)], 1.0)
    assert_array_equal(benjamini_hochberg(p), false_discovery_control(p, method="bh"))
    for size in (1, 2):
        assert_array_equal(benjamini_hochberg(p[:size]), false_discovery_control(p[:size]))


def test_nan_p_values_stay_nan_and_do_not_count() -> None:
    p = np.array([0.01, np.nan, 0.04])
    assert_allclose(holm(p), [0.02, np.nan, 0.04])
    assert_allclose(benjamini_hochberg(p), [0.02, np.nan, 0.04])


def test_fdr_cutoff_equals_esda_fdr() -> None:
    from esda import fdr

    rng = np.random.default_rng(9)
    for p in (rng.uniform(size=50), np.r_[rng.uniform(0, 1e-3, 20), rng.uniform(size=80)]):
        for alpha in (0.05, 0.1):
            assert fdr_cutoff(p, alpha) == fdr(p, alpha)


def test_bad_correction_name_and_alpha_are_refused() -> None:
    with pytest.raises(InputError, match="correction"):
        adjust_p_values([0.1], "bonferroni")
    with pytest.raises(InputError, match="alpha"):
        fdr_cutoff([0.1], 1.5)
    with pytest.raises(InputError, match="between 0 and 1"):
        holm([1.2])


def test_bh_floor_is_the_resolution_caveat_example() -> None:
    # docs/methods-reference.md §3: 2,500 cells, R = 999, q = 0.05 → 50 cells must reach p = 0.001.
    assert bh_floor(2500, 999, 0.05) == 50


def test_pseudo_p_values_follow_esda_definitions_by_hand() -> None:
    sims = np.array([[1.0, 2.0, 2.0, 3.0, 5.0]])
    assert permutation_p_values([2.0], sims, "greater")[0] == pytest.approx(5 / 6)
    assert permutation_p_values([2.0], sims, "lesser")[0] == pytest.approx(4 / 6)
    assert permutation_p_values([5.0], sims, "directed")[0] == pytest.approx(2 / 6)
    assert permutation_p_values([5.0], sims, "equal-tailed")[0] == pytest.approx(4 / 6)
    # folded: mean 2.6, |5 − 2.6| = 2.4 reached only by 5 → (1 + 1)/6.
    assert permutation_p_values([5.0], sims, "folded")[0] == pytest.approx(2 / 6)


@pytest.mark.slow
def test_pseudo_p_values_equal_esda_calculate_significance() -> None:
    from esda.significance import calculate_significance

    rng = np.random.default_rng(1)
    sims = rng.poisson(3, size=(200, 99)).astype(float)
    observed = rng.poisson(3, size=200).astype(float)
    for alternative in ("two-sided", "greater", "lesser", "folded", "directed"):
        ours = permutation_p_values(observed, sims, alternative)
        theirs = np.minimum(1.0, calculate_significance(observed, sims, alternative))
        assert_array_equal(ours, theirs)


@settings(max_examples=60, deadline=None)
@given(P_VALUES)
def test_adjusted_p_values_lie_in_0_1_and_are_not_below_raw(p: list[float]) -> None:
    raw = np.array(p)
    for method in ("fdr", "holm", "none"):
        adjusted = adjust_p_values(raw, method)
        assert np.all((adjusted > 0) & (adjusted <= 1))
        assert np.all(adjusted >= raw - 1e-15)


@settings(max_examples=60, deadline=None)
@given(P_VALUES)
def test_holm_is_never_below_bh(p: list[float]) -> None:
    raw = np.array(p)
    assert np.all(holm(raw) >= benjamini_hochberg(raw) - 1e-15)


@settings(max_examples=40, deadline=None)
@given(P_VALUES)
def test_adjustment_keeps_the_order_of_the_raw_p_values(p: list[float]) -> None:
    raw = np.array(p)
    order = np.argsort(raw, kind="stable")
    for method in ("fdr", "holm"):
        assert np.all(np.diff(adjust_p_values(raw, method)[order]) >= -1e-15)
