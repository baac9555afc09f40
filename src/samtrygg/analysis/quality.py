"""Checks of messy event files: duplicates, swapped lon/lat, degrees in a metric CRS, time zones.

Each check names the file row (the header is row 1) so that the user can find and fix it. What
is refused raises :class:`~samtrygg.analysis.errors.InputError`; what is only reported (a count
of duplicates, excluded points, mixed UTC offsets) is collected in an :class:`InputReport` that
every ``samtrygg analyse`` command prints with its result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from samtrygg.analysis.errors import InputError

__all__ = [
    "InputReport",
    "check_not_degrees",
    "check_not_swapped",
    "check_offsets",
    "duplicate_rows",
    "swapped_rows",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Sweden's latitudes and longitudes (with a margin): a longitude column full of values that look
# like Swedish latitudes, next to a latitude column of Swedish longitudes, is swapped.
_SWEDISH_LAT = (55.0, 69.5)
_SWEDISH_LON = (10.0, 24.5)
# Rows named in messages and in the JSON report; the count is always complete.
MAX_ROWS_NAMED = 20


@dataclass
class InputReport:
    """What was noticed about the input and what was done about it.

    Attributes
    ----------
    n_rows : int
        Rows read (after ``--filter``).
    n_used : int
        Events analysed.
    outside_rows, outside_reasons : list
        File rows left out because they lie outside the study area, and why.
    duplicate_rows : list of int
        File rows that repeat an earlier row exactly (same x, y and time).
    duplicates_dropped : bool
        Whether those duplicates were left out.
    notes : list of str
        Other findings (e.g. mixed UTC offsets), as sentences naming rows.
    study_area : dict, optional
        Description of the study area used.
    """

    n_rows: int = 0
    n_used: int = 0
    outside_rows: list[int] = field(default_factory=list)
    outside_reasons: list[str] = field(default_factory=list)
    duplicate_rows: list[int] = field(default_factory=list)
    duplicates_dropped: bool = False
    notes: list[str] = field(default_factory=list)
    study_area: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly summary; at most 20 rows are named per finding, counts are complete.

        Returns
        -------
        dict
            Rows read, and per finding (outside, duplicates, offsets) its count and rows.
        """
        return {
            "rows_read": self.n_rows,
            "events_used": self.n_used,
            "outside_study_area": {
                "count": len(self.outside_rows),
                "rows": self.outside_rows[:MAX_ROWS_NAMED],
                "reasons": self.outside_reasons[:MAX_ROWS_NAMED],
            },
            "duplicates": {
                "count": len(self.duplicate_rows),
                "rows": self.duplicate_rows[:MAX_ROWS_NAMED],
                "dropped": self.duplicates_dropped,
            },
            "notes": list(self.notes),
            "study_area": self.study_area,
        }

    def lines(self) -> list[str]:
        """Sentences for people; empty when there is nothing to say.

        Returns
        -------
        list of str
            One sentence per finding, naming its rows.
        """
        out: list[str] = []
        if self.outside_rows:
            n = len(self.outside_rows)
            out.append(
                f"{n} event(s) lie outside the study area ({self._area()}) and were left out: "
                f"{_name_rows(self.outside_rows, self.outside_reasons)}. "
                "Fix them, or use --outside refuse to stop on them."
            )
        if self.duplicate_rows:
            n = len(self.duplicate_rows)
            what = (
                "were left out (--drop-duplicates)"
                if self.duplicates_dropped
                else "are counted as separate events; use --drop-duplicates to leave them out"
            )
            out.append(
                f"{n} row(s) repeat an earlier row exactly (same place and time) and {what}: "
                f"{_name_rows(self.duplicate_rows)}."
            )
        out += self.notes
        return out

    def _area(self) -> str:
        if self.study_area is None:
            return "robust extent of the data"
        return str(self.study_area.get("source", "study area"))


def _name_rows(rows: list[int], reasons: list[str] | None = None) -> str:
    """``row 9 (0,0); rows 143, 182 (far from the other events) and 3 more``."""
    shown = rows[:MAX_ROWS_NAMED]
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(shown):
        why = reasons[i] if reasons and i < len(reasons) else ""
        groups.setdefault(why, []).append(row)
    parts = []
    for why, members in groups.items():
        label = f"row {members[0]}" if len(members) == 1 else "rows " + ", ".join(map(str, members))
        parts.append(f"{label} ({why})" if why else label)
    more = f" and {len(rows) - len(shown)} more" if len(rows) > len(shown) else ""
    return "; ".join(parts) + more


def duplicate_rows(
    x: npt.ArrayLike, y: npt.ArrayLike, times: npt.ArrayLike | None = None
) -> BoolArray:
    """Mark each row that repeats an earlier row exactly (same x, y and, if given, time).

    Parameters
    ----------
    x, y : array_like
        Coordinates as read (before any projection).
    times : array_like of datetime64, optional
        Times; without them only the place is compared.

    Returns
    -------
    ndarray of bool
        True for every row but the first of each group of equal rows (in file order).

    Examples
    --------
    >>> duplicate_rows([1.0, 2.0, 1.0, 1.0], [5.0, 5.0, 5.0, 5.0], [0, 0, 0, 1]).tolist()
    [False, False, True, False]
    """
    columns = [np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()]
    if times is not None:
        columns.append(np.asarray(times).astype("datetime64[s]").astype(np.int64).ravel())
    n = columns[0].size
    if n < 2:
        return np.zeros(n, dtype=bool)
    order = np.lexsort(columns[::-1])
    same = np.ones(n - 1, dtype=bool)
    for col in columns:
        s = col[order]
        same &= s[1:] == s[:-1]
    out = np.zeros(n, dtype=bool)
    # In each run of equal rows every row but the first in file order is a duplicate; lexsort
    # is stable, so the first of a run is the earliest row.
    out[order[1:][same]] = True
    return out


def check_not_degrees(
    xs: FloatArray, ys: FloatArray, rows: IntArray, columns: tuple[str, str], crs: object
) -> None:
    """Refuse a metric CRS for values that look like degrees (most rows within ±180/±90).

    Parameters
    ----------
    xs, ys : ndarray
        The coordinates as read.
    rows : ndarray of int
        The file row of each value, named in the error.
    columns : tuple of str
        The x and y column names, named in the error.
    crs : object or None
        The CRS given (None when none was).

    Examples
    --------
    >>> check_not_degrees(np.array([14.5, 15.0]), np.array([59.3, 59.4]), np.array([2, 3]),
    ...                   ("longitud", "latitud"), "EPSG:3006")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    samtrygg.analysis.errors.InputError: Row 2: longitud=14.5, latitud=59.3 look like degrees...
    """
    degrees = (np.abs(xs) <= 180) & (np.abs(ys) <= 90)
    if degrees.size and degrees.mean() > 0.5:
        i = int(np.flatnonzero(degrees)[0])
        cx, cy = columns
        given = f"but {crs} measures metres" if crs is not None else "and no --crs is given"
        raise InputError(
            f"Row {int(rows[i])}: {cx}={xs[i]:g}, {cy}={ys[i]:g} look like degrees "
            f"(longitude/latitude), {given}. If they are degrees, use --crs EPSG:4326; they "
            "are then projected to a metric system for you."
        )


def _in(values: FloatArray, bounds: tuple[float, float]) -> BoolArray:
    return np.asarray((values >= bounds[0]) & (values <= bounds[1]), dtype=bool)


def check_not_swapped(
    lon: FloatArray, lat: FloatArray, rows: IntArray, columns: tuple[str, str]
) -> None:
    """Refuse lon/lat columns that hold Swedish latitudes and longitudes the other way round.

    Most rows must look swapped; a single swapped row is an outlier (see :func:`swapped_rows`).

    Parameters
    ----------
    lon, lat : ndarray
        The values of the longitude and latitude columns.
    rows : ndarray of int
        The file row of each value, named in the error.
    columns : tuple of str
        The longitude and latitude column names, named in the error and the advice.

    Examples
    --------
    >>> check_not_swapped(np.array([59.3, 59.4]), np.array([14.5, 15.0]), np.array([2, 3]),
    ...                   ("lon", "lat"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    samtrygg.analysis.errors.InputError: The columns 'lon'/'lat' look swapped...
    """
    swapped = _in(lon, _SWEDISH_LAT) & _in(lat, _SWEDISH_LON)
    if swapped.size and swapped.mean() > 0.5:
        i = int(np.flatnonzero(swapped)[0])
        cx, cy = columns
        raise InputError(
            f"The columns {cx!r}/{cy!r} look swapped: row {int(rows[i])} has {cx}={lon[i]:g} "
            f"(a Swedish latitude) and {cy}={lat[i]:g} (a Swedish longitude). "
            f"Name them the other way round: --x {cy} --y {cx}."
        )


def swapped_rows(
    lon: FloatArray, lat: FloatArray, inside: BoolArray, box: tuple[float, float, float, float]
) -> BoolArray:
    """Rows outside the study area whose lon/lat, swapped, would lie inside its box (in degrees).

    Parameters
    ----------
    lon, lat : ndarray
        Degrees as read.
    inside : ndarray of bool
        Whether each row lies in the study area.
    box : tuple of float
        The study area's box in degrees ``(west, south, east, north)``.

    Returns
    -------
    ndarray of bool

    Examples
    --------
    >>> swapped_rows(np.array([15.0, 59.3]), np.array([59.3, 15.0]), np.array([True, False]),
    ...              (14.0, 58.0, 16.0, 60.0)).tolist()
    [False, True]
    """
    xmin, ymin, xmax, ymax = box
    return np.asarray(~inside & _in(lat, (xmin, xmax)) & _in(lon, (ymin, ymax)), dtype=bool)


def check_offsets(
    has_offset: BoolArray, offsets: IntArray, rows: IntArray, texts: list[str | None]
) -> list[str]:
    """Refuse times with and without a UTC offset in one file; note different offsets.

    Parameters
    ----------
    has_offset : ndarray of bool
        Whether each time carried an offset.
    offsets : ndarray of int
        The offsets in minutes.
    rows : ndarray of int
        The file row of each time, named in messages.
    texts : list of str or None
        The times as written, quoted in the error.

    Returns
    -------
    list of str
        Notes for the report (empty when every time has the same offset or none).

    Examples
    --------
    >>> check_offsets(np.array([True, True]), np.array([60, 120]), np.array([2, 3]),
    ...               ["2024-01-05T10:00+01:00", "2024-07-05T10:00+02:00"])  # doctest: +ELLIPSIS
    ['Times carry different UTC offsets (+01:00 from row 2, +02:00 from row 3)...']
    """
    if not has_offset.any():
        return []
    if not has_offset.all():
        i = int(np.flatnonzero(has_offset)[0])
        j = int(np.flatnonzero(~has_offset)[0])
        raise InputError(
            f"Row {int(rows[i])} has a time with a UTC offset ({texts[i]!r}) but row "
            f"{int(rows[j])} has none ({texts[j]!r}), so their clocks cannot be compared. "
            "Give every time with its offset, or none (local time)."
        )
    distinct, first = np.unique(offsets, return_index=True)
    if distinct.size == 1:
        return []
    parts = [
        f"{_offset(int(o))} from row {int(rows[i])}" for o, i in zip(distinct, first, strict=True)
    ]
    return [
        f"Times carry different UTC offsets ({', '.join(parts)}); all were converted to UTC, so "
        "days and hours are UTC days and hours (summer and winter time give +02:00 and +01:00)."
    ]


def _offset(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h:02d}:{m:02d}"
