"""Imported rows with a place name or an address but no coordinates are placed from the
partnership's gazetteer; unknown names wait in the review list until placed once by hand."""

from __future__ import annotations

from typing import Any

import pytest
from shapely.geometry import box

from samtrygg.areas import services as area_services
from samtrygg.gazetteer import services as gazetteer
from samtrygg.gazetteer.models import PlacedName
from samtrygg.incidents import placing
from samtrygg.incidents.importing import import_incidents
from samtrygg.incidents.models import Incident
from tests.datafiles import data_file

# A housing company's log: addresses and place names as its staff write them, one row with
# coordinates, and a place nobody knows (twice, spelt two ways).
HOUSING_LOG = (
    "id;kategori;tid;plats;lon;lat;beskrivning\n"
    "1;Skadegörelse/klotter;2024-03-05 14:30;Storgatan 12B;;;Klotter i trapphuset\n"
    "2;Brand;2024-03-05;storg. 12;;;Brand i soprummet\n"
    "3;Otrygg plats;2024-03-06 22:00;Bregarden;;;Grupp vid entrén\n"
    "4;Nedskräpning;2024-03-07;Stoorgatan 10;;;\n"
    "5;Övrigt;2024-03-07;Angsvagen;;;\n"
    "6;Inbrott;2024-03-08;Fritidsgården Myran;;;Källarförråd\n"
    "7;Brand;2024-03-08;fritidsgarden myran;;;\n"
    "8;Brand;2024-03-09 10:00;Torget;14,52;59,33;\n"
)


@pytest.fixture
def tranemo(world: Any) -> Any:
    """Partnership A with Tranemo's streets and addresses and its own known place Bregården."""
    path = data_file("osm/tranemo_extract.geojson")
    gazetteer.import_osm(world.a, path.read_bytes(), path.name)
    area_services.create_drawn_area(
        world.a, "Bregården", box(13.3500, 57.4790, 13.3560, 57.4830), None
    )
    area_services.create_drawn_area(
        world.a, "Storgatan kvarteret", box(13.3400, 57.4855, 13.3440, 57.4875), None
    )
    area_services.create_drawn_area(
        world.a, "Fritidsområdet", box(13.3600, 57.4900, 13.3700, 57.4950), None
    )
    return world


def _import(world: Any, text: str, name: str = "alfahem.csv") -> Any:
    return import_incidents(world.a, world.housing, text.encode(), name)


def test_rows_without_coordinates_get_a_point_and_a_stated_precision(tranemo: Any) -> None:
    summary = _import(tranemo, HOUSING_LOG)
    assert summary.created == 8
    assert summary.placed == {
        "exact": 1, "address": 3, "street": 1, "known_place": 1, "none": 2,
    }  # fmt: skip
    assert summary.as_dict()["to_review"] == 2
    rows = {i.source_id: i for i in Incident.objects.all()}
    assert (rows["1"].lon, rows["1"].lat, rows["1"].precision) == (13.3421, 57.4865, "address")
    assert (rows["2"].lon, rows["2"].lat) == pytest.approx((13.3418, 57.4867))  # Storgatan 12
    assert rows["3"].precision == "known_place"
    assert rows["5"].precision == "street"
    assert rows["6"].lon is None and rows["6"].precision == "none"
    assert rows["8"].precision == "exact" and rows["8"].lon == 14.52


def test_placed_rows_are_counted_in_their_areas(tranemo: Any) -> None:
    _import(tranemo, HOUSING_LOG)
    in_block = Incident.objects.filter(areas__name="Storgatan kvarteret")
    assert sorted(in_block.values_list("source_id", flat=True)) == ["1", "2", "4"]
    assert list(
        Incident.objects.filter(areas__name="Bregården").values_list("source_id", flat=True)
    ) == ["3"]  # noqa: E501
    assert Incident.objects.get(source_id="8").areas.get().name == "Centrum"


def test_the_summary_line_says_how_many_were_placed_at_which_precision(tranemo: Any) -> None:
    line = _import(tranemo, HOUSING_LOG).line("incidents")
    assert line == (
        "incidents: 8 created, 0 unchanged, 0 skipped; placed: 1 exact, 3 address, 1 street, "
        "1 known_place; to review: 2"
    )


def test_unknown_names_are_listed_once_with_their_count(tranemo: Any) -> None:
    _import(tranemo, HOUSING_LOG)
    (waiting,) = placing.unplaced_names(tranemo.a)
    assert (waiting.normalised, waiting.count) == ("fritidsgarden myran", 2)
    assert waiting.name in ("Fritidsgården Myran", "fritidsgarden myran")


def test_a_name_placed_by_hand_places_its_incidents_and_the_next_import(tranemo: Any) -> None:
    _import(tranemo, HOUSING_LOG)
    placed = placing.place_by_hand(
        tranemo.a, "Fritidsgården Myran", 13.365, 57.492, tranemo.users["coordinator"]
    )
    assert placed == 2
    both = Incident.objects.filter(source_id__in=["6", "7"])
    assert {(i.lon, i.lat, i.precision) for i in both} == {(13.365, 57.492, "known_place")}
    assert all(i.areas.get().name == "Fritidsområdet" for i in both)
    assert placing.unplaced_names(tranemo.a) == []
    assert PlacedName.objects.get().placed_by == tranemo.users["coordinator"]
    # Next week's log uses the name again, in yet another spelling: it is placed at once.
    summary = _import(
        tranemo,
        "id;kategori;tid;plats\n9;Brand;2024-03-15;FRITIDSGÅRDEN MYRAN\n",
        "alfahem-v11.csv",
    )
    assert summary.placed == {"known_place": 1}
    assert Incident.objects.get(source_id="9").areas.get().name == "Fritidsområdet"


def test_without_a_gazetteer_rows_with_only_a_place_wait_for_review(world: Any) -> None:
    summary = _import(world, "id;kategori;tid;plats\n1;Brand;2024-03-05;Storgatan 12B\n")
    assert summary.placed == {"none": 1}
    assert [u.count for u in placing.unplaced_names(world.a)] == [1]


def test_a_gazetteer_import_replaces_the_previous_extract_and_keeps_hand_entries(
    tranemo: Any,
) -> None:
    gazetteer.add_known_place(tranemo.a, "Bregårn", 13.353, 57.481)
    before = gazetteer.summary(tranemo.a)
    path = data_file("osm/tranemo_extract.gpkg")
    gazetteer.import_osm(tranemo.a, path.read_bytes(), path.name)
    assert gazetteer.summary(tranemo.a) == before
    assert before["addresses"] == 9 and before["streets"] == 4 and before["known_places"] == 1
    # The alias places a row too.
    summary = _import(tranemo, "id;kategori;tid;plats\n1;Brand;2024-03-05;Bregårn\n")
    assert summary.placed == {"known_place": 1}
