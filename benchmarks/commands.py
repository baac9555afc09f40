"""Benchmark: whole ``samtrygg analyse`` commands against pointpats (Knox) and esda (Gi*).

Run from anywhere: ``python benchmarks/commands.py [--repeat N] [--skip-gi]``. Reads
``../shared/data/crime_points/chicago_burglary_2014_2017.csv`` relative to the repository root
(or ``$SAMTRYGG_SHARED_DATA``) and stops with a message when it is absent.

Each side is measured twice in the same run:

* **library**: the computation alone, in this process, warmed up (numba compiled, imports done;
  Knox also with the numpy kernel that a new process uses for a job this small);
* **command**: a new process from start to finish, as a user runs it. Ours is
  ``python -m samtrygg.cli analyse knox|hotspots FILE … --format json --output OUT``; the peer's
  is the shortest equivalent script (pandas reads the CSV, the peer computes, json writes the
  result), also in a new process.

The ratio peer/ours of the commands should be at least half the ratio of the libraries: fixed
costs (start-up, reading, writing) must not eat the library's speed-up.

(a) Knox, 2014 (12,334 events): one band, d <= 200 m and lag <= 7 days (pointpats' closed
    intervals, i.e. our ``[0, 200+)`` x ``[0, 8)``), 99 permutations each.
(b) Gi*, all four years (45,319 events) on the 100 m grid (269 x 420 = 112,980 cells; esda's
    ``G_Local(transform="B", star=True)`` on ``lat2W`` queen weights), 999 permutations, one
    core; esda with ``n_jobs=1, keep_simulations=False``.

Wall-clock times are printed with the CPU time of the measured process; on a shared machine the
CPU time shows how much of the wall time was spent waiting for the processor.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# One core everywhere (the child processes inherit it).
for _name in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SAMTRYGG_SHARED_DATA", ROOT.parent / "shared" / "data"))
DATA = SHARED / "crime_points" / "chicago_burglary_2014_2017.csv"
sys.path.insert(0, str(ROOT / "src"))

DELTA, TAU, KNOX_PERMUTATIONS = 200.0, 7, 99
CELL, GI_PERMUTATIONS = 100.0, 999

PEER_KNOX = """
import json, sys
import numpy as np, pandas as pd
from pointpats import Knox
frame = pd.read_csv(sys.argv[1])
days = pd.to_datetime(frame["date_single"], format="%d/%m/%Y").to_numpy()
days = days.astype("datetime64[D]").astype(np.int64)
np.random.seed(12345)
result = Knox(frame[["x", "y"]].to_numpy(), days[:, None].astype(float), {delta}, {tau}, {perms})
with open(sys.argv[2], "w") as out:
    json.dump({{"nst": int(result.nst), "p_sim": float(result.p_sim)}}, out)
"""

PEER_GI = """
import json, math, sys, warnings
import numpy as np, pandas as pd
from esda.getisord import G_Local
from libpysal.weights import lat2W
warnings.simplefilter("ignore")
frame = pd.read_csv(sys.argv[1])
x, y, c = frame["x"].to_numpy(), frame["y"].to_numpy(), {cell}
x0, y0 = c * math.floor(x.min() / c), c * math.floor(y.min() / c)
cols = np.floor((x - x0) / c).astype(int); rows = np.floor((y - y0) / c).astype(int)
n_cols, n_rows = cols.max() + 1, rows.max() + 1
counts = np.bincount(rows * n_cols + cols, minlength=n_rows * n_cols).astype(float)
g = G_Local(counts, lat2W(n_rows, n_cols, rook=False), transform="B", star=True,
            permutations={perms}, seed=1, n_jobs=1, keep_simulations=False)
r, k = np.divmod(np.arange(counts.size), n_cols)
with open(sys.argv[2], "w") as out:
    json.dump({{"cells": [{{"row": int(a), "col": int(b), "count": int(n), "z": float(z),
                           "p_sim": float(p)}} for a, b, n, z, p in
                          zip(r, k, counts, g.Zs, g.p_sim)]}}, out)
"""


def _command(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of a new process running ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, env={**os.environ})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:6])} … failed:\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _best(argv: list[str], repeat: int) -> tuple[float, float]:
    runs = [_command(argv) for _ in range(repeat)]
    return min(runs, key=lambda r: r[0])


def _timed(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _report(
    name: str, lib: tuple[float, float], cmd: tuple[float, float], cpu: tuple[float, ...]
) -> None:
    """Print the speed-ups by wall clock and, as the machine may be shared, by CPU time.

    ``lib`` and ``cmd`` are (ours, peer) wall seconds; ``cpu`` is (ours lib, peer lib, ours
    command, peer command) CPU seconds.
    """
    for label, (lo, lp, co, cp) in (("wall", (*lib, *cmd)), ("CPU", cpu)):
        lib_ratio, cmd_ratio = lp / lo, cp / co
        verdict = "met" if cmd_ratio >= lib_ratio / 2 else "NOT met"
        print(
            f"{name} ({label}): library speed-up {lib_ratio:.1f}x, command speed-up "
            f"{cmd_ratio:.1f}x = {cmd_ratio / lib_ratio:.2f} of the library's "
            f"(goal >= 0.5: {verdict})"
        )


def knox_benchmark(folder: Path, repeat: int) -> None:
    import numpy as np
    from pointpats import Knox

    from samtrygg.analysis import nearrepeat
    from samtrygg.analysis.io import read_events
    from samtrygg.analysis.nearrepeat import knox

    lines = DATA.read_text(encoding="utf-8").splitlines()
    path = folder / "chicago_2014.csv"
    path.write_text("\n".join([lines[0], *(r for r in lines[1:] if r.endswith("/2014"))]) + "\n")
    events = read_events(path, crs="EPSG:26971")
    x, y, days = events.x, events.y, events.days
    print(
        f"(a) Knox, chicago-2014: {x.size} events, {DELTA:g} m x {TAU} days, "
        f"{KNOX_PERMUTATIONS} permutations"
    )
    distance = [math.nextafter(DELTA, math.inf)]
    lag = [TAU + 1]
    # A new process simulates a job this small with numpy (numba would cost more to start
    # than the whole job); the library is timed both ways, and the ratios use the faster.
    knox(x, y, days, distance, lag, 9, seed=1)  # first touch of the arrays
    small, small_s, small_cpu = min(
        (_timed(knox, x, y, days, distance, lag, KNOX_PERMUTATIONS, seed=1) for _ in range(3)),
        key=lambda run: run[1],
    )
    nearrepeat._kernel()  # numba loaded, as in a server worker: the compiled kernel from now on
    knox(x, y, days, distance, lag, 9, seed=1)  # compile or load the cache
    ours, ours_s, ours_cpu = _timed(knox, x, y, days, distance, lag, KNOX_PERMUTATIONS, seed=1)
    assert np.array_equal(small.simulated, ours.simulated)
    np.random.seed(12345)
    coords, times = np.column_stack([x, y]), days[:, None].astype(float)
    theirs, theirs_s, theirs_cpu = _timed(Knox, coords, times, DELTA, TAU, KNOX_PERMUTATIONS)
    assert int(ours.observed[0, 0]) == int(theirs.nst), (ours.observed[0, 0], theirs.nst)
    print(
        f"  library: samtrygg {ours_s:.3f} s compiled ({ours_cpu:.3f} s CPU), {small_s:.3f} s "
        f"with numpy ({small_cpu:.3f} s CPU, the same tables), pointpats {theirs_s:.2f} s "
        f"({theirs_cpu:.2f} s CPU); statistic {theirs.nst} in both"
    )

    out = folder / "knox.json"
    ours_cmd = [
        sys.executable, "-m", "samtrygg.cli", "analyse", "knox", str(path), "--crs", "EPSG:26971",
        "--distance-bands", repr(distance[0]), "--time-bands", str(lag[0]),
        "--iterations", str(KNOX_PERMUTATIONS), "--format", "json", "--output", str(out),
    ]  # fmt: skip
    peer = folder / "peer_knox.py"
    peer.write_text(PEER_KNOX.format(delta=DELTA, tau=TAU, perms=KNOX_PERMUTATIONS))
    ours_run = _best(ours_cmd, repeat)
    assert json.loads(out.read_text())["observed"][0][0] == int(theirs.nst)
    peer_run = _best([sys.executable, str(peer), str(path), str(folder / "peer_knox.json")], 1)
    print(
        f"  command: samtrygg {ours_run[0]:.2f} s ({ours_run[1]:.2f} s CPU), "
        f"pointpats script {peer_run[0]:.2f} s ({peer_run[1]:.2f} s CPU)"
    )
    print(
        f"  fixed cost of our command (beyond the numpy computation it runs): "
        f"{ours_run[0] - small_s:.2f} s wall, {ours_run[1] - small_cpu:.2f} s CPU"
    )
    cpu = (ours_cpu, theirs_cpu, ours_run[1], peer_run[1])
    _report("  Knox", (ours_s, theirs_s), (ours_run[0], peer_run[0]), cpu)


def gi_benchmark(folder: Path, repeat: int) -> None:
    import warnings

    import numpy as np
    from esda.getisord import G_Local
    from libpysal.weights import lat2W

    from samtrygg.analysis.geo import Grid
    from samtrygg.analysis.hotspots import gi_star
    from samtrygg.analysis.io import read_events

    warnings.simplefilter("ignore")
    events = read_events(DATA, crs="EPSG:26971")
    grid = Grid.covering(events.x, events.y, CELL, crs=26971)
    counts = np.asarray(grid.counts(events.x, events.y), dtype=float)
    print(
        f"(b) Gi*, chicago 2014-2017: {len(events)} events, {grid.n_rows} x {grid.n_cols} = "
        f"{counts.size} cells of {CELL:g} m, {GI_PERMUTATIONS} permutations"
    )
    gi_star(np.ones((10, 10)) + np.eye(10), permutations=99, seed=1)  # numba warm-up
    ours, ours_s, ours_cpu = _timed(gi_star, counts, permutations=GI_PERMUTATIONS, seed=1)
    w = lat2W(grid.n_rows, grid.n_cols, rook=False)
    small = np.ones(100) + np.eye(10).ravel()
    G_Local(
        small,
        lat2W(10, 10, rook=False),
        transform="B",
        star=True,
        permutations=99,
        n_jobs=1,
        keep_simulations=False,
    )
    theirs, theirs_s, theirs_cpu = _timed(
        G_Local,
        counts.ravel(),
        w,
        transform="B",
        star=True,
        permutations=GI_PERMUTATIONS,
        seed=1,
        n_jobs=1,
        keep_simulations=False,
    )
    diff = float(np.max(np.abs(ours.z_scores - theirs.Zs)))
    assert diff <= 1e-10, diff
    print(
        f"  library: samtrygg {ours_s:.2f} s ({ours_cpu:.2f} s CPU), esda {theirs_s:.2f} s "
        f"({theirs_cpu:.2f} s CPU); max |z diff| {diff:.1e}"
    )

    out = folder / "gi.json"
    ours_cmd = [
        sys.executable, "-m", "samtrygg.cli", "analyse", "hotspots", str(DATA),
        "--crs", "EPSG:26971", "--cell-size", str(CELL), "--permutations", str(GI_PERMUTATIONS),
        "--seed", "1", "--format", "json", "--output", str(out),
    ]  # fmt: skip
    peer = folder / "peer_gi.py"
    peer.write_text(PEER_GI.format(cell=CELL, perms=GI_PERMUTATIONS))
    ours_run = _best(ours_cmd, repeat)
    written = json.loads(out.read_text())
    assert len(written["cells"]) == counts.size, len(written["cells"])
    peer_run = _best([sys.executable, str(peer), str(DATA), str(folder / "peer_gi.json")], 1)
    print(
        f"  command: samtrygg {ours_run[0]:.2f} s ({ours_run[1]:.2f} s CPU), "
        f"esda script {peer_run[0]:.2f} s ({peer_run[1]:.2f} s CPU)"
    )
    print(
        f"  fixed cost of our command: {ours_run[0] - ours_s:.2f} s wall, "
        f"{ours_run[1] - ours_cpu:.2f} s CPU; JSON {out.stat().st_size / 1e6:.0f} MB"
    )
    cpu = (ours_cpu, theirs_cpu, ours_run[1], peer_run[1])
    _report("  Gi*", (ours_s, theirs_s), (ours_run[0], peer_run[0]), cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of our commands (best kept)")
    parser.add_argument("--skip-gi", action="store_true", help="run (a) only")
    parser.add_argument("--skip-knox", action="store_true", help="run (b) only")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"commands benchmark: data file missing: {DATA}; nothing to measure.")
        return 1
    try:
        import esda  # noqa: F401
        import pointpats  # noqa: F401
    except ImportError as exc:
        print(f"commands benchmark: the peer {exc.name} is not installed; nothing to compare.")
        return 1
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_knox:
            knox_benchmark(Path(tmp), args.repeat)
        if not args.skip_gi:
            gi_benchmark(Path(tmp), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
