"""Kernel density estimation on a grid: exact (KD-tree) and binned FFT, plus dual (rate) KDE.

Hotspot maps in the product are KDE surfaces on a :class:`~samtrygg.analysis.geo.Grid`. The
direct sum is exact and is the test reference; the binned FFT (Wand 1994) is the fast path for
fine grids. Bandwidth rules and the kernel are reported back with every surface, because a map
without its h cannot be read. See docs/methods-reference.md §2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import fft as sp_fft
from scipy.signal import fftconvolve
from scipy.spatial import cKDTree

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.geo import Grid

__all__ = [
    "Bandwidth",
    "DualKdeResult",
    "KdeResult",
    "bandwidth_nrd",
    "dual_kde",
    "kde",
    "kernel_values",
    "select_bandwidth",
]

Kernel = Literal["quartic", "quartic_unscaled", "gaussian"]
_KERNELS = ("quartic", "quartic_unscaled", "gaussian")
# The Gaussian is truncated at 3σ and renormalised so that it integrates to 1.
_GAUSS_MASS = 1.0 - math.exp(-4.5)


def kernel_values(
    distance: npt.ArrayLike, h: float, kernel: Kernel = "quartic"
) -> npt.NDArray[np.float64]:
    """Kernel weight at each distance for support radius ``h`` (0 at and beyond h).

    * ``quartic``: ``3/(πh²)·(1 − d²/h²)²``, a density (integrates to 1; per-axis SD h/√8);
    * ``quartic_unscaled``: ``(1 − d²/h²)²`` (SpatialKDE, sfhotspot): a weighted count;
    * ``gaussian``: σ = h/3, ``exp(−d²/2σ²)/(2πσ²)`` truncated at 3σ and renormalised.

    Parameters
    ----------
    distance : array_like
        Distances in metres.
    h : float
        Support radius in metres.
    kernel : {"quartic", "quartic_unscaled", "gaussian"}

    Returns
    -------
    ndarray

    Examples
    --------
    >>> np.round(kernel_values([0.0, 50.0, 100.0], 100.0, "quartic_unscaled"), 4).tolist()
    [1.0, 0.5625, 0.0]
    """
    d = np.asarray(distance, dtype=float)
    u = (d / h) ** 2
    inside = d < h
    if kernel == "quartic":
        return np.where(inside, 3.0 / (math.pi * h * h) * (1.0 - u) ** 2, 0.0)
    if kernel == "quartic_unscaled":
        return np.where(inside, (1.0 - u) ** 2, 0.0)
    if kernel == "gaussian":
        sigma2 = (h / 3.0) ** 2
        dens = np.exp(-(d * d) / (2.0 * sigma2)) / (2.0 * math.pi * sigma2 * _GAUSS_MASS)
        return np.where(inside, dens, 0.0)
    raise InputError(f"kernel must be one of {_KERNELS}, got {kernel!r}.")


def bandwidth_nrd(values: npt.ArrayLike) -> float:
    """MASS ``bandwidth.nrd``: ``4 · 1.06 · min(sd, IQR/1.34) · n^(−1/5)``.

    ``sd`` uses n − 1 and the quartiles are R's type 7 (NumPy's default).

    Parameters
    ----------
    values : array_like
        One coordinate of the points.

    Returns
    -------
    float

    Examples
    --------
    >>> round(bandwidth_nrd(np.arange(100.0)), 4)
    48.9707
    """
    v = np.asarray(values, dtype=float).ravel()
    if v.size < 2:
        raise InputError(f"A bandwidth needs at least 2 points, got {v.size}.")
    q1, q3 = np.quantile(v, [0.25, 0.75])
    spread = min(float(np.std(v, ddof=1)), float(q3 - q1) / 1.34)
    return float(4.0 * 1.06 * spread * v.size ** (-0.2))


@dataclass(frozen=True)
class Bandwidth:
    """A chosen bandwidth: the kernel support radius h and how it was found.

    Attributes
    ----------
    h : float
        Radius used (metres), after ``adjust``.
    hx, hy : float
        Per-axis values of the rule (NaN for a fixed bandwidth).
    rule : str
        ``"fixed"``, ``"nrd"``, ``"nrd-sfhotspot"`` (hx only) or ``"scott"``.
    adjust : float
    """

    h: float
    hx: float
    hy: float
    rule: str
    adjust: float


def select_bandwidth(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    rule: float | str = "nrd",
    *,
    kernel: Kernel = "quartic",
    adjust: float = 1.0,
) -> Bandwidth:
    """Choose the kernel radius h from the points.

    Parameters
    ----------
    x, y : array_like
        Point coordinates in metres.
    rule : float or {"nrd", "nrd-sfhotspot", "scott"}
        A number is a fixed radius in metres. ``nrd`` gives (hx + hy)/2 of MASS
        ``bandwidth.nrd``; ``nrd-sfhotspot`` gives hx, as sfhotspot's code does (its
        ``mean(hx, hy)`` passes hy as ``trim``). ``scott`` takes scipy's per-axis Gaussian SD
        ``σ̂ n^(−1/6)`` and converts it to the radius of a kernel with that SD (√8·s for the
        quartics, 3·s for the truncated Gaussian).
    kernel : {"quartic", "quartic_unscaled", "gaussian"}
        The kernel the radius is for (``scott`` converts by its standard deviation).
    adjust : float
        Multiplies the result (``bandwidth_adjust``).

    Returns
    -------
    Bandwidth
        h and the rule and numbers it came from.

    Examples
    --------
    >>> b = select_bandwidth([0.0, 10.0, 20.0, 30.0], [0.0, 0.0, 40.0, 80.0])
    >>> b.rule, round(b.hx, 3), round(b.hy, 3), round(b.h, 3)
    ('nrd', 35.97, 119.9, 77.935)
    """
    if not (isinstance(adjust, (int, float)) and math.isfinite(adjust) and adjust > 0):
        raise InputError(f"bandwidth_adjust must be a positive number, got {adjust!r}.")
    if kernel not in _KERNELS:
        raise InputError(f"kernel must be one of {_KERNELS}, got {kernel!r}.")
    if isinstance(rule, (int, float)) and not isinstance(rule, bool):
        if not (math.isfinite(rule) and rule > 0):
            raise InputError(f"bandwidth must be a positive number of metres, got {rule!r}.")
        return Bandwidth(float(rule) * adjust, math.nan, math.nan, "fixed", float(adjust))
    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if rule in ("nrd", "nrd-sfhotspot"):
        hx, hy = bandwidth_nrd(xa), bandwidth_nrd(ya)
        h = hx if rule == "nrd-sfhotspot" else (hx + hy) / 2.0
    elif rule == "scott":
        if xa.size < 2:
            raise InputError(f"A bandwidth needs at least 2 points, got {xa.size}.")
        factor = xa.size ** (-1.0 / 6.0) * (3.0 if kernel == "gaussian" else math.sqrt(8.0))
        hx = float(np.std(xa, ddof=1)) * factor
        hy = float(np.std(ya, ddof=1)) * factor
        h = (hx + hy) / 2.0
    else:
        raise InputError(
            f"bandwidth must be metres or one of 'nrd', 'nrd-sfhotspot', 'scott', got {rule!r}."
        )
    if not h > 0:
        raise InputError(
            "The points have no spread, so no bandwidth follows from them; give one in metres."
        )
    return Bandwidth(h * adjust, hx * adjust, hy * adjust, str(rule), float(adjust))


@dataclass(frozen=True)
class KdeResult:
    """A KDE surface on a grid.

    Attributes
    ----------
    values : ndarray, shape (n_rows, n_cols)
        λ̂ at each cell centre: events per m² for the scaled kernels, a weighted count for
        ``quartic_unscaled``. NaN outside ``mask`` when one was given.
    grid : Grid
    bandwidth : Bandwidth
    kernel, method : str
    bin_spacing : float
        FFT binning spacing g (NaN for the direct method).
    n_events : int
    total_weight : float
    edge_corrected : bool
        Whether values were divided by the share of the kernel inside the study area.
    """

    values: npt.NDArray[np.float64]
    grid: Grid
    bandwidth: Bandwidth
    kernel: str
    method: str
    bin_spacing: float
    n_events: int
    total_weight: float
    edge_corrected: bool

    @property
    def per_km2(self) -> npt.NDArray[np.float64]:
        """Values in events per km² (scaled kernels only)."""
        if self.kernel == "quartic_unscaled":
            raise InputError("The unscaled quartic gives weighted counts, not a density per km².")
        return self.values * 1e6


def _validate_points(
    x: npt.ArrayLike, y: npt.ArrayLike, weights: npt.ArrayLike | None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    xa = np.asarray(x, dtype=float).ravel()
    ya = np.asarray(y, dtype=float).ravel()
    if xa.size != ya.size:
        raise InputError(f"x has {xa.size} values but y has {ya.size}; give one y per x.")
    if xa.size == 0:
        raise InputError("There are no points to smooth.")
    if not (np.isfinite(xa).all() and np.isfinite(ya).all()):
        raise InputError("Some coordinates are missing or not finite; remove those points.")
    if weights is None:
        w = np.ones(xa.size)
    else:
        w = np.asarray(weights, dtype=float).ravel()
        if w.size != xa.size:
            raise InputError(f"weights has {w.size} values but there are {xa.size} points.")
        if not np.isfinite(w).all() or (w < 0).any():
            raise InputError("weights must be finite and at least 0.")
    return xa, ya, w


def _direct(
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    w: npt.NDArray[np.float64],
    grid: Grid,
    h: float,
    kernel: Kernel,
) -> npt.NDArray[np.float64]:
    cx, cy = grid.centres()
    centres = cKDTree(np.column_stack([cx.ravel(), cy.ravel()]))
    points = cKDTree(np.column_stack([x, y]))
    pairs = centres.sparse_distance_matrix(points, h, output_type="ndarray")
    contrib = kernel_values(pairs["v"], h, kernel) * w[pairs["j"]]
    out = np.bincount(pairs["i"], weights=contrib, minlength=grid.n_rows * grid.n_cols)
    return np.asarray(out, dtype=float).reshape(grid.shape)


def _stencil(g: float, h: float, kernel: Kernel) -> npt.NDArray[np.float64]:
    r = int(math.ceil(h / g))
    offsets = np.arange(-r, r + 1) * g
    d = np.hypot(offsets[None, :], offsets[:, None])
    return kernel_values(d, h, kernel)


def _fft(
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    w: npt.NDArray[np.float64],
    grid: Grid,
    h: float,
    kernel: Kernel,
    m: int,
) -> npt.NDArray[np.float64]:
    """1. Linear binning on nodes at spacing g = c/m (cell centres are nodes);
    2. split the nodes into m × m phases relative to the cell lattice, so that each phase is a
       cell-spaced array with its own sub-stencil (only cell centres are needed);
    3. convolve every phase by one batched real FFT, zero-padded to the full linear convolution
       length (no wrap-around), sum the phases and read the cell centres."""
    c = grid.cell_size
    g = c / m
    r = int(math.ceil(h / g))
    n_pad = -(-(r + 1) // m)  # padding in cells, so the fine padding P·m ≥ r + 1
    pad = n_pad * m
    u = (x - (grid.x0 + c / 2.0)) / g
    v = (y - (grid.y0 + c / 2.0)) / g
    nu = (grid.n_cols - 1) * m + 1
    nv = (grid.n_rows - 1) * m + 1
    keep = (u > -(r + 1)) & (u < nu - 1 + r + 1) & (v > -(r + 1)) & (v < nv - 1 + r + 1)
    u, v, w = u[keep], v[keep], w[keep]
    iu, iv = np.floor(u), np.floor(v)
    fu, fv = u - iu, v - iv
    iu = iu.astype(np.int64) + pad
    iv = iv.astype(np.int64) + pad
    n_r = -(-(pad + nv + r + 3) // m)
    n_c = -(-(pad + nu + r + 3) // m)
    shape = (n_r * m, n_c * m)
    flat_parts = []
    weight_parts = []
    for du, dv, wt in (
        (0, 0, (1 - fu) * (1 - fv)),
        (1, 0, fu * (1 - fv)),
        (0, 1, (1 - fu) * fv),
        (1, 1, fu * fv),
    ):
        flat_parts.append((iv + dv) * shape[1] + iu + du)
        weight_parts.append(w * wt)
    binned = np.bincount(
        np.concatenate(flat_parts),
        weights=np.concatenate(weight_parts),
        minlength=shape[0] * shape[1],
    ).reshape(n_r, m, n_c, m)
    # phases[a, b] = binned nodes at fine offsets (a, b) from the cell lattice.
    phases = binned.transpose(1, 3, 0, 2).reshape(m * m, n_r, n_c)
    half = -(-(r + m) // m)
    steps = np.arange(-half, half + 1)
    a = np.arange(m)
    # Sub-stencil of phase (a, b) at cell offset (i, j): the kernel at g·|(a − i m, b − j m)|.
    dy = (a[:, None] - steps[None, :] * m) * g  # (m, 2·half + 1)
    dist = np.hypot(dy[:, None, :, None], dy[None, :, None, :])
    stencils = kernel_values(dist, h, kernel).reshape(m * m, steps.size, steps.size)
    size = (n_r + steps.size - 1, n_c + steps.size - 1)
    fast = (sp_fft.next_fast_len(size[0], real=True), sp_fft.next_fast_len(size[1], real=True))
    spectrum = (
        sp_fft.rfft2(phases, s=fast, axes=(-2, -1), workers=-1)
        * sp_fft.rfft2(stencils, s=fast, axes=(-2, -1), workers=-1)
    ).sum(axis=0)
    full = sp_fft.irfft2(spectrum, s=fast, axes=(-2, -1))
    first = n_pad + half
    out = np.array(full[first : first + grid.n_rows, first : first + grid.n_cols], dtype=float)
    # FFT round-off leaves values of order 1e-16 × max (either sign) where the true sum is 0;
    # values below 1e-13 × max are set to 0 so that empty cells are exactly empty.
    top = float(np.abs(out).max()) if out.size else 0.0
    out[out < 1e-13 * top] = 0.0
    return out


def _edge_factor(
    grid: Grid, mask: npt.NDArray[np.bool_], h: float, kernel: Kernel
) -> npt.NDArray[np.float64]:
    """Share of the kernel mass at each cell centre that falls on unmasked cells."""
    stencil = _stencil(grid.cell_size, h, kernel)
    inside = fftconvolve(mask.astype(float), stencil, mode="same")
    return np.asarray(np.clip(inside / stencil.sum(), 0.0, 1.0), dtype=float)


def kde(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    grid: Grid,
    *,
    bandwidth: float | str = "nrd",
    kernel: Kernel = "quartic",
    method: Literal["fft", "direct"] = "fft",
    weights: npt.ArrayLike | None = None,
    bandwidth_adjust: float = 1.0,
    bin_factor: int = 4,
    edge_correction: bool = False,
    mask: npt.ArrayLike | None = None,
) -> KdeResult:
    """Kernel density of points at the cell centres of ``grid``.

    Parameters
    ----------
    x, y : array_like
        Point coordinates in the grid's metric CRS.
    grid : Grid
    bandwidth : float or {"nrd", "nrd-sfhotspot", "scott"}
        Support radius h in metres, or a rule (see :func:`select_bandwidth`).
    kernel : {"quartic", "quartic_unscaled", "gaussian"}
    method : {"fft", "direct"}
        Binned FFT (fast) or the exact KD-tree sum.
    weights : array_like, optional
        A weight per point (bandwidth rules ignore them).
    bandwidth_adjust : float
        Multiplies h.
    bin_factor : int
        FFT binning spacing g = cell_size / bin_factor. With points on cell centres, 1 gives
        the direct sum to round-off.
    edge_correction : bool
        Divide by the share of the kernel inside the study area (Diggle 1985).
    mask : array_like of bool, shape (n_rows, n_cols), optional
        The study area's cells; others become NaN (and count as outside for edge correction).

    Returns
    -------
    KdeResult

    Examples
    --------
    >>> g = Grid(0.0, 0.0, 100.0, 5, 5)
    >>> r = kde([250.0], [250.0], g, bandwidth=150.0, kernel="quartic_unscaled")
    >>> np.round(r.values[2, 1:4], 4).tolist()
    [0.3086, 1.0, 0.3086]
    >>> r.bandwidth.rule, r.bandwidth.h
    ('fixed', 150.0)
    """
    xa, ya, w = _validate_points(x, y, weights)
    if kernel not in _KERNELS:
        raise InputError(f"kernel must be one of {_KERNELS}, got {kernel!r}.")
    bw = select_bandwidth(xa, ya, bandwidth, kernel=kernel, adjust=bandwidth_adjust)
    h = bw.h
    if method == "direct":
        values = _direct(xa, ya, w, grid, h, kernel)
        spacing = math.nan
    elif method == "fft":
        if not (isinstance(bin_factor, int) and bin_factor >= 1):
            raise InputError(
                f"bin_factor must be a whole number of at least 1, got {bin_factor!r}."
            )
        values = _fft(xa, ya, w, grid, h, kernel, bin_factor)
        spacing = grid.cell_size / bin_factor
    else:
        raise InputError(f"method must be 'fft' or 'direct', got {method!r}.")
    area: npt.NDArray[np.bool_] | None = None
    if mask is not None:
        area = np.asarray(mask, dtype=bool)
        if area.shape != grid.shape:
            raise InputError(f"mask has shape {area.shape} but the grid is {grid.shape}.")
    if edge_correction:
        factor = _edge_factor(
            grid, area if area is not None else np.ones(grid.shape, bool), h, kernel
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.where(factor > 0, values / factor, np.nan)
    if area is not None:
        values = np.where(area, values, np.nan)
    return KdeResult(
        values=values,
        grid=grid,
        bandwidth=bw,
        kernel=kernel,
        method=method,
        bin_spacing=spacing,
        n_events=int(xa.size),
        total_weight=float(w.sum()),
        edge_corrected=bool(edge_correction),
    )


@dataclass(frozen=True)
class DualKdeResult:
    """Events per unit of a denominator (e.g. residents), both smoothed alike.

    Attributes
    ----------
    rate : ndarray
        Smoothed events ÷ smoothed denominator; NaN where the denominator is small.
    numerator, denominator : KdeResult
        The two surfaces (same kernel, h and grid).
    weighted_denominator : ndarray
        The denominator as a kernel-weighted count (weight 1 at distance 0).
    masked : ndarray of bool
        Cells whose ``weighted_denominator`` is below ``min_denominator``.
    min_denominator : float
    """

    rate: npt.NDArray[np.float64]
    numerator: KdeResult
    denominator: KdeResult
    weighted_denominator: npt.NDArray[np.float64]
    masked: npt.NDArray[np.bool_]
    min_denominator: float


def dual_kde(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    grid: Grid,
    denominator: npt.ArrayLike,
    *,
    bandwidth: float | str = "nrd",
    kernel: Kernel = "quartic",
    method: Literal["fft", "direct"] = "fft",
    min_denominator: float = 100.0,
    bandwidth_adjust: float = 1.0,
    weights: npt.ArrayLike | None = None,
) -> DualKdeResult:
    """Dual KDE: events smoothed over a denominator grid smoothed with the same kernel and h.

    Parameters
    ----------
    x, y : array_like
        Event coordinates in the grid's metric CRS.
    grid : Grid
        The cells of both surfaces.
    denominator : array_like, shape (n_rows, n_cols)
        E.g. residents per cell, placed at the cell centres.
    bandwidth : float or str
        A rule is applied to the events, and the same h is used for both surfaces.
    kernel, method, bandwidth_adjust
        As for :func:`kde`.
    min_denominator : float
        Cells with a kernel-weighted denominator (weight 1 at the centre) below this are
        masked: a rate over a handful of residents is noise.
    weights : array_like, optional
        A weight per event.

    Returns
    -------
    DualKdeResult
        The two surfaces, their ratio (masked where the denominator is small) and the bandwidth.

    Examples
    --------
    >>> g = Grid(0.0, 0.0, 100.0, 3, 1)
    >>> pop = np.array([[1000.0, 1000.0, 0.0]])
    >>> r = dual_kde([50.0, 150.0], [50.0, 50.0], g, pop, bandwidth=100.0, method="direct")
    >>> np.round(r.rate * 1000, 3).tolist(), r.masked.tolist()
    ([[1.0, 1.0, nan]], [[False, False, True]])
    """
    den = np.asarray(denominator, dtype=float)
    if den.shape != grid.shape:
        raise InputError(f"denominator has shape {den.shape} but the grid is {grid.shape}.")
    if not np.isfinite(den).all() or (den < 0).any():
        raise InputError("denominator must be finite and at least 0 in every cell.")
    if not (math.isfinite(min_denominator) and min_denominator >= 0):
        raise InputError(f"min_denominator must be at least 0, got {min_denominator!r}.")
    num = kde(x, y, grid, bandwidth=bandwidth, kernel=kernel, method=method,
              bandwidth_adjust=bandwidth_adjust, weights=weights)  # fmt: skip
    cx, cy = grid.centres()
    dkde = kde(cx.ravel(), cy.ravel(), grid, bandwidth=num.bandwidth.h, kernel=kernel,
               method=method, weights=den.ravel())  # fmt: skip
    peak = float(kernel_values(0.0, num.bandwidth.h, kernel))
    weighted = dkde.values / peak
    masked = weighted < min_denominator
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(masked, np.nan, num.values / np.where(masked, 1.0, dkde.values))
    return DualKdeResult(
        rate=rate,
        numerator=num,
        denominator=dkde,
        weighted_denominator=weighted,
        masked=masked,
        min_denominator=float(min_denominator),
    )
