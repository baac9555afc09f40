"""Hit rate, PAI and PEI*: hand-worked values, relationships and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.evaluate import (
    captured,
    check_coverages,
    flagged_cells,
    hit_rate,
    pai,
    pei_star,
    score_forecast,
)


def test_hand_worked_example_on_ten_cells():
    # Ten cells, 8 events; 20 % coverage flags floor(10 * 0.2) = 2 cells: risks 9 and 8,
    # which hold 3 + 1 = 4 events. H = 4/8, PAI = 0.5 / 0.2 = 2.5. The best two cells by
    # actual counts hold 3 + 2 = 5 events in 2 cells: PAI* = (5/8) / (2/10) = 3.125, so
    # PEI* = 2.5 / 3.125 = 0.8.
    risk = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    actual = [3, 1, 0, 2, 0, 1, 0, 0, 1, 0]
    s = score_forecast(risk, actual, [0.2])
    assert s.flagged.tolist() == [2]
    assert s.n_events == 8
    assert_allclose(s.hit_rate, [0.5])
    assert_allclose(s.pai, [2.5])
    assert_allclose(s.pei_star, [0.8])
    assert_allclose(s.oracle_hit_rate, [5 / 8])


def test_pei_star_excludes_zero_count_cells_from_the_oracle_area():
    # One event in one cell; 50 % coverage flags 2 of 4 cells. n* = 1 held by a* = 1 cell
    # (the second best cell has no events), so PAI* = 1 / (1/4) = 4. The forecast flags the
    # event's cell and another: PAI = 1 / (2/4) = 2, PEI* = 0.5.
    s = score_forecast([4, 3, 2, 1], [1, 0, 0, 0], [0.5])
    assert_allclose(s.pai, [2.0])
    assert_allclose(s.pei_star, [0.5])


def test_ties_count_the_expected_value_over_the_tied_cells():
    # Top-2 of [5, 1, 1, 1]: cell 0, then one of three tied cells holding 0, 3 and 6 events,
    # so 2 + (0 + 3 + 6) / 3 = 5 expected events.
    assert captured([5, 1, 1, 1], [2, 0, 3, 6], 2) == pytest.approx(5.0)
    assert hit_rate([5, 1, 1, 1], [2, 0, 3, 6], 0.5) == pytest.approx(5 / 11)


def test_ties_do_not_depend_on_array_order():
    rng = np.random.default_rng(3)
    risk = rng.integers(0, 3, 200).astype(float)
    actual = rng.poisson(1.0, 200).astype(float)
    perm = rng.permutation(200)
    a = score_forecast(risk, actual, [0.01, 0.05, 0.2])
    b = score_forecast(risk[perm], actual[perm], [0.01, 0.05, 0.2])
    assert_allclose(a.hit_rate, b.hit_rate, rtol=1e-12)
    assert_allclose(a.pei_star, b.pei_star, rtol=1e-12)


def test_flat_risk_captures_the_coverage_share_in_expectation():
    actual = np.arange(20.0)
    assert hit_rate(np.zeros(20), actual, 0.25) == pytest.approx(0.25)
    assert pai(np.zeros(20), actual, 0.25) == pytest.approx(1.0)


def test_perfect_forecast_has_pei_star_one():
    actual = np.array([[0, 4, 1], [2, 0, 7]], dtype=float)
    s = score_forecast(actual, actual, [1 / 6, 0.5, 1.0])
    assert_allclose(s.hit_rate, s.oracle_hit_rate)
    # While the flagged cells all hold events, PEI* is 1; at 100 % coverage the forecast must
    # flag the two empty cells too, but a* counts only the 4 cells with events: PEI* = 4/6.
    assert_allclose(s.pei_star, [1.0, 1.0, 4 / 6])


def test_exactly_floor_of_cells_times_coverage_are_flagged():
    assert flagged_cells(1000, 0.01) == 10
    assert flagged_cells(99, 0.05) == 4
    assert flagged_cells(100, 0.07) == 7  # 0.07 * 100 is 7.000000000000001 in floating point
    with pytest.raises(InputError, match="flags no cell"):
        flagged_cells(50, 0.01)


def test_no_test_events_gives_nan_not_an_error():
    s = score_forecast([1, 2, 3, 4], [0, 0, 0, 0], [0.5])
    assert np.isnan(s.hit_rate[0]) and np.isnan(s.pai[0]) and np.isnan(s.pei_star[0])


def test_mask_restricts_the_study_area():
    risk = [[9, 0], [1, 2]]
    actual = [[5, 1], [1, 1]]
    mask = [[False, True], [True, True]]
    # Without the masked cell: 3 cells, 3 events; 1/3 coverage flags the risk-2 cell.
    s = score_forecast(risk, actual, [1 / 3], mask=mask)
    assert s.n_events == 3
    assert_allclose(s.hit_rate, [1 / 3])
    assert_allclose(s.pai, [1.0])


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5, float("nan"), []])
def test_bad_coverages_are_refused(bad):
    with pytest.raises(InputError, match="coverage"):
        check_coverages(bad)


def test_bad_inputs_are_refused_with_a_sentence():
    with pytest.raises(InputError, match="same shape"):
        score_forecast([1, 2], [1, 2, 3])
    with pytest.raises(InputError, match="empty"):
        score_forecast([], [])
    with pytest.raises(InputError, match="non-negative"):
        score_forecast([1, 2], [1, -1], [0.5])
    with pytest.raises(InputError, match="finite"):
        score_forecast([1, np.nan], [1, 1], [0.5])


grids = st.integers(min_value=10, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 4), min_size=n, max_size=n),
        st.lists(st.integers(0, 5), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None)
@given(grids)
def test_hit_rate_is_monotone_in_coverage(data):
    risk, actual = (np.asarray(v, dtype=float) for v in data)
    covs = [0.1, 0.2, 0.3, 0.5, 0.8, 1.0]
    s = score_forecast(risk, actual, covs)
    if s.n_events == 0:
        return
    assert np.all(np.diff(s.hit_rate) >= -1e-12)
    assert s.hit_rate[-1] == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(grids, st.sampled_from([0.1, 0.25, 0.5, 1.0]))
def test_pai_non_negative_and_pei_star_in_unit_interval(data, coverage):
    risk, actual = (np.asarray(v, dtype=float) for v in data)
    s = score_forecast(risk, actual, [coverage])
    if s.n_events == 0:
        return
    assert s.pai[0] >= 0
    assert -1e-12 <= s.pei_star[0] <= 1 + 1e-12
    assert s.hit_rate[0] <= s.oracle_hit_rate[0] + 1e-12
    assert pei_star(risk, actual, coverage) == pytest.approx(s.pei_star[0])


@settings(max_examples=40, deadline=None)
@given(grids, st.randoms(use_true_random=False))
def test_metrics_are_invariant_to_cell_order(data, rnd):
    risk, actual = (np.asarray(v, dtype=float) for v in data)
    perm = np.array(rnd.sample(range(risk.size), risk.size))
    a = score_forecast(risk, actual, [0.1, 0.5])
    b = score_forecast(risk[perm], actual[perm], [0.1, 0.5])
    assert_allclose(a.hit_rate, b.hit_rate, rtol=1e-12, equal_nan=True)
    assert_allclose(a.pei_star, b.pei_star, rtol=1e-12, equal_nan=True)
