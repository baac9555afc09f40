"""Read point events from CSV or Parquet into metric coordinates and times.

This is the shared entry of the ``samtrygg analyse`` commands and of analysts' scripts: it detects
the coordinate columns, projects lon/lat to a metric CRS, parses times and applies filters, and
it refuses unusable input with a sentence that says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.geo import WGS84, auto_metric_crs, check_metric_crs, to_metric
from samtrygg.analysis.quality import (
    MAX_ROWS_NAMED,
    InputReport,
    check_not_degrees,
    check_not_swapped,
    duplicate_rows,
    swapped_rows,
)
from samtrygg.analysis.studyarea import StudyArea, robust_extent
from samtrygg.analysis.timeparse import checked_times, parse_times, parse_times_detailed, read_times

__all__ = [
    "Events",
    "apply_filters",
    "checked_times",
    "detect_xy",
    "parse_times",
    "parse_times_detailed",
    "read_events",
    "read_rows",
    "read_table",
    "read_times",
]

_XY_CANDIDATES = (
    ("x", "y"),
    ("lon", "lat"),
    ("lng", "lat"),
    ("longitude", "latitude"),
    ("longitud", "latitud"),
)
_LONLAT_NAMES = {"lon", "longitude", "lng", "longitud"}
_ROW = "__samtrygg_row__"


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
    rows : ndarray of int, optional
        The file row of each event (the header is row 1).
    report : InputReport
        What was noticed about the input (duplicates, excluded points, offsets).
    study_area : StudyArea, optional
        The study area the events were limited to.
    """

    x: npt.NDArray[np.float64]
    y: npt.NDArray[np.float64]
    crs: int
    times: npt.NDArray[np.datetime64] | None
    frame: pl.DataFrame = field(repr=False)
    rows: npt.NDArray[np.int64] | None = field(default=None, repr=False)
    report: InputReport = field(default_factory=InputReport, repr=False)
    study_area: StudyArea | None = None

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


def _to_float(
    frame: pl.DataFrame, column: str, rows: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    # Swedish files write decimal commas; a value with a comma and no dot is one.
    values = frame.get_column(column).str.strip_chars().str.replace(",", ".", literal=True)
    parsed = values.cast(pl.Float64, strict=False)
    bad = parsed.is_null() & values.is_not_null() & (values != "")
    if bad.any():
        i = int(bad.arg_true()[0])
        raise InputError(
            f"Row {int(rows[i])}: the value {values[i]!r} in column {column!r} is not a number."
        )
    return parsed.to_numpy().astype(float)


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


def read_rows(
    path: str | Path, filters: list[str] | None = None
) -> tuple[pl.DataFrame, npt.NDArray[np.int64]]:
    """The rows of a file that pass ``filters``, and their row numbers in the file (header = 1).

    Parameters
    ----------
    path : str or Path
        CSV or Parquet (see :func:`read_table`).
    filters : list of str, optional
        ``COLUMN=VALUE`` conditions; all must hold.

    Returns
    -------
    frame : polars.DataFrame
        The kept rows, every column as text.
    rows : ndarray of int
        The file row of each kept row.

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
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "e.csv")
    >>> _ = open(p, "w").write("x,k\\n1,a\\n2,b\\n3,a\\n")
    >>> frame, rows = read_rows(p, ["k=a"])
    >>> frame.get_column("x").to_list(), rows.tolist()
    (['1', '3'], [2, 4])
    """
    frame = apply_filters(read_table(path).with_row_index(_ROW, offset=2), filters or [])
    if frame.height == 0:
        raise InputError(f"The file {str(path)!r} has no events (after filters).")
    rows = frame.get_column(_ROW).to_numpy().astype(np.int64)
    return frame.drop(_ROW), rows


def _outside_reason(lon: float, lat: float, swapped: bool, lonlat: bool, boundary: bool) -> str:
    if lonlat and swapped:
        return "longitude and latitude swapped"
    if lon == 0 and lat == 0:
        return "0,0"
    if lonlat and abs(lat) >= 89.9:
        return f"latitude {lat:g}"
    return "outside the boundary" if boundary else "far from the other events"


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
    outside: str = "exclude",
    boundary: Any = None,
    drop_duplicates: bool = False,
) -> Events:
    """Read events from a CSV or Parquet file, checked and limited to a study area.

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
    outside : {"exclude", "refuse"}
        What to do with events outside the study area: leave them out and count them in
        ``Events.report`` (default), or raise naming the first row.
    boundary : shapely geometry, optional
        The study area in EPSG:4326 (e.g. a municipality); it also masks grids. Without it the
        study area is the data's robust extent (:func:`~samtrygg.analysis.studyarea.robust_extent`).
    drop_duplicates : bool
        Leave out rows that repeat an earlier row exactly (same x, y and time); they are counted
        in ``Events.report`` either way.

    Returns
    -------
    Events

    Raises
    ------
    InputError
        Naming the file row (the header is row 1): unusable coordinates or times, future times,
        times with and without UTC offsets, degree values with a metric CRS, swapped lon/lat
        columns, and (with ``outside="refuse"``) events outside the study area.
    """
    if outside not in ("exclude", "refuse"):
        raise InputError(f"outside must be 'exclude' or 'refuse', got {outside!r}.")
    frame, rows = read_rows(path, filters)
    report = InputReport(n_rows=frame.height)
    cx, cy = detect_xy(frame.columns, x, y)
    xs, ys = _to_float(frame, cx, rows), _to_float(frame, cy, rows)
    finite = np.isfinite(xs) & np.isfinite(ys)
    if not finite.all():
        i = int(np.flatnonzero(~finite)[0])
        raise InputError(
            f"Row {int(rows[i])} has no usable coordinates ({cx}={frame[cx][i]!r}, "
            f"{cy}={frame[cy][i]!r}); fix or remove it."
        )
    is_lonlat = cx.lower() in _LONLAT_NAMES
    if crs is not None and str(crs).upper().replace("EPSG:", "") == str(WGS84):
        crs, is_lonlat = None, True
    elif crs is not None:
        # A named CRS wins over the column names; it must be metric (checked below).
        is_lonlat = False
    if crs is None and not is_lonlat:
        check_not_degrees(xs, ys, rows, (cx, cy), None)
        raise InputError(
            f"The columns {cx!r}/{cy!r} are not lon/lat; give their coordinate system with --crs "
            "(for example EPSG:3006 for SWEREF 99 TM)."
        )
    if is_lonlat:
        bad = (np.abs(xs) > 180) | (np.abs(ys) > 90)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"Row {int(rows[i])}: {cx}={xs[i]:g}, {cy}={ys[i]:g} lie outside longitude/"
                "latitude ranges; fix the row, or give the coordinate system with --crs."
            )
        check_not_swapped(xs, ys, rows, (cx, cy))
    else:
        check_not_degrees(xs, ys, rows, (cx, cy), crs)
    _column, times = checked_times(
        frame, rows, report, time=time, time_format=time_format, allow_future=allow_future
    )
    if times is None and require_time:
        raise InputError(f"No time column found among {frame.columns}; name it with --time.")
    dup = duplicate_rows(xs, ys, times)
    report.duplicate_rows = rows[dup].tolist()
    report.duplicates_dropped = bool(drop_duplicates)
    keep = ~dup if drop_duplicates else np.ones(xs.size, dtype=bool)
    if is_lonlat:
        px, py, epsg, degree_box = _project(xs, ys, keep, boundary)
    else:
        epsg = check_metric_crs(crs if crs is not None else "")
        px, py, degree_box = xs, ys, None
    if boundary is not None:
        area = StudyArea.from_boundary(_boundary_in(boundary, epsg), epsg)
    else:
        ok = keep & np.isfinite(px) & np.isfinite(py)
        area = StudyArea.from_points(px[ok], py[ok], epsg)
    report.study_area = area.describe()
    inside = np.isfinite(px) & np.isfinite(py)
    inside[inside] = area.contains(px[inside], py[inside])
    out = keep & ~inside
    if out.any():
        swapped = (
            swapped_rows(xs, ys, inside, degree_box)
            if degree_box is not None
            else np.zeros(xs.size, dtype=bool)
        )
        idx = np.flatnonzero(out)
        reasons = [
            _outside_reason(float(xs[i]), float(ys[i]), bool(swapped[i]), is_lonlat,
                            boundary is not None)
            for i in idx[:MAX_ROWS_NAMED]
        ]  # fmt: skip
        if outside == "refuse":
            i = int(idx[0])
            more = f", as do {idx.size - 1} more rows" if idx.size > 1 else ""
            raise InputError(
                f"Row {int(rows[i])} ({cx}={xs[i]:g}, {cy}={ys[i]:g}; {reasons[0]}) lies outside "
                f"the study area ({area.source}){more}. "
                "Fix or remove it, or use --outside exclude to leave such rows out."
            )
        report.outside_rows = rows[idx].tolist()
        report.outside_reasons = reasons
        keep &= inside
    if not keep.any():
        raise InputError(f"No event of {str(path)!r} lies in the study area ({area.source}).")
    report.n_used = int(keep.sum())
    kept_times = times[keep] if times is not None else None
    columns = [c for c in frame.columns if c not in (cx, cy)]
    return Events(
        x=px[keep], y=py[keep], crs=epsg, times=kept_times,
        frame=frame.filter(pl.Series(keep)).select(columns), rows=rows[keep], report=report,
        study_area=area,
    )  # fmt: skip


def _project(
    lon: npt.NDArray[np.float64],
    lat: npt.NDArray[np.float64],
    keep: npt.NDArray[np.bool_],
    boundary: Any,
) -> tuple[
    npt.NDArray[np.float64], npt.NDArray[np.float64], int, tuple[float, float, float, float]
]:
    """Project lon/lat to a metric CRS chosen from the points inside the robust extent.

    The CRS is chosen from the bulk of the points so that one row at 0,0 cannot move the zone.
    """
    if boundary is not None:
        box = tuple(float(v) for v in boundary.bounds)
    else:
        box = robust_extent(lon[keep], lat[keep], min_margin=0.05)
    xmin, ymin, xmax, ymax = box
    bulk = keep & (lon >= xmin) & (lon <= xmax) & (lat >= ymin) & (lat <= ymax)
    if not bulk.any():
        bulk = keep
    epsg = auto_metric_crs(lon[bulk], lat[bulk])
    with np.errstate(all="ignore"):
        px, py, epsg = to_metric(lon, lat, epsg)
    return px, py, epsg, (xmin, ymin, xmax, ymax)


def _boundary_in(geometry: Any, epsg: int) -> Any:
    """The boundary (EPSG:4326) in the metric CRS ``epsg``."""
    import shapely
    from pyproj import Transformer

    transformer = Transformer.from_crs(WGS84, epsg, always_xy=True)

    def move(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, move)
