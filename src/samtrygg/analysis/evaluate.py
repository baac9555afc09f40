"""How well a risk grid captured the events that followed (docs/methods-reference.md section 8).

All metrics flag exactly ``floor(N_cells * coverage)`` cells, the highest-risk ones (open_cp
``top_slice``). Where the last flagged places fall among cells of equal risk, the capture is the
expected value over the tied cells, so the result never depends on array order.

Definitions, with N test events, k flagged cells out of A and n events captured:

* hit rate ``H = n / N``;
* PAI ``= (n / N) / (k / A)`` (Chainey, Tompson & Uhlig 2008);
* PEI* ``= PAI / PAI*``, where ``PAI* = (n* / N) / (a* / A)``, ``n*`` is the capture of the best
  ``k`` cells ranked by the actual counts and ``a*`` the number of cells, zero-count cells
  excluded, that hold it (NIJ 2017 challenge).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from samtrygg.analysis.errors import InputError

__all__ = [
    "ForecastScores",
    "captured",
    "check_coverages",
    "flagged_cells",
    "hit_rate",
    "pai",
    "pei_star",
    "score_forecast",
]

FloatArray = npt.NDArray[np.float64]


def _inputs(risk: Any, actual: Any, mask: Any = None) -> tuple[FloatArray, FloatArray]:
    r = np.asarray(risk, dtype=float)
    a = np.asarray(actual, dtype=float)
    if r.shape != a.shape:
        raise InputError(f"risk and actual must have the same shape, got {r.shape} and {a.shape}.")
    if r.size == 0:
        raise InputError("risk is empty; give a grid with at least one cell.")
    if not np.all(np.isfinite(r)):
        raise InputError("risk has missing or infinite values; every cell needs a finite risk.")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise InputError("actual must hold non-negative finite counts.")
    if mask is not None:
        mk = np.asarray(mask, dtype=bool)
        if mk.shape != r.shape:
            raise InputError(f"mask must have the shape of risk {r.shape}, got {mk.shape}.")
        return r[mk], a[mk]
    return r.ravel(), a.ravel()


def check_coverages(coverages: Any) -> FloatArray:
    """Validate coverage fractions: each in (0, 1].

    Parameters
    ----------
    coverages : array_like of float
        Fractions of the study area.

    Returns
    -------
    ndarray
        The coverages as floats.

    Examples
    --------
    >>> check_coverages([0.01, 0.05]).tolist()
    [0.01, 0.05]
    """
    c = np.atleast_1d(np.asarray(coverages, dtype=float))
    if c.size == 0:
        raise InputError("coverages is empty; give fractions such as 0.01, 0.05.")
    bad = ~np.isfinite(c) | (c <= 0) | (c > 1)
    if bad.any():
        raise InputError(
            f"coverage {float(c[bad][0])!r} is not a fraction in (0, 1]; give e.g. 0.05 for 5 %."
        )
    return c


def flagged_cells(n_cells: int, coverage: float) -> int:
    """Number of flagged cells, ``floor(n_cells * coverage)``; at least one is required.

    Parameters
    ----------
    n_cells : int
        Cells of the study area.
    coverage : float
        Fraction of the area in (0, 1].

    Returns
    -------
    int

    Examples
    --------
    >>> flagged_cells(250, 0.05)
    12
    """
    c = float(check_coverages(coverage)[0])
    # A tiny tolerance keeps 0.07 * 100 (7.000000000000001 or 6.9999…) at 7.
    k = int(math.floor(n_cells * c + 1e-9))
    if k < 1:
        raise InputError(
            f"coverage {coverage!r} flags no cell of a grid with {n_cells} cells; "
            "choose a larger coverage or a finer grid."
        )
    return k


def captured(risk: Any, actual: Any, k: int) -> float:
    """Expected events in the ``k`` highest-risk cells, ties shared by expectation.

    Parameters
    ----------
    risk : array_like
        Forecast risk per cell.
    actual : array_like
        Events per cell in the test period, same shape.
    k : int
        Number of flagged cells.

    Returns
    -------
    float
        Events expected in the flagged cells.

    Examples
    --------
    Three cells tie for the last two places, so they contribute 2/3 of their 6 events:

    >>> captured([5, 1, 1, 1, 0], [2, 3, 0, 3, 9], 3)
    6.0
    """
    r, a = _inputs(risk, actual)
    if not 0 <= k <= r.size:
        raise InputError(f"k must lie between 0 and the number of cells {r.size}, got {k}.")
    if k == 0:
        return 0.0
    return _captured(r, a, k, float(np.partition(r, r.size - k)[r.size - k]))


def _captured(r: FloatArray, a: FloatArray, k: int, threshold: float) -> float:
    above = r > threshold
    tied = r == threshold
    n_above = int(above.sum())
    return float(a[above].sum() + (k - n_above) / int(tied.sum()) * a[tied].sum())


@dataclass(frozen=True)
class ForecastScores:
    """Metrics of one risk grid at several coverages.

    Attributes
    ----------
    coverages : ndarray
        Requested fractions of the study area.
    flagged : ndarray
        Cells flagged at each coverage, ``floor(n_cells * coverage)``.
    n_events : float
        Test events N (on the evaluated cells).
    hit_rate, pai, pei_star, oracle_hit_rate : ndarray
        One value per coverage; NaN when there are no test events.
    """

    coverages: FloatArray
    flagged: npt.NDArray[np.int64]
    n_events: float
    hit_rate: FloatArray
    pai: FloatArray
    pei_star: FloatArray
    oracle_hit_rate: FloatArray


def score_forecast(
    risk: Any,
    actual: Any,
    coverages: Sequence[float] | Any = (0.01, 0.02, 0.05, 0.1, 0.2),
    *,
    mask: Any = None,
) -> ForecastScores:
    """Hit rate, PAI, PEI* and the oracle hit rate of a risk grid at several coverages.

    Parameters
    ----------
    risk : array_like
        Forecast risk per cell.
    actual : array_like
        Events per cell in the test period, same shape.
    coverages : sequence of float
        Fractions of the study area in (0, 1].
    mask : array_like of bool, optional
        Cells of the study area; others are ignored (default: all cells).

    Returns
    -------
    ForecastScores

    Examples
    --------
    >>> s = score_forecast([[4, 3], [2, 1]], [[1, 0], [2, 1]], [0.25, 0.5])
    >>> s.hit_rate.tolist(), s.pai.tolist(), s.pei_star.tolist()
    ([0.25, 0.25], [1.0, 0.5], [0.5, 0.3333333333333333])
    """
    r, a = _inputs(risk, actual, mask)
    cov = check_coverages(coverages)
    n_cells = r.size
    total = float(a.sum())
    ks = np.array([flagged_cells(n_cells, c) for c in cov], dtype=np.int64)
    # The oracle only needs the cells with events, usually a small share of the grid.
    best_cum = np.cumsum(np.sort(a[a > 0])[::-1])
    nonzero = int(best_cum.size)
    hit, pai_v, pei_v, oracle = (np.full(cov.size, np.nan) for _ in range(4))
    if total > 0:
        # One partial sort gives the k-th highest risk for every coverage.
        k_max = int(ks.max())
        top = np.sort(np.partition(r, n_cells - k_max)[n_cells - k_max :])[::-1]
        for m, k in enumerate(ks):
            n = _captured(r, a, int(k), float(top[k - 1]))
            n_star = float(best_cum[min(int(k), nonzero) - 1])
            a_star = min(int(k), nonzero)
            hit[m] = n / total
            pai_v[m] = hit[m] / (k / n_cells)
            pai_star = (n_star / total) / (a_star / n_cells)
            pei_v[m] = pai_v[m] / pai_star
            oracle[m] = n_star / total
    return ForecastScores(cov, ks, total, hit, pai_v, pei_v, oracle)


def hit_rate(risk: Any, actual: Any, coverage: float, *, mask: Any = None) -> float:
    """Share of the test events in the top ``floor(N_cells * coverage)`` cells.

    Parameters
    ----------
    risk : array_like
        Forecast risk per cell.
    actual : array_like
        Events per cell in the test period, same shape.
    coverage : float
        Fraction of the study area in (0, 1].
    mask : array_like of bool, optional
        Cells of the study area; others are ignored (default: all cells).

    Returns
    -------
    float
        In [0, 1].

    Examples
    --------
    >>> hit_rate([3, 2, 1, 0], [1, 1, 0, 2], 0.5)
    0.5
    """
    return float(score_forecast(risk, actual, [coverage], mask=mask).hit_rate[0])


def pai(risk: Any, actual: Any, coverage: float, *, mask: Any = None) -> float:
    """Predictive accuracy index: hit rate over the flagged share of the area.

    Parameters
    ----------
    risk : array_like
        Forecast risk per cell.
    actual : array_like
        Events per cell in the test period, same shape.
    coverage : float
        Fraction of the study area in (0, 1].
    mask : array_like of bool, optional
        Cells of the study area; others are ignored (default: all cells).

    Returns
    -------
    float

    Examples
    --------
    >>> pai([3, 2, 1, 0], [1, 1, 0, 2], 0.25)
    1.0
    """
    return float(score_forecast(risk, actual, [coverage], mask=mask).pai[0])


def pei_star(risk: Any, actual: Any, coverage: float, *, mask: Any = None) -> float:
    """PAI over the best attainable PAI at the same coverage (PEI*), in [0, 1].

    Parameters
    ----------
    risk : array_like
        Forecast risk per cell.
    actual : array_like
        Events per cell in the test period, same shape.
    coverage : float
        Fraction of the study area in (0, 1].
    mask : array_like of bool, optional
        Cells of the study area; others are ignored (default: all cells).

    Returns
    -------
    float
        In [0, 1].

    Examples
    --------
    >>> pei_star([3, 2, 1, 0], [1, 1, 0, 2], 0.25)
    0.5
    """
    return float(score_forecast(risk, actual, [coverage], mask=mask).pei_star[0])
