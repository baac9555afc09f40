"""Property tests: the public numbers never show 1..k−1, and hidden cells cannot be worked out.

The intruder's view is rebuilt here independently of the disclosure module: every hidden entry of
the published table (cells, row and column totals, grand total) is a non-negative unknown, every
row and column of the extended table must add up, and scipy's linprog finds each hidden entry's
smallest and largest possible value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from samtrygg.public.services import protect_areas, suppressed_table


def _extended(table: Any) -> list[list[int | None]]:
    rows = [[*cells, total] for cells, total in zip(table.cells, table.row_totals, strict=True)]
    return [*rows, [*table.column_totals, table.grand_total]]


def intruder_bounds(
    published: list[list[int | None]],
) -> dict[tuple[int, int], tuple[float, float]]:
    """Feasible [min, max] of each hidden entry given the published entries and the sums."""
    n_r, n_c = len(published), len(published[0])
    hidden = [(i, j) for i in range(n_r) for j in range(n_c) if published[i][j] is None]
    if not hidden:
        return {}
    pos = {cell: n for n, cell in enumerate(hidden)}
    a_eq, b_eq = [], []
    lines = [[(i, j) for j in range(n_c)] for i in range(n_r)]
    lines += [[(i, j) for i in range(n_r)] for j in range(n_c)]
    for line in lines:  # members[:-1] add up to members[-1]
        coef, const = np.zeros(len(hidden)), 0.0
        for m, cell in enumerate(line):
            sign = -1.0 if m == len(line) - 1 else 1.0
            value = published[cell[0]][cell[1]]
            if value is None:
                coef[pos[cell]] += sign
            else:
                const += sign * value
        if coef.any():
            a_eq.append(coef)
            b_eq.append(-const)
    bounds = {}
    for cell, n in pos.items():
        ends = []
        for sign in (1.0, -1.0):
            c = np.zeros(len(hidden))
            c[n] = sign
            res = linprog(
                c, A_eq=np.array(a_eq) if a_eq else None, b_eq=b_eq or None, bounds=(0, None)
            )
            ends.append(np.inf if res.status == 3 else sign * res.fun)
        bounds[cell] = (round(ends[0], 6), round(ends[1], 6))
    return bounds


tables = st.integers(1, 4).flatmap(
    lambda n_rows: st.lists(
        st.lists(st.one_of(st.integers(0, 4), st.integers(0, 30)), min_size=4, max_size=4),
        min_size=n_rows,
        max_size=n_rows,
    )
)


@settings(max_examples=60, deadline=None)
@given(counts=tables, k=st.sampled_from([3, 5]))
def test_no_small_number_is_published_and_none_can_be_recomputed(
    counts: list[list[int]], k: int
) -> None:
    published = _extended(suppressed_table(counts, k))
    true = np.zeros((len(counts) + 1, 5), dtype=int)
    true[:-1, :-1] = counts
    true[:-1, -1] = true[:-1, :-1].sum(axis=1)
    true[-1, :] = true[:-1, :].sum(axis=0)
    for i, row in enumerate(published):
        for j, value in enumerate(row):
            if value is not None:
                assert value == true[i, j]
                assert not 1 <= value <= k - 1, f"published {value} < k={k}"
    for (i, j), (lo, hi) in intruder_bounds(published).items():
        assert lo <= true[i, j] <= hi
        assert lo < hi, f"hidden cell {(i, j)} = {true[i, j]} can be recomputed"
        assert not (lo >= 1 and hi <= k - 1), f"hidden cell {(i, j)} pinned to 1..{k - 1}"


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


def _pinned(target: np.ndarray, a_eq: Any, b_eq: Any, k: int) -> bool:
    ends = []
    for sign in (1.0, -1.0):
        res = linprog(sign * target, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
        ends.append(np.inf if res.status == 3 else sign * res.fun)
    return bool(ends[0] >= 1 - 1e-6 and ends[1] <= k - 1 + 1e-6)


@settings(max_examples=60, deadline=None)
@given(case=atoms_strategy, k=st.sampled_from([3, 5]))
def test_overlapping_areas_cannot_be_subtracted_to_a_small_count(case: Any, k: int) -> None:
    """Areas nest and overlap; no part of an area (an atom of the overlaps) can be pinned to
    1..k−1 from the published areas and the grand total, and no area below k is shown."""
    n, atoms, outside = case
    sets, values = list(atoms), list(atoms.values())
    total = None if outside is None else sum(values) + outside
    published = protect_areas(n, sets, values, total, k)
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


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    counts=st.dictionaries(
        st.tuples(st.sampled_from(["brand", "inbrott", "klotter"]), st.integers(0, 3)),
        st.integers(0, 9),
        max_size=8,
    )
)
def test_statistics_from_the_database_hide_small_counts(
    world: Any, counts: dict[tuple[str, int], int]
) -> None:
    """Incidents created in the database come out of the public statistics protected."""
    from django.db import transaction

    from samtrygg.incidents.models import Category
    from samtrygg.public.services import public_statistics
    from tests.public.helpers import add_incidents

    class RollbackError(Exception):
        pass

    with pytest.raises(RollbackError), transaction.atomic():
        for name in ("brand", "inbrott", "klotter"):
            Category.objects.create(partnership=world.a, name=name)
        add_incidents(world, counts)
        stats = public_statistics(world.a, k=5)
        assert stats is not None
        names = [r.label for r in stats.rows]
        grid: list[list[int | None]] = [[c.value for c in [*r.cells, r.total]] for r in stats.rows]
        grid.append([c.value for c in [*stats.column_totals, stats.grand_total]])
        for (name, q), n in counts.items():
            value = grid[names.index(name)][q]
            assert value is None or value == n
        for row in grid:
            assert not any(v is not None and 1 <= v <= 4 for v in row)
        for lo, hi in intruder_bounds(grid).values():
            assert lo < hi and not (lo >= 1 and hi <= 4)
        total = sum(counts.values())
        area = stats.areas[0].count.value
        assert area == (total if total >= 5 else None)
        raise RollbackError
