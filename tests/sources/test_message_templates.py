"""The readers' problems carry their template and parameters, so the web can translate them."""

from __future__ import annotations

import json

import pytest

from samtrygg.sources import geodata, kolada, tabular
from samtrygg.sources.errors import Listing, RowError, SourceError, Term, gettext_noop
from samtrygg.sources.personal_data import PersonalDataRowError

CATEGORIES = ["brand", "inbrott"]


def _problems(text: str, **kwargs: object) -> list[RowError]:
    with pytest.raises(SourceError) as caught:
        tabular.read_incidents(text.encode(), "logg.csv", categories=CATEGORIES, **kwargs)
    return caught.value.errors


def test_a_message_is_its_template_filled_with_its_parameters() -> None:
    error = RowError(
        3, "tid", gettext_noop("The time %(value)r is no date."), params={"value": "x"}
    )
    assert error.message == "The time 'x' is no date."
    assert error.template == "The time %(value)r is no date."
    assert str(error) == "Row 3, column 'tid': The time 'x' is no date."
    plain = RowError(None, None, "The file is empty.")
    assert plain.message == plain.template == "The file is empty."


def test_every_problem_of_a_bad_file_keeps_its_template_and_parameters() -> None:
    text = (
        "id;category;time;lon;lat;place\n"
        "1;Brand;2024-03-77;14,5;59,3;Torget\n"
        "2;Okänd;2024-03-05;x;59,3;Torget\n"
        "1;Inbrott;2024-03-05;14,5;95;Torget\n"
    )
    errors = _problems(text)
    assert len(errors) >= 4
    for error in errors:
        assert error.params is not None
        assert error.template % dict(error.params) == error.message
        assert error.template != error.message  # the value is not baked into the template


def test_a_row_without_location_is_refused_when_the_file_has_no_place_column() -> None:
    text = "category;time;lon;lat\nBrand;2024-03-05;14,5;59,3\nBrand;2024-03-06;;\n"
    errors = _problems(text)
    assert [(e.row, e.field) for e in errors] == [(3, "place")]
    assert isinstance(errors[0].field, Term)  # our field, which the web names in Swedish
    assert "has no location" in errors[0].message


def test_personal_data_is_described_from_its_findings() -> None:
    text = "category;time;place\nBrand;2024-03-05;Ring 070-123 45 67\n"
    (error,) = _problems(text)
    assert isinstance(error, PersonalDataRowError)
    assert [f.kind for f in error.findings] == ["phone"]
    assert error.message.startswith("The text contains a phone number")


def test_words_of_ours_inside_a_message_are_terms() -> None:
    fc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}}]}
    with pytest.raises(SourceError) as caught:
        geodata.read_areas(json.dumps(fc).encode(), "a.geojson", name_field="namn")
    fields = {e.field for e in caught.value.errors}
    assert "namn" in fields
    with pytest.raises(SourceError) as empty:
        kolada.read_kolada(b"")
    (error,) = empty.value.errors
    assert error.params is not None and isinstance(error.params["hint"], Term)
    listing = Listing(["year", Term("count or per_100k")])
    assert listing == "year, count or per_100k" and listing.items[1] == "count or per_100k"
