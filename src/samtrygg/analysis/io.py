"""Read point events from CSV or Parquet into metric coordinates and times.

This is the shared entry of the ``samtrygg analyse`` commands and of analysts' scripts: it detects
the coordinate columns, projects lon/lat to a metric CRS, parses times and applies filters, and
it refuses unusable input with a sentence that says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.geo import WGS84, check_metric_crs, to_metric

__all__ = [
    "Events",
    "apply_filters",
    "detect_xy",
    "parse_times",
    "read_events",
    "read_table",
    "read_times",
]

_XY_CANDIDATES = (("x", "y"), ("lon", "lat"), ("longitude", "latitude"))
_LONLAT_NAMES = {"lon", "longitude", "lng"}
_TIME_CANDIDATES = ("time", "date", "datetime", "date_single", "t", "occurred_at")


@dataclass(frozen=True)
class Events:
    """Point events in a metric CRS.

    Attributes
    ----------
    x, y : ndarray
        Coordinates in metres.
    crs : int
        EPSG code of ``x``/``y``.
    times : ndarray of datetime64[s] or None
        Event times (naive, as given in the file), when a time column was read.
    frame : polars.DataFrame
        The remaining columns of the kept rows, in the same order.
    """

    x: npt.NDArray[np.float64]
    y: npt.NDArray[np.float64]
    crs: int
    times: npt.NDArray[np.datetime64] | None
    frame: pl.DataFrame = field(repr=False)

    def __len__(self) -> int:
        return int(self.x.size)

    @property
    def days(self) -> npt.NDArray[np.int64]:
        """Whole days since 1970-01-01 (the date of each event)."""
        if self.times is None:
            raise InputError("These events have no times; name the time column with --time.")
        return self.times.astype("datetime64[D]").astype(np.int64)


def read_table(path: str | Path) -> pl.DataFrame:
    """Read a CSV (comma or semicolon, UTF-8 with or without BOM) or Parquet file as text columns.

    Parameters
    ----------
    path : str or Path
        A CSV or Parquet file.

    Returns
    -------
    polars.DataFrame
        Every column as text.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "e.csv")
    >>> _ = open(p, "w").write("x;y\\n1,5;2\\n")
    >>> read_table(p).row(0)
    ('1,5', '2')
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"The file {str(p)!r} does not exist.")
    try:
        if p.suffix.lower() in (".parquet", ".pq"):
            frame = pl.read_parquet(p)
            return frame.with_columns(pl.all().cast(pl.Utf8))
        raw = p.read_bytes()
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"The file {str(p)!r} cannot be read: {exc}.") from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"The file {str(p)!r} is not UTF-8 (byte {exc.start}); save it as UTF-8 and try again."
        ) from exc
    if not text.strip():
        raise InputError(f"The file {str(p)!r} is empty.")
    first = text.splitlines()[0]
    separator = ";" if first.count(";") > first.count(",") else ","
    try:
        return pl.read_csv(
            text.encode("utf-8"),
            separator=separator,
            infer_schema=False,
            truncate_ragged_lines=True,
        )
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"The file {str(p)!r} is not a readable CSV file: {exc}.") from exc


def detect_xy(columns: list[str], x: str | None = None, y: str | None = None) -> tuple[str, str]:
    """Find the coordinate columns: the given names, else x/y, lon/lat or longitude/latitude.

    Parameters
    ----------
    columns : list of str
        The file's columns.
    x, y : str, optional
        Given column names; checked against ``columns``.

    Returns
    -------
    x, y : str
        The column names.

    Examples
    --------
    >>> detect_xy(["ID", "Longitude", "Latitude"])
    ('Longitude', 'Latitude')
    """
    lower = {c.lower(): c for c in columns}
    if x is not None or y is not None:
        if x is None or y is None:
            raise InputError("Give both --x and --y, or neither.")
        for name in (x, y):
            if name not in columns and name.lower() not in lower:
                raise InputError(f"The column {name!r} is not in the file; it has {columns}.")
        return lower.get(x.lower(), x), lower.get(y.lower(), y)
    for cx, cy in _XY_CANDIDATES:
        if cx in lower and cy in lower:
            return lower[cx], lower[cy]
    raise InputError(
        f"No coordinate columns found among {columns}; name them with --x and --y "
        "(x/y, lon/lat and longitude/latitude are found by themselves)."
    )


def _to_float(frame: pl.DataFrame, column: str) -> npt.NDArray[np.float64]:
    # Swedish files write decimal commas; a value with a comma and no dot is one.
    values = frame.get_column(column).str.strip_chars().str.replace(",", ".", literal=True)
    parsed = values.cast(pl.Float64, strict=False)
    bad = parsed.is_null() & values.is_not_null() & (values != "")
    if bad.any():
        row = int(bad.arg_true()[0])
        raise InputError(
            f"Row {row + 2}: the value {values[row]!r} in column {column!r} is not a number."
        )
    return parsed.to_numpy().astype(float)


def parse_times(values: list[str | None], fmt: str | None = None) -> npt.NDArray[np.datetime64]:
    """Parse times with a strftime format, or ISO 8601 when ``fmt`` is None.

    Timezone offsets are converted to UTC and dropped, so all times compare on one clock.

    Parameters
    ----------
    values : list of str or None
        The texts, one per data row; a missing or unreadable one is refused with its row number
        (the header being row 1).
    fmt : str, optional
        A ``strptime`` format; ISO 8601 when omitted.

    Returns
    -------
    ndarray of datetime64[s]
        Naive UTC times.

    Examples
    --------
    >>> parse_times(["2024-01-05", "2024-01-05T10:00:00+01:00"]).tolist()
    [datetime.datetime(2024, 1, 5, 0, 0), datetime.datetime(2024, 1, 5, 9, 0)]
    >>> parse_times(["05/01/2024"], "%d/%m/%Y")
    array(['2024-01-05T00:00:00'], dtype='datetime64[s]')
    """
    out = np.empty(len(values), dtype="datetime64[s]")
    for i, raw in enumerate(values):
        text = (raw or "").strip()
        try:
            if fmt is None:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            else:
                parsed = datetime.strptime(text, fmt)
        except ValueError as exc:
            expected = fmt or "ISO 8601 (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)"
            raise InputError(
                f"Row {i + 2}: the time {text!r} does not match {expected}; "
                "give the format with --time-format."
            ) from exc
        if parsed.tzinfo is not None:
            offset = parsed.utcoffset()
            parsed = parsed.replace(tzinfo=None) - (offset if offset is not None else 0)  # type: ignore[operator]
        out[i] = np.datetime64(parsed.replace(microsecond=0), "s")
    return out


def apply_filters(frame: pl.DataFrame, filters: list[str]) -> pl.DataFrame:
    """Keep the rows where every ``COLUMN=VALUE`` condition holds.

    Parameters
    ----------
    frame : polars.DataFrame
        The table, all columns text.
    filters : list of str
        Conditions ``COLUMN=VALUE``; every one must hold.

    Returns
    -------
    polars.DataFrame

    Examples
    --------
    >>> frame = pl.DataFrame({"typ": ["inbrott", "brand"], "x": ["1", "2"]})
    >>> apply_filters(frame, ["typ=brand"])["x"].to_list()
    ['2']
    """
    for item in filters:
        if "=" not in item:
            raise InputError(f"The filter {item!r} is not of the form COLUMN=VALUE.")
        column, value = item.split("=", 1)
        if column not in frame.columns:
            raise InputError(
                f"The filter column {column!r} is not in the file; it has {frame.columns}."
            )
        frame = frame.filter(pl.col(column) == value)
    return frame


def read_times(
    frame: pl.DataFrame, time: str | None = None, time_format: str | None = None
) -> tuple[str | None, npt.NDArray[np.datetime64] | None]:
    """The time column (given, or found among common names) and its parsed times, if any.

    Parameters
    ----------
    frame : polars.DataFrame
        The table from :func:`read_table`.
    time : str, optional
        The time column; common names are tried when omitted.
    time_format : str, optional
        A ``strptime`` format; ISO 8601 when omitted.

    Returns
    -------
    column : str or None
        The time column used, or None when there is none.
    times : ndarray of datetime64 or None

    Examples
    --------
    >>> col, t = read_times(pl.DataFrame({"date_single": ["05/01/2024"]}))
    >>> col, str(t[0])
    ('date_single', '2024-01-05T00:00:00')
    """
    if time is None:
        lower = {c.lower(): c for c in frame.columns}
        time = next((lower[c] for c in _TIME_CANDIDATES if c in lower), None)
        if time is None:
            return None, None
    elif time not in frame.columns:
        raise InputError(f"The time column {time!r} is not in the file; it has {frame.columns}.")
    if time_format is None and time == "date_single":
        # The Chicago and Near Repeat Calculator files write dd/mm/yyyy in this column.
        time_format = "%d/%m/%Y"
    return time, parse_times(frame.get_column(time).to_list(), time_format)


def read_events(
    path: str | Path,
    *,
    x: str | None = None,
    y: str | None = None,
    crs: int | str | None = None,
    time: str | None = None,
    time_format: str | None = None,
    filters: list[str] | None = None,
    require_time: bool = False,
    allow_future: bool = False,
) -> Events:
    """Read events from a CSV or Parquet file.

    Parameters
    ----------
    path : str or Path
        CSV (comma or semicolon separated, UTF-8) or Parquet.
    x, y : str, optional
        Coordinate columns; detected when omitted.
    crs : int or str, optional
        CRS of the coordinates. Defaults to EPSG:4326 for lon/lat columns (then projected to
        SWEREF 99 TM or UTM); required for x/y columns and must be metric.
    time, time_format : str, optional
        Time column (detected from common names when omitted) and its strftime format.
    filters : list of str, optional
        ``COLUMN=VALUE`` conditions; all must hold.
    require_time : bool
        Raise when no time column is found.
    allow_future : bool
        Accept times after now (forecast scenarios); refused by default.

    Returns
    -------
    Events
    """
    frame = apply_filters(read_table(path), filters or [])
    if frame.height == 0:
        raise InputError(f"The file {str(path)!r} has no events (after filters).")
    cx, cy = detect_xy(frame.columns, x, y)
    xs, ys = _to_float(frame, cx), _to_float(frame, cy)
    finite = np.isfinite(xs) & np.isfinite(ys)
    if not finite.all():
        row = int(np.flatnonzero(~finite)[0])
        raise InputError(
            f"Row {row + 2} has no usable coordinates ({cx}={frame[cx][row]!r}, "
            f"{cy}={frame[cy][row]!r}); fix or remove it."
        )
    is_lonlat = cx.lower() in _LONLAT_NAMES
    if crs is None and not is_lonlat:
        raise InputError(
            f"The columns {cx!r}/{cy!r} are not lon/lat; give their coordinate system with --crs "
            "(for example EPSG:3006)."
        )
    if crs is not None and str(crs).upper().replace("EPSG:", "") == str(WGS84):
        crs = None
        is_lonlat = True
    if is_lonlat and crs is None:
        if np.any(np.abs(xs) > 180) or np.any(np.abs(ys) > 90):
            raise InputError(
                f"The columns {cx!r}/{cy!r} hold values outside longitude/latitude ranges; "
                "give their coordinate system with --crs."
            )
        xs, ys, epsg = to_metric(xs, ys)
    else:
        epsg = check_metric_crs(crs if crs is not None else "")
    _column, times = read_times(frame, time, time_format)
    if times is not None:
        if not allow_future:
            now = np.datetime64(datetime.utcnow().replace(microsecond=0), "s")
            future = times > now + np.timedelta64(1, "D")
            if future.any():
                row = int(np.flatnonzero(future)[0])
                raise InputError(
                    f"Row {row + 2}: the time {times[row]} lies in the future; check the date "
                    "format (--time-format)."
                )
    elif require_time:
        raise InputError(f"No time column found among {frame.columns}; name it with --time.")
    keep = [c for c in frame.columns if c not in (cx, cy)]
    return Events(x=xs, y=ys, crs=epsg, times=times, frame=frame.select(keep))
