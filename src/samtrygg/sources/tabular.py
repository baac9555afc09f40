"""Partners' incident logs: CSV and Excel files → validated incident rows.

Partners (schools, housing companies, security firms) keep incident logs in spreadsheets. This
module reads them, maps their columns onto ours, and validates every row with vectorised polars
expressions; it returns all rows or raises :class:`SourceError` listing every bad row with its
row number as the user sees it in the file (the header is row 1), the field and what to fix.

Accepted time formats (times are Swedish local time unless they carry an offset):

============================  ==================================
``2024-03-05``                ISO date (``has_time`` is False)
``2024-03-05 14:30``          also ``14.30``, ``14:30:15``, ``T``
``2024-03-05T14:30:00+01:00`` ISO with offset or ``Z``
``5/3/2024``, ``5.3.2024``    day first, as Swedes write it
``5/3/2024 14:30``            also ``14.30``, ``kl 14.30``
============================  ==================================
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import polars as pl

from samtrygg.sources.encoding import decode_text
from samtrygg.sources.errors import RowError, SourceError, Term, gettext_noop
from samtrygg.sources.limits import DEFAULT_LIMITS, LimitRowError, Limits
from samtrygg.sources.personal_data import PersonalDataRowError, find_personal_data
from samtrygg.sources.valuemap import UnmappedValue, apply_mapping, unmapped_values

__all__ = [
    "FIELDS",
    "IncidentRow",
    "IncidentTable",
    "Preview",
    "preview",
    "read_incidents",
    "values_to_map",
]

FIELDS = ("id", "category", "time", "lon", "lat", "place", "assessment", "description", "sharing")

# A row's own sharing level, in the words the importer knows without a mapping.
SHARING_WORDS = {
    "organisation": "organisation",
    "egen organisation": "organisation",
    "partnership": "partnership",
    "partnerskapet": "partnership",
    "samverkan": "partnership",
    "samverkansgruppen": "partnership",
}

# Column names recognised without a mapping (case-insensitive), in order of preference.
_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "löpnummer", "nr", "ärendenummer"),
    "category": ("category", "kategori", "händelsetyp", "typ"),
    "time": ("time", "tid", "tidpunkt", "datum", "date", "datetime", "occurred_at"),
    "lon": ("lon", "longitude", "longitud", "lng"),
    "lat": ("lat", "latitude", "latitud"),
    "place": ("place", "plats", "adress", "address"),
    "assessment": ("assessment", "bedömning", "egen bedömning"),
    "description": ("description", "beskrivning", "kommentar", "fritext"),
    "sharing": ("sharing", "delning", "delas med"),
}

_ISO = (
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_DMY = (
    r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})"
    r"(?:,?\s+(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$"
)
# A cheap filter (Rust regex) for text that might hold personal data; matches are screened with
# the precise Python rules in personal_data.
_PERSONAL_HINT = r"@|\d[\d \-+]{5,}\d"
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')
_ROW = "__row"
# Our fields as a reader sees them named in a message (translated by the web application).
_TERMS = {
    "id": Term(gettext_noop("id")),
    "category": Term(gettext_noop("category")),
    "time": Term(gettext_noop("time")),
    "lon": Term(gettext_noop("lon")),
    "lat": Term(gettext_noop("lat")),
    "place": Term(gettext_noop("place")),
    "assessment": Term(gettext_noop("assessment")),
    "description": Term(gettext_noop("description")),
    "sharing": Term(gettext_noop("sharing")),
}
_OUT = ("source_id", "category", "occurred_at", "has_time", "lon", "lat", "place", "assessment",
        "description", "sharing")  # fmt: skip


@dataclass(frozen=True)
class IncidentRow:
    """One validated incident.

    Attributes
    ----------
    row : int
        Row number in the file (header = row 1).
    source_id : str
        The partner's id, or ``"h:"`` + a content hash when the file has none.
    category : str
        One of the allowed category labels, spelled as the caller gave it.
    occurred_at : datetime
        Timezone-aware UTC (midnight Swedish time when only a date was given).
    has_time : bool
        Whether the file gave a time of day.
    lon, lat : float or None
        WGS 84; None when only a place is given.
    place, description : str or None
    assessment : int or None
    sharing : str or None
        ``"organisation"`` or ``"partnership"`` when the file gives a row its own sharing level.
    """

    row: int
    source_id: str
    category: str
    occurred_at: datetime
    has_time: bool
    lon: float | None
    lat: float | None
    place: str | None
    assessment: int | None
    description: str | None
    sharing: str | None = None


@dataclass(frozen=True)
class IncidentTable:
    """Validated incidents as a polars frame (one row per incident) and the column mapping used.

    ``frame`` has the columns of :class:`IncidentRow`; ``occurred_at`` is ``Datetime(UTC)``.
    """

    frame: pl.DataFrame
    columns: dict[str, str]
    blank_rows: int
    # How a CSV file was decoded ("UTF-8", "Windows-1252" …); None for Excel.
    encoding: str | None = None

    def __len__(self) -> int:
        return self.frame.height

    def rows(self) -> list[IncidentRow]:
        """The incidents as :class:`IncidentRow` objects (for saving one by one).

        Returns
        -------
        list of IncidentRow
            In file order.
        """
        return [IncidentRow(*r) for r in self.frame.iter_rows()]


@dataclass(frozen=True)
class Preview:
    """Headers and the first rows of a file, for choosing the column mapping."""

    headers: list[str]
    rows: list[list[str]]
    format: str
    separator: str | None
    suggested: dict[str, str]
    encoding: str | None = None


# --------------------------------------------------------------------------- loading


def _separator(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def _header_errors(headers: list[str], letters: bool) -> list[RowError]:
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):
        where = _col_letter(i) if letters else str(i + 1)
        key = h.strip().casefold()
        if not key:
            continue
        if key in seen:
            first = _col_letter(seen[key]) if letters else str(seen[key] + 1)
            errors.append(
                RowError(
                    1,
                    h,
                    gettext_noop(
                        "The column name %(name)r appears twice (columns %(first)s and "
                        "%(second)s); give every column its own name."
                    ),
                    params={"name": h, "first": first, "second": where},
                )
            )
        else:
            seen[key] = i
    return errors


def _term(field_name: str) -> str:
    """Our field ``field_name`` as a :class:`Term`, which the web application translates."""
    return _TERMS.get(field_name, field_name)


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _read_csv(
    data: bytes, n_rows: int | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[pl.DataFrame, str, str]:
    limits.check_bytes(len(data))
    decoded = decode_text(data)
    text = decoded.text
    if not text.strip():
        raise SourceError(gettext_noop("The file is empty."))
    sep = _separator(text)
    headers = next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=sep))
    errors = _header_errors(headers, letters=False)
    if errors:
        raise SourceError(errors)
    if '"' not in text:
        # Without quotes every line is a row: the count is known before parsing.
        limits.check_table(text.rstrip("\n").count("\n"), len(headers))
    try:
        frame = pl.read_csv(
            text.encode("utf-8"),
            separator=sep,
            infer_schema=False,
            has_header=True,
            truncate_ragged_lines=True,
            n_rows=n_rows,
            new_columns=[h.strip() or f"column {i + 1}" for i, h in enumerate(headers)],
        )
        if n_rows is not None and '"' in text:
            # A preview reads a few rows; quoted line breaks make the row count a parse away.
            first = pl.read_csv(
                text.encode("utf-8"), separator=sep, infer_schema=False, columns=[0],
                truncate_ragged_lines=True,
            )  # fmt: skip
            limits.check_table(first.height, len(headers))
    except pl.exceptions.PolarsError as exc:
        raise SourceError(
            gettext_noop("The file is not a readable CSV file (%(reason)s)."),
            params={"reason": str(exc)},
        ) from None
    limits.check_table(frame.height, len(headers))
    # Row numbers as the user sees them: the header is row 1; a quoted value with line breaks
    # takes several lines, which shifts the rows after it.
    frame = frame.with_row_index(_ROW, offset=2).with_columns(pl.col(_ROW).cast(pl.Int64))
    if '"' in text and frame.height:
        breaks = pl.sum_horizontal(
            [pl.col(c).str.count_matches("\n").fill_null(0) for c in frame.columns if c != _ROW]
        )
        frame = frame.with_columns(
            (pl.col(_ROW) + breaks.cum_sum().shift(1, fill_value=0)).alias(_ROW)
        )
    return frame, sep, decoded.label


def _merged_cells(data: bytes, sheet_path: str) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = z.read(sheet_path)
    except (KeyError, zipfile.BadZipFile):
        return []
    return [m.decode() for m in _MERGE.findall(xml)]


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _read_xlsx(
    data: bytes, n_rows: int | None = None, limits: Limits = DEFAULT_LIMITS
) -> pl.DataFrame:
    import openpyxl

    # Before openpyxl unpacks anything: a small archive can hold a huge sheet.
    limits.check_zip(data)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for damaged files.
        raise SourceError(
            gettext_noop("The file cannot be read as an Excel workbook (.xlsx) (%(reason)s)."),
            params={"reason": str(exc)},
        ) from None
    try:
        ws = wb.worksheets[0]
        merged = _merged_cells(data, str(getattr(ws, "_worksheet_path", "")))
        if merged:
            raise SourceError(
                [
                    RowError(
                        None,
                        None,
                        gettext_noop(
                            "The sheet has merged cells (%(cells)s); unmerge them so that "
                            "every column has one header cell and every row its own values."
                        ),
                        params={"cells": ", ".join(merged)},
                    )
                ]
            )
        header: list[str] | None = None
        header_row = 0
        values: list[list[str | None]] = []
        numbers: list[int] = []
        for r, row in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
            cells = [_cell_text(v) for v in row]
            if header is None:
                if any(c is not None and c.strip() for c in cells):
                    header, header_row = [(c or "").strip() for c in cells], r
                continue
            # Cells right of the header are never used; counted as they come, so that a sheet
            # over the limits is refused before it is all in memory.
            values.append(cells[: len(header)])
            numbers.append(r)
            limits.check_table(len(values), len(header))
            if n_rows is not None and len(values) >= n_rows:
                break
    finally:
        wb.close()
    if header is None:
        raise SourceError(gettext_noop("The sheet is empty."))
    while header and not header[-1]:
        header.pop()
    errors = _header_errors(header, letters=True)
    if header_row != 1:
        errors.append(
            RowError(
                header_row,
                None,
                gettext_noop(
                    "The column names are in row %(row)d; they must be in row 1. Delete the rows "
                    "above them."
                ),
                params={"row": header_row},
            )
        )
    if errors:
        raise SourceError(errors)
    width = len(header)
    names = [h if h else f"column {_col_letter(i)}" for i, h in enumerate(header)]
    columns = {
        name: [(row[i] if i < len(row) else None) for row in values]
        for i, name in enumerate(names[:width])
    }
    frame = pl.DataFrame(columns, schema={n: pl.String for n in names})
    return frame.with_columns(pl.Series(_ROW, numbers, dtype=pl.Int64))


def _is_xlsx(data: bytes, filename: str) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04"


def _load(
    data: bytes, filename: str, n_rows: int | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[pl.DataFrame, str | None, str | None]:
    """The file's cells as text, its CSV separator and encoding (both None for Excel)."""
    if not data:
        raise SourceError(gettext_noop("The file is empty."))
    if filename.lower().endswith(".xls"):
        raise SourceError(
            gettext_noop("Old Excel files (.xls) are not supported; save it as .xlsx or CSV.")
        )
    if _is_xlsx(data, filename):
        return _read_xlsx(data, n_rows, limits), None, None
    return _read_csv(data, n_rows, limits)


def _suggest(headers: list[str]) -> dict[str, str]:
    lower = {h.strip().casefold(): h for h in headers}
    out: dict[str, str] = {}
    for field_name, aliases in _ALIASES.items():
        hit = next((lower[a] for a in aliases if a in lower), None)
        if hit is not None:
            out[field_name] = hit
    return out


def preview(data: bytes, filename: str, n: int = 5, limits: Limits = DEFAULT_LIMITS) -> Preview:
    """Headers, the first ``n`` rows and a suggested mapping, for the column-mapping step.

    A file over ``limits`` is refused (:class:`~samtrygg.sources.limits.LimitError`); the shown
    values are cut at ``limits.max_value`` characters.

    Parameters
    ----------
    data : bytes
        The uploaded file (CSV or Excel).
    filename : str
        Its name; ``.xlsx`` (or Excel content) is read as Excel, anything else as CSV.
    n : int
        Number of data rows to show.
    limits : Limits
        The size limits the file must keep within.

    Returns
    -------
    Preview
        Headers, rows as text, the format, the CSV separator (None for Excel) and the
        suggested mapping.

    Examples
    --------
    >>> p = preview("Kategori;Tid;Plats\\nBrand;2024-03-05 14:30;Torget\\n".encode(), "x.csv")
    >>> p.headers, p.rows, p.separator, p.suggested["time"]
    (['Kategori', 'Tid', 'Plats'], [['Brand', '2024-03-05 14:30', 'Torget']], ';', 'Tid')
    """
    frame, sep, encoding = _load(data, filename, n_rows=n, limits=limits)
    headers = [c for c in frame.columns if c != _ROW]
    rows = [
        [_shorten(v or "", limits.max_value) for v in r]
        for r in frame.select(headers).head(n).iter_rows()
    ]
    return Preview(
        headers=headers,
        rows=rows,
        format="csv" if sep else "xlsx",
        separator=sep,
        suggested=_suggest(headers),
        encoding=encoding,
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- validation


def _resolve_columns(
    headers: list[str], mapping: Mapping[str, str] | None, errors: list[RowError]
) -> dict[str, str]:
    lower = {h.strip().casefold(): h for h in headers}
    given = dict(mapping or {})
    unknown = [k for k in given if k not in FIELDS]
    if unknown:
        raise ValueError(f"mapping keys must be among {FIELDS}, got {unknown}.")
    columns = _suggest(headers)
    # An empty choice means "not in the file": the user has said so, so no column is guessed
    # for that field even when one has a recognised name.
    absent = {k for k, v in given.items() if not v.strip()}
    for field_name in absent:
        columns.pop(field_name, None)
    given = {k: v for k, v in given.items() if k not in absent}
    for field_name, theirs in given.items():
        hit = lower.get(theirs.strip().casefold())
        if hit is None:
            errors.append(
                RowError(
                    1,
                    theirs,
                    gettext_noop(
                        "The column %(column)r (chosen for %(field)r) is not in the file; it has "
                        "the columns %(columns)s."
                    ),
                    params={"column": theirs, "field": _term(field_name), "columns": headers},
                )
            )
        else:
            columns[field_name] = hit
    for field_name in ("category", "time"):
        if field_name not in columns and field_name not in given:
            errors.append(
                RowError(
                    1,
                    _term(field_name),
                    gettext_noop(
                        "The column %(field)r is missing; the file has the columns %(columns)s. "
                        "Choose which column holds it."
                    ),
                    params={"field": _term(field_name), "columns": headers},
                )
            )
    has_xy = "lon" in columns and "lat" in columns
    if ("lon" in columns) != ("lat" in columns):
        missing = "lat" if "lon" in columns else "lon"
        errors.append(
            RowError(
                1,
                _term(missing),
                gettext_noop("The column %(field)r is missing; coordinates need both lon and lat."),
                params={"field": _term(missing)},
            )
        )
    elif not has_xy and "place" not in columns and not {"lon", "lat", "place"} & set(given):
        errors.append(
            RowError(
                1,
                _term("place"),
                gettext_noop(
                    "The file has neither lon/lat columns nor a place column; the file has the "
                    "columns %(columns)s. Every incident needs a location."
                ),
                params={"columns": headers},
            )
        )
    return columns


def _number(col: str) -> pl.Expr:
    return (
        pl.col(col)
        .str.replace_all(" ", "", literal=True)
        .str.replace(",", ".", literal=True)
        .cast(pl.Float64, strict=False)
    )


def _parse_times(values: pl.Series) -> pl.DataFrame:
    """Parse times (see the module docstring) into ``occurred_at`` (UTC) and ``has_time``.

    The common exact formats go through one fast ``strptime``; only the rest through the regexes.
    """
    frame = pl.DataFrame({"t": values})
    fast = frame.select(
        pl.coalesce(
            pl.col("t").str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M", strict=False),
            pl.col("t").str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False),
        ).alias("naive"),
        pl.col("t")
        .str.strptime(pl.Date, "%Y-%m-%d", strict=False)
        .cast(pl.Datetime("us"))
        .alias("day"),
    )
    naive = fast["naive"].fill_null(fast["day"])
    has_time = fast["naive"].is_not_null()
    offset = pl.Series("offset", [None] * frame.height, dtype=pl.Int64)
    slow = naive.is_null() & values.is_not_null()
    if slow.any():
        idx = slow.arg_true()
        sub = frame[idx].select(
            pl.col("t").str.extract_groups(_ISO).alias("iso"),
            pl.col("t").str.extract_groups(_DMY).alias("dmy"),
        )
        iso, dmy = pl.col("iso").struct, pl.col("dmy").struct
        parts = sub.select(
            pl.coalesce(iso.field("1"), dmy.field("3")).alias("y"),
            pl.coalesce(iso.field("2"), dmy.field("2")).alias("m"),
            pl.coalesce(iso.field("3"), dmy.field("1")).alias("d"),
            pl.coalesce(iso.field("4"), dmy.field("4")).alias("H"),
            pl.coalesce(iso.field("5"), dmy.field("5")).alias("M"),
            pl.coalesce(iso.field("6"), dmy.field("6")).alias("S"),
            iso.field("7").alias("z"),
        )
        parsed = parts.select(
            pl.concat_str(
                [
                    pl.col("y"),
                    pl.lit("-"),
                    pl.col("m").str.zfill(2),
                    pl.lit("-"),
                    pl.col("d").str.zfill(2),
                    pl.lit(" "),
                    pl.col("H").fill_null("0").str.zfill(2),
                    pl.lit(":"),
                    pl.col("M").fill_null("00"),
                    pl.lit(":"),
                    pl.col("S").fill_null("00"),
                ]
            )
            .str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False)
            .alias("naive"),
            pl.col("H").is_not_null().alias("has_time"),
            pl.when(pl.col("z") == "Z")
            .then(0)
            .otherwise(
                pl.when(pl.col("z").str.starts_with("-")).then(-1).otherwise(1)
                * (
                    pl.col("z")
                    .str.replace_all(r"[^0-9]", "")
                    .str.slice(0, 2)
                    .cast(pl.Int64, strict=False)
                    * 60
                    + pl.col("z")
                    .str.replace_all(r"[^0-9]", "")
                    .str.slice(2, 2)
                    .cast(pl.Int64, strict=False)
                )
            )
            .alias("offset"),
        )
        naive = naive.scatter(idx, parsed["naive"])
        has_time = has_time.scatter(idx, parsed["has_time"])
        offset = offset.scatter(idx, parsed["offset"])
    out = pl.DataFrame({"naive": naive, "has_time": has_time, "offset": offset})

    def local(shift_hours: int) -> pl.Expr:
        return (pl.col("naive") + pl.duration(hours=shift_hours)).dt.replace_time_zone(
            "Europe/Stockholm", ambiguous="earliest", non_existent="null"
        )

    return out.select(
        pl.when(pl.col("offset").is_not_null())
        .then((pl.col("naive") - pl.duration(minutes=pl.col("offset"))).dt.replace_time_zone("UTC"))
        # A wall-clock time skipped by the spring daylight-saving change means the hour after.
        .otherwise(pl.coalesce(local(0), local(1)).dt.convert_time_zone("UTC"))
        .alias("occurred_at"),
        pl.col("has_time"),
    )


def _derive(
    frame: pl.DataFrame, col: dict[str, str], allowed: dict[str, str]
) -> tuple[pl.DataFrame, dict[str, pl.Expr]]:
    """Add the parsed columns once, so the checks only compare columns; expressions by field."""
    times = _parse_times(frame.get_column(col["time"]))
    frame = frame.with_columns(
        pl.col(col["category"])
        .str.to_lowercase()
        .replace_strict(allowed, default=None, return_dtype=pl.String)
        .alias("__category"),
        times.get_column("occurred_at").alias("__occurred"),
        times.get_column("has_time").alias("__has_time"),
        *[_number(col[k]).alias(f"__{k}") for k in ("lon", "lat", "assessment") if k in col],
    )
    none_f, none_s = pl.lit(None, dtype=pl.Float64), pl.lit(None, dtype=pl.String)
    xy = "lon" in col and "lat" in col
    exprs = {
        "source_id": pl.col(col["id"]) if "id" in col else none_s,
        "category": pl.col("__category"),
        "occurred_at": pl.col("__occurred"),
        "has_time": pl.col("__has_time"),
        "lon": pl.col("__lon") if xy else none_f,
        "lat": pl.col("__lat") if xy else none_f,
        "place": pl.col(col["place"]) if "place" in col else none_s,
        "assessment": pl.col("__assessment").cast(pl.Int64, strict=False)
        if "assessment" in col
        else pl.lit(None, dtype=pl.Int64),
        "description": pl.col(col["description"]) if "description" in col else none_s,
        "sharing": _sharing(col["sharing"]) if "sharing" in col else none_s,
    }
    return frame, exprs


def _sharing(column: str) -> pl.Expr:
    lowered = pl.col(column).str.to_lowercase().str.replace_all(r"\s+", " ")
    return lowered.replace_strict(SHARING_WORDS, default=None, return_dtype=pl.String)


def _errors_where(
    frame: pl.DataFrame, mask: pl.Series, column: str, template: str, params: dict[str, Any]
) -> list[RowError]:
    """One RowError per row where ``mask`` holds; ``%(value)`` in ``template`` is the cell."""
    # A check may name a field the file has no column for (a row without any location).
    cell = pl.col(column) if column in frame.columns else pl.lit(None, dtype=pl.String)
    bad = frame.filter(mask).select(_ROW, cell.alias("__v"))
    return [
        RowError(int(r), column, template, params={**params, "value": v})
        for r, v in bad.iter_rows()
    ]


def read_incidents(
    data: bytes,
    filename: str,
    *,
    categories: Iterable[str],
    mapping: Mapping[str, str] | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    now: datetime | None = None,
    assessment_range: tuple[int, int] = (1, 4),
    screen_personal_data: bool = True,
    limits: Limits = DEFAULT_LIMITS,
    values: Mapping[str, Mapping[str, str]] | None = None,
) -> IncidentTable:
    """Read and validate a partner's incident log (CSV or .xlsx).

    Parameters
    ----------
    data : bytes
        The uploaded file: CSV (comma, semicolon or tab; UTF-8 with or without BOM, or the
        encoding :func:`samtrygg.sources.encoding.decode_text` detects; decimal commas allowed)
        or Excel .xlsx (first sheet, header in row 1, no merged cells).
    filename : str
        Its name (``.xlsx`` or ZIP content is read as Excel).
    categories : iterable of str
        The allowed category labels; matched case-insensitively, returned as given here.
    mapping : mapping of our field → their column, optional
        For columns not named as ours (``id, category, time, lon, lat, place, assessment,
        description, sharing``; Swedish names such as ``kategori``, ``tid``, ``plats`` are
        found too).
        An empty string says the field is not in the file, even if a column has its name.
    bbox : (west, south, east, north), optional
        The partnership's area in lon/lat; points outside it are refused.
    now : datetime, optional
        The present, for refusing future times (default: the current time).
    assessment_range : (int, int)
        Allowed own assessments, inclusive.
    screen_personal_data : bool
        Refuse descriptions and places that hold personnummer, phone numbers or e-mail
        addresses.
    limits : Limits
        The most the file may hold (unpacked size, rows, cells) and the longest values: a
        description up to ``max_text`` characters, an id up to ``max_id``, any other value up to
        ``max_value``.
    values : mapping of field → {their value: ours}, optional
        The partner's own words for categories, assessments and sharing levels (keys normalised with
        :func:`samtrygg.sources.valuemap.normalise`), applied before validation.

    Returns
    -------
    IncidentTable
        All rows, validated; blank rows are skipped and counted.

    Raises
    ------
    LimitError
        When the file is over ``limits``, before it is read (or as soon as counting shows it).
    SourceError
        Listing every problem: missing columns, an unrecognised encoding, values that are too
        long or hold a NUL character (reported on their own, before the other checks that quote
        values), unreadable numbers or times,
        times in the future (more than 5 minutes after ``now``), assessments out of range,
        unknown categories, missing locations, points outside ``bbox``, duplicate ids and
        personal data in free text.

    Examples
    --------
    >>> text = "id;category;time;lon;lat\\n1;Brand;2024-03-05 14:30;14,52;59,33\\n"
    >>> table = read_incidents(text.encode(), "logg.csv", categories=["brand", "inbrott"])
    >>> row = table.rows()[0]
    >>> row.row, row.category, row.occurred_at.isoformat(), row.lon
    (2, 'brand', '2024-03-05T13:30:00+00:00', 14.52)
    """
    allowed = {c.strip().casefold(): c for c in categories}
    if not allowed:
        raise ValueError("categories must list at least one allowed category label.")
    frame, _sep, encoding = _load(data, filename, limits=limits)
    headers = [c for c in frame.columns if c != _ROW]
    errors: list[RowError] = []
    columns = _resolve_columns(headers, mapping, errors)
    if errors:
        raise SourceError(errors)

    # Trim every used cell; empty cells are missing values. Rows with nothing in them are skipped.
    used = list(dict.fromkeys(columns.values()))
    frame = frame.select(
        _ROW, *[pl.col(c).str.strip_chars().replace("", None).alias(c) for c in used]
    )
    for field_name, words in (values or {}).items():
        if field_name in columns:
            frame = apply_mapping(frame, columns[field_name], words)
    blank = pl.all_horizontal([pl.col(c).is_null() for c in used])
    n_before = frame.height
    frame = frame.filter(~blank)
    blank_rows = n_before - frame.height
    if frame.height == 0:
        raise SourceError(gettext_noop("The file has no incident rows."))
    errors = _storable_errors(frame, columns, limits)
    if errors:
        raise SourceError(errors)

    col = columns
    frame, exprs = _derive(frame, col, allowed)
    # (mask of bad rows, their column, message template, its parameters besides the cell's value)
    checks: list[tuple[pl.Expr, str, str, dict[str, Any]]] = []

    def check(mask: pl.Expr, column: str, template: str, **params: Any) -> None:
        checks.append((mask, column, template, params))

    c, t = col["category"], col["time"]
    shown = ", ".join(sorted(allowed.values())[:20])
    check(pl.col(c).is_null(), c, gettext_noop("The category is missing."))
    errors.extend(_unknown_categories(frame, c, exprs["category"], list(allowed.values()), shown))
    occurred = exprs["occurred_at"]
    present = (now or datetime.now(UTC)).astimezone(UTC)
    check(pl.col(t).is_null(), t, gettext_noop("The time is missing."))
    check(
        pl.col(t).is_not_null() & occurred.is_null(),
        t,
        gettext_noop(
            "The time %(value)r is not a date and time this importer reads (e.g. "
            "2024-03-05 14:30 or 5/3/2024 14:30)."
        ),
    )
    check(
        occurred > pl.lit(present).dt.offset_by("5m"),
        t,
        gettext_noop(
            "The time %(value)r lies in the future; check the date (day and month order?)."
        ),
    )

    has_xy: pl.Expr = pl.lit(False)
    if "lon" in col and "lat" in col:
        x, y = col["lon"], col["lat"]
        lon, lat = exprs["lon"], exprs["lat"]
        for cname, num, limit, invalid in (
            (x, lon, 180, gettext_noop("The value %(value)r is not a valid longitude.")),
            (y, lat, 90, gettext_noop("The value %(value)r is not a valid latitude.")),
        ):
            check(
                pl.col(cname).is_not_null() & num.is_null(),
                cname,
                gettext_noop("The value %(value)r is not a number."),
            )
            check(num.abs() > limit, cname, invalid)
        check(
            pl.col(x).is_null() ^ pl.col(y).is_null(),
            x,
            gettext_noop("Only one of lon and lat is given; give both or neither."),
        )
        if bbox is not None:
            w, s, e, n = bbox
            inside = lon.is_between(w, e) & lat.is_between(s, n)
            swapped = lat.is_between(w, e) & lon.is_between(s, n)
            valid = lon.is_not_null() & lat.is_not_null() & (lon.abs() <= 180) & (lat.abs() <= 90)
            check(
                valid & ~inside & swapped,
                x,
                gettext_noop(
                    "The point lies outside the partnership's area; lon and lat seem swapped."
                ),
            )
            check(
                valid & ~inside & ~swapped,
                x,
                gettext_noop("The point (lon %(value)s) lies outside the partnership's area."),
            )
        has_xy = pl.col(x).is_not_null() | pl.col(y).is_not_null()
    check(
        ~has_xy & exprs["place"].is_null(),
        col.get("place", _term("place")),
        gettext_noop("The incident has no location; give lon and lat or a place."),
    )
    if "sharing" in col:
        check(
            pl.col(col["sharing"]).is_not_null() & exprs["sharing"].is_null(),
            col["sharing"],
            gettext_noop(
                "The sharing level %(value)r is neither 'organisation' nor 'partnership' (in "
                "Swedish 'egen organisation' or 'samverkan'); map it to one of them."
            ),
        )
    if "assessment" in col:
        a, num = col["assessment"], pl.col("__assessment")
        lo, hi = assessment_range
        check(
            pl.col(a).is_not_null() & num.is_null(),
            a,
            gettext_noop("The assessment %(value)r is not a number."),
        )
        check(
            (num != num.floor()) | (num < lo) | (num > hi),
            a,
            gettext_noop("The assessment %(value)r is not a whole number from %(lo)d to %(hi)d."),
            lo=lo,
            hi=hi,
        )

    masks = frame.select(
        [m.fill_null(False).alias(f"__m{i}") for i, (m, *_rest) in enumerate(checks)]
    )
    for i, (_m, cname, template, params) in enumerate(checks):
        if masks[f"__m{i}"].any():
            errors.extend(_errors_where(frame, masks[f"__m{i}"], cname, template, params))

    out = frame.select(
        pl.col(_ROW).alias("row"),
        *[e.alias(k) for k, e in exprs.items()],
        *[pl.col(v).alias(f"__raw_{k}") for k, v in col.items()],
    )
    errors.extend(_duplicate_ids(out, col.get("id")))
    if screen_personal_data:
        for key in ("description", "place"):
            if key in col:
                errors.extend(_personal_data_errors(out, key, col[key]))
    if errors:
        order = {name: i for i, name in enumerate(headers)}
        errors.sort(key=lambda e: (e.row or 0, order.get(e.field or "", len(order))))
        raise SourceError(errors)
    out = _fill_hash_ids(out, list(col))
    if "id" not in col or out["source_id"].is_duplicated().any():
        errors = _duplicate_ids(out, col.get("id", "id"), repeated=True)
        if errors:
            raise SourceError(errors)
    out = out.select("row", *_OUT)
    return IncidentTable(frame=out, columns=dict(col), blank_rows=blank_rows, encoding=encoding)


def _unknown_categories(
    frame: pl.DataFrame, column: str, parsed: pl.Expr, choices: list[str], shown: str
) -> list[RowError]:
    """One error per row whose category is unknown, naming the likeliest of ours."""
    bad = frame.filter(pl.col(column).is_not_null() & parsed.is_null())
    if bad.height == 0:
        return []
    found = unmapped_values("category", bad[column], bad[_ROW], choices)
    errors: list[RowError] = []
    for u in found:
        params: dict[str, Any] = {"value": u.value}
        if len(u.suggestions) == 1:
            template = gettext_noop(
                "The category %(value)r is not one of the partnership's categories; map it to "
                "one of them (perhaps %(first)r)."
            )
            params["first"] = u.suggestions[0].value
        elif u.suggestions:
            template = gettext_noop(
                "The category %(value)r is not one of the partnership's categories; map it to "
                "one of them (perhaps %(others)s or %(last)r)."
            )
            params["others"] = ", ".join(repr(s.value) for s in u.suggestions[:-1])
            params["last"] = u.suggestions[-1].value
        else:
            template = gettext_noop(
                "The category %(value)r is not one of the partnership's categories; map it to "
                "one of them (%(categories)s)."
            )
            params["categories"] = shown
        errors.extend(RowError(r, column, template, params=params) for r in u.rows)
    return errors


def values_to_map(
    data: bytes,
    filename: str,
    *,
    mapping: Mapping[str, str] | None,
    choices: Mapping[str, Sequence[str]],
    known: Mapping[str, Iterable[str]] | None = None,
) -> list[UnmappedValue]:
    """The file's values of ``choices``' fields that are neither ours nor already mapped.

    Parameters
    ----------
    data, filename, mapping
        As for :func:`read_incidents`.
    choices : mapping of field → our values
        For ``category`` the partnership's categories, for ``assessment`` the allowed numbers
        as text (cells that read as numbers need no mapping), for ``sharing`` the two levels
        (cells in :data:`SHARING_WORDS` need no mapping).
    known : mapping of field → normalised values, optional
        Values a saved mapping already covers.

    Returns
    -------
    list of UnmappedValue
        By field, then in order of first appearance, each with its rows and suggestions.

    Examples
    --------
    >>> text = "kategori;tid;plats\\nKlotter;2024-03-05;Torget\\nBrand;2024-03-06;Parken\\n"
    >>> found = values_to_map(text.encode(), "x.csv", mapping=None,
    ...                       choices={"category": ["skadegörelse/klotter", "brand"]})
    >>> [(u.field, u.value, u.rows, u.preselected) for u in found]
    [('category', 'Klotter', (2,), 'skadegörelse/klotter')]
    """
    frame, _sep, _encoding = _load(data, filename)
    headers = [c for c in frame.columns if c != _ROW]
    errors: list[RowError] = []
    columns = _resolve_columns(headers, mapping, errors)
    if errors:
        raise SourceError(errors)
    found: list[UnmappedValue] = []
    for field_name, ours in choices.items():
        if field_name not in columns:
            continue
        column = columns[field_name]
        cells = frame.select(_ROW, pl.col(column).str.strip_chars().alias("v"))
        if field_name == "assessment":
            cells = cells.filter(_number("v").is_null())
        if field_name == "sharing":
            cells = cells.filter(_sharing("v").is_null())
        found.extend(
            unmapped_values(
                field_name,
                cells["v"],
                cells[_ROW],
                list(ours),
                known=(known or {}).get(field_name, ()),
            )
        )
    return found


def _storable_errors(
    frame: pl.DataFrame, columns: Mapping[str, str], limits: Limits
) -> list[RowError]:
    """Values that cannot be stored: longer than their limit, or holding NUL (PostgreSQL's text
    cannot); column names too, as the chosen columns are saved with the import."""
    longest: dict[str, int] = {}
    for field_name, column in columns.items():
        limit = {"description": limits.max_text, "id": limits.max_id}.get(
            field_name, limits.max_value
        )
        longest[column] = min(limit, longest.get(column, limit))
    errors: list[RowError] = []
    for column, limit in longest.items():
        shown = _shorten(column.replace("\x00", ""), 40)
        if "\x00" in column:
            errors.append(LimitRowError(1, shown, _NUL, kind="nul"))
        elif len(column) > limits.max_value:
            errors.append(
                LimitRowError(
                    1,
                    shown,
                    gettext_noop(
                        "The column name is %(found)d characters long; at most %(limit)d are "
                        "accepted. Shorten it."
                    ),
                    kind="text",
                    limit=limits.max_value,
                    found=len(column),
                    params={"found": len(column), "limit": limits.max_value},
                )
            )
        lengths = frame.select(
            _ROW,
            pl.col(column).str.len_chars().alias("__n"),
            pl.col(column).str.contains("\x00", literal=True).alias("__nul"),
        ).filter((pl.col("__n") > limit) | pl.col("__nul"))
        for row, n, nul in lengths.iter_rows():
            if nul:
                errors.append(LimitRowError(int(row), column, _NUL, kind="nul"))
            else:
                errors.append(
                    LimitRowError(
                        int(row),
                        column,
                        gettext_noop(
                            "The value is %(found)d characters long; at most %(limit)d are "
                            "accepted here. Shorten it."
                        ),
                        kind="text",
                        limit=limit,
                        found=n,
                        params={"found": n, "limit": limit},
                    )
                )
    return sorted(errors, key=lambda e: e.row or 0)


_NUL = gettext_noop(
    "The value holds a NUL character (a zero byte), which cannot be stored. Remove it; a file "
    "full of them is often saved in another encoding than UTF-8."
)


def _duplicate_ids(
    out: pl.DataFrame, column: str | None, *, repeated: bool = False
) -> list[RowError]:
    if column is None:
        return []
    ids = out.select("row", "source_id").filter(pl.col("source_id").is_not_null())
    dup = ids.filter(pl.col("source_id").is_duplicated())
    if dup.height == 0:
        return []
    first = dup.group_by("source_id").agg(pl.col("row").min().alias("first"))
    later = dup.join(first, on="source_id").filter(pl.col("row") != pl.col("first")).sort("row")
    if repeated:
        return [
            RowError(
                int(r),
                None,
                gettext_noop(
                    "The row repeats row %(first)d exactly; remove one of them or give each row "
                    "an id."
                ),
                params={"first": f},
            )
            for r, i, f in later.select("row", "source_id", "first").iter_rows()
            if str(i).startswith("h:")
        ]
    return [
        RowError(
            int(r),
            column,
            gettext_noop("The id %(id)r is also used on row %(first)d; ids must be unique."),
            params={"id": i, "first": f},
        )
        for r, i, f in later.select("row", "source_id", "first").iter_rows()
    ]


def _personal_data_errors(out: pl.DataFrame, key: str, column: str) -> list[RowError]:
    candidates = out.filter(pl.col(key).str.contains(_PERSONAL_HINT)).select("row", key)
    errors: list[RowError] = []
    for r, text in candidates.iter_rows():
        findings = find_personal_data(text)
        if findings:
            errors.append(PersonalDataRowError(int(r), column, findings=tuple(findings)))
    return errors


def _fill_hash_ids(out: pl.DataFrame, used: list[str]) -> pl.DataFrame:
    missing = out.filter(pl.col("source_id").is_null())
    if missing.height == 0:
        return out
    raw = [f"__raw_{k}" for k in FIELDS if k in used and k != "id"]
    # A stable content hash (not polars' hash, which may change between versions), so the same
    # row imported twice gets the same id.
    hashes = [
        "h:" + hashlib.sha256("\x1f".join(v or "" for v in values).encode()).hexdigest()[:16]
        for values in missing.select(raw).iter_rows()
    ]
    filled = missing.select("row").with_columns(pl.Series("__hash", hashes, dtype=pl.String))
    return out.join(filled, on="row", how="left").with_columns(
        pl.coalesce("source_id", "__hash").alias("source_id")
    )
