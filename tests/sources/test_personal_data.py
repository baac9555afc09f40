"""Screening free text for personnummer, samordningsnummer, phone numbers and e-mail addresses."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samtrygg.sources.personal_data import Finding, describe, find_personal_data, luhn_ok


def _check_digit(nine: str) -> str:
    for d in "0123456789":
        if luhn_ok(nine + d):
            return d
    raise AssertionError("unreachable")


def _identity(born: date, serial: int, *, coordination: bool = False) -> tuple[str, str]:
    """(YYYYMMDD, NNNN) of a valid personnummer (or samordningsnummer: day + 60)."""
    day = born.day + (60 if coordination else 0)
    yymmdd = f"{born.year % 100:02d}{born.month:02d}{day:02d}"
    nine = yymmdd + f"{serial:03d}"
    return f"{born.year:04d}{born.month:02d}{day:02d}", f"{serial:03d}{_check_digit(nine)}"


FORMS = ("{s}-{n}", "{s}+{n}", "{l}{n}", "{s}{n}", "{l}-{n}")


def _format(full: str, tail: str, form: str) -> str:
    return form.format(s=full[2:], l=full, n=tail)


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_personal_data(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anmälare 811218-9876 sågs vid torget", ["personnummer"]),
        ("Anmälare 19811218-9876", ["personnummer"]),
        ("pnr 198112189876", ["personnummer"]),
        ("pnr 8112189876.", ["personnummer"]),
        ("hundraåring 811218+9876", ["personnummer"]),
        ("ring 070-123 45 67", ["phone"]),
        ("ring +46 70 123 45 67", ["phone"]),
        ("ring 0046 70 123 45 67", ["phone"]),
        ("ring 08-123 456 78", ["phone"]),
        ("ring 031-700 12 34 i morgon", ["phone"]),
        ("ring 0701234567", ["phone"]),
        ("mejla anna.berg@skolan.karlskoga.se", ["email"]),
        ("Klotter på väggen vid Torget 3, 2024-03-05 14:30", []),
        ("Mellan kl 22.00-23.30 samlades ungdomar", []),
        ("Busskort 12 000 kr", []),
        ("Händelse 2024-03-05, 20 personer, 1 bil", []),
        ("811218-9875 har fel kontrollsiffra", []),
    ],
)
def test_examples_are_classified(text: str, expected: list[str]) -> None:
    assert kinds(text) == expected


def test_findings_carry_positions_not_text() -> None:
    text = "Ring 070-123 45 67 nu"
    [finding] = find_personal_data(text)
    assert text[finding.start : finding.end] == "070-123 45 67"
    assert not hasattr(finding, "text")
    assert "070" not in repr(finding)


def test_samordningsnummer_has_day_plus_sixty() -> None:
    full, tail = _identity(date(1990, 5, 12), 123, coordination=True)
    assert kinds(f"nr {_format(full, tail, '{s}-{n}')}") == ["samordningsnummer"]


def test_describe_in_swedish_and_english_never_repeats_the_data() -> None:
    text = "Anmälare 811218-9876, tel 070-123 45 67, 070-765 43 21."
    findings = find_personal_data(text)
    sv = describe(findings)
    en = describe(findings, lang="en")
    assert sv.startswith("Texten innehåller ett personnummer (tecken 10–20) och 2 telefonnummer")
    assert "Beskriv platser och situationer, inte personer" in sv
    assert "Describe places and situations, not people" in en
    for secret in ("811218", "070-123", "9876"):
        assert secret not in sv and secret not in en
    assert describe([]) == ""
    with pytest.raises(ValueError, match="lang"):
        describe(findings, lang="de")


def test_describe_counts_characters_from_one() -> None:
    assert "tecken 1–11" in describe([Finding("personnummer", 0, 11)])


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))


@settings(max_examples=300, deadline=None)
@given(
    born=dates,
    serial=st.integers(0, 999),
    form=st.sampled_from(FORMS),
    prefix=st.sampled_from(["", "Anmälare ", "pnr: ", "("]),
    suffix=st.sampled_from(["", " ringde", ".", ")"]),
)
def test_valid_personnummer_is_always_found(
    born: date, serial: int, form: str, prefix: str, suffix: str
) -> None:
    full, tail = _identity(born, serial)
    number = _format(full, tail, form)
    text = prefix + number + suffix
    findings = [f for f in find_personal_data(text) if f.kind == "personnummer"]
    assert [(f.start, f.end) for f in findings] == [(len(prefix), len(prefix) + len(number))]


@settings(max_examples=200, deadline=None)
@given(born=dates, serial=st.integers(0, 999), form=st.sampled_from(FORMS))
def test_valid_samordningsnummer_is_always_found(born: date, serial: int, form: str) -> None:
    full, tail = _identity(born, serial, coordination=True)
    assert "samordningsnummer" in kinds("nr " + _format(full, tail, form))


@settings(max_examples=300, deadline=None)
@given(born=dates, serial=st.integers(0, 999), form=st.sampled_from(FORMS), wrong=st.integers(1, 9))
def test_numbers_failing_luhn_are_not_personnummer(
    born: date, serial: int, form: str, wrong: int
) -> None:
    full, tail = _identity(born, serial)
    bad_tail = tail[:3] + str((int(tail[3]) + wrong) % 10)
    found = kinds("nr " + _format(full, bad_tail, form) + " slut")
    assert "personnummer" not in found and "samordningsnummer" not in found


@settings(max_examples=300, deadline=None)
@given(digits=st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_random_ten_digit_numbers_are_personnummer_only_with_valid_luhn(digits: str) -> None:
    found = kinds(f"nr {digits[:6]}-{digits[6:]}")
    if "personnummer" in found or "samordningsnummer" in found:
        assert luhn_ok(digits)


FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%H:%M",
    "%Y",
    "kl %H.%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H.%M",
    "%H.%M-%H.%M",
    "%Y%m%d",
)


@settings(max_examples=400, deadline=None)
@given(
    when=st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2040, 12, 31)),
    fmt=st.sampled_from(FORMATS),
)
def test_dates_times_and_years_are_not_flagged(when: datetime, fmt: str) -> None:
    text = f"Händelsen {when.strftime(fmt)} vid skolan"
    assert find_personal_data(text) == []
