"""``samtrygg import incidents``: the summary line, ``--format json``, exit codes, bad input."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from samtrygg.cli import main
from samtrygg.incidents.models import ImportBatch, Incident

HEADER = "id;category;time;lon;lat;place;assessment;description\n"
GOOD = HEADER + (
    "1;Brand;2024-03-05 14:30;14,52;59,33;Torget;2;Papperskorg brann\n"
    "2;Skadegörelse/klotter;2024-03-06 22:10;14,51;59,335;Skolgården;3;Klotter på vägg\n"
    "3;Otrygg plats;2024-03-07;14,515;59,331;Parken;1;\n"
)
KEYS = {
    "created",
    "unchanged",
    "skipped",
    "skipped_reasons",
    "errors",
    "encoding",
    "unmapped",
    "placed",
    "to_review",
}


def _file(tmp_path: Path, content: str | bytes, name: str = "logg.csv") -> str:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def _run(capsys: Any, *args: str, fmt: str = "json") -> tuple[int, Any]:
    code = main(["import", "incidents", *args, "--partnership", "alfa", "--organisation",
                 "alfaskolan", "--format", fmt])  # fmt: skip
    out = capsys.readouterr().out
    if fmt == "json":
        lines = out.strip().splitlines()
        assert len(lines) == 1, f"expected one JSON object, got {out!r}"
        result = json.loads(lines[0])
        assert set(result) == KEYS
        return code, result
    return code, out


def _assert_nothing_saved() -> None:
    assert Incident.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_import_prints_a_one_line_summary_and_exits_0(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    code, out = _run(capsys, _file(tmp_path, GOOD), fmt="text")
    assert code == 0
    assert out == "incidents: 3 created, 0 unchanged, 0 skipped; placed: 3 exact; to review: 0\n"
    incidents = Incident.objects.filter(partnership=world.a, organisation=world.school)
    assert incidents.count() == 3
    brand = incidents.get(source_id="1")
    assert (brand.category.name, brand.lon, brand.lat, brand.place, brand.assessment) == (
        "brand", 14.52, 59.33, "Torget", 2,
    )  # fmt: skip
    assert brand.occurred_from.isoformat() == "2024-03-05T13:30:00+00:00"  # 14:30 Swedish time
    # The point lies in the drawn area Centrum, so the incident counts there.
    assert list(brand.areas.values_list("name", flat=True)) == ["Centrum"]
    assert incidents.get(source_id="3").time_band == "unknown"  # a date without a time


def test_json_summary_has_the_documented_keys(world: Any, tmp_path: Path, capsys: Any) -> None:
    code, result = _run(capsys, _file(tmp_path, GOOD + ";;;;;;;\n"))
    assert code == 0
    assert result == {
        "created": 3,
        "unchanged": 0,
        "skipped": 1,
        "skipped_reasons": {"blank row": 1},
        "errors": [],
        "encoding": "UTF-8",
        "unmapped": [],
        "placed": {"exact": 3},
        "to_review": 0,
    }


def test_a_csv_with_one_bad_row_imports_nothing_and_names_the_row(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    bad = GOOD.replace("2;Skadegörelse/klotter;2024-03-06 22:10", "2;Skadegörelse/klotter;6 mars")
    code, result = _run(capsys, _file(tmp_path, bad))
    assert code == 2
    assert result["created"] == 0
    (error,) = result["errors"]
    assert (error["row"], error["field"]) == (3, "time")
    assert "'6 mars'" in error["message"]
    _assert_nothing_saved()


def test_errors_are_listed_in_the_text_summary(world: Any, tmp_path: Path, capsys: Any) -> None:
    bad = GOOD.replace("1;Brand", "1;Bränder")
    code, out = _run(capsys, _file(tmp_path, bad), fmt="text")
    assert code == 2
    lines = out.splitlines()
    assert lines[0] == "incidents: 0 created, 0 unchanged, 0 skipped"
    assert lines[1].startswith("  row 2, category: The category 'Bränder' is not one of")
    _assert_nothing_saved()


def test_reimporting_the_same_file_adds_nothing(world: Any, tmp_path: Path, capsys: Any) -> None:
    path = _file(tmp_path, GOOD)
    assert _run(capsys, path)[1]["created"] == 3
    code, result = _run(capsys, path)
    assert code == 0
    assert (result["created"], result["unchanged"]) == (0, 3)
    assert Incident.objects.count() == 3
    assert ImportBatch.objects.count() == 2


def test_each_import_owns_its_rows_and_links_only_them(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    from samtrygg.incidents.models import IncidentArea

    _run(capsys, _file(tmp_path, GOOD))
    first = ImportBatch.objects.get()
    # An incident saved between the imports belongs to neither.
    other = Incident.objects.create(
        partnership=world.a, organisation=world.kommun, category=first.incidents.first().category,
        occurred_from=first.incidents.first().occurred_from,
        occurred_to=first.incidents.first().occurred_to, lon=14.52, lat=59.33,
    )  # fmt: skip
    more = GOOD.replace("1;Brand", "4;Brand").replace("2;Skad", "5;Skad").replace("3;Otr", "6;Otr")
    _run(capsys, _file(tmp_path, more, "logg2.csv"))
    second = ImportBatch.objects.exclude(pk=first.pk).get()
    assert sorted(first.incidents.values_list("source_id", flat=True)) == ["1", "2", "3"]
    assert sorted(second.incidents.values_list("source_id", flat=True)) == ["4", "5", "6"]
    assert second.created == 3
    linked = set(IncidentArea.objects.values_list("incident_id", flat=True))
    assert linked == set(
        Incident.objects.filter(import_batch__isnull=False).values_list("pk", flat=True)
    )
    assert other.pk not in linked  # never linked by an import; its own saving would link it


def test_a_file_without_ids_is_idempotent_on_the_content_hash(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    text = "kategori;tid;plats\nBrand;2024-03-05 14:30;Torget\nInbrott;2024-03-06 02:00;Skolan\n"
    path = _file(tmp_path, text)
    assert _run(capsys, path)[1]["created"] == 2
    assert _run(capsys, path)[1] == {
        "created": 0, "unchanged": 2, "skipped": 0, "skipped_reasons": {}, "errors": [],
        "encoding": "UTF-8", "unmapped": [], "placed": {}, "to_review": 0,
    }  # fmt: skip
    ids = list(Incident.objects.values_list("source_id", flat=True))
    assert len(ids) == 2 and all(i.startswith("h:") for i in ids)
    # A changed row is different content: it is a new incident; the unchanged row is not.
    edited = _file(tmp_path, text.replace("Torget", "Torget norra"), "logg2.csv")
    assert _run(capsys, edited)[1]["created"] == 1
    assert Incident.objects.count() == 3


def test_semicolons_commas_bom_and_decimal_commas_are_read(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    comma = '\ufeffid,category,time,lon,lat\n1,Brand,2024-03-05 14:30,"14,52","59,33"\n'
    code, result = _run(capsys, _file(tmp_path, comma))
    assert (code, result["created"]) == (0, 1)
    assert Incident.objects.get().lon == 14.52


@pytest.mark.parametrize(
    ("replace", "row", "field", "words"),
    [
        ("3;Otrygg plats", 4, "category", "not one of the partnership's categories"),
        ("2024-03-07", 4, "time", "lies in the future"),
        ("14,515;59,331", 4, "lon", "outside the partnership's area"),
        (";1;\n", 4, "assessment", "whole number from 1 to 4"),
        ("Papperskorg brann", 2, "description", "contains a personal identity number"),
    ],
    ids=["unknown category", "future time", "outside the area", "assessment", "personnummer"],
)
def test_bad_values_name_the_row_and_field_and_nothing_is_saved(
    world: Any, tmp_path: Path, capsys: Any, replace: str, row: int, field: str, words: str
) -> None:
    from samtrygg.areas.services import set_municipalities

    set_municipalities(world.a, ["1883"], None)  # Karlskoga: the points of GOOD lie in it.
    replacement = {
        "3;Otrygg plats": "3;Fotboll",
        "2024-03-07": "2099-03-07",
        "14,515;59,331": "18,07;59,33",  # Stockholm
        ";1;\n": ";7;\n",
        "Papperskorg brann": "Eleven 19121212-1212 tände eld",
    }[replace]
    code, result = _run(capsys, _file(tmp_path, GOOD.replace(replace, replacement)))
    assert code == 2
    (error,) = result["errors"]
    assert (error["row"], error["field"]) == (row, field)
    assert words in error["message"]
    _assert_nothing_saved()


def test_a_windows_1252_file_from_swedish_excel_is_imported(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    # As "CSV (semikolonavgränsad)" from Excel on a Swedish Windows: Windows-1252, CRLF.
    text = (
        "Löpnummer;Kategori;Tidpunkt;Longitud;Latitud;Plats;Beskrivning\r\n"
        "H-101;Skadegörelse/klotter;2025-02-03 07:45;14,5124;59,3302;Bregården, port 3;"
        "Klotter på dörren – sanerat\r\n"
        "H-102;Belysning/mörk plats;2025-02-04 18:20;14,5131;59,3309;Ängsvägen 12;"
        "Trasig lampa vid gångvägen\r\n"
        "H-103;Övrigt;2025-02-05;14,5120;59,3315;Östra Torget;Övergiven cykel i förrådet\r\n"
    )
    code, out = _run(capsys, _file(tmp_path, text.encode("cp1252")), fmt="text")
    assert code == 0
    assert out == (
        "incidents: 3 created, 0 unchanged, 0 skipped; placed: 3 exact; to review: 0; "
        "read as Windows-1252\n"
    )
    rows = {i.source_id: i for i in Incident.objects.filter(organisation=world.school)}
    assert rows["H-101"].place == "Bregården, port 3"
    assert rows["H-102"].category.name == "belysning/mörk plats"
    assert rows["H-103"].description == "Övergiven cykel i förrådet"
    assert ImportBatch.objects.get().details["encoding"] == "Windows-1252"
    # The same file saved as "CSV UTF-8" is the same content: nothing new, read as UTF-8.
    code, result = _run(capsys, _file(tmp_path, "\ufeff" + text, "utf8.csv"))
    assert (code, result["unchanged"], result["encoding"]) == (0, 3, "UTF-8 (with BOM)")


def test_a_file_in_no_known_encoding_names_the_row(world: Any, tmp_path: Path, capsys: Any) -> None:
    garbled = GOOD.encode() + b"4;Brand;2024-03-08;14,5;59,3;" + bytes(range(128, 256)) * 4
    code, result = _run(capsys, _file(tmp_path, garbled))
    assert code == 2
    (error,) = result["errors"]
    assert error["row"] == 5
    assert "UTF-8" in error["message"]
    _assert_nothing_saved()


def test_missing_columns_are_named(world: Any, tmp_path: Path, capsys: Any) -> None:
    code, result = _run(capsys, _file(tmp_path, "category;place\nBrand;Torget\n"))
    assert code == 2
    assert [(e["row"], e["field"]) for e in result["errors"]] == [(1, "time")]
    assert "The column 'time' is missing" in result["errors"][0]["message"]
    _assert_nothing_saved()


def _xlsx(rows: list[list[Any]], merge: str | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_an_excel_file_with_merged_header_cells_is_refused(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    data = _xlsx([["Händelse", None, "time"], ["Brand", "x", "2024-03-05 14:30"]], merge="A1:B1")
    code, result = _run(capsys, _file(tmp_path, data, "logg.xlsx"))
    assert code == 2
    (error,) = result["errors"]
    assert "merged cells (A1:B1)" in error["message"]
    _assert_nothing_saved()


def test_an_excel_file_is_imported(world: Any, tmp_path: Path, capsys: Any) -> None:
    data = _xlsx(
        [
            ["id", "category", "time", "lon", "lat", "place", "assessment"],
            [1, "Brand", datetime(2024, 3, 5, 14, 30), 14.52, 59.33, "Torget", 2],
            [2, "inbrott", "2024-03-06 02:00", 14.51, 59.335, "Skolan", None],
        ]
    )
    path = _file(tmp_path, data, "logg.xlsx")
    code, result = _run(capsys, path)
    assert (code, result["created"]) == (0, 2)
    brand = Incident.objects.get(source_id="1")
    assert (brand.lon, brand.assessment, brand.occurred_from.isoformat()) == (
        14.52, 2, "2024-03-05T13:30:00+00:00",
    )  # fmt: skip
    assert _run(capsys, path)[1]["unchanged"] == 2


def test_a_mapping_file_names_other_columns(world: Any, tmp_path: Path, capsys: Any) -> None:
    text = "Nr;Händelse;När;X;Y;Var\n7;Brand;2024-03-05 14:30;14,52;59,33;Torget\n"
    mapping = {
        "id": "Nr",
        "category": "Händelse",
        "time": "När",
        "lon": "X",
        "lat": "Y",
        "place": "Var",
    }
    mapping_file = _file(tmp_path, json.dumps(mapping), "mapping.json")
    path = _file(tmp_path, text)
    code, result = _run(capsys, path, "--mapping", mapping_file)
    assert (code, result["created"]) == (0, 1)
    assert Incident.objects.get().source_id == "7"
    # Without the mapping the file lacks the time column.
    code, result = _run(capsys, path)
    assert code == 2 and {"category", "time"} <= {e["field"] for e in result["errors"]}


def test_a_mapping_naming_a_column_the_file_lacks_is_an_error(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    mapping_file = _file(tmp_path, json.dumps({"time": "Datum och tid"}), "mapping.json")
    code, result = _run(capsys, _file(tmp_path, GOOD), "--mapping", mapping_file)
    assert code == 2
    assert result["errors"][0]["field"] == "Datum och tid"
    _assert_nothing_saved()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--mapping", "BROKEN"], "is not valid JSON"),
        (["--mapping", "LIST"], "must hold a JSON object"),
        (["--mapping", "UNKNOWN_KEY"], "names unknown fields ['när']; its keys must be among id,"),
        (["--mapping", "NOT_TEXT"], "must be column names in quotes"),
    ],
    ids=["broken json", "not an object", "unknown field", "column not text"],
)
def test_a_bad_mapping_file_is_explained(
    world: Any, tmp_path: Path, capsys: Any, args: list[str], words: str
) -> None:
    contents = {
        "BROKEN": "{time: När",
        "LIST": '["time"]',
        "UNKNOWN_KEY": '{"när": "time"}',
        "NOT_TEXT": '{"time": 3}',
    }
    mapping = _file(tmp_path, contents[args[1]], "mapping.json")
    code = main(["import", "incidents", _file(tmp_path, GOOD), "--partnership", "alfa",
                 "--organisation", "alfaskolan", "--mapping", mapping])  # fmt: skip
    assert code == 2
    assert words in capsys.readouterr().err
    _assert_nothing_saved()


@pytest.mark.parametrize(
    ("partnership", "organisation", "file", "words"),
    [
        ("gamma", "alfaskolan", "logg.csv", "There is no partnership 'gamma'"),
        ("alfa", "betaskolan", "logg.csv", "choose one of: alfa-kommun, alfahem, alfaskolan"),
        ("alfa", "alfaskolan", "saknas.csv", "does not exist"),
    ],
)
def test_wrong_arguments_are_explained(
    world: Any,
    tmp_path: Path,
    capsys: Any,
    partnership: str,
    organisation: str,
    file: str,
    words: str,
) -> None:
    _file(tmp_path, GOOD)
    code = main(["import", "incidents", str(tmp_path / file), "--partnership", partnership,
                 "--organisation", organisation])  # fmt: skip
    assert code == 2
    assert words in capsys.readouterr().err


def test_a_refused_command_still_prints_one_json_object(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    code = main(["import", "incidents", _file(tmp_path, GOOD), "--partnership", "gamma",
                 "--organisation", "alfaskolan", "--format", "json"])  # fmt: skip
    assert code == 2
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["created"] == 0
    assert result["errors"] == [
        {
            "row": None,
            "field": None,
            "message": "There is no partnership 'gamma'; check the short name.",
        }
    ]
    assert "There is no partnership 'gamma'" in captured.err
