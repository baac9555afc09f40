"""Survey statistics against scipy and hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import binomtest, chi2_contingency

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.surveys import (
    BUILTIN_FORMULAS,
    IndexFormula,
    compare_indices,
    compare_proportions,
    compute_index,
    proportion,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("count", "n"), [(0, 1), (0, 10), (1, 10), (3, 4), (25, 100), (51, 200), (399, 400), (7, 7)]
)
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_interval_matches_scipy(count: int, n: int, confidence: float) -> None:
    ref = binomtest(count, n).proportion_ci(confidence_level=confidence, method="wilson")
    assert_allclose(wilson_interval(count, n, confidence), (ref.low, ref.high), rtol=1e-12,
                    atol=1e-15)  # fmt: skip


def test_wilson_interval_contains_the_share_and_narrows_with_n() -> None:
    widths = []
    for n in (10, 100, 1000):
        p = proportion(n // 4, n)
        assert p.low <= p.share <= p.high
        widths.append(p.high - p.low)
    assert widths == sorted(widths, reverse=True)


def test_bad_counts_are_refused_with_the_value() -> None:
    with pytest.raises(InputError, match=r"count \(11\) is larger than n \(10\)"):
        wilson_interval(11, 10)
    with pytest.raises(InputError, match="n is 0"):
        wilson_interval(0, 0)
    with pytest.raises(InputError, match="confidence"):
        wilson_interval(1, 10, confidence=95)


def test_two_proportion_test_matches_the_chi_square_test() -> None:
    for c1, n1, c2, n2 in ((60, 200, 40, 200), (12, 90, 30, 110), (5, 40, 6, 41)):
        table = np.array([[c1, n1 - c1], [c2, n2 - c2]])
        chi2, p, _dof, _exp = chi2_contingency(table, correction=False)
        change = compare_proportions(c1, n1, c2, n2)
        assert change.z**2 == pytest.approx(chi2, rel=1e-10)
        assert change.p_value == pytest.approx(p, rel=1e-10)


def test_newcombe_interval_by_hand() -> None:
    # Newcombe (1998), method 10, from the two Wilson intervals.
    change = compare_proportions(60, 200, 40, 200)
    l1, u1 = wilson_interval(60, 200)
    l2, u2 = wilson_interval(40, 200)
    d = 0.2 - 0.3
    assert change.low == pytest.approx(d - math.sqrt((0.2 - l2) ** 2 + (u1 - 0.3) ** 2))
    assert change.high == pytest.approx(d + math.sqrt((u2 - 0.2) ** 2 + (0.3 - l1) ** 2))
    assert change.low < d < change.high < 0  # the fall is significant, the CI excludes 0
    assert compare_proportions(10, 100, 10, 100).p_value == pytest.approx(1.0)


def test_problem_index_by_hand() -> None:
    formula = BUILTIN_FORMULAS["problem"]
    data = {
        # (0·50 + 2·30 + 4·15 + 6·5) / 100 = 1.5; "Vet ej" left out.
        "problem_klotter": {"Inget problem": 50, "Ganska litet problem": 30,
                            "Ganska stort problem": 15, "Mycket stort problem": 5, "Vet ej": 7},
        # (0·20 + 2·20 + 4·40 + 6·20) / 100 = 3.2
        "problem_narkotika": {"Inget problem": 20, "Ganska litet problem": 20,
                              "Ganska stort problem": 40, "Mycket stort problem": 20},
        "not_a_problem_item": {"Ja": 99},
    }  # fmt: skip
    result = compute_index(formula, data)
    assert result.value == pytest.approx((1.5 + 3.2) / 2)
    assert result.left_out == 7
    assert result.n == 100
    assert result.items_used == ("problem_klotter", "problem_narkotika")
    assert len(result.items_missing) == 6
    var1 = (50 * 1.5**2 + 30 * 0.5**2 + 15 * 2.5**2 + 5 * 4.5**2) / 100**2
    var2 = (20 * 3.2**2 + 20 * 1.2**2 + 40 * 0.8**2 + 20 * 2.8**2) / 100**2
    assert result.standard_error == pytest.approx(math.sqrt(var1 + var2) / 2)
    assert (result.formula_name, result.formula_version) == ("Problemindex", "samtrygg-1")


def test_safety_index_by_hand_and_weights() -> None:
    result = compute_index(
        BUILTIN_FORMULAS["safety"],
        {"trygg_ute_sent": {"mycket TRYGG": 30, "Ganska trygg": 30, "Ganska otrygg": 30,
                            "Mycket otrygg": 10}},
    )  # fmt: skip
    # (100·30 + 66.67·30 + 33.33·30 + 0·10) / 100 = 60
    assert result.value == pytest.approx(60.0)
    weighted = IndexFormula("w", "W", "1", ("a", "b"), {"Ja": 1.0, "Nej": 0.0}, (0.0, 1.0),
                            weights={"a": 3.0})  # fmt: skip
    value = compute_index(weighted, {"a": {"Ja": 10, "Nej": 0}, "b": {"Ja": 0, "Nej": 10}}).value
    assert value == pytest.approx(0.75)


def test_an_index_without_scored_answers_has_no_value() -> None:
    result = compute_index(BUILTIN_FORMULAS["worry"], {"oro_overfall": {"Vet ej": 4}})
    assert result.value is None and result.left_out == 4


def test_index_change_is_refused_across_formula_versions() -> None:
    f1 = IndexFormula("t", "T", "1", ("a",), {"Ja": 1.0, "Nej": 0.0}, (0.0, 1.0))
    f2 = IndexFormula("t", "T", "2", ("a",), {"Ja": 1.0, "Nej": 0.0}, (0.0, 1.0))
    a = compute_index(f1, {"a": {"Ja": 60, "Nej": 140}})
    b = compute_index(f2, {"a": {"Ja": 40, "Nej": 160}})
    with pytest.raises(InputError, match="different formulas"):
        compare_indices(a, b)


def test_index_change_of_a_yes_no_item_agrees_with_the_unpooled_test() -> None:
    f = IndexFormula("t", "T", "1", ("a",), {"Ja": 1.0, "Nej": 0.0}, (0.0, 1.0))
    change = compare_indices(
        compute_index(f, {"a": {"Ja": 60, "Nej": 140}}),
        compute_index(f, {"a": {"Ja": 40, "Nej": 160}}),
    )
    se = math.sqrt(0.3 * 0.7 / 200 + 0.2 * 0.8 / 200)
    assert change.difference == pytest.approx(-0.1)
    assert change.z == pytest.approx(-0.1 / se)
    assert change.low == pytest.approx(-0.1 - 1.959963984540054 * se)
    assert change.significant()


def test_bad_formulas_are_refused() -> None:
    with pytest.raises(InputError, match="outside its scale"):
        IndexFormula("x", "X", "1", ("a",), {"Ja": 7.0}, (0.0, 6.0))
    with pytest.raises(InputError, match="lacks version"):
        IndexFormula.from_dict({"key": "x", "name": "X", "items": ["a"], "scores": {},
                                "scale": [0, 1]})  # fmt: skip


def test_estimate_change_from_published_intervals_by_hand() -> None:
    from samtrygg.analysis.surveys import compare_estimates

    z = 1.959963984540054
    before = (20.0, 20.0 - z * 1.5, 20.0 + z * 1.5)
    after = (26.0, 26.0 - z * 2.0, 26.0 + z * 2.0)
    change = compare_estimates(before, after)
    assert change.difference == pytest.approx(6.0)
    assert change.z == pytest.approx(6.0 / 2.5)  # se = √(1.5² + 2²) = 2.5
    assert change.low == pytest.approx(6.0 - z * 2.5)
    assert change.significant()
    with pytest.raises(InputError, match="does not contain the estimate"):
        compare_estimates((20.0, 21.0, 25.0), (26.0, 25.0, 27.0))
