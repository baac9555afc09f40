"""Gi*, Gi and local Moran's I against esda 2.9.0 (docs/methods-reference.md §3).

Tolerances: deterministic outputs agree with esda to rtol = atol = 1e-10 (observed: exactly);
with esda's permutation matrix injected, the counts M agree exactly. The default engine draws
from each site's exact null distribution, so its counts are tested against that distribution.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.hotspots import (
    distance_weights,
    gi,
    gi_star,
    grid_weights,
    local_moran,
)

TOL = {"rtol": 1e-10, "atol": 1e-10}
LATTICE = (9, 13)


def _poisson_grid(seed: int, mean: float = 2.0, shape: tuple[int, int] = LATTICE) -> np.ndarray:
    return np.random.default_rng(seed).poisson(mean, shape).astype(float)


def _lat2w(shape: tuple[int, int], rook: bool):  # type: ignore[no-untyped-def]
    from libpysal.weights import lat2W

    return lat2W(shape[0], shape[1], rook=rook)


def test_grid_numbering_is_lat2w_numbering() -> None:
    # Site i of a (n_rows, n_cols) grid is the cell divmod(i, n_cols): counts flattened in C
    # order, row = y index. lat2W numbers its lattice the same way, so the matrices coincide.
    for rook in (False, True):
        ours = grid_weights(4, 7, "rook" if rook else "queen").toarray()
        theirs, _ = _lat2w((4, 7), rook).full()
        assert_array_equal(ours, theirs)


@pytest.mark.parametrize("transform", ["B", "R"])
@pytest.mark.parametrize("star", [True, False])
@pytest.mark.parametrize("neighbourhood", ["queen", "rook"])
def test_gi_deterministic_outputs_equal_esda(
    neighbourhood: str, star: bool, transform: str
) -> None:
    from esda.getisord import G_Local

    for seed in (1, 2):
        y = _poisson_grid(seed)
        theirs = G_Local(
            y.ravel(), _lat2w(LATTICE, neighbourhood == "rook"), transform=transform, star=star,
            permutations=0,
        )  # fmt: skip
        ours = gi_star(
            y, neighbourhood=neighbourhood, transform=transform, star=star, permutations=0
        )
        assert_allclose(ours.g, theirs.Gs, **TOL)
        assert_allclose(ours.expected_g, theirs.EGs, **TOL)
        assert_allclose(ours.variance_g, theirs.VGs, **TOL)
        assert_allclose(ours.z_scores, theirs.Zs, **TOL)
        assert_allclose(ours.p_norm, theirs.p_norm, **TOL)


@pytest.mark.parametrize("transform", ["R", "B"])
def test_local_moran_deterministic_outputs_equal_esda(transform: str) -> None:
    from esda.moran import Moran_Local

    y = _poisson_grid(3, mean=1.5)
    theirs = Moran_Local(
        y.ravel(), _lat2w(LATTICE, False), transformation=transform, permutations=0
    )
    ours = local_moran(y, transform=transform, permutations=0)
    assert_allclose(ours.local_i, theirs.Is, **TOL)
    assert_allclose(ours.expected_i, theirs.EI, **TOL)
    assert_allclose(ours.variance_i, theirs.VI, **TOL)
    assert_allclose(ours.expected_i_conditional, theirs.EIc, **TOL)
    assert_allclose(ours.variance_i_conditional, theirs.VIc, **TOL)
    assert_array_equal(ours.quadrants, theirs.q)
    geoda = local_moran(y, transform=transform, permutations=0, geoda_quads=True)
    assert_array_equal(geoda.quadrants, Moran_Local(
        y.ravel(), _lat2w(LATTICE, False), transformation=transform, permutations=0,
        geoda_quads=True).q)  # fmt: skip


def test_moran_analytic_z_uses_the_moment_statistic() -> None:
    # With z standardised by the population SD, m2 = 1 and I^A = z·lag = Is·n/(n − 1).
    y = _poisson_grid(5)
    res = local_moran(y, permutations=0)
    n = y.size
    i_a = res.local_i * n / (n - 1)
    assert_allclose(res.z_scores, (i_a - res.expected_i) / np.sqrt(res.variance_i), rtol=1e-12)


def test_sparse_weights_give_the_grid_result() -> None:
    y = _poisson_grid(6)
    rows, cols = np.divmod(np.arange(y.size), y.shape[1])
    w = distance_weights(cols * 100.0, rows * 100.0, 100 * np.sqrt(2) * (1 + 1e-9))
    on_grid = gi_star(y, permutations=99, seed=3)
    on_weights = gi_star(y.ravel(), sp.csr_matrix(w), permutations=99, seed=3)
    assert_allclose(on_weights.z_scores, on_grid.z_scores, rtol=0, atol=0)
    assert_array_equal(on_weights.p_sim, on_grid.p_sim)


def _enumerated_tails(values: np.ndarray, w: sp.csr_matrix, i: int) -> tuple[float, float]:
    """P(lag ≥ observed) and P(lag ≤ observed) by listing every k-subset of the other sites."""
    neighbours = [j for j in w.indices[w.indptr[i] : w.indptr[i + 1]] if j != i]
    others = np.delete(values, i)
    observed = values[neighbours].sum()
    sums = np.array(
        [others[list(c)].sum() for c in itertools.combinations(range(others.size), len(neighbours))]
    )
    return float(np.mean(sums >= observed)), float(np.mean(sums <= observed))


def test_exact_null_equals_enumeration_of_all_draws() -> None:
    y = np.array([[0, 3, 1, 0], [2, 0, 5, 1], [0, 1, 0, 4]], dtype=float)
    w = grid_weights(3, 4, "rook", include_self=True)
    greater = gi_star(y, neighbourhood="rook", alternative="greater", permutations=9)
    lesser = gi_star(y, neighbourhood="rook", alternative="lesser", permutations=9)
    for i in range(y.size):
        p_ge, p_le = _enumerated_tails(y.ravel(), w, i)
        assert greater.p_exact[i] == pytest.approx(p_ge, rel=1e-10)
        assert lesser.p_exact[i] == pytest.approx(p_le, rel=1e-10)


def test_moran_exact_null_follows_the_sign_of_z() -> None:
    # I_sim rises with the neighbours' sum when z_i > 0 and falls when z_i < 0.
    y = np.array([[0, 3, 1, 0], [2, 0, 5, 1], [0, 1, 0, 4]], dtype=float)
    w = grid_weights(3, 4, "rook")
    res = local_moran(y, neighbourhood="rook", transform="B", alternative="greater", permutations=9)
    z = (y.ravel() - y.mean()) / y.std()
    for i in range(y.size):
        p_ge, p_le = _enumerated_tails(y.ravel(), w, i)
        assert res.p_exact[i] == pytest.approx(p_ge if z[i] > 0 else p_le, rel=1e-10)


@pytest.mark.parametrize("statistic", ["gi_star", "local_moran"])
def test_default_engine_counts_follow_the_exact_null(statistic: str) -> None:
    # M for a site is Binomial(R, q) with q = P(sim ≥ obs) under conditional permutation; the
    # standardised residuals over 900 sites must look standard normal.
    y = _poisson_grid(3, mean=1.5, shape=(30, 30))
    func = gi_star if statistic == "gi_star" else local_moran
    q = func(y, alternative="greater", permutations=1).p_exact
    res = func(y, permutations=999, seed=4)
    assert res.method == "distribution"
    keep = (q > 0.001) & (q < 0.999)
    resid = (res.n_ge - 999 * q)[keep] / np.sqrt(999 * q * (1 - q))[keep]
    assert abs(resid.mean()) < 0.15
    assert 0.85 < resid.std() < 1.15


@pytest.mark.parametrize("alternative", ["greater", "directed"])
def test_default_engine_p_values_match_the_esda_algorithm_in_distribution(alternative: str) -> None:
    # The "matrix" engine is esda's algorithm (one shared index matrix). Averaged over seeds,
    # each site's p-value must agree between the engines; sites within one esda run are
    # dependent, so the comparison is per site over independent seeds, not a pooled KS test.
    y = _poisson_grid(8, mean=1.0, shape=(20, 20))
    seeds = range(12)
    fast = np.array([gi_star(y, alternative=alternative, seed=s).p_sim for s in seeds])
    slow = np.array(
        [gi_star(y, alternative=alternative, seed=s, method="matrix").p_sim for s in seeds]
    )
    spread = np.sqrt((fast.var(axis=0) + slow.var(axis=0)) / len(seeds)) + 1e-3
    assert np.max(np.abs(fast.mean(axis=0) - slow.mean(axis=0)) / spread) < 5.5
    assert abs(np.mean(fast < 0.05) - np.mean(slow < 0.05)) < 0.01


def test_esda_arithmetic_breaks_ties_upwards_and_ours_does_not() -> None:
    # esda's fastmath kernel divides by the total through a reciprocal, so a simulated G equal
    # to the observed one can land an ulp above it: "#sim <= obs" misses the ties. The matrix
    # engine keeps that (for bit-for-bit agreement); the default engine counts ties exactly.
    y = _poisson_grid(8, mean=1.0, shape=(20, 20))
    exact_le = gi_star(y, alternative="lesser", permutations=1).p_exact * 999
    fast = np.mean([gi_star(y, seed=s).n_le for s in range(8)], axis=0)
    slow = np.mean([gi_star(y, seed=s, method="matrix").n_le for s in range(8)], axis=0)
    assert np.max(np.abs(fast - exact_le)) < 40
    assert np.max(exact_le - slow) > 100


def _reference_p(sample: np.ndarray, obs: float, alternative: str) -> float:
    """esda's definitions on a sorted sample in exact arithmetic (ties are ties)."""
    r = sample.size
    ge, le = int(np.sum(sample >= obs)), int(np.sum(sample <= obs))
    if alternative == "greater":
        return (ge + 1) / (r + 1)
    if alternative == "lesser":
        return (le + 1) / (r + 1)
    if alternative == "equal-tailed":
        return min(1.0, 2 * (min(ge, le) + 1) / (r + 1))
    if alternative == "directed":
        return (min(ge, r - ge) + 1) / (r + 1)
    if alternative == "folded":
        mean = sample.mean()
        return (int(np.sum(np.abs(sample - mean) >= abs(obs - mean) - 1e-9)) + 1) / (r + 1)
    ordered = np.sort(sample)
    p_low = min(le / r * 100, 100 - le / r * 100)
    low = ordered[int(np.floor(1 + (r - 1) * (p_low / 100.0))) - 1]
    rank = 1 + (r - 1) * ((100 - p_low) / 100.0)
    f = int(np.floor(rank))
    between = rank - f > 0 and f < r and ordered[f] != ordered[f - 1]
    high_count = np.sum(sample > ordered[f - 1]) if between else np.sum(sample >= ordered[f - 1])
    return min(1.0, (int(np.sum(sample <= low)) + int(high_count) + 1) / (r + 1))


@pytest.mark.parametrize(
    "alternative", ["two-sided", "equal-tailed", "greater", "lesser", "directed", "folded"]
)
def test_histogram_p_values_equal_the_definitions_on_the_expanded_sample(alternative: str) -> None:
    from samtrygg.analysis._permutation import _histogram_p
    from samtrygg.analysis.multiple_testing import check_alternative

    rng = np.random.default_rng(21)
    code = check_alternative(alternative)
    for _ in range(300):
        r = int(rng.integers(5, 60))
        lags = rng.poisson(rng.uniform(0.5, 6), r)
        hist = np.bincount(lags, minlength=30).astype(np.int64)
        top = int(lags.max())
        obs = int(rng.integers(0, top + 2))
        for sign in (1, -1):
            p, ge, le, mean, var = _histogram_p(hist, 0, max(top, obs), obs, sign, r, code)
            sample, point = sign * lags.astype(float), float(sign * obs)
            assert p == pytest.approx(_reference_p(sample, point, alternative), abs=1e-12)
            assert (ge, le) == (int(np.sum(sample >= point)), int(np.sum(sample <= point)))
            assert mean == pytest.approx(lags.mean()) and var == pytest.approx(lags.var())


def test_same_seed_same_result_and_other_seed_differs() -> None:
    y = _poisson_grid(11)
    a, b, c = gi_star(y, seed=5), gi_star(y, seed=5), gi_star(y, seed=6)
    assert_array_equal(a.p_sim, b.p_sim)
    assert not np.array_equal(a.p_sim, c.p_sim)


def test_classes_follow_adjusted_p_and_sign_of_z() -> None:
    y = np.ones((12, 12))
    y[2:5, 2:5] = 8
    y[8:11, 8:11] = 0
    y[9, 9] = 0
    res = gi_star(y, seed=2)
    hot = (res.p_adjusted < 0.05) & (res.z_scores > 0)
    cold = (res.p_adjusted < 0.05) & (res.z_scores < 0)
    assert_array_equal(res.classes == "hot", hot)
    assert_array_equal(res.classes == "cold", cold)
    assert res.grid("classes")[3, 3] == "hot"
    assert res.p_source == "exact"


def test_correction_none_leaves_the_chosen_p_unchanged() -> None:
    y = _poisson_grid(12)
    assert_array_equal(gi_star(y, correction="none", p_source="permutation").p_adjusted,
                       gi_star(y, correction="none", p_source="permutation").p_sim)  # fmt: skip
    res = gi_star(y, correction="none", p_source="analytic", permutations=0)
    assert_allclose(res.p_adjusted, np.minimum(1, 2 * res.p_norm))


@settings(max_examples=15, deadline=None)
@given(
    st.integers(3, 9),
    st.integers(3, 9),
    st.floats(0.2, 4.0),
    st.integers(0, 2**31 - 1),
    st.sampled_from(["equal-tailed", "two-sided", "greater", "lesser", "folded", "directed"]),
)
def test_p_values_lie_in_0_1(
    rows: int, cols: int, mean: float, seed: int, alternative: str
) -> None:
    y = np.random.default_rng(seed).poisson(mean, (rows, cols)).astype(float)
    if np.ptp(y) == 0:
        y[0, 0] += 1
    res = gi_star(y, permutations=49, seed=seed % 1000, alternative=alternative)
    for p in (res.p_sim, res.p_exact, res.p_adjusted):
        assert np.all((p > 0) & (p <= 1))
    assert np.all(res.p_sim >= 1 / 50)
    assert np.all(res.p_adjusted >= res.p_exact - 1e-15)


# --------------------------------------------------------------------------- input validation


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"alpha": 0}, "alpha"),
        ({"alpha": 1.5}, "alpha"),
        ({"correction": "bonferroni"}, "correction"),
        ({"alternative": "both"}, "alternative"),
        ({"permutations": -1}, "permutations"),
        ({"neighbourhood": "king"}, "neighbourhood"),
        ({"transform": "V"}, "transform"),
        ({"p_source": "magic"}, "p_source"),
        ({"permutations": 0, "p_source": "permutation"}, "permutations > 0"),
        ({"seed": -1}, "seed"),
        ({"method": "fast"}, "method"),
    ],
)
def test_bad_options_are_refused_with_the_argument_named(kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        gi_star(_poisson_grid(1), **kwargs)


def test_all_zero_counts_are_refused_not_reported_as_nan() -> None:
    # esda returns NaN z-scores for an all-zero grid; we refuse it in plain words.
    with pytest.raises(InputError, match="values equal 0"):
        gi_star(np.zeros((5, 5)))
    with pytest.raises(InputError, match="values equal 3"):
        local_moran(np.full((4, 4), 3.0))


def test_unusable_values_are_refused() -> None:
    y = _poisson_grid(1)
    y[2, 3] = np.nan
    with pytest.raises(InputError, match="finite; site 29"):
        gi_star(y)
    with pytest.raises(InputError, match="empty"):
        gi_star(np.zeros((0, 4)))
    with pytest.raises(InputError, match="non-negative"):
        gi_star(-_poisson_grid(1))
    with pytest.raises(InputError, match="weights"):
        gi_star(np.arange(5.0))
    with pytest.raises(InputError, match=r"shape \(5, 5\)"):
        gi_star(np.arange(5.0), grid_weights(2, 2))
    with pytest.raises(InputError, match="at least 3"):
        gi_star(np.array([[1.0, 2.0]]))


def test_exact_p_needs_integer_counts() -> None:
    y = _poisson_grid(1) + 0.5
    res = gi_star(y, permutations=99)
    assert res.p_source == "permutation" and res.method == "matrix"
    assert np.all(np.isnan(res.p_exact))
    with pytest.raises(InputError, match="integer"):
        gi_star(y, p_source="exact")


def test_gi_excludes_the_site_itself() -> None:
    y = _poisson_grid(2)
    assert not gi(y, permutations=0).star
    assert_allclose(gi(y, permutations=0).g, gi_star(y, star=False, permutations=0).g)


# --------------------------------------------------------------------------- against esda's crand


@pytest.mark.slow
@pytest.mark.parametrize(
    ("star", "transform"), [(True, "B"), (False, "B"), (True, "R"), (False, "R")]
)
def test_injected_esda_permutations_reproduce_esda_bit_for_bit(star: bool, transform: str) -> None:
    from esda.crand import vec_permutations
    from esda.getisord import G_Local
    from esda.significance import calculate_significance

    y = _poisson_grid(7)
    r, seed = 199, 17
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = G_Local(y.ravel(), _lat2w(LATTICE, False), transform=transform, star=star,
                         permutations=r, seed=seed, n_jobs=1)  # fmt: skip
        ids = vec_permutations(8, y.size, r, seed)
    for alternative in ("directed", "two-sided", "greater", "lesser", "folded"):
        ours = gi_star(
            y, transform=transform, star=star, permutation_ids=ids, alternative=alternative
        )
        assert ours.method == "injected"
        expected = np.minimum(1, calculate_significance(theirs.Gs, theirs.rGs, alternative))
        assert_array_equal(ours.p_sim, expected)
    assert_array_equal(ours.n_ge, (theirs.rGs >= theirs.Gs[:, None]).sum(axis=1))
    assert_array_equal(ours.n_le, (theirs.rGs <= theirs.Gs[:, None]).sum(axis=1))
    directed = gi_star(
        y, transform=transform, star=star, permutation_ids=ids, alternative="directed"
    )
    assert_array_equal(directed.p_sim.astype(np.float32), theirs.p_sim)  # esda stores float32
    assert_allclose(directed.expected_sim, theirs.EG_sim, rtol=1e-12)
    assert_allclose(directed.sd_sim, theirs.seG_sim, rtol=1e-10)


@pytest.mark.slow
@pytest.mark.parametrize("transform", ["R", "B"])
def test_injected_esda_permutations_reproduce_moran_counts(transform: str) -> None:
    from esda.crand import vec_permutations
    from esda.moran import Moran_Local

    y = _poisson_grid(9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = Moran_Local(y.ravel(), _lat2w(LATTICE, False), transformation=transform,
                             permutations=199, seed=23)  # fmt: skip
        ids = vec_permutations(8, y.size, 199, 23)
    ours = local_moran(y, transform=transform, permutation_ids=ids, alternative="directed")
    assert_array_equal(ours.n_ge, (theirs.rlisas >= theirs.Is[:, None]).sum(axis=1))
    assert_array_equal(ours.p_sim, theirs.p_sim)


@pytest.mark.slow
def test_esda_and_default_engine_counts_share_the_exact_null() -> None:
    # Per site and over independent seeds, esda's M and ours are Binomial(R, q) with the exact
    # q = P(sim ≥ obs); sites within one esda run are dependent, so compare site by site.
    from esda.getisord import G_Local

    y = _poisson_grid(3, mean=1.5, shape=(30, 30))
    r, seeds = 999, (1, 2, 3, 4)
    q = gi_star(y, alternative="greater", permutations=1).p_exact
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        esda_runs = [
            G_Local(y.ravel(), _lat2w((30, 30), False), transform="B", star=True,
                    permutations=r, seed=s, n_jobs=1)
            for s in seeds
        ]  # fmt: skip
    theirs = np.mean([(e.rGs >= e.Gs[:, None]).sum(axis=1) for e in esda_runs], axis=0)
    ours = np.mean([gi_star(y, seed=s).n_ge for s in seeds], axis=0)
    keep = (q > 0.001) & (q < 0.999)
    scale = np.sqrt(r * q * (1 - q) / len(seeds))[keep]
    for counts in (theirs, ours):
        resid = (counts - r * q)[keep] / scale
        assert np.max(np.abs(resid)) < 6
        assert np.mean(np.abs(resid) > 3) < 0.02
    esda_p = np.concatenate([e.p_sim for e in esda_runs])
    our_p = np.concatenate([gi_star(y, alternative="directed", seed=s).p_sim for s in seeds])
    assert abs(np.mean(esda_p < 0.05) - np.mean(our_p < 0.05)) < 0.03


def test_the_exact_p_value_floor_is_each_sites_own():
    from samtrygg.analysis._permutation import _exact_p

    # A null table of zeros leaves only the floor 1/C(n-1, k), k the site's neighbours: sites
    # with different numbers of neighbours (edges, corners) each get their own.
    card = np.array([1, 3, 2, 3, 1, 5])
    n = card.size
    ones = np.ones(n, dtype=np.int64)
    p = _exact_p(np.zeros((1, 2)), 0 * ones, 0 * ones, ones, card, 1)
    assert p.tolist() == pytest.approx([1 / math.comb(n - 1, int(k)) for k in card], rel=1e-12)
