"""Partners' own words for our values: normalising, suggesting and applying value mappings.

A housing company writes "Klotter" or "Brand i sopkärl" where the partnership's code list says
"skadegörelse/klotter" and "brand". The column mapping says which column holds the category; the
value mapping says which of the partnership's categories each of the partner's words means. It is
confirmed by a person once and then applied to every later file of the same partner.

Matching is in three steps:

1. **Normalised equality** (case, Unicode form, spaces; "Skadegörelse / Klotter" is
   "skadegörelse/klotter") counts as the same value without asking.
2. A **saved mapping** (keys normalised) says what the partner's word means.
3. Otherwise the value is **unmapped**, with suggestions: equality without Swedish characters
   ("skadegorelse") first, then fuzzy similarity (rapidfuzz's ``WRatio`` on folded text, with
   "/" read as a word break). A suggestion is only proposed; a person confirms it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl
from rapidfuzz import fuzz, process

__all__ = [
    "Suggestion",
    "UnmappedValue",
    "apply_mapping",
    "fold",
    "normalise",
    "suggest",
    "unmapped_values",
]

# Scores are rapidfuzz's 0–100. Below SUGGEST nothing is proposed; from PRESELECT on the form
# chooses the suggestion for the person to confirm.
SUGGEST = 60.0
PRESELECT = 85.0
_SPACES = re.compile(r"\s+")
_AROUND = re.compile(r"\s*([/\-–])\s*")


def normalise(value: str) -> str:
    """The value as compared: NFC, case-folded, single spaces, none around "/" and "-".

    Parameters
    ----------
    value : str
        A value as the partner wrote it.

    Returns
    -------
    str
        The value in the form used for comparing and as a mapping key.

    Examples
    --------
    >>> normalise("  Skadegörelse / Klotter ")
    'skadegörelse/klotter'
    >>> normalise("Mörk\\u00a0 plats") == normalise("mörk plats")
    True
    """
    text = unicodedata.normalize("NFC", value).casefold()
    text = _SPACES.sub(" ", text).strip()
    return _AROUND.sub(r"\1", text)


def fold(value: str) -> str:
    """:func:`normalise`, then without accents and Swedish letters (å, ä → a; ö → o).

    Parameters
    ----------
    value : str
        A value as the partner wrote it.

    Returns
    -------
    str
        The value normalised and folded to ASCII letters.

    Examples
    --------
    >>> fold("Skadegörelse/Klotter"), fold("Nedskräpning"), fold("Åtgärd")
    ('skadegorelse/klotter', 'nedskrapning', 'atgard')
    """
    decomposed = unicodedata.normalize("NFD", normalise(value))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Suggestion:
    """One of our values proposed for a partner's word, with its similarity (0–100)."""

    value: str
    score: float


@dataclass(frozen=True)
class UnmappedValue:
    """A partner's value that matches none of ours and has no saved mapping.

    Attributes
    ----------
    field : str
        Our field (``category``, ``assessment`` …).
    value : str
        The value as written in the file (its first spelling).
    rows : tuple of int
        Every row that holds it (header = row 1).
    suggestions : tuple of Suggestion
        Best first; may be empty.
    """

    field: str
    value: str
    rows: tuple[int, ...]
    suggestions: tuple[Suggestion, ...]

    @property
    def preselected(self) -> str | None:
        """The suggestion good enough to be chosen in advance for a person to confirm."""
        if self.suggestions and self.suggestions[0].score >= PRESELECT:
            return self.suggestions[0].value
        return None


def _fuzzy_key(value: str) -> str:
    return fold(value).replace("/", " ")


def suggest(
    value: str, choices: Iterable[str], *, limit: int = 3, cutoff: float = SUGGEST
) -> list[Suggestion]:
    """Our values that ``value`` most likely means, best first.

    Parameters
    ----------
    value : str
        The partner's word.
    choices : iterable of str
        Our values (for instance the partnership's categories).
    limit : int
        At most this many suggestions.
    cutoff : float
        Leave out suggestions scoring below this (0–100).

    Returns
    -------
    list of Suggestion
        A choice equal to ``value`` without Swedish characters scores 100 and comes first.

    Examples
    --------
    >>> cats = ["skadegörelse/klotter", "brand", "inbrott", "nedskräpning"]
    >>> [s.value for s in suggest("Klotter", cats)]
    ['skadegörelse/klotter']
    >>> suggest("nedskrapning", cats)[0]
    Suggestion(value='nedskräpning', score=100.0)
    >>> suggest("Brand i sopkärl", cats)[0].value
    'brand'
    """
    options = list(dict.fromkeys(choices))
    key = fold(value)
    exact = [Suggestion(c, 100.0) for c in options if fold(c) == key]
    if exact:
        return exact[:limit]
    keys = {c: _fuzzy_key(c) for c in options}
    found = process.extract(
        _fuzzy_key(value), keys, scorer=fuzz.WRatio, limit=limit, score_cutoff=cutoff
    )
    return [Suggestion(choice, round(float(score), 1)) for _key, score, choice in found]


def apply_mapping(frame: pl.DataFrame, column: str, mapping: Mapping[str, str]) -> pl.DataFrame:
    """Replace the partner's values in ``column`` by ours, where ``mapping`` knows them.

    ``mapping``'s keys are normalised (:func:`normalise`); values it does not know stay as they
    are, so the reader's own checks still name them.

    Parameters
    ----------
    frame : polars.DataFrame
        The file's cells as text.
    column : str
        The column to map.
    mapping : mapping of str to str
        Their normalised value → ours.

    Returns
    -------
    polars.DataFrame
        ``frame`` with the known values replaced.

    Examples
    --------
    >>> frame = pl.DataFrame({"kategori": ["Klotter", "KLOTTER ", "Brand", None]})
    >>> apply_mapping(frame, "kategori", {"klotter": "skadegörelse/klotter"})["kategori"].to_list()
    ['skadegörelse/klotter', 'skadegörelse/klotter', 'Brand', None]
    """
    if not mapping:
        return frame
    distinct = frame.get_column(column).drop_nulls().unique().to_list()
    lookup = {v: mapping[normalise(v)] for v in distinct if normalise(v) in mapping}
    if not lookup:
        return frame
    return frame.with_columns(pl.col(column).replace(lookup))


def unmapped_values(
    field: str,
    values: Sequence[str | None] | pl.Series,
    rows: Sequence[int] | pl.Series,
    choices: Sequence[str],
    *,
    known: Iterable[str] = (),
) -> list[UnmappedValue]:
    """The distinct values that are neither one of ``choices`` nor ``known``, with their rows.

    Parameters
    ----------
    field : str
        Our field, carried into the result.
    values, rows : sequence
        The column's cells and their row numbers (empty cells are left out).
    choices : sequence of str
        Our values; a value equal to one of them after :func:`normalise` is mapped.
    known : iterable of str
        Further values taken as mapped (normalised keys of a saved mapping).

    Returns
    -------
    list of UnmappedValue
        In order of first appearance in the file, with suggestions from :func:`suggest`.

    Examples
    --------
    >>> found = unmapped_values("category", ["Klotter", "brand", "klotter", "Stöld"],
    ...                         [2, 3, 4, 5], ["skadegörelse/klotter", "brand"])
    >>> [(u.value, u.rows, u.preselected) for u in found]
    [('Klotter', (2, 4), 'skadegörelse/klotter'), ('Stöld', (5,), None)]
    """
    mapped = {normalise(c) for c in choices} | {normalise(k) for k in known}
    cells = pl.DataFrame(
        {"v": pl.Series(values, dtype=pl.String), "r": pl.Series(rows, dtype=pl.Int64)}
    ).with_columns(pl.col("v").str.strip_chars())
    cells = cells.filter(pl.col("v").is_not_null() & (pl.col("v") != ""))
    # Normalising is Python, so it runs once per distinct spelling, not once per row.
    spellings = cells.get_column("v").unique(maintain_order=True).to_list()
    keys = {v: normalise(v) for v in spellings}
    bad = [v for v in spellings if keys[v] not in mapped]
    groups: dict[str, tuple[str, list[int]]] = {}
    by_spelling = (
        cells.filter(pl.col("v").is_in(bad)).group_by("v", maintain_order=True).agg(pl.col("r"))
    )
    for value, found in by_spelling.iter_rows():
        groups.setdefault(keys[value], (value, []))[1].extend(found)
    return [
        UnmappedValue(field, first, tuple(sorted(found)), tuple(suggest(first, choices)))
        for first, found in groups.values()
    ]
