"""Parse event times: ISO 8601 or a strftime format, vectorised, with UTC offsets checked.

Times with an offset are converted to UTC; a file that mixes times with and without offsets is
refused (their clocks cannot be compared) and different offsets are noted. Used by
:func:`samtrygg.analysis.io.read_events` and the ``samtrygg analyse`` commands.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt
import polars as pl

from samtrygg.analysis.errors import InputError
from samtrygg.analysis.quality import InputReport, check_offsets

__all__ = ["checked_times", "parse_times", "parse_times_detailed", "read_times"]

_TIME_CANDIDATES = ("time", "date", "datetime", "date_single", "t", "occurred_at")

_OFFSET_PATTERN = r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$"


def _parse_one(text: str, fmt: str | None) -> datetime:
    if fmt is None:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    return datetime.strptime(text, fmt)


def _bad_time(row: int, text: str, fmt: str | None) -> InputError:
    expected = fmt or "ISO 8601 (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)"
    return InputError(
        f"Row {row}: the time {text!r} does not match {expected}; give the format with "
        "--time-format."
    )


def parse_times_detailed(
    values: list[str | None] | pl.Series, fmt: str | None = None, rows: npt.ArrayLike | None = None
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """Parse times and tell which carried a UTC offset, and which offset (minutes).

    Times with an offset are converted to UTC and made naive. ``rows`` are the file rows named in
    errors (default: position + 2, the header being row 1). Plain ISO dates and times and
    ``strftime`` formats without ``%z`` are parsed vectorised; the rest one by one.

    Parameters
    ----------
    values : list of str or None, or polars.Series
        The texts, one per data row.
    fmt : str, optional
        A ``strptime`` format; ISO 8601 when omitted.
    rows : array_like of int, optional
        The file row of each value, for error messages.

    Returns
    -------
    times : ndarray of datetime64[s]
        Naive UTC times.
    has_offset : ndarray of bool
        Whether each text carried a UTC offset.
    offsets : ndarray of int
        The offset in minutes (0 where there was none).

    Examples
    --------
    >>> t, has, off = parse_times_detailed(["2024-01-05", "2024-01-05T10:00:00+01:00"])
    >>> [str(v) for v in t], has.tolist(), off.tolist()
    (['2024-01-05T00:00:00', '2024-01-05T09:00:00'], [False, True], [0, 60])
    """
    series = values if isinstance(values, pl.Series) else pl.Series(values, dtype=pl.Utf8)
    series = series.cast(pl.Utf8).str.strip_chars().fill_null("")
    n = series.len()
    row_of = np.arange(n) + 2 if rows is None else np.asarray(rows, dtype=np.int64)
    out = np.empty(n, dtype="datetime64[s]")
    offsets = np.zeros(n, dtype=np.int64)
    if fmt is None:
        has_offset = series.str.contains(_OFFSET_PATTERN).fill_null(False).to_numpy()
    else:
        has_offset = np.full(n, "%z" in fmt or "%Z" in fmt)
    texts = series.to_list()
    slow = np.asarray(has_offset, dtype=bool).copy()
    plain = np.flatnonzero(~slow)
    if plain.size:
        if fmt is None:
            try:
                parsed = np.array([texts[i] for i in plain], dtype="datetime64[s]")
            except ValueError:
                parsed = np.full(plain.size, np.datetime64("NaT"), dtype="datetime64[s]")
        else:
            converted = series.gather(plain).str.strptime(pl.Datetime("us"), fmt, strict=False)
            parsed = converted.to_numpy().astype("datetime64[s]")
        out[plain] = parsed
        # Rows the fast path could not parse (or "" and "NaT", which numpy reads as missing)
        # get the exact standard-library parser, which either succeeds or names the row.
        slow[plain[np.isnat(parsed)]] = True
    for i in np.flatnonzero(slow):
        text = texts[i]
        try:
            if text in ("", "NaT"):
                raise ValueError(text)
            moment = _parse_one(text, fmt)
        except ValueError as exc:
            raise _bad_time(int(row_of[i]), text, fmt) from exc
        if moment.tzinfo is not None:
            delta = moment.utcoffset()
            minutes = int(delta.total_seconds() // 60) if delta is not None else 0
            offsets[i] = minutes
            has_offset[i] = True
            moment = moment.replace(tzinfo=None) - timedelta(minutes=minutes)
        else:
            has_offset[i] = False
        out[i] = np.datetime64(moment.replace(microsecond=0), "s")
    return out, np.asarray(has_offset, dtype=bool), offsets


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
    return parse_times_detailed(values, fmt)[0]


def _time_column(
    frame: pl.DataFrame, time: str | None, time_format: str | None
) -> tuple[str | None, str | None]:
    if time is None:
        lower = {c.lower(): c for c in frame.columns}
        time = next((lower[c] for c in _TIME_CANDIDATES if c in lower), None)
        if time is None:
            return None, time_format
    elif time not in frame.columns:
        raise InputError(f"The time column {time!r} is not in the file; it has {frame.columns}.")
    if time_format is None and time == "date_single":
        # The Chicago and Near Repeat Calculator files write dd/mm/yyyy in this column.
        time_format = "%d/%m/%Y"
    return time, time_format


def read_times(
    frame: pl.DataFrame, time: str | None = None, time_format: str | None = None
) -> tuple[str | None, npt.NDArray[np.datetime64] | None]:
    """The time column (given, or found among common names) and its parsed times, if any.

    Parameters
    ----------
    frame : polars.DataFrame
        The table from :func:`~samtrygg.analysis.io.read_table`.
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
    column, fmt = _time_column(frame, time, time_format)
    if column is None:
        return None, None
    return column, parse_times_detailed(frame.get_column(column), fmt)[0]


def checked_times(
    frame: pl.DataFrame,
    rows: npt.NDArray[np.int64],
    report: InputReport,
    *,
    time: str | None = None,
    time_format: str | None = None,
    allow_future: bool = False,
) -> tuple[str | None, npt.NDArray[np.datetime64] | None]:
    """:func:`read_times` that refuses future times and mixed offsets, naming the file row.

    Parameters
    ----------
    frame : polars.DataFrame
        The rows read (see :func:`~samtrygg.analysis.io.read_rows`).
    rows : ndarray of int
        The file row of each row of ``frame`` (header = row 1), named in errors.
    report : InputReport
        Receives a note when the times carry different UTC offsets.
    time, time_format : str, optional
        As for :func:`read_times`.
    allow_future : bool
        Accept times more than a day after now; refused by default.

    Returns
    -------
    column : str or None
        The time column used, or None when there is none.
    times : ndarray of datetime64[s] or None
    """
    column, fmt = _time_column(frame, time, time_format)
    if column is None:
        return None, None
    series = frame.get_column(column)
    times, has_offset, offsets = parse_times_detailed(series, fmt, rows)
    report.notes += check_offsets(has_offset, offsets, rows, series.to_list())
    if not allow_future:
        now = np.datetime64(datetime.now(UTC).replace(tzinfo=None, microsecond=0), "s")
        future = times > now + np.timedelta64(1, "D")
        if future.any():
            i = int(np.flatnonzero(future)[0])
            more = int(future.sum()) - 1
            raise InputError(
                f"Row {int(rows[i])}: the time {times[i]} lies in the future"
                f"{f' (and {more} more rows)' if more else ''}; check the date format "
                "(--time-format) and the year."
            )
    return column, times
