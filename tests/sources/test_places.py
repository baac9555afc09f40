"""Matching partners' place names and addresses (samtrygg.sources.places)."""

from __future__ import annotations

import pytest

from samtrygg.sources.places import (
    GazetteerEntry,
    PlaceMatcher,
    normalise_name,
    split_house_number,
)

ENTRIES = [
    GazetteerEntry("Bregården", 13.3530, 57.4810, "known_place"),
    GazetteerEntry("Tranemo", 13.35, 57.49, "municipality"),
    GazetteerEntry("Storgatan", 13.3440, 57.4863, "street"),
    GazetteerEntry("Storgatan 10", 13.3412, 57.4863, "address"),
    GazetteerEntry("Storgatan 12", 13.3418, 57.4867, "address"),
    GazetteerEntry("Storgatan 12B", 13.3421, 57.4865, "address"),
    GazetteerEntry("Ängsvägen", 13.3485, 57.4905, "street"),
    GazetteerEntry("Ängsvägen 5A", 13.3481, 57.4899, "address"),
    GazetteerEntry("Sankt Olofs gata", 13.3425, 57.4838, "street"),
    GazetteerEntry("Järnvägsgatan", 13.3468, 57.4847, "street"),
    GazetteerEntry("Torggatan", 13.3500, 57.4870, "street"),
    GazetteerEntry("Torpgatan", 13.3300, 57.4700, "street"),
]


@pytest.fixture(scope="module")
def matcher() -> PlaceMatcher:
    return PlaceMatcher(ENTRIES)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Storgatan 12B", "storgatan 12b"),
        ("STORGATAN 12 b", "storgatan 12b"),
        ("storg. 12", "storgatan 12"),
        ("Ängsv. 5a", "angsvagen 5a"),
        ("Stationspl.", "stationsplatsen"),
        ("S:t Olofs gata", "sankt olofs gata"),
        ("Storgatan 10, 514 30 Tranemo", "storgatan 10"),
        ("  Bregården  ", "bregarden"),
        ("", ""),
    ],
)
def test_names_are_normalised_for_matching(written: str, expected: str) -> None:
    assert normalise_name(written) == expected


def test_house_numbers_with_letters_are_split_from_the_street() -> None:
    assert split_house_number("storgatan 12b") == ("storgatan", "12b")
    assert split_house_number("sankt olofs gata 3") == ("sankt olofs gata", "3")
    # A name that ends in digits only as part of a word has no house number.
    assert split_house_number("e4") == ("e4", "")


@pytest.mark.parametrize(
    ("written", "name", "precision"),
    [
        # The partnership's own place, in ASCII and in capitals.
        ("Bregården", "Bregården", "known_place"),
        ("Bregarden", "Bregården", "known_place"),
        ("BREGÅRDEN", "Bregården", "known_place"),
        # Addresses, with letters, abbreviations and ASCII.
        ("Storgatan 12B", "Storgatan 12B", "address"),
        ("storgatan 12 b", "Storgatan 12B", "address"),
        ("storg. 12", "Storgatan 12", "address"),
        ("Storg. 10", "Storgatan 10", "address"),
        ("Angsvagen 5A", "Ängsvägen 5A", "address"),
        ("Ängsv. 5 A", "Ängsvägen 5A", "address"),
        # Hand-made spelling errors.
        ("Storgtan 12B", "Storgatan 12B", "address"),
        ("Stoorgatan 10", "Storgatan 10", "address"),
        ("Jarnvagsgtan", "Järnvägsgatan", "street"),
        ("Bregårdn", "Bregården", "known_place"),
        ("St. Olofs gata", "Sankt Olofs gata", "street"),
        # A number the gazetteer does not hold: the street is still known.
        ("Storgatan 40", "Storgatan", "street"),
        # 12C where only 12 is known is the same building.
        ("Storgatan 12C", "Storgatan 12", "address"),
        ("Tranemo", "Tranemo", "municipality"),
    ],
)
def test_partner_spellings_are_matched_with_their_precision(
    matcher: PlaceMatcher, written: str, name: str, precision: str
) -> None:
    found = matcher.match(written)
    assert found is not None, written
    assert (found.entry.name, found.precision) == (name, precision)


def test_an_unknown_name_is_not_matched(matcher: PlaceMatcher) -> None:
    assert matcher.match("Fritidsgården Myran") is None
    assert matcher.match("Okändgatan 4") is None
    assert matcher.match("") is None


def test_a_misspelling_equally_close_to_two_streets_is_not_guessed(matcher: PlaceMatcher) -> None:
    # "Torkgatan" is one letter from both Torggatan and Torpgatan: asking beats guessing wrong.
    assert matcher.match("Torkgatan") is None
    assert matcher.match("Torggatan").entry.name == "Torggatan"  # type: ignore[union-attr]


def test_a_stricter_cutoff_refuses_larger_errors() -> None:
    strict = PlaceMatcher(ENTRIES, cutoff=97)
    assert strict.match("Storgtan 12B") is None
    assert strict.match("Storgatan 12B") is not None


def test_a_known_place_wins_over_a_street_of_the_same_name() -> None:
    matcher = PlaceMatcher(
        [
            GazetteerEntry("Parken", 1.0, 1.0, "street"),
            GazetteerEntry("Parken", 2.0, 2.0, "known_place"),
        ]
    )
    assert matcher.match("parken").lon == 2.0  # type: ignore[union-attr]


def test_a_street_known_only_from_its_addresses_gets_their_middle() -> None:
    matcher = PlaceMatcher(
        [
            GazetteerEntry("Ågatan 1", 13.0, 57.0, "address"),
            GazetteerEntry("Ågatan 3", 13.2, 57.2, "address"),
        ]
    )
    found = matcher.match("Agatan 99")
    assert found is not None and found.precision == "street"
    assert (found.lon, found.lat) == pytest.approx((13.1, 57.1))


def test_many_names_are_matched_in_order(matcher: PlaceMatcher) -> None:
    found = matcher.match_many(["Bregarden", None, "Okänd", "storg. 12"])
    assert [f.entry.name if f else None for f in found] == [
        "Bregården", None, None, "Storgatan 12",
    ]  # fmt: skip


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="precision"):
        GazetteerEntry("X", 0.0, 0.0, "exact")
    with pytest.raises(ValueError, match="cutoff"):
        PlaceMatcher([], cutoff=0)
