"""Input checks shared by the count modules: ``trends``, ``counttests`` and ``cycle``.

Each helper converts its argument at the entry and raises
:class:`~samtrygg.analysis.errors.InputError` with a message that names the argument, the bad
value and what was expected.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from samtrygg.analysis.errors import InputError

_DAY = np.timedelta64(1, "D")


def _as_times(times: npt.ArrayLike, name: str = "times") -> npt.NDArray[np.datetime64]:
    arr = np.asarray(times)
    if arr.dtype.kind != "M":
        try:
            arr = arr.astype("datetime64[s]")
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"{name} must be datetimes (datetime64), got dtype {arr.dtype}."
            ) from exc
    arr = arr.astype("datetime64[s]").ravel()
    if np.isnat(arr).any():
        raise InputError(f"{name} has {int(np.isnat(arr).sum())} missing times; remove them.")
    return arr


def _day(value: object) -> np.datetime64:
    try:
        day = np.datetime64(np.asarray(value).astype("datetime64[D]").item(), "D")
    except (TypeError, ValueError) as exc:
        raise InputError(f"The date {value!r} is not a date (YYYY-MM-DD).") from exc
    return day


def _as_counts(values: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.size == 0:
        raise InputError(f"{name} is empty; give at least one count.")
    if not np.isfinite(arr).all():
        raise InputError(f"{name} contains NaN or infinite values; counts must be finite.")
    if (arr < 0).any():
        raise InputError(
            f"{name} contains the negative count {arr[arr < 0][0]:g}; counts are >= 0."
        )
    if (arr != np.round(arr)).any():
        raise InputError(f"{name} contains the non-integer count {arr[arr != np.round(arr)][0]:g}.")
    return arr


def _as_exposure(values: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if not np.isfinite(arr).all() or (arr <= 0).any():
        raise InputError(f"{name} must be positive and finite, got {np.asarray(values)!r}.")
    return arr


def _check_alpha(alpha: float) -> float:
    if not (isinstance(alpha, (int, float)) and 0.0 < float(alpha) < 1.0):
        raise InputError(f"alpha must lie strictly between 0 and 1, got {alpha!r}.")
    return float(alpha)


def _check_alternative(alternative: str) -> None:
    if alternative not in ("two-sided", "greater", "less"):
        raise InputError(
            f"alternative must be 'two-sided', 'greater' or 'less', got {alternative!r}."
        )


def _broadcast(
    current: npt.ArrayLike,
    baseline: npt.ArrayLike,
    t_current: npt.ArrayLike,
    t_baseline: npt.ArrayLike,
) -> tuple[npt.NDArray[np.float64], ...]:
    x1 = _as_counts(current, "current")
    x0 = _as_counts(baseline, "baseline")
    t1 = _as_exposure(t_current, "t_current")
    t0 = _as_exposure(t_baseline, "t_baseline")
    try:
        arrays = np.broadcast_arrays(x1, x0, t1, t0)
    except ValueError as exc:
        raise InputError(
            f"current ({x1.size}), baseline ({x0.size}) and the exposures must have the same "
            "length or length 1."
        ) from exc
    return tuple(np.asarray(a, dtype=float).ravel() for a in arrays)
