"""Benchmark: near-repeat (Knox) analysis on the 2014 Chicago burglaries, and against pointpats.

Run from anywhere: ``python benchmarks/knox.py [--repeat N]``. Reads
``../shared/data/crime_points/chicago_burglary_2014_2017.csv`` relative to the repository root
(or ``$SAMTRYGG_SHARED_DATA``) and stops with a message when it is absent.

(a) 12,334 events, distance bands 0,100,200,300,400,500 m (same location, five 100 m bands,
    more than 500 m) x time bands 0,7,14,21 days (four columns), 999 permutations, one core.
    Target: under 2 s.
(b) pointpats.Knox against ours on the same events with one band (200 m, 7 days; both closed as
    in pointpats) and 99 permutations each, in the same process. Target: ours at least 20x
    faster.

Wall-clock times are printed together with process CPU time; on a shared machine the CPU time
shows how much of the wall time was waiting for the processor.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

# One core: set before numba or any BLAS is imported.
for _name in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SAMTRYGG_SHARED_DATA", ROOT.parent / "shared" / "data"))
DATA = SHARED / "crime_points" / "chicago_burglary_2014_2017.csv"
sys.path.insert(0, str(ROOT / "src"))

DISTANCE_BANDS = [0, 100, 200, 300, 400, 500]
TIME_BANDS = [0, 7, 14, 21]
ITERATIONS = 999
TARGET_SECONDS = 2.0
PEER_PERMUTATIONS = 99
PEER_DELTA, PEER_TAU = 200.0, 7


def _timed(func, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of (a) (default 3)")
    parser.add_argument("--skip-pointpats", action="store_true", help="run (a) only")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"knox benchmark: data file missing: {DATA}; nothing to measure.", file=sys.stderr)
        return 1

    from samtrygg.analysis import nearrepeat
    from samtrygg.analysis.io import read_events
    from samtrygg.analysis.nearrepeat import knox

    events = read_events(DATA, crs="EPSG:26971")
    days = events.days
    year = days.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    keep = year == 2014
    x, y, days = events.x[keep], events.y[keep], days[keep]
    print(f"chicago-2014: {x.size} events, {x.size * (x.size - 1) // 2} pairs")

    # (a) -------------------------------------------------------------------------------------
    def cold_call() -> None:
        # A job of 9 permutations would be counted with numpy; load numba first so that the
        # timed runs below measure the compiled kernel, as in a server worker.
        nearrepeat._kernel()
        knox(x, y, days, DISTANCE_BANDS, TIME_BANDS, 9, seed=1)

    _, cold, _ = _timed(cold_call)
    print(f"first call (numba import and compile or cache load, 9 perms): {cold:.2f} s")
    walls, cpus = [], []
    for run in range(args.repeat):
        result, wall, cpu = _timed(
            knox, x, y, days, DISTANCE_BANDS, TIME_BANDS, ITERATIONS, seed=run
        )
        walls.append(wall)
        cpus.append(cpu)
        print(f"  run {run + 1}: {wall:.3f} s wall, {cpu:.3f} s CPU")
    rows, cols = result.observed.shape
    print(
        f"bands: distance {DISTANCE_BANDS} m -> {rows} rows {list(result.distance_labels)}; "
        f"time {TIME_BANDS} days -> {cols} columns; {result.n_close_pairs} close pairs"
    )
    print(
        f"knox chicago-2014 5x4 {ITERATIONS} perms: ours {min(walls):.2f} s "
        f"(target < {TARGET_SECONDS:g} s); median {statistics.median(walls):.2f} s wall, "
        f"best {min(cpus):.2f} s CPU, {args.repeat} runs"
    )

    # (b) -------------------------------------------------------------------------------------
    if args.skip_pointpats:
        return 0
    try:
        from pointpats import Knox
    except ImportError:
        print("pointpats is not installed; comparison skipped.")
        return 0
    coords = np.column_stack([x, y])
    times = days[:, None].astype(float)
    # pointpats counts d <= delta and lag <= tau; the same pairs as our [0, delta+) x [0, tau+1).
    distance = [math.nextafter(PEER_DELTA, math.inf)]
    lag = [PEER_TAU + 1]
    ours_setup, ours_setup_s, _ = _timed(knox, x, y, days, distance, lag, 1, seed=1)
    ours, ours_s, _ = _timed(knox, x, y, days, distance, lag, PEER_PERMUTATIONS, seed=1)
    np.random.seed(12345)  # pointpats draws from numpy's global generator
    theirs_setup, theirs_setup_s, _ = _timed(Knox, coords, times, PEER_DELTA, PEER_TAU, 0)
    theirs, theirs_s, _ = _timed(Knox, coords, times, PEER_DELTA, PEER_TAU, PEER_PERMUTATIONS)
    assert int(ours.observed[0, 0]) == int(theirs.nst), (ours.observed[0, 0], theirs.nst)
    print(
        f"vs pointpats.Knox: ours {ours_s:.3f} s, pointpats {theirs_s:.2f} s, "
        f"ratio {theirs_s / ours_s:.0f}x (target >= 20x; {PEER_DELTA:g} m, {PEER_TAU} days, "
        f"{PEER_PERMUTATIONS} perms each, statistic {theirs.nst} in both)"
    )
    ours_perm = max(ours_s - ours_setup_s, 1e-9) / (PEER_PERMUTATIONS - 1)
    theirs_perm = max(theirs_s - theirs_setup_s, 1e-9) / PEER_PERMUTATIONS
    print(
        f"per permutation: ours {ours_perm * 1e3:.3f} ms, pointpats {theirs_perm * 1e3:.1f} ms, "
        f"ratio {theirs_perm / ours_perm:.0f}x; without permutations: ours "
        f"{ours_setup_s:.3f} s, pointpats {theirs_setup_s:.2f} s"
    )
    print(f"p-values: ours {ours.p_values[0, 0]:.2f}, pointpats p_sim {theirs.p_sim:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
