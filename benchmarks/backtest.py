"""Benchmark: daily re-fits of the four forecasting methods on Chicago burglary.

Part 1 (timed, goal < 60 s in total): one year of daily origins, 2016-01-01 to 2016-12-31, each
method refitted at every origin on the events before it and scored on the next 7 days, 150 m
cells. Prints the wall-clock and CPU time per method and the PAI ratios to the naive baseline.

Part 2 (quality table, skip with --no-quality): the weekly backtest of docs/forecast-quality.md,
train 2014-2015, origins every 7 days over 2016-2017, every method at 1/2/5/10/20 % coverage.

There is no external peer code for forecasting available to compare with (open_cp is not
installed here), so every ratio is against our own naive baseline: counts of the previous 365
days per cell, ties broken at random.

Run: ``.venv/bin/python benchmarks/backtest.py [--no-quality]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from samtrygg.analysis.backtest import METHODS, rolling_origin_backtest
from samtrygg.analysis.io import read_events

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "crime_points"
FILE = DATA / "chicago_burglary_2014_2017.csv"
COVERAGES = (0.01, 0.02, 0.05, 0.10, 0.20)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-quality", action="store_true", help="skip the weekly quality table")
    args = parser.parse_args()
    if not FILE.exists():
        print(f"skipped: shared data file missing: {FILE}")
        return 0
    events = read_events(FILE, crs="EPSG:26971")
    print(f"Chicago burglary: {len(events)} events; 150 m cells; EPSG:{events.crs}")

    print("\n1. Daily re-fits, origins 2016-01-01 to 2016-12-31, horizon 7 days")
    results = {}
    total_wall = total_cpu = 0.0
    for name in METHODS:
        w0, c0 = time.perf_counter(), time.process_time()
        results[name] = rolling_origin_backtest(
            events.x, events.y, events.times, start="2016-01-01", end="2017-01-07",
            step_days=1, horizon_days=7, methods=[name], cell_size=150.0,
            coverages=COVERAGES, n_boot=0, seed=12345,
        )  # fmt: skip
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        total_wall += wall
        total_cpu += cpu
        n = results[name].origins.size
        print(f"   {name:<12} {n} fits  {wall:6.1f} s wall  {cpu:6.1f} s CPU  "
              f"({1000 * wall / n:.0f} ms per fit)")  # fmt: skip
    verdict = "met" if total_wall < 60 else "NOT met"
    print(
        f"   total        {total_wall:6.1f} s wall  {total_cpu:6.1f} s CPU  "
        f"(goal < 60 s: {verdict})"
    )
    base = np.nanmean(results["naive"].folds["naive"]["pai"], axis=0)
    print("   mean PAI and ratio to naive (daily origins):")
    for name in METHODS:
        pai = np.nanmean(results[name].folds[name]["pai"], axis=0)
        cells = "  ".join(
            f"{c * 100:g}%: {p:5.2f} ({p / b:.3f}x)"
            for c, p, b in zip(COVERAGES, pai, base, strict=True)
        )
        print(f"   {name:<12} {cells}")

    if args.no_quality:
        return 0
    print(
        "\n2. Quality table: train 2014-2015, weekly origins 2016-01-01 to 2017-12-22, horizon 7 d"
    )
    w0 = time.perf_counter()
    r = rolling_origin_backtest(
        events.x, events.y, events.times, start="2016-01-01", end="2018-01-01",
        methods=list(METHODS), cell_size=150.0, coverages=COVERAGES, n_boot=1000, seed=12345,
    )  # fmt: skip
    print(f"   {r.origins.size} origins, {time.perf_counter() - w0:.1f} s wall")
    print(f"   {'method':<12} {'cov':>4} {'hit rate':>9} {'PAI':>6} {'95 % CI':>13} "
          f"{'PEI*':>6} {'PAI/naive':>9} {'95 % CI':>13}")  # fmt: skip
    for name in r.methods:
        for m, c in enumerate(r.coverages):
            lo, hi = r.ci[name]["pai"][m]
            rlo, rhi = r.pai_ratio_ci[name][m]
            print(
                f"   {name:<12} {c * 100:>3g}% {r.mean[name]['hit_rate'][m]:9.4f} "
                f"{r.mean[name]['pai'][m]:6.2f} {lo:6.2f}-{hi:<6.2f} "
                f"{r.mean[name]['pei_star'][m]:6.4f} {r.pai_ratio[name][m]:9.3f} "
                f"{rlo:6.3f}-{rhi:<6.3f}"
            )
    best = max(r.methods, key=lambda nm: float(r.pai_ratio[nm][2]))
    ok = r.pai_ratio[best][0] >= 1.1 and r.pai_ratio[best][2] >= 1.1
    print(
        f"   best method {best}: PAI ratio to naive {r.pai_ratio[best][0]:.3f} at 1 %, "
        f"{r.pai_ratio[best][2]:.3f} at 5 % (goal >= 1.1 at both: {'met' if ok else 'NOT met'})"
    )
    print("   No external peer implementation available; compared with our naive baseline only.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
