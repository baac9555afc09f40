"""Kolada's open API (RKA): KPI values per municipality, county and the whole country → rows.

Kolada (https://kolada.se, licence CC BY 4.0, "Källa: Kolada") answers data requests such as
``GET https://api.kolada.se/v2/data/kpi/N07403/municipality/1883`` with JSON. This module reads
the saved answer of the **v2** API and, because v2 is being replaced, also the **v3** and the old
**v1** shapes (checked against the Hypergene/kolada API description and public clients):

v2 (``/v2/data/kpi/<KPI>/municipality/<ID>[/year/<Y>]``)::

    {"count": 1, "values": [{"kpi": "N07403", "municipality": "1883", "period": 2023,
      "values": [{"gender": "T", "count": 1, "status": "", "value": 1234.5}, …]}],
     "next_page": "…"}

v3 (the period moved into the inner list)::

    {"values": [{"kpi": "N07403", "municipality": "1883",
      "values": [{"period": 2023, "gender": "T", "status": "", "value": 1234.5}]}]}

v1 (``/v1/data/permunicipality/<KPI>/<ID>``; one flat object per year)::

    {"values": [{"kpi": "N07403", "municipality": "1883", "period": "2009",
                 "value": 40.0, "value_m": null, "value_f": null}]}

Only totals (``gender`` ``"T"``, v1's ``value``) are kept. A ``null`` value (Kolada has no
figure for that year) is skipped and counted, not refused.

Region ids. Kolada's ``municipality`` ids are 4-digit strings: the 290 kommunkoder (``"1883"``
Karlskoga), ``"0000"`` for *Riket* (the whole country) and ``"00"`` + länskod for the 21 regions
(``"0018"`` Region Örebro län). The kommun ids are SCB's codes (docs/domain.md §9.3); the ``"0000"``
and ``"00LL"`` convention is Kolada's ``/v2/municipality`` list as we know it — the public
descriptions we could search do not list those ids, so an id that is neither a kommun nor
``"0000"`` nor ``"00"`` + a länskod is refused with a message rather than guessed. Municipality
groups (ids starting with ``G``) are refused too: their values are unweighted means.

Rows carry SCB's region codes, the same for every source: ``"1883"`` (kommun), ``"18"`` (län)
and ``"00"`` (riket), as in SCB's statistical database.

The KPI's title is not part of a data answer: pass ``kpi_title``, or the saved answer of
``/v2/kpi/<KPI>`` as ``metadata``; otherwise the KPI id is used as its name.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from samtrygg.sources.errors import RowError, SourceError, Term, gettext_noop
from samtrygg.sources.jsonfile import load_json

__all__ = [
    "RIKET",
    "ReferenceResult",
    "ReferenceRow",
    "kpi_titles",
    "read_kolada",
    "region_for_code",
    "region_names",
]

RIKET = "00"
LEVELS = ("kommun", "län", "riket")


@dataclass(frozen=True)
class ReferenceRow:
    """One validated reference value (shared by the Kolada and the Brå readers).

    Attributes
    ----------
    row : int
        Where it came from: the record index (0-based) in a JSON file, the row number (header =
        row 1) in a CSV or Excel file.
    indicator_code, indicator_name : str
        E.g. ``"N07403"`` and ``"Anmälda våldsbrott, antal/100 000 inv"``.
    region_code : str
        SCB's code: 4 digits for a kommun, 2 for a län, ``"00"`` for the whole country.
    region_name : str
        ``"Karlskoga"``, ``"Örebro län"``, ``"Riket"``.
    level : {"kommun", "län", "riket"}
    year : int
    value : float
    unit : str
        As given, e.g. ``"antal/100 000 inv"``; may be empty.
    source : str
        ``"Kolada"`` or ``"Brå"``.
    """

    row: int
    indicator_code: str
    indicator_name: str
    region_code: str
    region_name: str
    level: str
    year: int
    value: float
    unit: str
    source: str


@dataclass(frozen=True)
class ReferenceResult:
    """What a reader found: valid rows, the problems, and what it skipped (by reason).

    The reader never decides for the caller: an importer that is all-or-nothing refuses the file
    when ``errors`` is not empty (:meth:`raise_for_errors`).
    """

    rows: tuple[ReferenceRow, ...]
    errors: tuple[RowError, ...] = ()
    skipped: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def raise_for_errors(self) -> None:
        """Raise :class:`SourceError` listing every problem, if there is any.

        Examples
        --------
        >>> ReferenceResult(rows=()).raise_for_errors()
        >>> bad = ReferenceResult(rows=(), errors=(RowError(3, "value", "Not a number."),))
        >>> bad.raise_for_errors()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        samtrygg.sources.errors.SourceError: The file has 1 problem; nothing was imported. ...
        """
        if self.errors:
            raise SourceError(list(self.errors))


def region_names() -> dict[str, tuple[str, str]]:
    """SCB region code → (name, level) for Sweden, its 21 counties and 290 municipalities.

    Returns
    -------
    dict
        SCB code → (name, level), level being ``"riket"``, ``"län"`` or ``"kommun"``.

    Examples
    --------
    >>> names = region_names()
    >>> names["00"], names["18"], names["1883"]
    (('Riket', 'riket'), ('Örebro län', 'län'), ('Karlskoga', 'kommun'))
    """
    from samtrygg.sources.geodata import county_names, municipality_names

    out: dict[str, tuple[str, str]] = {RIKET: ("Riket", "riket")}
    out.update({code: (name, "län") for code, name in county_names().items()})
    out.update({code: (name, "kommun") for code, name in municipality_names().items()})
    return out


def region_for_code(code: str) -> tuple[str, str, str] | None:
    """Kolada's municipality id → (SCB code, name, level), or None when it is unknown.

    Parameters
    ----------
    code : str
        Kolada's four-character municipality id (``"1883"``, ``"0018"`` for a county, ``"0000"``
        for Sweden).

    Returns
    -------
    tuple of (str, str, str) or None
        SCB code, name and level (``"kommun"``, ``"län"`` or ``"riket"``).

    Examples
    --------
    >>> region_for_code("1883")
    ('1883', 'Karlskoga', 'kommun')
    >>> region_for_code("0018")
    ('18', 'Örebro län', 'län')
    >>> region_for_code("0000")
    ('00', 'Riket', 'riket')
    >>> region_for_code("9999") is None
    True
    """
    names = region_names()
    code = code.strip()
    if code == "0000":
        scb = RIKET
    elif len(code) == 4 and code.startswith("00"):
        scb = code[2:]
    else:
        scb = code
    hit = names.get(scb)
    if hit is None or (len(code) == 4 and code.startswith("00") and hit[1] == "kommun"):
        return None
    return scb, hit[0], hit[1]


def _load(data: bytes | str | os.PathLike[str]) -> Any:
    return load_json(
        data,
        encoding_hint=Term(gettext_noop("Kolada's API answers in UTF-8.")),
        json_hint=Term(gettext_noop("save Kolada's answer as it is, without editing it")),
        empty_hint=Term(gettext_noop("save Kolada's JSON answer and try again.")),
    )


def kpi_titles(metadata: bytes | str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, Any]:
    """KPI id → its metadata object, from a saved ``/v2/kpi/<KPI>`` (or ``/v3/kpi``) answer.

    Parameters
    ----------
    metadata : bytes, str, path-like or mapping
        The saved answer (its bytes or path) or the already parsed JSON object.

    Returns
    -------
    dict
        KPI id → the KPI's metadata object (``title``, ``description`` …).

    Examples
    --------
    >>> meta = {"values": [{"id": "N07403", "title": "Anmälda våldsbrott, antal/100 000 inv"}]}
    >>> kpi_titles(meta)["N07403"]["title"]
    'Anmälda våldsbrott, antal/100 000 inv'
    """
    doc = metadata if isinstance(metadata, Mapping) else _load(metadata)
    items: Any = doc.get("values") if isinstance(doc, Mapping) else doc
    if isinstance(doc, Mapping) and "id" in doc:
        items = [doc]
    if not isinstance(items, list):
        raise SourceError(
            gettext_noop(
                "The KPI metadata is not Kolada's answer to /v2/kpi/<KPI> (a 'values' list)."
            )
        )
    return {
        str(k["id"]): k
        for k in items
        if isinstance(k, Mapping) and isinstance(k.get("id"), str) and k.get("title")
    }


def _year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        year = value
    elif isinstance(value, str) and value.strip().isdigit():
        year = int(value.strip())
    else:
        return None
    return year if 1900 <= year <= 2100 else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _points(i: int, rec: Mapping[str, Any], errors: list[RowError]) -> list[tuple[Any, Any, str]]:
    """(period, value, where) of the record's total, in any of the three API shapes."""
    inner = rec.get("values")
    if inner is None and "value" in rec:  # v1: one flat object per year; ``value`` is the total
        return [(rec.get("period"), rec["value"], "value")]
    if not isinstance(inner, list):
        errors.append(
            RowError(
                i,
                "values",
                gettext_noop("The record has no 'values' list; is this Kolada's data answer?"),
            )
        )
        return []
    out = []
    for j, point in enumerate(inner):
        where = f"values[{j}]"
        if not isinstance(point, Mapping):
            errors.append(RowError(i, where, gettext_noop("The value entry is not a JSON object.")))
            continue
        if point.get("gender", "T") != "T":
            out.append((None, None, "gender"))
            continue
        if "value" not in point:
            errors.append(
                RowError(i, f"{where}.value", gettext_noop("The value entry has no 'value'."))
            )
            continue
        out.append((point.get("period", rec.get("period")), point["value"], f"{where}.value"))
    return out


def read_kolada(
    data: bytes | str | os.PathLike[str],
    *,
    kpi_title: str | None = None,
    unit: str | None = None,
    metadata: bytes | str | os.PathLike[str] | Mapping[str, Any] | None = None,
) -> ReferenceResult:
    """Read a saved Kolada data answer (v1, v2 or v3) into reference rows.

    Parameters
    ----------
    data : bytes, str or path-like
        The JSON answer, or its path.
    kpi_title : str, optional
        The indicator's name (the data answer has only the KPI id); used for every KPI in the
        file. Without it the name comes from ``metadata``, else it is the KPI id.
    unit : str, optional
        The unit, e.g. ``"antal/100 000 inv"``; else the metadata's ``unit`` if given.
    metadata : bytes, str, path-like or mapping, optional
        The answer of ``/v2/kpi/<KPI>`` for the KPI(s) in the file.

    Returns
    -------
    ReferenceResult
        Rows in file order; ``errors`` for records with missing fields, periods that are not
        years, values that are not numbers, unknown region ids or conflicting repeats;
        ``skipped`` counts ``"no value (null)"``, ``"not the total (women or men)"`` and
        ``"repeated"``.

    Raises
    ------
    SourceError
        When the file is empty, not JSON or not a Kolada data answer at all.

    Examples
    --------
    >>> import json
    >>> answer = {"count": 1, "values": [{"kpi": "N07403", "municipality": "1883",
    ...   "period": 2023, "values": [{"gender": "T", "count": 1, "status": "", "value": 1234.5},
    ...                              {"gender": "K", "count": 1, "status": "", "value": None}]}]}
    >>> result = read_kolada(json.dumps(answer).encode(), kpi_title="Anmälda våldsbrott")
    >>> row = result.rows[0]
    >>> row.region_code, row.region_name, row.year, row.value, row.indicator_name
    ('1883', 'Karlskoga', 2023, 1234.5, 'Anmälda våldsbrott')
    >>> result.skipped, result.errors
    ({'not the total (women or men)': 1}, ())
    """
    doc = _load(data)
    records: Any = doc.get("values") if isinstance(doc, dict) else doc
    if not isinstance(records, list):
        raise SourceError(
            gettext_noop(
                "The file is not a Kolada data answer: it should be a JSON object with a "
                "'values' list, as https://api.kolada.se/v2/data/kpi/<KPI>/municipality/<id> "
                "returns."
            )
        )
    meta = kpi_titles(metadata) if metadata is not None else {}
    errors: list[RowError] = []
    skipped: Counter[str] = Counter()
    rows: list[ReferenceRow] = []
    seen: dict[tuple[str, str, int], float] = {}
    for i, rec in enumerate(records):
        if not isinstance(rec, Mapping):
            errors.append(RowError(i, None, gettext_noop("The record is not a JSON object.")))
            continue
        kpi, mun = rec.get("kpi"), rec.get("municipality")
        missing = [name for name, v in (("kpi", kpi), ("municipality", mun)) if v is None]
        for name in missing:
            errors.append(RowError(i, name, gettext_noop("The record has no such field.")))
        if missing:
            continue
        if not isinstance(kpi, str) or not kpi.strip():
            errors.append(
                RowError(
                    i, "kpi", gettext_noop("The KPI id %(kpi)r is not text."), params={"kpi": kpi}
                )
            )
            continue
        if not isinstance(mun, str):
            errors.append(
                RowError(
                    i,
                    "municipality",
                    gettext_noop('The id %(id)r is not text such as "1883".'),
                    params={"id": mun},
                )
            )
            continue
        if mun.startswith("G"):
            errors.append(
                RowError(
                    i,
                    "municipality",
                    gettext_noop(
                        "%(id)r is a Kolada municipality group (an unweighted mean); download "
                        "values for municipalities, regions (00 + länskod) or Riket (0000) instead."
                    ),
                    params={"id": mun},
                )
            )
            continue
        region = region_for_code(mun)
        if region is None:
            errors.append(
                RowError(
                    i,
                    "municipality",
                    gettext_noop(
                        "%(id)r is not a Swedish municipality (4-digit kommunkod), a region "
                        "(00 + the 2-digit länskod, e.g. 0018) or Riket (0000)."
                    ),
                    params={"id": mun},
                )
            )
            continue
        kpi = kpi.strip()
        info = meta.get(kpi, {})
        name = kpi_title or str(info.get("title") or kpi)
        row_unit = unit if unit is not None else str(info.get("unit") or "")
        for period, value, where in _points(i, rec, errors):
            if where == "gender":
                skipped[gettext_noop("not the total (women or men)")] += 1
                continue
            year = _year(period)
            if year is None:
                errors.append(
                    RowError(
                        i,
                        "period",
                        gettext_noop("The period %(period)r is not a year."),
                        params={"period": period},
                    )
                )
                continue
            if value is None:
                skipped[gettext_noop("no value (null)")] += 1
                continue
            number = _number(value)
            if number is None:
                errors.append(
                    RowError(
                        i,
                        where,
                        gettext_noop("The value %(value)r is not a number."),
                        params={"value": value},
                    )
                )
                continue
            key = (kpi, region[0], year)
            if key in seen:
                if seen[key] != number:
                    errors.append(
                        RowError(
                            i,
                            where,
                            gettext_noop(
                                "%(kpi)s for %(region)s %(year)d appears twice with different "
                                "values (%(first)s and %(second)s); keep one answer per request."
                            ),
                            params={
                                "kpi": kpi,
                                "region": region[1],
                                "year": year,
                                "first": seen[key],
                                "second": number,
                            },
                        )
                    )
                else:
                    skipped[gettext_noop("repeated")] += 1
                continue
            seen[key] = number
            rows.append(
                ReferenceRow(
                    row=i,
                    indicator_code=kpi,
                    indicator_name=name,
                    region_code=region[0],
                    region_name=region[1],
                    level=region[2],
                    year=year,
                    value=number,
                    unit=row_unit,
                    source="Kolada",
                )
            )
    if not records:
        errors.append(
            RowError(None, None, gettext_noop("The answer has no values; check the KPI and ids."))
        )
    return ReferenceResult(rows=tuple(rows), errors=tuple(errors), skipped=dict(skipped))
