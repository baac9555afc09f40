"""The cell-key perturbation played by an attacker (docs/privacy.md, docs/methods-reference.md §10).

The attacker here is written independently of the library. They know the published rule (k, the
noise bound D, "0 for anything that falls below k") but not the secret. From every published
value p they know the true count of that set of records lies in an interval: 0 … k − 1 + D for
p = 0, p − D … p + D otherwise. They combine the intervals of several releases with what they
know exactly (their own reports, that exactly one report was added) and solve integer programs
for the smallest and largest value of what they want to learn. A count from 1 to k − 1 is
*recovered* when those two bounds both lie in [1, k − 1]; the tests assert that never happens.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from samtrygg.analysis.disclosure import (
    CellKeyRule,
    additive_total,
    cell_keys,
    feasible_counts,
    noise_bound,
    perturb,
    record_keys,
)
from samtrygg.analysis.errors import InputError

SECRET = b"attacker-does-not-know-this-key!"
BIG = 10_000


def attacker_interval(p: int, k: int) -> tuple[int, int]:
    """What the published rule says about the true count behind p (written from the docs)."""
    d = max(2, math.ceil((k - 1) / 2))
    return (0, k - 1 + d) if p == 0 else (max(1, p - d), p + d)


@dataclass
class Attacker:
    """Unknowns are the atoms (disjoint sets of records); knowledge is linear."""

    n_atoms: int
    rows: list[list[float]] = field(default_factory=list)
    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)

    def saw(self, atoms: Sequence[int], published: int, k: int) -> None:
        lo, hi = attacker_interval(published, k)
        self.knows(atoms, lo, hi)

    def knows(self, atoms: Sequence[int], lo: float, hi: float, coef: float = 1.0) -> None:
        row = [0.0] * self.n_atoms
        for a in atoms:
            row[a] += coef
        self.rows.append(row)
        self.lo.append(lo)
        self.hi.append(hi)

    def bounds(self, target: Sequence[float]) -> tuple[float, float]:
        c = np.asarray(target, dtype=float)
        cons = LinearConstraint(np.array(self.rows), self.lo, self.hi) if self.rows else ()
        ends = []
        for sign in (1.0, -1.0):
            res = milp(
                sign * c,
                constraints=cons,
                integrality=np.ones(self.n_atoms),
                bounds=Bounds(0, BIG),
            )
            assert res.status == 0, res.message  # the true values are always feasible
            ends.append(round(sign * res.fun))
        return ends[0], ends[1]

    def assert_not_recovered(self, target: Sequence[float], true: int, k: int, what: str) -> None:
        lo, hi = self.bounds(target)
        assert lo <= true <= hi
        if 1 <= true <= k - 1:
            assert not (lo >= 1 and hi <= k - 1), f"{what} = {true} pinned to [{lo}, {hi}]"


class Records:
    """Atoms of records with fixed ids; a cell is a union of atoms; publication is the rule's."""

    def __init__(self, sizes: Sequence[int], k: int, first_id: int = 1) -> None:
        self.k = k
        self.ids: list[list[int]] = []
        next_id = first_id
        for n in sizes:
            self.ids.append(list(range(next_id, next_id + n)))
            next_id += n
        self.next_id = next_id

    def add(self, atom: int, n: int = 1) -> None:
        self.ids[atom] += list(range(self.next_id, self.next_id + n))
        self.next_id += n

    def publish(self, atoms: Sequence[int]) -> int:
        ids = [i for a in atoms for i in self.ids[a]]
        return int(CellKeyRule(self.k, SECRET).publish(ids, [0] * len(ids), 1)[0])

    def true(self, atoms: Sequence[int]) -> int:
        return sum(len(self.ids[a]) for a in atoms)


small_or_large = st.one_of(st.integers(0, 8), st.integers(0, 60))
ks = st.sampled_from([3, 5, 10])


# --------------------------------------------------------------------------- the rule itself


@settings(max_examples=200, deadline=None)
@given(n=st.lists(small_or_large, min_size=1, max_size=30), seed=st.integers(0, 2**32), k=ks)
def test_no_published_value_is_small_and_the_interval_holds(n: list[int], seed: int, k: int):
    keys = np.random.default_rng(seed).random(len(n))
    published = perturb(n, keys, k=k)
    for true, p in zip(n, published.tolist(), strict=True):
        assert p == 0 or p >= k, f"published {p} with k = {k}"
        assert true > 0 or p == 0
        lo, hi = attacker_interval(p, k)
        assert lo <= true <= hi
        assert feasible_counts(p, k) == (lo, hi)
        # Every interval holds at least k whole numbers, so knowing an exact part of the cell
        # never narrows the rest to 1 .. k - 1.
        assert hi - lo + 1 >= k


def test_same_records_same_value_in_any_order_and_in_any_table():
    rule = CellKeyRule(5, SECRET)
    ids = list(range(100, 140))
    a = rule.publish(ids, [0] * 40, 1)
    b = rule.publish(ids[::-1], [0] * 40, 1)
    # The same set inside a larger table with other cells around it.
    c = rule.publish([*ids, 1, 2, 3], [1] * 40 + [0, 0, 2], 3)
    assert a[0] == b[0] == c[1]


def test_noise_is_unbiased_and_bounded_over_many_cells():
    rng = np.random.default_rng(7)
    n = np.full(20_000, 40)
    published = perturb(n, rng.random(n.size), k=5)
    assert set(np.unique(published - 40).tolist()) == {-2, -1, 0, 1, 2}
    assert abs(float(published.mean()) - 40) < 0.05


def test_record_keys_depend_on_the_secret_and_the_id():
    a = record_keys([1, 2, 3], SECRET)
    assert len(set(a.tolist())) == 3
    assert not (a == record_keys([1, 2, 3], b"another-secret-of-32-bytes-long!")).any()
    counts, keys = cell_keys([0, 0, 2], a, 3)
    assert counts.tolist() == [2, 0, 1]
    assert keys.min() >= 0 and keys.max() < 1 and keys[1] == 0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: record_keys([1], b"short"), "16 to 64 bytes"),
        (lambda: record_keys([1.5], SECRET), "whole numbers"),
        (lambda: cell_keys([0, 3], np.zeros(2, dtype=np.uint64), 2), "0 … 1"),
        (lambda: cell_keys([0], np.zeros(2, dtype=np.uint64), 2), "one key per record"),
        (lambda: perturb([1, 2], [0.5], k=5), "one key per cell"),
        (lambda: perturb([1], [1.0], k=5), r"\[0, 1\)"),
        (lambda: perturb([-1], [0.5], k=5), "whole counts"),
        (lambda: feasible_counts(3, 5), "cannot be published"),
        (lambda: CellKeyRule(0, SECRET), "at least 1"),
    ],
)
def test_bad_input_is_refused_with_a_message(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_noise_bound_grows_with_k():
    assert [noise_bound(k) for k in (2, 3, 5, 7, 10)] == [2, 2, 2, 3, 5]


# --------------------------------------------------------------------------- the attacks


@settings(max_examples=80, deadline=None)
@given(sizes=st.lists(small_or_large, min_size=3, max_size=3), k=ks)
def test_two_overlapping_periods_do_not_give_away_a_small_part(sizes: list[int], k: int):
    """Periods A = atoms {0, 1} and B = {1, 2} (one day, one week or one month apart)."""
    r = Records(sizes, k)
    att = Attacker(3)
    att.saw([0, 1], r.publish([0, 1]), k)
    att.saw([1, 2], r.publish([1, 2]), k)
    for j in range(3):
        att.assert_not_recovered(np.eye(3)[j], sizes[j], k, f"atom {j}")


@settings(max_examples=80, deadline=None)
@given(sizes=st.lists(small_or_large, min_size=2, max_size=2), k=ks)
def test_a_period_and_the_same_period_one_day_longer(sizes: list[int], k: int):
    r = Records(sizes, k)
    att = Attacker(2)
    att.saw([0], r.publish([0]), k)
    att.saw([0, 1], r.publish([0, 1]), k)
    att.assert_not_recovered([0, 1], sizes[1], k, "the extra day")


@settings(max_examples=80, deadline=None)
@given(sizes=st.lists(small_or_large, min_size=2, max_size=2), k=ks)
def test_a_filter_its_complement_and_no_filter(sizes: list[int], k: int):
    """A category (atom 0), every other category (atom 1), and all categories together."""
    r = Records(sizes, k)
    att = Attacker(2)
    att.saw([0], r.publish([0]), k)
    att.saw([1], r.publish([1]), k)
    att.saw([0, 1], r.publish([0, 1]), k)
    att.assert_not_recovered([1, 0], sizes[0], k, "the filter")
    att.assert_not_recovered([0, 1], sizes[1], k, "the complement")


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(small_or_large, min_size=2, max_size=5), k=ks)
def test_a_total_and_its_parts(sizes: list[int], k: int):
    """Totals are the sums of the published parts: they are consistent and add nothing."""
    r = Records(sizes, k)
    parts = [r.publish([j]) for j in range(len(sizes))]
    total = additive_total(parts)
    assert total == sum(parts)
    att = Attacker(len(sizes))
    for j, p in enumerate(parts):
        att.saw([j], p, k)
    # The total is a known sum of what was seen: it cannot narrow anything further.
    att.knows(
        range(len(sizes)),
        *(sum(x) for x in zip(*(attacker_interval(p, k) for p in parts), strict=True)),
    )
    for j in range(len(sizes)):
        att.assert_not_recovered(np.eye(len(sizes))[j], sizes[j], k, f"part {j}")


@settings(max_examples=80, deadline=None)
@given(sizes=st.lists(small_or_large, min_size=2, max_size=2), k=ks)
def test_knowing_ones_own_reports_exactly(sizes: list[int], k: int):
    """A reporter knows atom 0 (their own reports) exactly and sees the cell published."""
    r = Records(sizes, k)
    att = Attacker(2)
    att.saw([0, 1], r.publish([0, 1]), k)
    att.knows([0], sizes[0], sizes[0])
    att.assert_not_recovered([0, 1], sizes[1], k, "the others' reports")


@settings(max_examples=120, deadline=None)
@given(n=small_or_large, late=st.integers(1, 3), k=ks)
def test_a_late_report_between_two_versions(n: int, late: int, k: int):
    """Version 1 counts n records, version 2 the same plus ``late`` back-dated ones."""
    r = Records([n], k)
    before = r.publish([0])
    r.add(0, late)
    after = r.publish([0])
    # Atoms: the records of version 1, and the late ones.
    att = Attacker(2)
    att.saw([0], before, k)
    att.saw([0, 1], after, k)
    att.assert_not_recovered([0, 1], late, k, "the late reports")
    att.assert_not_recovered([1, 0], n, k, "the count before")
    # Even someone who knows exactly how many were added (they added them).
    att.knows([1], late, late)
    att.assert_not_recovered([1, 0], n, k, "the count before, late known")
    att.assert_not_recovered([1, 1], n + late, k, "the count after, late known")


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(small_or_large, min_size=4, max_size=4), k=ks)
def test_two_versions_of_two_overlapping_periods(sizes: list[int], k: int):
    """Periods A = {0, 1}, B = {1, 2}, both published before and after one late report in
    atom 1 (atom 3 holds it): four releases."""
    sizes[3] = 1
    r = Records(sizes[:3], k)
    att = Attacker(4)
    att.saw([0, 1], r.publish([0, 1]), k)
    att.saw([1, 2], r.publish([1, 2]), k)
    r.ids.append([r.next_id])
    att.saw([0, 1, 3], r.publish([0, 1, 3]), k)
    att.saw([1, 2, 3], r.publish([1, 2, 3]), k)
    for j in range(3):
        att.assert_not_recovered(np.eye(4)[j], sizes[j], k, f"atom {j}")


def test_remembered_record_keys_are_the_keyed_hashes_of_the_ids() -> None:
    import hashlib

    from samtrygg.analysis import disclosure

    secret = b"remember-these-keys-0123456789"

    def direct(i: int) -> int:
        digest = hashlib.blake2b(
            int(i).to_bytes(8, "little", signed=True), key=secret, digest_size=8
        ).digest()
        return int.from_bytes(digest, "little")

    rng = np.random.default_rng(3)
    ids = np.concatenate([
        rng.integers(0, 5000, 300), [0, 1, 1, 4999], [-7, disclosure._MEMO_IDS + 11, 2**40],
    ])  # fmt: skip
    first = disclosure.record_keys(ids, secret)
    again = disclosure.record_keys(ids[::-1], secret)[::-1]  # now from memory
    assert [int(v) for v in first] == [direct(int(i)) for i in ids]
    assert (first == again).all()
    # Another secret has keys of its own.
    assert (disclosure.record_keys(ids, b"another-secret-0123456789") != first).any()
