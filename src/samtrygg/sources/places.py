"""Matching partners' place names and addresses to a gazetteer: tolerant, offline, explained.

Housing companies' and security companies' logs name places ("Bregården", "Storgatan 12B",
"storg. 12") rather than giving coordinates. :class:`PlaceMatcher` turns such text into a point
from a gazetteer (the partnership's known places with their aliases, and streets and addresses
from an OpenStreetMap extract) and says how precise that point is.

Matching is tolerant to:

- case and spacing;
- Swedish characters written in ASCII ("Bregarden" for "Bregården", "Angsvagen" for
  "Ängsvägen");
- abbreviations ("g." = "gatan", "v." = "vägen", "pl." = "platsen", "St." / "S:t" = "Sankt");
- house numbers with letters ("12B", "12 b");
- small spelling errors ("Storgtan 12"), scored with RapidFuzz's normalised Indel similarity.

No text is sent anywhere: there is no online geocoder (a sensitive category's text must never
leave the server).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

__all__ = [
    "PRECISIONS",
    "GazetteerEntry",
    "PlaceMatch",
    "PlaceMatcher",
    "normalise_name",
    "split_house_number",
]

# From most to least precise; "exact" is a row's own coordinates, "none" a row left unplaced.
PRECISIONS = ("exact", "address", "street", "known_place", "municipality", "none")

# Abbreviations in Swedish logs, applied to whole words after folding (so "vag" is "väg").
_WORD_ABBREVIATIONS = {
    "st": "sankt",
    "s:t": "sankt",
    "g": "gatan",
    "v": "vagen",
    "pl": "platsen",
}
# Suffix abbreviations glued to a name: "storg." is "storgatan", "bergsv." is "bergsvagen".
_SUFFIX_ABBREVIATIONS = (("g.", "gatan"), ("gat.", "gatan"), ("v.", "vagen"), ("pl.", "platsen"))
_HOUSE = re.compile(r"^(?P<street>.*?\D)\s+(?P<number>\d{1,4})(?P<letter>[a-z])?$")
# The smallest similarity (0-100) that counts as a match for a misspelt name.
DEFAULT_CUTOFF = 85.0


def _fold(text: str) -> str:
    """Lower case without diacritics: "Ängsvägen" -> "angsvagen"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise_name(text: str) -> str:
    """The form of a place name or address used for matching.

    Case, Swedish characters, abbreviations, punctuation and spacing are made uniform; a text
    after the first comma (a postcode or town) is dropped.

    Parameters
    ----------
    text : str
        A place name or address as a partner wrote it.

    Returns
    -------
    str
        Lower-case ASCII words separated by single spaces; ``""`` for an empty name.

    Examples
    --------
    >>> normalise_name("  Storgatan 12 B, 514 30 Tranemo")
    'storgatan 12b'
    >>> normalise_name("storg. 12")
    'storgatan 12'
    >>> normalise_name("BREGÅRDEN")
    'bregarden'
    >>> normalise_name("St. Olofs g. 3")
    'sankt olofs gatan 3'
    """
    head = _fold(text).split(",", 1)[0]
    words: list[str] = []
    for raw in head.split():
        word = raw
        if word.rstrip(".") in _WORD_ABBREVIATIONS and (word.endswith(".") or ":" in word):
            word = _WORD_ABBREVIATIONS[word.rstrip(".")]
        else:
            for short, full in _SUFFIX_ABBREVIATIONS:
                if word.endswith(short) and len(word) > len(short):
                    word = word[: -len(short)] + full
                    break
        word = re.sub(r"[^0-9a-z]+", "", word)
        if word:
            words.append(word)
    joined = " ".join(words)
    # "12 b" is house number 12B.
    return re.sub(r"(\d) ([a-z])$", r"\1\2", joined)


def split_house_number(normalised: str) -> tuple[str, str]:
    """A normalised address split into its street and house number ("" when there is none).

    Parameters
    ----------
    normalised : str
        Output of :func:`normalise_name`.

    Returns
    -------
    (str, str)
        The street name and the house number with its letter, e.g. ``("storgatan", "12b")``.

    Examples
    --------
    >>> split_house_number("storgatan 12b")
    ('storgatan', '12b')
    >>> split_house_number("bregarden")
    ('bregarden', '')
    """
    found = _HOUSE.match(normalised)
    if found is None:
        return normalised, ""
    return found["street"].strip(), found["number"] + (found["letter"] or "")


@dataclass(frozen=True)
class GazetteerEntry:
    """A name with a point (WGS 84) and the precision a match on it gives.

    Attributes
    ----------
    name : str
        The name as shown to people ("Storgatan 12B", "Bregården").
    lon, lat : float
        The point, in degrees (EPSG:4326).
    precision : str
        ``"address"``, ``"street"``, ``"known_place"`` or ``"municipality"``.
    key : object, optional
        The caller's id for the entry (e.g. a database key); not used for matching.
    """

    name: str
    lon: float
    lat: float
    precision: str
    key: object = None

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS[1:-1]:
            raise ValueError(
                f"precision must be one of {PRECISIONS[1:-1]}, not {self.precision!r}."
            )


@dataclass(frozen=True)
class PlaceMatch:
    """The answer for one name: the entry it matched, how, and how similar (0-100)."""

    entry: GazetteerEntry
    precision: str
    score: float

    @property
    def lon(self) -> float:
        return self.entry.lon

    @property
    def lat(self) -> float:
        return self.entry.lat


class PlaceMatcher:
    """Match place names and addresses to gazetteer entries, most precise first.

    1. The whole name, normalised, equal to a known place, municipality or street
       (known places win over streets of the same name).
    2. Street and house number: an address with that number on the (possibly misspelt) street
       gives ``"address"``; a known street without that number gives ``"street"``.
    3. A misspelt known place or street, when one candidate is clearly the most similar.

    Parameters
    ----------
    entries : iterable of GazetteerEntry
        The gazetteer; names are normalised here.
    cutoff : float
        The smallest similarity (0-100, RapidFuzz ``fuzz.ratio``) accepted for a misspelt name.

    Examples
    --------
    >>> matcher = PlaceMatcher([
    ...     GazetteerEntry("Bregården", 13.35, 57.48, "known_place"),
    ...     GazetteerEntry("Storgatan", 13.34, 57.49, "street"),
    ...     GazetteerEntry("Storgatan 12B", 13.341, 57.491, "address"),
    ... ])
    >>> m = matcher.match("Bregarden")
    >>> m.entry.name, m.precision
    ('Bregården', 'known_place')
    >>> matcher.match("storg. 12b").precision
    'address'
    >>> matcher.match("Storgtan 40").precision
    'street'
    >>> matcher.match("Okänd plats") is None
    True
    """

    def __init__(self, entries: Iterable[GazetteerEntry], *, cutoff: float = DEFAULT_CUTOFF):
        if not 0 < cutoff <= 100:
            raise ValueError(f"cutoff must lie in (0, 100], not {cutoff!r}.")
        self.cutoff = cutoff
        rank = {p: i for i, p in enumerate(("known_place", "municipality", "street"))}
        self._names: dict[str, GazetteerEntry] = {}
        self._addresses: dict[tuple[str, str], GazetteerEntry] = {}
        for entry in entries:
            key = normalise_name(entry.name)
            if not key:
                continue
            if entry.precision == "address":
                street, number = split_house_number(key)
                if number:
                    self._addresses.setdefault((street, number), entry)
                    continue
            held = self._names.get(key)
            if held is None or rank[entry.precision] < rank[held.precision]:
                self._names[key] = entry
        self._name_keys = list(self._names)
        self._streets = sorted({s for s, _ in self._addresses} | set(self._name_keys))

    def __len__(self) -> int:
        return len(self._names) + len(self._addresses)

    def _closest(self, text: str, choices: Sequence[str]) -> tuple[str, float] | None:
        """The one choice most similar to ``text`` above the cutoff; None when two tie."""
        if not choices:
            return None
        found = process.extract(text, choices, scorer=fuzz.ratio, score_cutoff=self.cutoff, limit=2)
        if not found:
            return None
        if len(found) == 2 and found[1][1] == found[0][1]:
            return None
        return str(found[0][0]), float(found[0][1])

    def _street_entry(self, street: str) -> GazetteerEntry | None:
        entry = self._names.get(street)
        if entry is not None and entry.precision == "street":
            return entry
        return None

    def match(self, text: str) -> PlaceMatch | None:
        """The best match for one name or address, or None when nothing matches well enough.

        Parameters
        ----------
        text : str
            A place name or address as written in a partner's log.

        Returns
        -------
        PlaceMatch or None
        """
        key = normalise_name(text)
        if not key:
            return None
        exact = self._names.get(key)
        if exact is not None:
            return PlaceMatch(exact, exact.precision, 100.0)
        street, number = split_house_number(key)
        if number:
            found = self._match_address(street, number)
            if found is not None:
                return found
        close = self._closest(key, self._name_keys)
        if close is not None:
            entry = self._names[close[0]]
            return PlaceMatch(entry, entry.precision, close[1])
        return None

    def _match_address(self, street: str, number: str) -> PlaceMatch | None:
        score = 100.0
        if street not in self._streets:
            close = self._closest(street, self._streets)
            if close is None:
                return None
            street, score = close
        entry = self._addresses.get((street, number))
        if entry is not None:
            return PlaceMatch(entry, "address", score)
        if number[-1].isalpha():
            # "12C" where only "12" is known is still that building's address.
            entry = self._addresses.get((street, number[:-1]))
            if entry is not None:
                return PlaceMatch(entry, "address", score)
        entry = self._street_entry(street)
        if entry is None:
            # A street known only from its addresses: any of them is on the street.
            on_street = [e for (s, _n), e in self._addresses.items() if s == street]
            if not on_street:
                return None
            lon = sum(e.lon for e in on_street) / len(on_street)
            lat = sum(e.lat for e in on_street) / len(on_street)
            entry = GazetteerEntry(street, lon, lat, "street")
        return PlaceMatch(entry, "street", score)

    def match_many(self, texts: Iterable[str | None]) -> list[PlaceMatch | None]:
        """:meth:`match` for each text, each distinct normalised name matched once.

        Parameters
        ----------
        texts : iterable of str or None
            Names as written; None and empty names give None.

        Returns
        -------
        list of PlaceMatch or None
            One answer per text, in order.
        """
        cache: dict[str, PlaceMatch | None] = {}
        out: list[PlaceMatch | None] = []
        for text in texts:
            if not text:
                out.append(None)
                continue
            key = normalise_name(text)
            if key not in cache:
                cache[key] = self.match(text)
            out.append(cache[key])
        return out
