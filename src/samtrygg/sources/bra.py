"""Brå's reported offences (anmälda brott) per region and year, as a table → reference rows.

Brå's statistical database (https://statistik.bra.se/solwebb) has no API; it offers tables for
download whose layout depends on the choices made (docs/domain.md §9.2: indented offence hierarchy
in the rows, periods and units in the columns), and we could not confirm one fixed export layout.
So this reader takes a **plain long table** that a coordinator makes from Brå's table by
copying it into Excel, one value per row:

==============  ==========================================================================
column          meaning (other accepted names)
==============  ==========================================================================
region_code     SCB code: ``1883`` kommun, ``18`` or ``0018`` län, ``00``/``0000`` Sweden
                (``regionkod``, ``kod``, ``kommunkod``, ``områdeskod``)
region          the name, if there is no code: ``Karlskoga``, ``Örebro län``, ``Riket``
                (``område``, ``kommun``, ``region_name``, ``namn``)
year            the year (``år``, ``period``)
offence         Brå's offence type, e.g. ``Samtliga brott`` (``brottstyp``, ``brottskategori``,
                ``brott``)
count           reported offences (``antal``, ``antal brott``)
per_100k        per 100,000 inhabitants (``per 100 000 invånare``, ``per 100 000 inv``)
==============  ==========================================================================

One of ``region_code``/``region``, ``year``, ``offence`` and at least one of ``count`` and
``per_100k`` are needed. CSV with ``;``, ``,`` or tab, UTF-8 with or without BOM, or Excel
(.xlsx, first sheet). Numbers may use decimal commas and spaces as thousands separators
(``1 234,5``); Brå's ``..`` or ``-`` (no figure) and empty cells are skipped and counted.

Each offence and measure becomes one indicator: code ``bra:<offence>:count`` or
``bra:<offence>:per_100k``, named after the offence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from samtrygg.sources import tabular
from samtrygg.sources.errors import Listing, RowError, SourceError, Term, gettext_noop
from samtrygg.sources.kolada import RIKET, ReferenceResult, ReferenceRow, region_names
from samtrygg.sources.limits import DEFAULT_LIMITS, Limits

__all__ = ["COLUMNS", "MEASURES", "read_bra"]

COLUMNS: dict[str, tuple[str, ...]] = {
    "region_code": ("region_code", "regionkod", "kod", "kommunkod", "områdeskod", "lankod"),
    "region": ("region", "område", "kommun", "region_name", "namn", "län"),
    "year": ("year", "år", "period"),
    "offence": ("offence", "brottstyp", "brottskategori", "brott", "offence_type"),
    "count": ("count", "antal", "antal brott", "antal anmälda brott"),
    "per_100k": (
        "per_100k",
        "per 100 000 invånare",
        "per 100 000 inv",
        "per 100000 invånare",
        "antal per 100 000 invånare",
        "per100k",
    ),
}
MEASURES = {"count": "antal", "per_100k": "per 100 000 invånare"}
_RIKET_NAMES = {"riket", "hela landet", "sverige", "sweden", "hela riket"}
_MISSING = {"..", "-", "–", ".", "x"}
# Spaces (also no-break and narrow no-break) are thousands separators in Swedish numbers.
_SPACES = re.compile(r"[\s\u00a0\u202f]")


def _number(text: str) -> float | None:
    cleaned = _SPACES.sub("", text).replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", cleaned):
        return None
    return float(cleaned)


def _regions() -> tuple[dict[str, tuple[str, str, str]], dict[str, tuple[str, str, str]]]:
    """Lookups by code and by case-folded name → (SCB code, name, level)."""
    by_code: dict[str, tuple[str, str, str]] = {}
    by_name: dict[str, tuple[str, str, str]] = {}
    for code, (name, level) in region_names().items():
        by_code[code] = (code, name, level)
        by_name.setdefault(name.casefold(), (code, name, level))
        if level == "län":
            by_code["00" + code] = (code, name, level)
            # "Örebro" alone means the kommun; only the full county name is matched for a län.
    by_code["0000"] = by_code[RIKET]
    for alias in _RIKET_NAMES:
        by_name[alias] = by_code[RIKET]
    return by_code, by_name


def _resolve(headers: list[str], mapping: Mapping[str, str] | None) -> dict[str, str]:
    lower = {h.strip().casefold(): h for h in headers}
    out: dict[str, str] = {}
    for key, aliases in COLUMNS.items():
        if mapping and key in mapping:
            out[key] = mapping[key]
            continue
        hit = next((lower[a] for a in aliases if a in lower), None)
        if hit is not None:
            out[key] = hit
    return out


def read_bra(
    data: bytes,
    filename: str,
    *,
    mapping: Mapping[str, str] | None = None,
    indicator_name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ReferenceResult:
    """Read a long table of Brå's reported offences per region and year (CSV or .xlsx).

    Parameters
    ----------
    data : bytes
        The file.
    filename : str
        Its name (``.xlsx`` is read as Excel).
    mapping : mapping of our column → their column, optional
        For columns named otherwise than in the module's table.
    indicator_name : str, optional
        A name for the indicator instead of the offence (only sensible for one offence).
    limits : Limits
        The most the file may hold (unpacked size, rows, cells); a file over them is refused
        with :class:`~samtrygg.sources.limits.LimitError` before it is read.

    Returns
    -------
    ReferenceResult
        One row per region, year, offence and measure; ``errors`` name the row, the column and
        what to fix (missing columns, unknown regions, years or numbers that cannot be read,
        conflicting repeats); ``skipped`` counts empty or ``..`` values and blank rows.

    Raises
    ------
    SourceError
        When the file is empty, not UTF-8 or not readable as CSV or Excel, or lacks the needed
        columns.

    Examples
    --------
    >>> text = "region_code;year;offence;count;per_100k\\n1883;2024;Samtliga brott;2 345;7 890,5\\n"
    >>> result = read_bra(text.encode(), "bra.csv")
    >>> [(r.indicator_code, r.region_name, r.year, r.value) for r in result.rows]
    [('bra:samtliga brott:count', 'Karlskoga', 2024, 2345.0), \
('bra:samtliga brott:per_100k', 'Karlskoga', 2024, 7890.5)]
    """
    frame, _sep, _encoding = tabular._load(data, filename, limits=limits)
    headers = [c for c in frame.columns if c != tabular._ROW]
    col = _resolve(headers, mapping)
    missing: list[str] = []
    if "region_code" not in col and "region" not in col:
        missing.append(Term(gettext_noop("region_code (or region)")))
    missing += [k for k in ("year", "offence") if k not in col]
    if "count" not in col and "per_100k" not in col:
        missing.append(Term(gettext_noop("count or per_100k")))
    unknown = [v for v in col.values() if v not in headers]
    if missing or unknown:
        params = {
            "missing": Listing(missing),
            "unknown": ", ".join(unknown),
            "found": ", ".join(headers) or "–",
        }
        if missing and unknown:
            template = gettext_noop(
                "The file lacks the column(s) %(missing)s; the mapping names columns not in the "
                "file (%(unknown)s). Columns found: %(found)s. Name them as described for Brå "
                "files (region_code, year, offence, count and/or per_100k)."
            )
        elif missing:
            template = gettext_noop(
                "The file lacks the column(s) %(missing)s. Columns found: %(found)s. Name them "
                "as described for Brå files (region_code, year, offence, count and/or per_100k)."
            )
        else:
            template = gettext_noop(
                "The mapping names columns not in the file (%(unknown)s). Columns found: "
                "%(found)s. Name them as described for Brå files (region_code, year, offence, "
                "count and/or per_100k)."
            )
        raise SourceError(template, params=params)
    by_code, by_name = _regions()
    errors: list[RowError] = []
    skipped: Counter[str] = Counter()
    rows: list[ReferenceRow] = []
    seen: dict[tuple[str, str, int], float] = {}
    measures = [m for m in MEASURES if m in col]
    used = list(dict.fromkeys(col.values()))
    for record in frame.select(tabular._ROW, *used).iter_rows(named=True):
        n = int(record[tabular._ROW])
        cells = {k: (record[c] or "").strip() for k, c in col.items()}
        if not any(cells.values()):
            skipped[gettext_noop("blank row")] += 1
            continue
        region = None
        code = cells.get("region_code", "")
        name = cells.get("region", "")
        if code:
            region = by_code.get(code) or by_code.get(code.zfill(4) if len(code) == 3 else code)
            if region is None:
                errors.append(
                    RowError(
                        n,
                        col["region_code"],
                        gettext_noop(
                            "%(code)r is not a Swedish kommunkod (4 digits), länskod (2 digits) "
                            "or 00 for the whole country."
                        ),
                        params={"code": code},
                    )
                )
                continue
        elif name:
            region = by_name.get(name.casefold()) or by_name.get(
                re.sub(r"\s+kommun$", "", name.casefold())
            )
            if region is None:
                errors.append(
                    RowError(
                        n,
                        col["region"],
                        gettext_noop(
                            "%(name)r is not a Swedish municipality or county name (e.g. "
                            "'Karlskoga', 'Örebro län', 'Riket'); check the spelling or give "
                            "region_code."
                        ),
                        params={"name": name},
                    )
                )
                continue
        else:
            errors.append(
                RowError(
                    n,
                    col.get("region_code", col.get("region")),
                    gettext_noop("The region is missing."),
                )
            )
            continue
        year_text = cells["year"]
        year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else None
        if year is None or not 1900 <= year <= 2100:
            errors.append(
                RowError(
                    n,
                    col["year"],
                    gettext_noop("The year %(year)r is not a year such as 2024."),
                    params={"year": year_text},
                )
            )
            continue
        offence = re.sub(r"\s+", " ", cells["offence"])
        if not offence:
            errors.append(RowError(n, col["offence"], gettext_noop("The offence type is missing.")))
            continue
        for measure in measures:
            text = cells[measure]
            if not text or text in _MISSING:
                skipped[gettext_noop("no value")] += 1
                continue
            value = _number(text)
            if value is None:
                errors.append(
                    RowError(
                        n,
                        col[measure],
                        gettext_noop("The value %(value)r is not a number (e.g. 1 234,5)."),
                        params={"value": text},
                    )
                )
                continue
            indicator = f"bra:{offence.casefold()}:{measure}"[:100]
            key = (indicator, region[0], year)
            if key in seen:
                if seen[key] != value:
                    errors.append(
                        RowError(
                            n,
                            col[measure],
                            gettext_noop(
                                "%(offence)s for %(region)s %(year)d appears twice with "
                                "different values (%(first)g and %(second)g); keep one row."
                            ),
                            params={
                                "offence": offence,
                                "region": region[1],
                                "year": year,
                                "first": seen[key],
                                "second": value,
                            },
                        )
                    )
                else:
                    skipped[gettext_noop("repeated")] += 1
                continue
            seen[key] = value
            rows.append(
                ReferenceRow(
                    row=n,
                    indicator_code=indicator,
                    indicator_name=indicator_name or offence,
                    region_code=region[0],
                    region_name=region[1],
                    level=region[2],
                    year=year,
                    value=value,
                    unit=MEASURES[measure],
                    source="Brå",
                )
            )
    if not rows and not errors:
        errors.append(RowError(None, None, gettext_noop("The file has no values to import.")))
    return ReferenceResult(rows=tuple(rows), errors=tuple(errors), skipped=dict(skipped))
