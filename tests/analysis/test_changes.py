"""The one change test of the weekly picture and the lägesbild: E-test in days, Holm over rows."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from samtrygg.analysis.changes import ALPHA, change_test
from tests.independent import holm


def test_p_values_are_e_tests_with_days_as_exposure() -> None:
    current, previous = [30, 5, 2], [10, 6, 0]
    result = change_test(current, previous, 90, 92)
    expected = [
        stats.poisson_means_test(c, 90, b, 92).pvalue
        for c, b in zip(current, previous, strict=True)
    ]
    assert result.comparison.p_values.tolist() == pytest.approx(expected, rel=1e-9)
    assert result.comparison.method == "etest"
    assert result.comparison.difference[0] == pytest.approx(30 - 10 * 90 / 92)


def test_holm_runs_over_the_rows_with_incidents_only() -> None:
    current, previous = [20, 0, 5, 1], [2, 0, 4, 0]
    result = change_test(current, previous, 7, 7, labels=["a", "b", "c", "d"])
    assert result.tested.tolist() == [True, False, True, True]
    raw = [stats.poisson_means_test(c, 7, b, 7).pvalue for c, b in [(20, 2), (5, 4), (1, 0)]]
    adjusted = holm(raw)
    got = result.p_adjusted[[0, 2, 3]].tolist()
    assert got == pytest.approx(adjusted, rel=1e-9)
    assert math.isnan(result.p_adjusted[1])
    assert result.changed.tolist() == [a < ALPHA for a in got[:1]] + [False, False, False]
    assert result.comparison.labels == ("a", "b", "c", "d")


def test_a_single_row_is_not_corrected() -> None:
    result = change_test(28, 6, 7, 7)
    assert result.p_adjusted[0] == pytest.approx(result.comparison.p_values[0], rel=1e-12)
    assert bool(result.changed[0]) == bool(result.comparison.p_values[0] < ALPHA)


def test_a_longer_period_with_the_same_rate_is_no_change() -> None:
    result = change_test([31], [28], 31, 28)
    assert result.comparison.difference[0] == pytest.approx(0.0)
    assert not result.changed.any()
    assert np.all(result.comparison.p_values > 0.9)
