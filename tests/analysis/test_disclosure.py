"""Small-count suppression and location aggregation.

See docs/methods-reference.md §10 and docs/domain.md §11.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from samtrygg.analysis.disclosure import (
    aggregate_to_areas,
    aggregate_to_grid,
    snap_to_grid,
    suppress_overlapping_areas,
    suppress_series,
    suppress_table,
)
from samtrygg.analysis.errors import InputError


def _extended(t) -> list[list[int | None]]:
    rows = [[*row, total] for row, total in zip(t.cells, t.row_totals, strict=True)]
    rows.append([*t.column_totals, t.grand_total])
    return rows


def _intruder_bounds(table: list[list[int | None]]) -> dict[tuple[int, int], tuple[float, float]]:
    """What an intruder can derive: LP bounds of each hidden entry from the published ones.

    Written independently of the library: every row and column of the extended table sums to
    its last entry, and hidden entries are non-negative.
    """
    n_r, n_c = len(table), len(table[0])
    hidden = [(i, j) for i in range(n_r) for j in range(n_c) if table[i][j] is None]
    pos = {cell: v for v, cell in enumerate(hidden)}
    a_eq, b_eq = [], []
    lines = [[(i, j) for j in range(n_c)] for i in range(n_r)]
    lines += [[(i, j) for i in range(n_r)] for j in range(n_c)]
    for line in lines:
        coef = [0.0] * len(hidden)
        rhs = 0.0
        for m, cell in enumerate(line):
            sign = -1.0 if m == len(line) - 1 else 1.0
            value = table[cell[0]][cell[1]]
            if value is None:
                coef[pos[cell]] += sign
            else:
                rhs -= sign * value
        if any(coef):
            a_eq.append(coef)
            b_eq.append(rhs)
    out = {}
    for cell, v in pos.items():
        bounds = []
        for sign in (1.0, -1.0):
            c = [0.0] * len(hidden)
            c[v] = sign
            res = linprog(c, A_eq=a_eq or None, b_eq=b_eq or None, bounds=(0, None))
            bounds.append(math.inf if res.status == 3 else sign * res.fun)
        out[cell] = (bounds[0], bounds[1])
    return out


def test_worked_example_hides_a_rectangle():
    # 3 is below k; row 0 then needs a second hidden cell (10), columns 0 and 1 too (20, 30).
    t = suppress_table([[3, 10, 12], [20, 30, 7]])
    assert t.cells == ((None, None, 12), (None, None, 7))
    assert (t.row_totals, t.column_totals, t.grand_total) == ((25, 57), (23, 40, 19), 82)
    assert t.primary[0, 0] and t.primary.sum() == 1
    assert t.secondary[:2, :2].sum() == 3
    # An intruder learns only that the hidden 3 lies in [0, 13].
    assert (t.lower[0, 0], t.upper[0, 0]) == (0.0, 13.0)


def test_small_margins_are_suppressed_too():
    t = suppress_table([[1, 0], [0, 2]], k=5)
    for value in [*sum(_extended(t), [])]:
        assert value is None or value == 0 or value >= 5


def test_zeros_are_published_by_default_and_can_be_hidden():
    assert suppress_table([[0, 8], [9, 10]]).cells == ((0, 8), (9, 10))
    t = suppress_table([[0, 8], [9, 10]], publish_zero=False)
    assert t.primary[0, 0] and t.cells[0][0] is None


def test_a_lone_small_cell_with_total_is_not_recoverable():
    s = suppress_series([12, 3, 40])
    assert s.values == (None, None, 40) and s.total == 55
    assert s.secondary.tolist() == [True, False, False, False]


def test_series_without_total_needs_no_secondary_suppression():
    s = suppress_series([12, 3, 40], with_total=False)
    assert s.values == (12, None, 40) and s.total is None
    assert not s.secondary.any()


def test_secondary_pick_prefers_the_smallest_count():
    s = suppress_series([50, 2, 9, 30])
    assert s.values == (50, None, None, 30)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: suppress_table([[1, -2]]), "whole counts"),
        (lambda: suppress_table([[1.5, 2]]), "whole counts"),
        (lambda: suppress_table([[np.nan, 2]]), "NaN"),
        (lambda: suppress_table([1, 2]), "2-dimensional"),
        (lambda: suppress_table(np.zeros((0, 0))), "empty"),
        (lambda: suppress_table([[1, 2]], k=0), "k must"),
        (lambda: suppress_series([[1, 2]]), "1-dimensional"),
        (lambda: snap_to_grid([1.0], [1.0], 100.0), "at least 250"),
        (lambda: snap_to_grid([1.0], [1.0, 2.0]), "one y per x"),
        (lambda: aggregate_to_areas([]), "no events"),
    ],
)
def test_disclosure_refuses_bad_input(call, message):
    with pytest.raises(InputError, match=message):
        call()


small_counts = st.one_of(st.integers(0, 6), st.integers(0, 60))
tables = st.integers(1, 4).flatmap(
    lambda r: st.integers(1, 4).flatmap(
        lambda c: st.lists(st.lists(small_counts, min_size=c, max_size=c), min_size=r, max_size=r)
    )
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(table=tables, k=st.sampled_from([3, 5]))
def test_no_published_number_is_small_and_no_hidden_cell_is_recoverable(table, k):
    t = suppress_table(table, k=k)
    published = _extended(t)
    for row in published:
        for value in row:
            assert value is None or value == 0 or value >= k
    # Published values are the true values.
    truth = np.array(table)
    ext = np.zeros((truth.shape[0] + 1, truth.shape[1] + 1), dtype=int)
    ext[:-1, :-1] = truth
    ext[:-1, -1], ext[-1, :-1], ext[-1, -1] = truth.sum(1), truth.sum(0), truth.sum()
    hidden_primary = t.primary
    for i, row in enumerate(published):
        for j, value in enumerate(row):
            if value is not None:
                assert value == ext[i, j]
            if 0 < ext[i, j] < k:
                assert value is None and hidden_primary[i, j]
    # An intruder's LP bounds never pin a hidden value, nor place it within 1..k-1.
    for (i, j), (lo, hi) in _intruder_bounds(published).items():
        assert lo < hi, (table, (i, j), lo, hi)
        assert lo <= ext[i, j] <= hi
        assert lo == 0 or hi >= k
        assert t.lower[i, j] == pytest.approx(lo, abs=1e-6)
        assert t.upper[i, j] == pytest.approx(hi, abs=1e-6) or math.isinf(hi)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(values=st.lists(small_counts, min_size=1, max_size=8), k=st.sampled_from([3, 5]))
def test_series_suppression_properties(values, k):
    s = suppress_series(values, k=k)
    published = [*s.values, s.total]
    truth = [*values, sum(values)]
    for value, true in zip(published, truth, strict=True):
        assert value is None or (value == true and (value == 0 or value >= k))
    hidden = [i for i, v in enumerate(published) if v is None]
    if hidden:
        # As a table, the row says "values sum to the total"; a second copy of the row makes
        # every column read "v = v", which constrains nothing.
        bounds = _intruder_bounds([list(published), list(published)])
        for (_, j), (lo, hi) in bounds.items():
            assert lo < hi and (lo == 0 or hi >= k)
            assert lo <= truth[j] <= hi


def test_snap_to_grid_returns_cell_centres_only():
    x, y = snap_to_grid([10.0, 260.0, 1234.5], [499.0, 501.0, 7.0])
    assert x.tolist() == [125.0, 375.0, 1125.0]
    assert y.tolist() == [375.0, 625.0, 125.0]


def test_aggregate_to_grid_never_returns_raw_coordinates_or_small_counts():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 2000, 300), rng.uniform(0, 2000, 300)
    g = aggregate_to_grid(x, y, 500.0, k=5)
    assert not set(np.round(x, 6)) & set(np.round(g.x, 6))
    assert set(((g.x - 250.0) % 500.0).tolist()) == {0.0}
    assert all(c is None or c >= 5 for c in g.counts)
    assert sum(c for c in g.counts if c is not None) <= 300


def test_aggregate_to_areas_shows_empty_areas_as_zero():
    a = aggregate_to_areas(["A"] * 7 + ["C"] * 9, all_areas=["A", "B", "C"])
    assert a.areas == ("A", "B", "C")
    assert a.series.values == (7, 0, 9) and a.series.total == 16


atoms_strategy = st.integers(1, 4).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.dictionaries(
            st.frozensets(st.integers(0, n - 1), min_size=1),
            st.integers(0, 12),
            min_size=1,
            max_size=6,
        ),
        st.one_of(st.none(), st.integers(0, 6)),
    )
)


def _pinned(target: np.ndarray, a_eq: object, b_eq: object, k: int) -> bool:
    ends = []
    for sign in (1.0, -1.0):
        res = linprog(sign * target, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
        ends.append(np.inf if res.status == 3 else sign * res.fun)
    return bool(ends[0] >= 1 - 1e-6 and ends[1] <= k - 1 + 1e-6)


@settings(max_examples=60, deadline=None)
@given(case=atoms_strategy, k=st.sampled_from([3, 5]))
def test_overlapping_areas_cannot_be_subtracted_to_a_small_count(case: tuple, k: int) -> None:
    """Areas nest and overlap; no part of an area (an atom of the overlaps) can be pinned to
    1..k−1 from the published areas and the grand total, and no area below k is shown."""
    n, atoms, outside = case
    sets, values = list(atoms), list(atoms.values())
    total = None if outside is None else sum(values) + outside
    published = suppress_overlapping_areas(n, sets, values, total, k)
    true = [sum(v for m, v in atoms.items() if i in m) for i in range(n)]
    for value, count in zip(published, true, strict=True):
        assert value is None or (value == count and value >= k)
    # The intruder's unknowns: each atom, and the incidents in no area when the total is known.
    all_sets = [*sets, frozenset()] if total is not None else sets
    all_values = [*values, outside] if total is not None else values
    rows = [
        [1.0 if i in m else 0.0 for m in all_sets] for i in range(n) if published[i] is not None
    ]
    rhs = [float(published[i]) for i in range(n) if published[i] is not None]
    if total is not None:
        rows.append([1.0] * len(all_sets))
        rhs.append(float(total))
    a_eq, b_eq = (np.array(rows), np.array(rhs)) if rows else (None, None)
    for j, v in enumerate(all_values):
        if 1 <= v <= k - 1:
            assert not _pinned(np.eye(len(all_sets))[j], a_eq, b_eq, k), f"atom {all_sets[j]}"
    for i in range(n):
        if published[i] is None and 1 <= true[i] <= k - 1:
            area = np.array([1.0 if i in m else 0.0 for m in all_sets])
            assert not _pinned(area, a_eq, b_eq, k), f"area {i}"
