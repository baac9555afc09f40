"""Safety-survey results → validated rows: the trygghetsmätning, SCB's index, NTU, own surveys.

Four readers, one row type (:class:`SurveyRow`), all-or-nothing like every reader here: each
returns a :class:`SurveyTable` whose ``errors`` name the row (header = row 1), the column and
what to do; the importer refuses the file when there is any.

* :func:`read_long_table`: the **survey long table** (docs/survey-long-table.md), one answer
  alternative of one item for one area and year per row. It is the format for what has no fixed
  public one: a partnership's own survey, or results copied from a report.
* :func:`read_polisen_survey`: Polisens trygghetsmätning per municipality, local police area
  (lokalpolisområde) or sub-area. The police hand results out as reports and Excel tables whose
  layout we could not confirm, so the reader takes the long table with the Swedish column names
  of those tables (``Område``, ``Nivå``, ``År``, ``Fråga``, ``Svarsalternativ``, ``Andel (%)``,
  ``Antal svarande``, ``Svarsfrekvens (%)``) and requires the level.
* :func:`read_scb_index`: SCB's citizen survey 0–100 safety index as Kolada publishes it (a
  saved Kolada data answer, read by :func:`samtrygg.sources.kolada.read_kolada`).
* :func:`read_ntu`: Brå's NTU estimates per local police area: a percentage with its interval
  and number of respondents per indicator and year.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from samtrygg.sources import tabular
from samtrygg.sources.bra import _number
from samtrygg.sources.errors import Listing, RowError, SourceError, Term, gettext_noop

__all__ = [
    "LEVELS",
    "LONG_COLUMNS",
    "NTU_COLUMNS",
    "SurveyRow",
    "SurveyTable",
    "read_long_table",
    "read_ntu",
    "read_polisen_survey",
    "read_scb_index",
]

# Area levels and the words that name them in files (case ignored).
LEVELS: dict[str, tuple[str, ...]] = {
    "kommun": ("kommun", "municipality"),
    "lpo": ("lpo", "lokalpolisområde", "local police area"),
    "delområde": ("delområde", "sub-area", "subarea", "område inom lpo"),
    "område": ("område", "area", "bostadsområde", "stadsdel"),
}

LONG_COLUMNS: dict[str, tuple[str, ...]] = {
    "area": ("area", "område", "områdesnamn"),
    "area_code": ("area_code", "områdeskod", "kod"),
    "level": ("level", "nivå", "områdestyp"),
    "year": ("year", "år"),
    "item": ("item", "frågekod", "item_code"),
    "item_text": ("item_text", "fråga", "question"),
    "answer": ("answer", "svarsalternativ", "svar"),
    "count": ("count", "antal"),
    "share": ("share", "andel (%)", "andel", "procent"),
    "n": ("n", "antal svarande", "svarande"),
    "response_rate": ("response_rate", "svarsfrekvens (%)", "svarsfrekvens"),
}

NTU_COLUMNS: dict[str, tuple[str, ...]] = {
    "area": ("lpo", "lokalpolisområde", "area", "område"),
    "area_code": ("area_code", "lpo-kod", "kod"),
    "year": ("year", "år", "period"),
    "item": ("indicator", "indikator", "item"),
    "value": ("percent", "andel (%)", "andel", "procent", "value"),
    "low": ("ci_low", "ki nedre", "konfidensintervall nedre", "nedre"),
    "high": ("ci_high", "ki övre", "konfidensintervall övre", "övre"),
    "n": ("n", "antal svarande", "svarande"),
}

_MISSING = {"..", "-", "–", ".", "x"}


@dataclass(frozen=True)
class SurveyRow:
    """One validated survey figure.

    Answer rows (long table, trygghetsmätning) carry ``answer``, ``count`` and ``n``; estimate
    rows (SCB index, NTU) carry ``value`` (and ``low``/``high``, ``n`` when published) and an
    empty ``answer``.

    Attributes
    ----------
    row : int
        Row number as the user sees it (header = row 1), or the record index in a JSON answer.
    source : {"own", "polisen", "scb", "ntu"}
    area, area_code, level : str
        ``level`` is one of :data:`LEVELS` (or ``"kommun"``/``"län"``/``"riket"`` for SCB).
    year : int
    item, item_text : str
        A short item code (used by index formulas) and the question as asked.
    answer : str
    count, n : int or None
        Respondents giving the answer, respondents to the item.
    response_rate : float or None
        Share of the sample that answered, 0–1.
    value, low, high : float or None
        The published estimate and its interval (percent or index points).
    unit : {"antal", "procent", "index"}
    """

    row: int
    source: str
    area: str
    area_code: str
    level: str
    year: int
    item: str
    item_text: str
    answer: str
    count: int | None
    n: int | None
    response_rate: float | None
    value: float | None
    low: float | None
    high: float | None
    unit: str


@dataclass(frozen=True)
class SurveyTable:
    """What a survey reader found: valid rows, the problems, and what it skipped (by reason)."""

    rows: tuple[SurveyRow, ...]
    errors: tuple[RowError, ...] = ()
    skipped: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def raise_for_errors(self) -> None:
        """Raise :class:`SourceError` listing every problem, if there is any.

        Examples
        --------
        >>> SurveyTable(rows=()).raise_for_errors()
        """
        if self.errors:
            raise SourceError(list(self.errors))


def _resolve(
    headers: list[str], columns: Mapping[str, tuple[str, ...]], mapping: Mapping[str, str] | None
) -> dict[str, str]:
    lower = {h.strip().casefold(): h for h in headers}
    out: dict[str, str] = {}
    for key, aliases in columns.items():
        if mapping and key in mapping:
            out[key] = mapping[key]
            continue
        hit = next((lower[a] for a in aliases if a in lower), None)
        if hit is not None:
            out[key] = hit
    return out


# Columns of which either will do, as a message names them.
_EITHER = {
    "item|item_text": Term(gettext_noop("item or item_text")),
    "count|share": Term(gettext_noop("count or share")),
}


def _require(col: dict[str, str], headers: list[str], needed: list[str], what: str) -> None:
    missing: list[str] = [k for k in needed if "|" not in k and k not in col]
    missing += [_EITHER[k] for k in needed if "|" in k and not any(
        part in col for part in k.split("|"))]  # fmt: skip
    unknown = [v for v in col.values() if v not in headers]
    if missing or unknown:
        params = {
            "missing": Listing(missing),
            "unknown": ", ".join(unknown),
            "found": ", ".join(headers) or "–",
            "what": what,
        }
        if missing and unknown:
            template = gettext_noop(
                "The file lacks the column(s) %(missing)s; the mapping names columns not in the "
                "file (%(unknown)s). Columns found: %(found)s. Name them as described for "
                "%(what)s (docs/survey-long-table.md)."
            )
        elif missing:
            template = gettext_noop(
                "The file lacks the column(s) %(missing)s. Columns found: %(found)s. Name them "
                "as described for %(what)s (docs/survey-long-table.md)."
            )
        else:
            template = gettext_noop(
                "The mapping names columns not in the file (%(unknown)s). Columns found: "
                "%(found)s. Name them as described for %(what)s (docs/survey-long-table.md)."
            )
        raise SourceError(template, params=params)


def _whole(text: str) -> int | None:
    value = _number(text)
    return int(value) if value is not None and value == int(value) and value >= 0 else None


def _percent(text: str) -> float | None:
    value = _number(text.replace("%", ""))
    return value if value is not None and 0 <= value <= 100 else None


def _level(text: str) -> str | None:
    folded = text.strip().casefold()
    return next((key for key, words in LEVELS.items() if folded in words), None)


def _year(text: str) -> int | None:
    return int(text) if re.fullmatch(r"\d{4}", text) and 1900 <= int(text) <= 2100 else None


class _Rows:
    """Collects rows and errors for one file; checks the repeats and the per-item totals."""

    def __init__(self) -> None:
        self.rows: list[SurveyRow] = []
        self.errors: list[RowError] = []
        self.skipped: Counter[str] = Counter()
        self.seen: dict[tuple[str, str, int, str, str], SurveyRow] = {}
        self.item_n: dict[tuple[str, str, int, str], tuple[int | None, int]] = {}
        self.rates: dict[tuple[str, str, int], tuple[float | None, int]] = {}
        # Rows whose count was worked out from a rounded percentage: their total may pass n by
        # the rounding (half a unit of the last decimal per answer).
        self.from_share: set[int] = set()

    def add(self, row: SurveyRow, col: Mapping[str, str]) -> None:
        key = (row.level, row.area.casefold(), row.year, row.item, row.answer.casefold())
        old = self.seen.get(key)
        if old is not None:
            if (old.count, old.n, old.value) != (row.count, row.n, row.value):
                self.errors.append(
                    RowError(
                        row.row,
                        col.get("answer") or col.get("item"),
                        gettext_noop(
                            "%(area)s %(year)d, item %(item)r, answer %(answer)r already appears "
                            "in row %(first)d with other figures; keep one row."
                        )
                        if row.answer
                        else gettext_noop(
                            "%(area)s %(year)d, item %(item)r already appears in row %(first)d "
                            "with other figures; keep one row."
                        ),
                        params={
                            "area": row.area,
                            "year": row.year,
                            "item": row.item,
                            "answer": row.answer,
                            "first": old.row,
                        },
                    )
                )
            else:
                self.skipped[gettext_noop("repeated")] += 1
            return
        self.seen[key] = row
        item_key = key[:4]
        if row.answer and item_key in self.item_n and self.item_n[item_key][0] != row.n:
            first_n, first_row = self.item_n[item_key]
            self.errors.append(
                RowError(
                    row.row,
                    col.get("n"),
                    gettext_noop(
                        "n is %(n)s here but %(first_n)s in row %(first_row)d for the same area, "
                        "year and item; every answer of an item has the same number of "
                        "respondents."
                    ),
                    params={"n": row.n, "first_n": first_n, "first_row": first_row},
                )
            )
            return
        self.item_n.setdefault(item_key, (row.n, row.row))
        rate_key = key[:3]
        if row.response_rate is not None:
            first = self.rates.setdefault(rate_key, (row.response_rate, row.row))
            if abs(first[0] - row.response_rate) > 1e-9 if first[0] is not None else False:
                self.errors.append(
                    RowError(
                        row.row,
                        col.get("response_rate"),
                        gettext_noop(
                            "The response rate differs from row %(first)d for the same area and "
                            "year; give the survey's one response rate for the area."
                        ),
                        params={"first": first[1]},
                    )
                )
                return
        self.rows.append(row)

    def check_totals(self, col: Mapping[str, str]) -> None:
        """The answers of an item cannot add up to more respondents than the item's n."""
        totals: Counter[tuple[str, str, int, str]] = Counter()
        slack: Counter[tuple[str, str, int, str]] = Counter()
        last: dict[tuple[str, str, int, str], SurveyRow] = {}
        for r in self.rows:
            if r.answer and r.count is not None:
                k = (r.level, r.area.casefold(), r.year, r.item)
                totals[k] += r.count
                slack[k] += r.row in self.from_share
                last[k] = r
        for k, total in totals.items():
            r = last[k]
            if r.n is not None and total > r.n + slack[k]:
                self.errors.append(
                    RowError(
                        r.row,
                        col.get("count") or col.get("share"),
                        gettext_noop(
                            "The answers to item %(item)r for %(area)s %(year)d add up to "
                            "%(total)d, more than its n (%(n)d); check the counts."
                        ),
                        params={
                            "item": r.item,
                            "area": r.area,
                            "year": r.year,
                            "total": total,
                            "n": r.n,
                        },
                    )
                )

    def table(self) -> SurveyTable:
        if not self.rows and not self.errors:
            self.errors.append(
                RowError(None, None, gettext_noop("The file has no survey figures to import."))
            )
        return SurveyTable(tuple(self.rows), tuple(self.errors), dict(self.skipped))


def _read_answers(
    data: bytes,
    filename: str,
    source: str,
    mapping: Mapping[str, str] | None,
    *,
    level_required: bool,
) -> SurveyTable:
    frame, _sep, _encoding = tabular._load(data, filename)
    headers = [c for c in frame.columns if c != tabular._ROW]
    col = _resolve(headers, LONG_COLUMNS, mapping)
    needed = ["area", "year", "item|item_text", "answer", "count|share", "n"]
    _require(
        col,
        headers,
        needed + (["level"] if level_required else []),
        Term(gettext_noop("survey files")),
    )
    out = _Rows()
    used = list(dict.fromkeys(col.values()))
    for record in frame.select(tabular._ROW, *used).iter_rows(named=True):
        n_row = int(record[tabular._ROW])
        cells = {k: " ".join((record[c] or "").split()) for k, c in col.items()}
        if not any(cells.values()):
            out.skipped[gettext_noop("blank row")] += 1
            continue
        problems: list[RowError] = []

        def bad(
            key: str,
            template: str,
            n_row: int = n_row,
            problems: list[RowError] = problems,
            **params: Any,
        ) -> None:
            problems.append(RowError(n_row, col[key], template, params=params or None))

        if not cells["area"]:
            bad("area", gettext_noop("The area is missing; give its name, e.g. 'Centrum'."))
        level = "område"
        if "level" in col:
            found = _level(cells["level"]) if cells["level"] else None
            if found is None and (cells["level"] or level_required):
                bad(
                    "level",
                    gettext_noop(
                        "The level %(level)r is not one of kommun, lokalpolisområde, delområde "
                        "or område."
                    ),
                    level=cells["level"],
                )
            level = found or level
        year = _year(cells["year"])
        if year is None:
            bad(
                "year",
                gettext_noop("The year %(year)r is not a year such as 2024."),
                year=cells["year"],
            )
        item = cells.get("item") or cells.get("item_text", "")
        if not item:
            bad(
                next(k for k in ("item", "item_text") if k in col),
                gettext_noop("The item is missing."),
            )
        if not cells["answer"]:
            bad("answer", gettext_noop("The answer alternative is missing, e.g. 'Mycket trygg'."))
        n = _whole(cells["n"])
        if n is None or n == 0:
            bad(
                "n",
                gettext_noop("n %(n)r is not a whole number of respondents above 0."),
                n=cells["n"],
            )
        count = None
        raw_count, raw_share = cells.get("count", ""), cells.get("share", "")
        if raw_count in _MISSING or (not raw_count and raw_share in _MISSING):
            # Reports print ".." where a figure is withheld; it is not an error, and not a 0.
            out.skipped[gettext_noop("no figure (..)")] += 1
            continue
        if raw_count:
            count = _whole(cells["count"])
            if count is None:
                bad(
                    "count",
                    gettext_noop("The count %(count)r is not a whole number (e.g. 57)."),
                    count=cells["count"],
                )
        elif raw_share:
            share = _percent(cells["share"])
            if share is None:
                bad(
                    "share",
                    gettext_noop("The share %(share)r is not a percentage 0–100."),
                    share=cells["share"],
                )
            elif n:
                # Reports give percentages; the count is what the percentage of n stands for.
                count = round(share * n / 100)
                out.from_share.add(n_row)
        else:
            key = "count" if "count" in col else "share"
            bad(key, gettext_noop("The count (or share) is missing."))
        if count is not None and n and count > n:
            bad(
                "count" if "count" in col else "share",
                gettext_noop("The count %(count)d is larger than n (%(n)d)."),
                count=count,
                n=n,
            )
        rate = None
        if cells.get("response_rate"):
            rate = _percent(cells["response_rate"])
            if rate is None:
                bad(
                    "response_rate",
                    gettext_noop(
                        "The response rate %(rate)r is not a percentage 0–100 (e.g. 57 or 57,3 %%)."
                    ),
                    rate=cells["response_rate"],
                )
        if problems:
            out.errors.extend(problems)
            continue
        assert year is not None and n is not None
        out.add(
            SurveyRow(
                row=n_row,
                source=source,
                area=cells["area"],
                area_code=cells.get("area_code", ""),
                level=level,
                year=year,
                item=item[:100],
                item_text=cells.get("item_text", "") or item,
                answer=cells["answer"],
                count=count,
                n=n,
                response_rate=None if rate is None else rate / 100,
                value=None,
                low=None,
                high=None,
                unit="antal",
            ),
            col,
        )
    out.check_totals(col)
    return out.table()


def read_long_table(
    data: bytes, filename: str, *, mapping: Mapping[str, str] | None = None
) -> SurveyTable:
    """Read the survey long table (CSV or .xlsx): one answer of one item per area and year.

    Parameters
    ----------
    data : bytes
        The file.
    filename : str
        Its name (``.xlsx`` is read as Excel).
    mapping : mapping of our column → their column, optional
        For columns named otherwise (see :data:`LONG_COLUMNS`).

    Returns
    -------
    SurveyTable
        ``errors`` name the row and column: missing area, year, item or answer; counts or n
        that are not whole numbers; a count above n; answers of one item adding up to more
        than n; n or the response rate differing within an item or area; conflicting repeats.

    Raises
    ------
    SourceError
        When the file is empty or unreadable, or lacks the needed columns.

    Examples
    --------
    >>> text = ("area;year;item;answer;count;n;response_rate\\n"
    ...         "Centrum;2024;trygg_ute_sent;Mycket trygg;40;120;48\\n"
    ...         "Centrum;2024;trygg_ute_sent;Mycket otrygg;12;120;48\\n")
    >>> t = read_long_table(text.encode(), "own.csv")
    >>> [(r.area, r.year, r.answer, r.count, r.n, r.response_rate) for r in t.rows]
    [('Centrum', 2024, 'Mycket trygg', 40, 120, 0.48), ('Centrum', 2024, 'Mycket otrygg', 12, \
120, 0.48)]
    """
    return _read_answers(data, filename, "own", mapping, level_required=False)


def read_polisen_survey(
    data: bytes, filename: str, *, mapping: Mapping[str, str] | None = None
) -> SurveyTable:
    """Read Polisens trygghetsmätning per kommun, lokalpolisområde or delområde (CSV or .xlsx).

    Parameters
    ----------
    data : bytes
        The file.
    filename : str
        Its name.
    mapping : mapping of our column → their column, optional

    Returns
    -------
    SurveyTable
        As :func:`read_long_table`; the level column (``Nivå``) is required, and shares
        (``Andel (%)``) become counts of n.

    Examples
    --------
    >>> text = ("Område;Nivå;År;Frågekod;Fråga;Svarsalternativ;Andel (%);Antal svarande;"
    ...         "Svarsfrekvens (%)\\n"
    ...         "Karlskoga;Kommun;2024;trygg_ute_sent;Känner du dig trygg ute sent?;"
    ...         "Mycket otrygg;12,5;400;51\\n")
    >>> r = read_polisen_survey(text.encode(), "tm.csv").rows[0]
    >>> r.level, r.count, r.n, r.response_rate, r.source
    ('kommun', 50, 400, 0.51, 'polisen')
    """
    return _read_answers(data, filename, "polisen", mapping, level_required=True)


def read_ntu(
    data: bytes, filename: str, *, mapping: Mapping[str, str] | None = None
) -> SurveyTable:
    """Read NTU estimates per local police area (CSV or .xlsx).

    Parameters
    ----------
    data : bytes
        The file: columns ``lpo``, ``year``, ``indicator``, ``percent`` and optionally
        ``ci_low``, ``ci_high``, ``n`` (Swedish names: Lokalpolisområde, År, Indikator,
        Andel (%), KI nedre, KI övre, Antal svarande).
    filename : str
    mapping : mapping of our column → their column, optional

    Returns
    -------
    SurveyTable
        Estimate rows (unit ``"procent"``); errors for percentages outside 0–100, an interval
        that does not contain its estimate, and the problems :func:`read_long_table` names.

    Examples
    --------
    >>> text = ("Lokalpolisområde;År;Indikator;Andel (%);KI nedre;KI övre;Antal svarande\\n"
    ...         "LPO Karlskoga;2024;Otrygghet ute sent;24,1;20,3;27,9;812\\n")
    >>> r = read_ntu(text.encode(), "ntu.csv").rows[0]
    >>> r.area, r.level, r.value, r.low, r.high, r.n
    ('LPO Karlskoga', 'lpo', 24.1, 20.3, 27.9, 812)
    """
    frame, _sep, _encoding = tabular._load(data, filename)
    headers = [c for c in frame.columns if c != tabular._ROW]
    col = _resolve(headers, NTU_COLUMNS, mapping)
    _require(col, headers, ["area", "year", "item", "value"], Term(gettext_noop("NTU files")))
    out = _Rows()
    used = list(dict.fromkeys(col.values()))
    for record in frame.select(tabular._ROW, *used).iter_rows(named=True):
        n_row = int(record[tabular._ROW])
        cells = {k: " ".join((record[c] or "").split()) for k, c in col.items()}
        if not any(cells.values()):
            out.skipped[gettext_noop("blank row")] += 1
            continue
        problems: list[RowError] = []
        if not cells["area"]:
            problems.append(
                RowError(n_row, col["area"], gettext_noop("The local police area is missing."))
            )
        year = _year(cells["year"])
        if year is None:
            problems.append(
                RowError(
                    n_row,
                    col["year"],
                    gettext_noop("The year %(year)r is not a year."),
                    params={"year": cells["year"]},
                )
            )
        if not cells["item"]:
            problems.append(RowError(n_row, col["item"], gettext_noop("The indicator is missing.")))
        if cells["value"] in _MISSING or not cells["value"]:
            out.skipped[gettext_noop("no figure (..)")] += 1
            continue
        numbers: dict[str, float | None] = {}
        for key in ("value", "low", "high"):
            text = cells.get(key, "")
            numbers[key] = _percent(text) if text else None
            if text and numbers[key] is None:
                problems.append(
                    RowError(
                        n_row,
                        col[key],
                        gettext_noop("%(value)r is not a percentage 0–100 (e.g. 24,1)."),
                        params={"value": text},
                    )
                )
        value, low, high = numbers["value"], numbers["low"], numbers["high"]
        if value is not None and low is not None and high is not None and not low <= value <= high:
            problems.append(
                RowError(
                    n_row,
                    col["low"],
                    gettext_noop(
                        "The interval %(low)g–%(high)g does not contain the estimate %(value)g; "
                        "check that the columns are not swapped."
                    ),
                    params={"low": low, "high": high, "value": value},
                )
            )
        n = None
        if cells.get("n"):
            n = _whole(cells["n"])
            if not n:
                problems.append(
                    RowError(
                        n_row,
                        col["n"],
                        gettext_noop("n %(n)r is not a whole number above 0."),
                        params={"n": cells["n"]},
                    )
                )
        if problems:
            out.errors.extend(problems)
            continue
        assert year is not None
        out.add(
            SurveyRow(
                row=n_row, source="ntu", area=cells["area"], area_code=cells.get("area_code", ""),
                level="lpo", year=year, item=cells["item"][:100], item_text=cells["item"],
                answer="", count=None, n=n, response_rate=None, value=value, low=low, high=high,
                unit="procent",
            ),
            col,
        )  # fmt: skip
    return out.table()


def read_scb_index(data: bytes, *, kpi_title: str | None = None) -> SurveyTable:
    """Read SCB's citizen-survey safety index (0–100) from a saved Kolada data answer.

    Parameters
    ----------
    data : bytes
        Kolada's JSON answer for the KPI of the safety index (v1, v2 or v3 shape).
    kpi_title : str, optional
        The KPI's name; Kolada's data answer has only its id.

    Returns
    -------
    SurveyTable
        Estimate rows (unit ``"index"``), one per region and year; the problems of
        :func:`samtrygg.sources.kolada.read_kolada` plus values outside 0–100, which cannot
        be the safety index (check the KPI).

    Examples
    --------
    >>> import json
    >>> answer = {"values": [{"kpi": "U07460", "municipality": "1883", "period": 2023,
    ...           "values": [{"gender": "T", "value": 61.0}]}]}
    >>> r = read_scb_index(json.dumps(answer).encode()).rows[0]
    >>> r.area, r.level, r.year, r.value, r.unit, r.source
    ('Karlskoga', 'kommun', 2023, 61.0, 'index', 'scb')
    """
    from samtrygg.sources.kolada import read_kolada

    result = read_kolada(data, kpi_title=kpi_title)
    errors = list(result.errors)
    rows = []
    for r in result.rows:
        if not 0 <= r.value <= 100:
            errors.append(
                RowError(
                    r.row,
                    "value",
                    gettext_noop(
                        "%(kpi)s for %(region)s %(year)d is %(value)g, outside 0–100; SCB's "
                        "safety index lies between 0 and 100, so check the KPI."
                    ),
                    params={
                        "kpi": r.indicator_code,
                        "region": r.region_name,
                        "year": r.year,
                        "value": r.value,
                    },
                )
            )
            continue
        rows.append(
            SurveyRow(
                row=r.row, source="scb", area=r.region_name, area_code=r.region_code,
                level=r.level, year=r.year, item=r.indicator_code,
                item_text=r.indicator_name, answer="", count=None, n=None, response_rate=None,
                value=r.value, low=None, high=None, unit="index",
            )
        )  # fmt: skip
    if not rows and not errors:
        errors.append(
            RowError(None, None, gettext_noop("The answer has no values; check the KPI and ids."))
        )
    return SurveyTable(tuple(rows), tuple(errors), dict(result.skipped))
