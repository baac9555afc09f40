"""Spatial weights for the local statistics: lattice contiguity and distance bands.

Weights are (n × n) scipy CSR matrices whose rows and columns are the sites in the order of the
values they weight; the public builders give binary weights, and the statistics prepare them
(copy, check, fill or drop the diagonal, binary or row-standardised) as esda 2.9.0 does in
``_infer_star_and_structure_w`` (``esda/getisord.py``).

* :func:`grid_weights` is libpysal's ``lat2W`` (queen or rook) with an optional diagonal for Gi*.
* :func:`distance_weights` is spdep's ``dnearneigh(coords, 0, threshold)`` (sfhotspot's
  ``nb_dist``) and libpysal's ``DistanceBand(binary=True)``.

See docs/methods-reference.md §3 (Weights).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from samtrygg.analysis.errors import InputError

__all__ = ["distance_weights", "grid_weights"]

FloatArray = npt.NDArray[np.float64]


def grid_weights(
    n_rows: int, n_cols: int, neighbourhood: str = "queen", *, include_self: bool = False
) -> sp.csr_matrix:
    """Binary contiguity weights of a lattice, cells numbered row-major (``row * n_cols + col``).

    The numbering is libpysal's ``lat2W(n_rows, n_cols)``: with ``Grid.counts`` (row = y index)
    flattened in C order, site ``i`` is the cell ``divmod(i, n_cols)``.

    Parameters
    ----------
    n_rows, n_cols : int
        Grid shape.
    neighbourhood : {"queen", "rook"}
        8 or 4 neighbours.
    include_self : bool
        Put 1 on the diagonal (Gi*).

    Returns
    -------
    scipy.sparse.csr_matrix
        Shape (n_rows·n_cols, n_rows·n_cols), binary.

    Examples
    --------
    >>> w = grid_weights(2, 3, "queen", include_self=True)
    >>> w.sum(axis=1).A1.tolist()
    [4.0, 6.0, 4.0, 4.0, 6.0, 4.0]
    """
    if neighbourhood not in ("queen", "rook"):
        raise InputError(f"neighbourhood must be 'queen' or 'rook'; got {neighbourhood!r}.")
    if n_rows < 1 or n_cols < 1:
        raise InputError(f"The grid is empty ({n_rows} × {n_cols}); it needs at least one cell.")
    n = n_rows * n_cols
    rows, cols = np.divmod(np.arange(n), n_cols)
    offsets = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    if neighbourhood == "queen":
        offsets += [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    if include_self:
        offsets.append((0, 0))
    src, dst = [], []
    for dr, dc in offsets:
        r2, c2 = rows + dr, cols + dc
        ok = (r2 >= 0) & (r2 < n_rows) & (c2 >= 0) & (c2 < n_cols)
        src.append(np.flatnonzero(ok))
        dst.append(r2[ok] * n_cols + c2[ok])
    i, j = np.concatenate(src), np.concatenate(dst)
    w = sp.csr_matrix((np.ones(i.size), (i, j)), shape=(n, n))
    w.sort_indices()
    return w


def distance_weights(
    x: npt.ArrayLike, y: npt.ArrayLike, threshold: float, *, include_self: bool = False
) -> sp.csr_matrix:
    """Binary distance-band weights: j is a neighbour of i when 0 < d(i, j) ≤ threshold.

    This is spdep ``dnearneigh(coords, 0, threshold)`` (sfhotspot's ``nb_dist``) and libpysal
    ``DistanceBand(binary=True)``.

    Parameters
    ----------
    x, y : array_like
        Coordinates of the sites in metres.
    threshold : float
        Largest neighbour distance in metres.
    include_self : bool
        Put 1 on the diagonal (each site its own neighbour, as Gi* needs).

    Returns
    -------
    scipy.sparse.csr_matrix
        Shape (n, n), binary.

    Examples
    --------
    >>> w = distance_weights([0, 100, 250], [0, 0, 0], 150)
    >>> w.toarray().tolist()
    [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    from scipy.spatial import cKDTree  # only here: scipy.spatial costs start-up time

    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xa.shape != ya.shape or xa.ndim != 1:
        raise InputError(f"x and y must be 1-D of equal length; got {xa.shape} and {ya.shape}.")
    if not (np.all(np.isfinite(xa)) and np.all(np.isfinite(ya))):
        raise InputError("Some coordinates are missing or not finite; remove those points.")
    if not threshold > 0:
        raise InputError(f"threshold must be a positive distance; got {threshold!r}.")
    pairs = cKDTree(np.column_stack([xa, ya])).query_pairs(
        r=float(threshold), output_type="ndarray"
    )
    i = np.concatenate([pairs[:, 0], pairs[:, 1]])
    j = np.concatenate([pairs[:, 1], pairs[:, 0]])
    if include_self:
        i = np.concatenate([i, np.arange(xa.size)])
        j = np.concatenate([j, np.arange(xa.size)])
    w = sp.csr_matrix((np.ones(i.size), (i, j)), shape=(xa.size, xa.size))
    w.sort_indices()
    return w


def _prepare_weights(
    weights: object, n: int, *, star: bool | None, transform: str
) -> sp.csr_matrix:
    """Copy, check and transform weights as esda does (``_infer_star_and_structure_w``)."""
    try:
        w = sp.csr_matrix(weights, dtype=float, copy=True)
    except (TypeError, ValueError) as exc:
        raise InputError(f"weights must be a square sparse or dense matrix: {exc}.") from exc
    if w.shape != (n, n):
        raise InputError(f"weights must have shape ({n}, {n}) to match the values; got {w.shape}.")
    if not np.all(np.isfinite(w.data)) or np.any(w.data < 0):
        raise InputError("weights must be finite and non-negative.")
    w.sum_duplicates()
    w.eliminate_zeros()
    diagonal = w.diagonal()
    if star is True and not diagonal.any():
        # esda fills an empty diagonal with 1 for binary weights, else with the row maximum.
        fill = np.asarray(w.max(axis=1).todense()).ravel() if transform == "R" else np.ones(n)
        w = sp.csr_matrix(w + sp.diags(fill))
    elif star is False and diagonal.any():
        w = sp.csr_matrix(w - sp.diags(diagonal))
        w.eliminate_zeros()
    if transform == "B":
        w.data[:] = 1.0
    else:
        row_sums = np.asarray(w.sum(axis=1)).ravel()
        per_entry = np.repeat(row_sums, np.diff(w.indptr))
        w.data = np.where(per_entry > 0, w.data / np.where(per_entry > 0, per_entry, 1.0), 0.0)
    w.sort_indices()
    return w


def _split_self(w: sp.csr_matrix) -> tuple[FloatArray, sp.csr_matrix]:
    """Self weights and the off-diagonal part in CSR order (esda's ``setdiag(0)``)."""
    self_weights = np.asarray(w.diagonal(), dtype=float)
    off = sp.csr_matrix(w - sp.diags(self_weights)) if self_weights.any() else w.copy()
    off.eliminate_zeros()
    off.sort_indices()
    return self_weights, off
