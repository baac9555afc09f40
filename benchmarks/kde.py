"""KDE speed: binned FFT against the exact KD-tree sum, with scipy's gaussian_kde as a peer.

Chicago residential burglaries 2014 (12,334 points, EPSG:26971), 100 m cells, quartic h = 400 m.
Run from the project root:

    .venv/bin/python benchmarks/kde.py

Prints the best of ``--repeat`` wall-clock times and the ratios. scipy's ``gaussian_kde``
evaluates every point at every cell (no truncation); it is timed on a random sample of cells
and scaled up to the whole grid, which the output says.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
from scipy.stats import gaussian_kde

from samtrygg.analysis.geo import Grid
from samtrygg.analysis.kde import kde

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "crime_points"
FILE = DATA / "chicago_burglary_2014_2017.csv"


def best_of(repeat: int, call: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cell", type=float, default=100.0)
    parser.add_argument("--bandwidth", type=float, default=400.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scipy-cells", type=int, default=2000, help="cells sampled for scipy")
    args = parser.parse_args()
    if not FILE.exists():
        print(f"skipped: shared data file missing: ../shared/data/crime_points/{FILE.name}")
        return 0
    frame = pl.read_csv(FILE).filter(pl.col("date_single").str.ends_with("/2014"))
    x, y = frame.get_column("x").to_numpy(), frame.get_column("y").to_numpy()
    grid = Grid.covering(x, y, args.cell, crs=26971)
    h = args.bandwidth
    print(f"Chicago 2014: {x.size} points, grid {grid.n_rows} x {grid.n_cols} cells of "
          f"{args.cell:g} m, quartic h = {h:g} m")  # fmt: skip

    direct = kde(x, y, grid, bandwidth=h, method="direct").values
    rows = [
        (
            "direct (cKDTree, exact)",
            best_of(args.repeat, lambda: kde(x, y, grid, bandwidth=h, method="direct")),
            0.0,
        )
    ]
    for factor in (1, 2, 4):
        fft = kde(x, y, grid, bandwidth=h, method="fft", bin_factor=factor).values
        err = float(np.abs(fft - direct).max() / direct.max())
        t = best_of(
            args.repeat, lambda f=factor: kde(x, y, grid, bandwidth=h, method="fft", bin_factor=f)
        )
        rows.append((f"fft, g = c/{factor}", t, err))

    cx, cy = grid.centres()
    rng = np.random.default_rng(0)
    sample = rng.choice(cx.size, size=min(args.scipy_cells, cx.size), replace=False)
    # Same per-axis SD as the quartic (h/√8), isotropic.
    sd = h / np.sqrt(8.0)
    peer = gaussian_kde(np.vstack([x, y]), bw_method=1.0)
    peer.set_bandwidth(bw_method=sd / float(np.sqrt(np.mean(np.diag(peer.covariance)))))
    pts = np.vstack([cx.ravel()[sample], cy.ravel()[sample]])
    t_sample = best_of(1, lambda: peer.evaluate(pts))
    t_scipy = t_sample * cx.size / sample.size
    base = rows[0][1]
    print(f"{'method':28s} {'seconds':>9s} {'vs direct':>10s} {'max err / max':>14s}")
    for name, t, err in rows:
        print(f"{name:28s} {t:9.4f} {base / t:9.2f}x {err:14.2e}")
    print(f"{'scipy gaussian_kde (est.)':28s} {t_scipy:9.4f} {base / t_scipy:9.2f}x {'n/a':>14s}"
          f"   (timed on {sample.size} cells, scaled to {cx.size})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
