"""Screen free text for Swedish personal identifiers before it is saved.

EST reports and safety walks concern places and situations, not people (docs/domain.md §5 and §11),
so free text is screened for personnummer, samordningsnummer, phone numbers and e-mail addresses.
Findings carry positions only, never the matched text, so that they can be logged and shown
without repeating the personal data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from samtrygg.sources.errors import RowError

__all__ = [
    "KINDS",
    "Finding",
    "PersonalDataRowError",
    "describe",
    "find_personal_data",
    "luhn_ok",
]

KINDS = ("personnummer", "samordningsnummer", "phone", "email")


@dataclass(frozen=True)
class Finding:
    """One piece of personal data in a text: its kind and its span ``text[start:end]``."""

    kind: str
    start: int
    end: int


# Personnummer and samordningsnummer: YYMMDD-NNNN, YYMMDD+NNNN, YYYYMMDD-NNNN, YYYYMMDDNNNN and
# YYMMDDNNNN. Digits, dashes or dots right before or after mean the match is part of something
# else (a longer number, a date range), so they are excluded.
_PNR = re.compile(r"(?<![\d\-+/.:])(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})(?![\d\-/.:]\d|\d)")

# Phone numbers: national (0 + area code) or international (+46 / 0046), with the usual Swedish
# groupings. The digit count is checked afterwards.
_PHONE = re.compile(
    r"(?<![\w+\-/.:])"
    r"(?:(?:\+|00)46[ \-]?(?:\(0\)[ \-]?)?[1-9]|0[1-9])"
    r"\d{0,2}(?:[ \-/]|\s?-\s?)?\d{2,3}(?:[ ]?\d{2,3}){1,3}"
    r"(?![\w\-/.:]\d|\d)"
)
_EMAIL = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}")
_DIGITS = re.compile(r"\d")


def luhn_ok(digits: str) -> bool:
    """Whether a digit string passes the Luhn check (the last digit is the check digit).

    Parameters
    ----------
    digits : str
        Digits only, check digit last.

    Returns
    -------
    bool

    Examples
    --------
    >>> luhn_ok("8112189876")
    True
    >>> luhn_ok("8112189875")
    False
    """
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _valid_date(yy: int, century: int | None, month: int, day: int) -> bool:
    years = [century * 100 + yy] if century is not None else [1900 + yy, 2000 + yy]
    for year in years:
        try:
            date(year, month, day)
        except ValueError:
            continue
        return True
    return False


def _identity_kind(match: re.Match[str]) -> str | None:
    century_s, yy_s, mm_s, dd_s, _sep, tail = match.groups()
    yy, month, day = int(yy_s), int(mm_s), int(dd_s)
    century = int(century_s) if century_s is not None else None
    if century is not None and century not in (18, 19, 20):
        return None
    if not luhn_ok(f"{yy_s}{mm_s}{dd_s}{tail}"):
        return None
    if _valid_date(yy, century, month, day):
        return "personnummer"
    if day > 60 and _valid_date(yy, century, month, day - 60):
        return "samordningsnummer"
    return None


def find_personal_data(text: str) -> list[Finding]:
    """Find personnummer, samordningsnummer, phone numbers and e-mail addresses in a text.

    Parameters
    ----------
    text : str
        Free text, e.g. an incident description.

    Returns
    -------
    list of Finding
        Sorted by position, not overlapping. A number is a personnummer only when its date is
        valid and its Luhn check digit is right; with the day plus 60 it is a samordningsnummer.
        Phone numbers start with 0 or +46/0046 and have 8–10 digits in national form.

    Examples
    --------
    >>> find_personal_data("Ring 070-123 45 67 eller skriv till a.b@example.se.")
    [Finding(kind='phone', start=5, end=18), Finding(kind='email', start=36, end=50)]
    >>> find_personal_data("Anmälare 811218-9876 sågs 2024-03-05 14:30.")
    [Finding(kind='personnummer', start=9, end=20)]
    >>> find_personal_data("Klotter vid busshållplatsen, 2024-03-05 kl 14.30.")
    []
    """
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for m in _EMAIL.finditer(text):
        findings.append(Finding("email", m.start(), m.end()))
        taken.append((m.start(), m.end()))
    for m in _PNR.finditer(text):
        kind = _identity_kind(m)
        if kind is not None and free(m.start(), m.end()):
            findings.append(Finding(kind, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    for m in _PHONE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        digits = "".join(_DIGITS.findall(m.group()))
        if digits.startswith("0046"):
            national = "0" + digits[4:]
        elif digits.startswith("46") and m.group().startswith("+"):
            national = "0" + digits[2:]
        else:
            national = digits
        if national.startswith("00"):
            national = national[1:]
        if 8 <= len(national) <= 10:
            findings.append(Finding("phone", m.start(), m.end()))
            taken.append((m.start(), m.end()))
    findings.sort(key=lambda f: f.start)
    return findings


_SV_NAMES = {
    "personnummer": ("ett personnummer", "personnummer"),
    "samordningsnummer": ("ett samordningsnummer", "samordningsnummer"),
    "phone": ("ett telefonnummer", "telefonnummer"),
    "email": ("en e-postadress", "e-postadresser"),
}
_EN_NAMES = {
    "personnummer": ("a personal identity number", "personal identity numbers"),
    "samordningsnummer": ("a coordination number", "coordination numbers"),
    "phone": ("a phone number", "phone numbers"),
    "email": ("an e-mail address", "e-mail addresses"),
}


def _join(parts: Sequence[str], conj: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {conj} " + parts[-1]


def describe(findings: Sequence[Finding], lang: str = "sv") -> str:
    """A plain sentence telling the reporter what was found and what to write instead.

    Positions are given as characters counted from 1, both ends included; the matched text
    itself is never repeated.

    Parameters
    ----------
    findings : sequence of Finding
        From :func:`find_personal_data`.
    lang : {"sv", "en"}
        Language of the sentence.

    Returns
    -------
    str
        The sentence, or an empty string when nothing was found.

    Examples
    --------
    >>> f = find_personal_data("Anmälare 811218-9876, tel 070-123 45 67.")
    >>> describe(f)
    'Texten innehåller ett personnummer (tecken 10–20) och ett telefonnummer (tecken 27–39). \
Beskriv platser och situationer, inte personer: ta bort uppgifterna och spara igen.'
    >>> describe(f[:1], lang="en")
    'The text contains a personal identity number (characters 10–20). \
Describe places and situations, not people: remove it and save again.'
    >>> describe([])
    ''
    """
    if lang not in ("sv", "en"):
        raise ValueError(f"lang must be 'sv' or 'en', got {lang!r}.")
    if not findings:
        return ""
    names = _SV_NAMES if lang == "sv" else _EN_NAMES
    parts: list[str] = []
    for kind in KINDS:
        spans = [f for f in findings if f.kind == kind]
        if not spans:
            continue
        where = ", ".join(f"{f.start + 1}–{f.end}" for f in spans)
        word = ("tecken " if lang == "sv" else "characters ") + where
        label = names[kind][0] if len(spans) == 1 else f"{len(spans)} {names[kind][1]}"
        parts.append(f"{label} ({word})")
    if lang == "sv":
        return (
            f"Texten innehåller {_join(parts, 'och')}. Beskriv platser och situationer, "
            "inte personer: ta bort uppgifterna och spara igen."
        )
    it = "it" if len(findings) == 1 else "them"
    return (
        f"The text contains {_join(parts, 'and')}. Describe places and situations, "
        f"not people: remove {it} and save again."
    )


@dataclass(frozen=True, init=False)
class PersonalDataRowError(RowError):
    """A value that holds personal data; the message is :func:`describe`'s English sentence.

    The web application words it in the reader's language with ``describe(findings, lang)``.
    """

    findings: tuple[Finding, ...] = ()

    def __init__(self, row: int | None, field: str | None, *, findings: tuple[Finding, ...]):
        object.__setattr__(self, "findings", tuple(findings))
        super().__init__(row, field, describe(findings, lang="en"))
