"""The lägesbild compares with reference data: stored figures, drafted sentence, sources."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from samtrygg.areas import services as area_services
from samtrygg.lagesbild import drafting
from samtrygg.reference.models import ReferenceSeries
from samtrygg.reference.services import import_reference
from tests.conftest import World
from tests.reference_data.helpers import KARLSKOGA, kolada_answer


@pytest.fixture
def english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def karlskoga(world: World) -> World:
    area_services.set_municipalities(world.a, ["1883"], None)
    return world


def test_the_draft_stores_the_values_of_the_municipality_county_and_country(
    karlskoga: World, english: Any
) -> None:
    # A value from another municipality and one after the lägesbild year are left out.
    values = {**KARLSKOGA, ("1862", 2024): 5.0, ("1883", 2027): 99.0}
    import_reference(karlskoga.a, kolada_answer(values), "a.json", "kolada", None, name="Våld")
    doc = drafting.start_lagesbild(karlskoga.a, 2026, None)
    ref = doc.figures["reference"]
    [series] = ref["series"]
    assert series["years"] == [2022, 2023, 2024]
    assert [(r["code"], r["values"]) for r in series["regions"]] == [
        ("1883", [1100.0, 1200.5, 1250.0]),
        ("18", [None, 1000.0, 1010.0]),
        ("00", [None, 950.0, 980.0]),
    ]


def test_the_extent_text_compares_in_plain_words(karlskoga: World, english: Any) -> None:
    import_reference(
        karlskoga.a, kolada_answer(KARLSKOGA), "a.json", "kolada", None, name="reported violence"
    )
    doc = drafting.start_lagesbild(karlskoga.a, 2026, None)
    assert (
        "According to Kolada (N07403, reported violence), Karlskoga was at 1250 in 2024, "
        "against 1010 in Örebro län and 980 in the whole country. The year before (2023): 1200.5."
    ) in doc.extent


def test_only_the_last_five_years_up_to_the_year_are_compared(
    karlskoga: World, english: Any
) -> None:
    values = {("1883", y): float(y) for y in range(2015, 2027)}
    import_reference(karlskoga.a, kolada_answer(values), "a.json", "kolada", None)
    doc = drafting.start_lagesbild(karlskoga.a, 2024, None)
    assert doc.figures["reference"]["series"][0]["years"] == [2020, 2021, 2022, 2023, 2024]


def test_the_source_inventory_proposes_each_series(karlskoga: World, english: Any) -> None:
    import_reference(karlskoga.a, kolada_answer(KARLSKOGA), "a.json", "kolada", None, name="V")
    doc = drafting.start_lagesbild(karlskoga.a, 2026, None)
    [entry] = doc.sources.all()
    assert entry.used and entry.name == "Kolada: N07403, V"
    assert "2022–2024" in entry.reason


def test_without_reference_data_the_draft_says_so_and_links_the_import(
    karlskoga: World, client_for: Any, english: Any
) -> None:
    doc = drafting.start_lagesbild(karlskoga.a, 2026, None)
    assert doc.figures["reference"] == {"year": 2026, "series": [], "imported": False}
    assert not doc.sources.exists()
    assert "Comparison with reference data" not in doc.extent
    html = (
        client_for("coordinator")
        .get(reverse("lagesbild-detail", args=["alfa", doc.pk]))
        .content.decode()
    )
    # The page is in Swedish, the interface's default language.
    assert "Inga referensdata (Kolada, Brå) hade importerats" in html
    assert reverse("reference-import", args=["alfa"]) in html


def test_the_stored_comparison_survives_deleting_the_series(
    karlskoga: World, client_for: Any, english: Any
) -> None:
    import_reference(karlskoga.a, kolada_answer(KARLSKOGA), "a.json", "kolada", None, name="V")
    doc = drafting.start_lagesbild(karlskoga.a, 2026, None)
    ReferenceSeries.objects.all().delete()
    for name in ("lagesbild-detail", "lagesbild-print"):
        # Viewers read adopted documents only; the coordinator reads the draft.
        html = client_for("coordinator").get(reverse(name, args=["alfa", doc.pk]))
        text = html.content.decode()
        assert "Kolada: N07403, V" in text and "1250" in text


def test_example_data_are_labelled_as_such(karlskoga: World, english: Any) -> None:
    import_reference(
        karlskoga.a, kolada_answer(KARLSKOGA), "a.json", "kolada", None, is_example=True
    )
    doc = drafting.start_lagesbild(karlskoga.a, 2026, None)
    assert "Example data, not real figures: According to Kolada" in doc.extent
