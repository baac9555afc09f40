"""Gi* with 999 conditional permutations: samtrygg against esda 2.9.0 in the same process.

Run ``python benchmarks/hotspots.py``. Both sides are warmed up once on a 10 × 10 grid so that
numba compilation is excluded from every timing; esda's weights (lat2W) are built before its
clock starts, while our timing includes building our weights. esda runs with n_jobs=1 and
keep_simulations=False (its fastest single-process setting) and, once, with its defaults.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from samtrygg.analysis.hotspots import gi_star


def clustered_counts(side: int, seed: int) -> np.ndarray:
    """Poisson counts around a few seeded Gaussian bumps on a low background."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:side, 0:side]
    intensity = np.full((side, side), 0.3)
    for _ in range(max(3, side // 20)):
        cx, cy = rng.uniform(0, side, 2)
        height, width = rng.uniform(1, 5), rng.uniform(2, 6)
        intensity += height * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * width**2))
    return rng.poisson(intensity).astype(float)


def time_ours(y: np.ndarray) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    result = gi_star(y, permutations=999, seed=1)
    return time.perf_counter() - start, result.z_scores


def time_esda(y: np.ndarray, **options: object) -> tuple[float, np.ndarray]:
    from esda.getisord import G_Local
    from libpysal.weights import lat2W

    w = lat2W(y.shape[0], y.shape[1], rook=False)
    start = time.perf_counter()
    result = G_Local(y.ravel(), w, transform="B", star=True, permutations=999, seed=1, **options)
    return time.perf_counter() - start, result.Zs


def main() -> None:
    warnings.simplefilter("ignore")
    small = clustered_counts(10, 0)
    time_ours(small)
    time_esda(small, n_jobs=1, keep_simulations=False)
    for side in (100, 200):
        y = clustered_counts(side, 2026)
        ours, z_ours = time_ours(y)
        esda, z_esda = time_esda(y, n_jobs=1, keep_simulations=False)
        diff = float(np.max(np.abs(z_ours - z_esda)))
        assert diff <= 1e-10, diff
        print(
            f"{side} x {side} = {side * side:,} cells: samtrygg {ours:.3f} s, "
            f"esda (n_jobs=1) {esda:.3f} s, ratio {esda / ours:.1f}x, max |z diff| {diff:.1e}"
        )
    y = clustered_counts(200, 2026)
    time_esda(clustered_counts(10, 0))  # warm esda's worker processes for its defaults
    esda_default, _ = time_esda(y)
    ours, _ = time_ours(y)
    print(
        f"200 x 200 with esda defaults (n_jobs=-1, keep_simulations=True): esda "
        f"{esda_default:.3f} s, samtrygg {ours:.3f} s, ratio {esda_default / ours:.1f}x"
    )


if __name__ == "__main__":
    main()
