"""Near-repeat (Knox) analysis against the Near Repeat Calculator, pointpats and brute force.

Reference values: NRC v1.3 outputs in ``tests/data/reference/near_repeat/`` and the numbers
in ``docs/methods-reference.md`` sections 6 and 12.
"""

from __future__ import annotations

import dataclasses
import math
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.io import read_events
from samtrygg.analysis.nearrepeat import (
    SAME_LOCATION_TOLERANCE,
    KnoxResult,
    RaisedRisk,
    knox,
    mc_summary,
)
from samtrygg.cli.analyse.knox_summary import summary
from tests.datafiles import data_file

NR = "reference/near_repeat/"
CHICAGO = "crime_points/chicago_burglary_2014_2017.csv"

# --- Reading the test data --------------------------------------------------------------------


@cache
def _chicago_all() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    events = read_events(data_file(CHICAGO), crs="EPSG:26971")
    return events.x, events.y, events.days


def chicago_year(year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, y, days = _chicago_all()
    years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    keep = years == year
    return x[keep], y[keep], days[keep]


def nrc_points(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The headerless ``X,Y,date`` files from the R package NearRepeat."""
    rows = [line.split(",") for line in data_file(NR + name).read_text().splitlines() if line]
    x = np.array([float(r[0]) for r in rows])
    y = np.array([float(r[1]) for r in rows])
    days = np.array([r[2].strip() for r in rows], dtype="datetime64[D]").astype(np.int64)
    return x, y, days


def read_nrc_verbose(path: Path) -> dict[str, Any]:
    """Parse an NRC verbose CSV: header counts, the three tables and every cell's simulations."""
    lines = [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()]
    out: dict[str, Any] = {"cells": {}}
    i = 0
    while i < len(lines):
        head = lines[i][0].strip()
        if head.startswith("Source data records used:"):
            out["records"] = int(head.split(":")[1])
        elif head in (
            "Observed over mean expected frequencies",
            "Statistical significant table",
            "Observed frequencies distribution",
        ):
            time_labels = [v.strip() for v in lines[i + 1][2:] if v.strip()]
            k = i + 3
            labels, rows = [], []
            while k < len(lines) and lines[k][0].strip().isdigit():
                fields = lines[k]
                labels.append(fields[1].strip())
                values = fields[2 : 2 + len(time_labels)]
                rows.append([float(v) if v.strip() else 0.0 for v in values])
                k += 1
            out[head] = (labels, time_labels, np.array(rows))
            i = k
            continue
        elif head.startswith("Row ") and "Column" in head:
            words = head.split()
            row, col = int(words[1]), int(words[3])
            k = i + 1
            assert lines[k][0] == "Expected"
            sims = [float(v) for v in lines[k][1:] if v.strip()]
            k += 1
            while lines[k][0].strip() == "":
                sims += [float(v) for v in lines[k][1:] if v.strip()]
                k += 1
            cell: dict[str, Any] = {"expected": np.array(sims)}
            while lines[k][0] in ("Observed", "Min", "Max", "Mean", "P value", "Obs over Mean Exp"):
                cell[lines[k][0]] = float(lines[k][1])
                k += 1
            out["cells"][(row - 1, col - 1)] = cell
            i = k
            continue
        elif head.startswith("SOURCE DATA"):
            break
        i += 1
    return out


# The three NRC runs with verbose output: file, points, bands and metric.
VERBOSE_RUNS = {
    "chicago_burglary_2016": (
        "chicago_burglary_2016_NRverbose.csv",
        lambda: chicago_year(2016),
        [0, 100, 200, 300],
        [0, 2, 4],
        "euclidean",
    ),
    "chicago_be_month1": (
        "chicago_be_month1_NRverbose_2019-09-23_143005.csv",
        lambda: nrc_points("chicago_be_month1.csv"),
        [0, 100, 200, 300],
        [0, 7, 14, 21],
        "manhattan",
    ),
    "chicago_arson": (
        "chicago_arson_NRverbose_2019-09-23_145637.csv",
        lambda: nrc_points("chicago_arson.csv"),
        [0, 200, 400, 600],
        [0, 1, 2, 3],
        "manhattan",
    ),
}


@cache
def _nrc_run(name: str, iterations: int) -> tuple[dict[str, Any], KnoxResult]:
    file, points, distance_bands, time_bands, metric = VERBOSE_RUNS[name]
    verbose = read_nrc_verbose(data_file(NR + file))
    x, y, days = points()
    result = knox(
        x,
        y,
        days,
        distance_bands,
        time_bands,
        iterations,
        metric=metric,
        nrc_compatible=True,
        seed=20260101,
    )
    return verbose, result


# --- NRC reference tables ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(VERBOSE_RUNS))
def test_nrc_mode_reproduces_the_observed_table_and_labels_of_the_verbose_output(name):
    verbose, result = _nrc_run(name, 999)
    labels, time_labels, observed = verbose["Observed frequencies distribution"]
    assert result.n_events == verbose["records"]
    assert_array_equal(result.observed, observed.astype(np.int64))
    assert list(result.distance_labels) == labels
    assert list(result.time_labels) == time_labels
    for (row, col), cell in verbose["cells"].items():
        assert result.observed[row, col] == cell["Observed"]


def test_observed_tables_equal_the_numbers_in_the_methods_reference():
    expected = {
        "chicago_burglary_2016": [
            [202, 51, 1025],
            [189, 143, 7762],
            [290, 343, 23366],
            [456, 526, 41305],
            [577857, 760260, 67037075],
        ],
        "chicago_be_month1": [
            [28, 5, 5, 2],
            [44, 13, 8, 4],
            [97, 56, 19, 16],
            [77, 67, 45, 20],
            [182194, 146149, 95237, 45879],
        ],
        "chicago_arson": [
            [0, 2, 0, 8],
            [9, 1, 1, 45],
            [4, 0, 0, 140],
            [6, 0, 0, 234],
            [393, 710, 770, 133658],
        ],
    }
    pairs = {"chicago_burglary_2016": 68_450_850, "chicago_be_month1": 469_965}
    for name, table in expected.items():
        _, result = _nrc_run(name, 999)
        assert result.observed.tolist() == table
        if name in pairs:
            assert result.n_pairs == pairs[name] == result.observed.sum()


@pytest.mark.parametrize("name", sorted(VERBOSE_RUNS))
def test_parsed_nrc_simulations_reproduce_nrc_mean_p_value_and_ratio(name):
    verbose, _ = _nrc_run(name, 999)
    assert len(verbose["cells"]) == verbose["Observed frequencies distribution"][2].size
    for cell in verbose["cells"].values():
        sims = cell["expected"]
        assert sims.size in (19, 99)
        stats = mc_summary(cell["Observed"], sims)
        assert_allclose(stats.expected_mean, cell["Mean"], rtol=1e-9)
        assert_allclose(stats.p_values, cell["P value"], rtol=1e-9)
        if cell["Mean"] > 0:
            assert_allclose(stats.ratio, cell["Obs over Mean Exp"], rtol=1e-9)
        assert sims.min() == cell["Min"] and sims.max() == cell["Max"]


@pytest.mark.parametrize("name", sorted(VERBOSE_RUNS))
def test_nrc_simulation_means_lie_within_four_standard_errors_of_ours(name):
    verbose, result = _nrc_run(name, 999)
    for (row, col), cell in verbose["cells"].items():
        theirs = cell["expected"]
        ours = result.simulated[:, row, col]
        se = math.sqrt(theirs.var(ddof=1) / theirs.size + ours.var(ddof=1) / ours.size)
        assert abs(theirs.mean() - ours.mean()) <= 4 * se, (row, col, theirs.mean(), ours.mean())


def test_nrc_same_location_ratios_and_exact_ratios_of_2016_as_in_the_methods_reference():
    _, result = _nrc_run("chicago_burglary_2016", 999)
    assert_allclose(result.ratio_exact[0], [18.686, 3.588, 0.818], atol=5e-4)
    # NRC's own ratios (19 permutations) were 15.602/3.341/0.82; ours use 999.
    assert abs(result.ratio[0, 2] - 0.82) < 0.01


def test_arson_exact_ratio_is_stable_where_the_monte_carlo_ratio_is_not():
    verbose, result = _nrc_run("chicago_arson", 999)
    assert_allclose(result.ratio_exact[1, 0], 53.04, atol=0.005)
    assert verbose["cells"][(1, 0)]["Obs over Mean Exp"] == 74.25


# --- Chicago 2014 (NRC summary, 200 m x 1, 7 days x 1) ----------------------------------------

CHICAGO_2014 = {
    "euclidean": [[292, 1216], [1638, 34014], [2722603, 73297848]],
    "manhattan": [[292, 1216], [1230, 25613], [2723011, 73306249]],
}


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
def test_chicago_2014_tables_match_the_nrc_exactly(metric):
    x, y, days = chicago_year(2014)
    result = knox(x, y, days, [0, 200], [0, 7], 99, metric=metric, nrc_compatible=True, seed=5)
    assert result.n_events == 12_334
    assert result.observed.tolist() == CHICAGO_2014[metric]
    assert result.n_pairs == 76_057_611
    assert result.time_totals.tolist() == [2_724_533, 73_333_078]
    assert result.distance_labels == ("Same location", "1 to 200", "More than 200")
    assert result.time_labels == ("0 to 7", "More than 7")
    assert round(result.ratio_exact[0, 0], 3) == 5.405
    assert round(result.ratio_exact[1, 0], 3) == (1.283 if metric == "euclidean" else 1.279)
    # Ratios within Monte Carlo error of NRC's 5.34 and 1.28 (R = 99; SE 0.07 and 0.004).
    if metric == "euclidean":
        assert abs(result.ratio[0, 0] - 5.34) <= 0.25
        assert abs(result.ratio[1, 0] - 1.28) <= 0.03
    for cell in [(0, 0), (1, 0), (2, 1)]:
        assert result.p_values[cell] == pytest.approx(0.01)


def test_chicago_2014_findings_say_what_nrc_says_in_both_languages():
    x, y, days = chicago_year(2014)
    result = knox(x, y, days, [0, 200], [0, 7], 99, nrc_compatible=True, seed=5)
    found = result.findings()
    assert [band.same_location for band in found.raised] == [True, False]
    assert found.raised[1] == RaisedRisk(False, 1.0, 200.0, 0.0, 7.0, 28)
    assert found.raised[1].window == "up-to"
    sv = summary(found, "sv", event="ett inbrott")
    assert "Inom 1–200 m från ett inbrott är risken förhöjd i upp till 7 dagar, ca 28 %." in sv
    assert sv.startswith("På samma plats som ett inbrott är risken förhöjd i upp till 7 dagar")
    en = summary(found, "en")
    assert "Within 1–200 m of an incident the risk is raised for up to 7 days, by about 28%." in en
    # The threshold is a parameter: at 1.3 the 1-200 m band is no longer meaningful.
    assert [band.distance_high for band in result.findings(min_ratio=1.3).raised] == [0.0]


def test_chicago_2016_findings_have_the_windows_of_the_nrc_summary():
    _, result = _nrc_run("chicago_burglary_2016", 999)
    windows = {(b.distance_low, b.distance_high): b.days_high for b in result.findings().raised}
    assert windows[(1.0, 100.0)] == 4
    assert windows[(101.0, 200.0)] == 4
    assert windows[(201.0, 300.0)] == 2
    en = summary(result.findings(), "en")
    assert "Within 201–300 m of an incident the risk is raised for up to 2 days" in en


# --- pointpats ------------------------------------------------------------------------------


@pytest.mark.parametrize(("delta", "tau"), [(200, 7), (100, 0)])
def test_pointpats_knox_count_matches_ours_with_closed_intervals(delta, tau):
    from pointpats import Knox

    x, y, days = nrc_points("chicago_be_month1.csv")
    theirs = Knox(np.column_stack([x, y]), days[:, None].astype(float), delta, tau, 0)
    # pointpats counts d <= delta and lag <= tau; as left-closed bands: [0, delta+), [0, tau+1).
    ours = knox(x, y, days, [np.nextafter(float(delta), math.inf)], [tau + 1], 1)
    assert ours.observed[0, 0] == theirs.nst
    assert_array_equal(ours.observed, theirs.observed)
    assert_allclose(ours.expected_exact[0, 0], theirs.expected[0, 0], rtol=1e-12)


# --- The pathological example -------------------------------------------------------------------


def _pathological() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    events = read_events(
        data_file(NR + "pathological_example.csv"), crs="EPSG:3006", time_format="%d/%m/%Y"
    )
    return events.x, events.y, events.days


def test_pathological_example_lands_where_nrc_puts_it_and_where_the_labels_say():
    x, y, days = _pathological()
    nrc = knox(x, y, days, [0, 200, 400], [0, 3, 6], 99, nrc_compatible=True)
    assert nrc.observed[1, 1] == 1 and nrc.observed.sum() == 1
    assert (nrc.distance_labels[1], nrc.time_labels[1]) == ("1 to 200", "4 to 6")
    nrc100 = knox(x, y, days, [0, 100, 200], [0, 3, 6], 99, nrc_compatible=True)
    assert nrc100.observed[2, 1] == 1
    assert (nrc100.distance_labels[2], nrc100.time_labels[1]) == ("101 to 200", "4 to 6")
    default = knox(x, y, days, [0, 200, 400], [0, 3, 6], 99)
    assert default.observed[1, 1] == 1
    assert default.distance_intervals[1].tolist() == [SAME_LOCATION_TOLERANCE, 200]
    assert default.time_intervals[1].tolist() == [3, 6]
    assert default.time_labels[1] == "3–5 days"
    true = knox(x, y, days, [0, 200, 400], [0, 3, 6], 99, labels_true=True)
    assert true.observed[1, 0] == 1 and true.time_labels[0] == "0 to 3"
    for result in (nrc, nrc100, default, true):
        # Swapping the two dates gives the same pair: every permutation equals the observation.
        assert np.all(result.p_values == 1)
        assert_array_equal(result.ratio[result.observed > 0], 1.0)
        assert result.findings().raised == ()
        assert summary(result.findings(), "en").startswith("No raised risk")


# --- Relationships and invariants ---------------------------------------------------------------


def synthetic(n: int = 970, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Events over 3 km x 3 km and 60 days; a fifth repeat a place (some a week later)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 3000, n).round(1)
    y = rng.uniform(0, 3000, n).round(1)
    days = rng.integers(0, 60, n)
    repeat = rng.random(n) < 0.2
    source = rng.integers(0, n, n)
    x[repeat], y[repeat] = x[source[repeat]], y[source[repeat]]
    return x, y, days


@pytest.fixture(scope="module")
def month1() -> KnoxResult:
    x, y, days = synthetic()
    return knox(x, y, days, [0, 100, 200, 300], [0, 7, 14, 21], 999, seed=3)


def test_monte_carlo_mean_converges_to_the_exact_expectation(month1):
    se = month1.simulated.std(axis=0, ddof=1) / math.sqrt(month1.iterations)
    assert np.all(np.abs(month1.expected_mean - month1.expected_exact) <= 4 * se + 1e-12)


def test_permutations_keep_the_row_and_column_totals(month1):
    assert_array_equal(month1.simulated.sum(axis=1), np.broadcast_to(month1.time_totals, (999, 4)))
    assert_array_equal(
        month1.simulated.sum(axis=2), np.broadcast_to(month1.distance_totals, (999, 5))
    )
    assert month1.observed.sum() == month1.n_pairs == 970 * 969 // 2
    assert_allclose(month1.expected_exact.sum(), month1.n_pairs)


def test_p_values_lie_between_one_over_r_plus_one_and_one(month1):
    assert np.all(month1.p_values >= 1 / 1000) and np.all(month1.p_values <= 1)
    assert_allclose(month1.p_values * 1000, np.round(month1.p_values * 1000))


def test_result_is_frozen_and_keeps_its_inputs(month1):
    assert month1.distance_bands == (0, 100, 200, 300)
    assert month1.time_bands == (0, 7, 14, 21)
    assert (month1.metric, month1.mode, month1.iterations, month1.seed) == (
        "euclidean",
        "default",
        999,
        3,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        month1.iterations = 5  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        month1.observed[0, 0] = 1


def test_same_seed_gives_the_same_simulations_and_another_seed_does_not():
    x, y, days = synthetic()
    a = knox(x, y, days, [0, 200], [0, 7], 49, seed=1)
    b = knox(x, y, days, [0, 200], [0, 7], 49, seed=1)
    c = knox(x, y, days, [0, 200], [0, 7], 49, seed=2)
    assert_array_equal(a.simulated, b.simulated)
    assert not np.array_equal(a.simulated, c.simulated)


def test_the_shuffle_draws_every_permutation_equally_often():
    # Three events on three days at distinct places: each of the 6 date orders gives its own
    # table, so the counts of the tables test the Fisher-Yates shuffle.
    x, y, days = [0.0, 10.0, 300.0], [0.0, 0.0, 0.0], [0, 1, 3]
    result = knox(x, y, days, [50], [1, 2, 3], 6000, seed=11)
    keys = [tuple(t.ravel()) for t in result.simulated]
    counts = np.array([keys.count(k) for k in set(keys)])
    assert counts.size == 3  # the lag of the close pair is 1, 2 or 3: each from 2 orders
    assert np.all(np.abs(counts - 2000) < 4 * math.sqrt(2000 * 2 / 3))


def test_bands_without_a_leading_zero_have_no_same_location_row():
    x, y, days = synthetic()
    with_zero = knox(x, y, days, [0, 200, 400], [0, 7], 9)
    without = knox(x, y, days, [200, 400], [7], 9)
    assert without.distance_labels == ("0–200 m", "200–400 m", "≥ 400 m")
    assert not without.has_same_location and with_zero.has_same_location
    assert_array_equal(without.observed[0], with_zero.observed[0] + with_zero.observed[1])
    assert_array_equal(without.observed[1:], with_zero.observed[2:])
    assert with_zero.time_labels == without.time_labels == ("0–6 days", "≥ 7 days")


def test_all_events_on_one_day_give_p_one_everywhere():
    result = knox([0, 50, 100, 1000], [0, 0, 0, 0], [5, 5, 5, 5], [0, 100], [0, 7], 19)
    assert np.all(result.p_values == 1)
    assert result.observed[:, 0].sum() == 6


def _brute_force(x, y, days, distance_bands, time_bands, metric, mode):
    """Classify every pair with the documented band rules, independently of the fast path."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if mode == "nrc":
        x, y = x.astype(np.float32).astype(float), y.astype(np.float32).astype(float)
    shift = 1.0 if mode == "labels-true" else 0.0
    breaks = [b + shift for b in distance_bands if b > 0]
    same = distance_bands[0] == 0
    t_breaks = [b + shift for b in time_bands if b > 0]
    table = np.zeros((len(breaks) + 1 + same, len(t_breaks) + 1), dtype=np.int64)
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            dx, dy = x[i] - x[j], y[i] - y[j]
            d = math.sqrt(dx * dx + dy * dy) if metric == "euclidean" else abs(dx) + abs(dy)
            if same and (d == 0 if mode == "nrc" else d < SAME_LOCATION_TOLERANCE):
                row = 0
            else:
                row = same + sum(d >= b for b in breaks)
            col = sum(abs(days[i] - days[j]) >= b for b in t_breaks)
            table[row, col] += 1
    return table


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    points=st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 20)),
        min_size=2,
        max_size=30,
    ),
    distance=st.lists(st.integers(1, 50), min_size=1, max_size=4, unique=True),
    zero=st.booleans(),
    time=st.lists(st.integers(1, 15), min_size=1, max_size=3, unique=True),
    metric=st.sampled_from(["euclidean", "manhattan"]),
    mode=st.sampled_from(["default", "nrc", "labels-true"]),
)
def test_fast_path_equals_brute_force_classification(points, distance, zero, time, metric, mode):
    x, y, days = (np.array(v) for v in zip(*points, strict=True))
    assume(np.ptp(x) > 0 or np.ptp(y) > 0)
    distance_bands = ([0] if zero else []) + sorted(distance)
    time_bands = sorted(time)
    result = knox(
        x * 1.0,
        y * 1.0,
        days,
        distance_bands,
        time_bands,
        3,
        metric=metric,
        nrc_compatible=mode == "nrc",
        labels_true=mode == "labels-true",
    )
    expected = _brute_force(x, y, days, distance_bands, time_bands, metric, mode)
    assert_array_equal(result.observed, expected)
    assert_array_equal(result.simulated.sum(axis=1)[0], result.time_totals)


# --- Input validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([], [], [], [0, 200], [0, 7]), {}, r"^x is empty"),
        (([1.0], [2.0], [0], [0, 200], [0, 7]), {}, r"^Only 1 event"),
        (([0, np.nan], [0, 1], [0, 1], [0, 200], [0, 7]), {}, r"^x\[1\] is nan"),
        (([0, 1], [0, np.inf], [0, 1], [0, 200], [0, 7]), {}, r"^y\[1\] is inf"),
        (([0, 1], [0, 1], None, [0, 200], [0, 7]), {}, r"^days is missing"),
        (([0, 1], [0, 1], [0, np.nan], [0, 200], [0, 7]), {}, r"^days\[1\] is missing"),
        (
            ([0, 1], [0, 1], np.array(["2024-01-01", "NaT"], "datetime64[D]"), [0, 200], [0, 7]),
            {},
            r"^days\[1\] is missing",
        ),
        (([0, 1], [0, 1], [0, 1.5], [0, 200], [0, 7]), {}, r"^days\[1\] is 1.5"),
        (([0, 1], [0, 1, 2], [0, 1], [0, 200], [0, 7]), {}, r"^y has 3 values but x has 2"),
        (([0, 1], [0, 1], [0, 1], [0, 400, 200], [0, 7]), {}, r"^distance_bands 0,400,200 must"),
        (([0, 1], [0, 1], [0, 1], [0, 200], [7, 7]), {}, r"^time_bands 7,7 must be strictly"),
        (([0, 1], [0, 1], [0, 1], [-5, 200], [0, 7]), {}, r"^distance_bands -5,200 has a neg"),
        (([0, 1], [0, 1], [0, 1], [0, 200], [-1]), {}, r"^time_bands -1 has a negative"),
        (([0, 1], [0, 1], [0, 1], [], [0, 7]), {}, r"^distance_bands is empty"),
        (([0, 1], [0, 1], [0, 1], [0, 0.0005], [0, 7]), {}, r"same-location tolerance"),
        (([5, 5, 5], [7, 7, 7], [0, 1, 2], [0, 200], [0, 7]), {}, r"^All 3 events lie at"),
        (([0, 1], [0, 1], [0, 1], [0, 200], [0, 7], 0), {}, r"^iterations 0 must be at least"),
        (([0, 1], [0, 1], [0, 1], [0, 200], [0, 7], 9.5), {}, r"^iterations 9.5 must be a whole"),
        (([0, 1], [0, 1], [0, 1], [0, 200], [0, 7]), {"metric": "chebyshev"}, r"^metric 'cheb"),
        (
            ([0, 1], [0, 1], [0, 1], [0, 200], [0, 7]),
            {"nrc_compatible": True, "labels_true": True},
            r"choose one of the two band modes",
        ),
    ],
)
def test_bad_input_is_refused_with_a_sentence_naming_the_argument(args, kwargs, match):
    with pytest.raises(InputError, match=match) as info:
        knox(*args, **kwargs)
    message = str(info.value)
    assert message.endswith(".") and "\n" not in message


def test_datetime64_dates_are_accepted_and_only_the_date_counts():
    times = np.array(["2024-03-01T23:00", "2024-03-02T01:00", "2024-03-09T12:00"], "datetime64[s]")
    result = knox([0, 10, 20], [0, 0, 0], times, [0, 100], [0, 1, 8], 9)
    # Lags in days: 1, 8 and 7 (the time of day is ignored).
    assert result.observed[1].tolist() == [0, 2, 1]


def test_bands_that_make_too_many_close_pairs_are_refused(monkeypatch):
    from samtrygg.analysis import nearrepeat

    monkeypatch.setattr(nearrepeat, "_MAX_CLOSE_PAIRS", 2)
    with pytest.raises(InputError, match=r"^distance_bands end at 500 m, which makes 3 pairs"):
        knox([0, 10, 20], [0, 0, 0], [0, 1, 2], [0, 500], [0, 7], 9)


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
@pytest.mark.parametrize(
    "edges",
    [[SAME_LOCATION_TOLERANCE, 50.0, 100.0], [250.0], [float(np.nextafter(0.0, 1.0))]],
    ids=["three-bands", "one-band", "nrc-same-location-only"],
)
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("step", [1 << 20, 7], ids=["one-step", "small-steps"])
def test_close_pairs_equal_a_brute_force_pair_list(metric, edges, seed, step, monkeypatch):
    from samtrygg.analysis import nearrepeat
    from samtrygg.analysis.nearrepeat import _close_pairs

    # Small steps split the candidate runs of an event across steps and steps across events.
    monkeypatch.setattr(nearrepeat, "_CANDIDATES_PER_STEP", step)
    rng = np.random.default_rng(seed)
    n = 400
    edges = np.asarray(edges)
    # A third on a lattice of the last band's width, nudged by 0 or +-1e-7 m: exactly or
    # nearly on cell borders and band edges, with duplicates; the rest spread. The offset is
    # a SWEREF 99 TM easting and northing, where rounding is coarsest.
    step = 100.0 if edges[-1] < 1 else float(edges[-1])
    lattice = rng.integers(0, 6, size=(n // 3, 2)) * step
    lattice += rng.choice([-1e-7, 0.0, 0.0, 1e-7], size=lattice.shape)
    spread = rng.uniform(0, 6 * step, size=(n - n // 3, 2))
    xy = np.vstack([lattice, spread])[rng.permutation(n)] + [500_000.0, 6_500_000.0]
    x, y = xy[:, 0].copy(), xy[:, 1].copy()

    order, first, second, band = _close_pairs(x, y, edges, metric)

    i, j = np.triu_indices(n, 1)
    dx, dy = x[i] - x[j], y[i] - y[j]
    d = np.sqrt(dx * dx + dy * dy) if metric == "euclidean" else np.abs(dx) + np.abs(dy)
    close = d < edges[-1]
    bands = np.searchsorted(edges, d[close], side="right")
    expected = set(zip(i[close].tolist(), j[close].tolist(), bands.tolist(), strict=True))
    a, b = order[first], order[second]
    low, high = np.minimum(a, b).tolist(), np.maximum(a, b).tolist()
    found = list(zip(low, high, band.tolist(), strict=True))
    assert len(found) == len(set(found)) and set(found) == expected
    assert expected  # the data has close pairs to find
    assert sorted(order.tolist()) == list(range(n))
    assert (first < second).all() and (np.diff(first * n + second) > 0).all()


def test_the_refusal_counts_every_close_pair_when_found_in_small_steps(monkeypatch):
    from samtrygg.analysis import nearrepeat

    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 300, 200), rng.uniform(0, 300, 200)
    i, j = np.triu_indices(200, 1)
    close = int((np.hypot(x[i] - x[j], y[i] - y[j]) < 100).sum())
    monkeypatch.setattr(nearrepeat, "_MAX_CLOSE_PAIRS", 50)
    monkeypatch.setattr(nearrepeat, "_CANDIDATES_PER_STEP", 13)
    with pytest.raises(InputError, match=rf"^distance_bands end at 100 m, which makes {close} "):
        knox(x, y, rng.integers(0, 30, 200), [0, 100], [0, 7], 9)


@pytest.mark.parametrize("span", [400, 40_000], ids=["int16-days", "int32-days"])
@pytest.mark.parametrize("block", [1 << 22, 64], ids=["one-block", "small-blocks"])
@pytest.mark.parametrize("seed", range(3))
def test_the_numpy_and_the_compiled_kernel_give_the_same_simulations(
    monkeypatch, span, block, seed
):
    from samtrygg.analysis import nearrepeat

    rng = np.random.default_rng(seed)
    n = 700
    x, y = rng.uniform(0, 2000, n), rng.uniform(0, 2000, n)
    x[:40] = x[40:80]  # some at the same location
    y[:40] = y[40:80]
    days = rng.integers(0, span, n)
    # Small blocks make one permutation per shuffle pass and per counting step.
    monkeypatch.setattr(nearrepeat, "_NUMPY_BLOCK", block)
    runs = {}
    for compiled in (False, True):
        monkeypatch.setattr(nearrepeat, "_compiled_pays", lambda *_, c=compiled: c)
        runs[compiled] = knox(x, y, days, [0, 100, 200, 400], [0, 7, 14, 30], 37, seed=seed)
    assert_array_equal(runs[False].simulated, runs[True].simulated)
    assert runs[True].simulated[:, 0].sum() > 0 and runs[True].simulated[:, 1:3].sum() > 0
    # Another seed gives other simulations (the kernels do not ignore the random draws).
    monkeypatch.setattr(nearrepeat, "_compiled_pays", lambda *_: False)
    other = knox(x, y, days, [0, 100, 200, 400], [0, 7, 14, 30], 37, seed=seed + 100)
    assert not np.array_equal(other.simulated, runs[False].simulated)


def test_numba_is_loaded_only_when_it_pays(monkeypatch):
    from samtrygg.analysis import nearrepeat

    fresh = cache(nearrepeat._kernel.__wrapped__)
    monkeypatch.setattr(nearrepeat, "_kernel", fresh)
    # A municipality's year of burglaries in a new process: numpy, well under numba's start-up.
    assert not nearrepeat._compiled_pays(2_000, 20_000, 999)
    # A city's year with bands to 500 m (Chicago 2014: 12,334 events, 200,460 close pairs).
    assert nearrepeat._compiled_pays(12_334, 200_460, 999)
    fresh()  # once numba is loaded (a server worker), the compiled kernel is always faster
    assert nearrepeat._compiled_pays(2_000, 20_000, 999)


def test_events_are_numbered_place_by_place():
    from samtrygg.analysis.nearrepeat import _close_pairs

    # Two clusters 10 km apart, given interleaved: the new numbering keeps each cluster together.
    x = np.array([0.0, 10_000.0, 5.0, 10_005.0, 10.0, 10_010.0])
    order, first, second, _ = _close_pairs(x, np.zeros(6), np.array([100.0]), "euclidean")
    assert order.tolist() == [0, 2, 4, 1, 3, 5]
    pairs = list(zip(first.tolist(), second.tolist(), strict=True))
    assert pairs == [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)]


def test_injected_near_repeats_are_found_and_summarised():
    rng = np.random.default_rng(42)
    n = 500
    x, y = rng.uniform(0, 5000, n), rng.uniform(0, 5000, n)
    days = rng.integers(0, 365, n)
    # A follow-up event 10-80 m away and 1-5 days later for 100 of them.
    k = 100
    angle = rng.uniform(0, 2 * np.pi, k)
    radius = rng.uniform(10, 80, k)
    x = np.concatenate([x, x[:k] + radius * np.cos(angle)])
    y = np.concatenate([y, y[:k] + radius * np.sin(angle)])
    days = np.concatenate([days, days[:k] + rng.integers(1, 6, k)])
    result = knox(x, y, days, [0, 100, 200], [0, 7, 14], 199, seed=1)
    assert result.p_values[1, 0] == pytest.approx(1 / 200)
    assert result.ratio_exact[1, 0] > 5
    assert result.raised()[1, 0] and not result.raised()[2, 0]
    near = result.findings().raised[0]
    assert (near.distance_low, near.distance_high, near.days_low, near.days_high) == (0, 100, 0, 6)
    assert summary(result.findings(), "sv").startswith(
        "Inom 0–100 m från en händelse är risken förhöjd i upp till 6 dagar"
    )
    assert "for up to 6 days" in summary(result.findings(), "en")
