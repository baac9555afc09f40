"""``samtrygg import incidents`` with a partner's own words for categories and assessments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from samtrygg.cli import main
from samtrygg.incidents.models import ColumnMapping, ImportBatch, Incident

# A housing company's log as its system exports it and Swedish Excel saves it: Windows-1252,
# semicolons, CRLF, its own column names and its own words for what happened.
ALFAHEM = (
    "Ärendenr;Händelsetyp;Datum;Tid;Adress;Allvarlighet;Notering;Delas med\r\n"
    "AH-2025-0113;Klotter;2025-01-13;07:40;Bregårdsvägen 12;Låg;Tags på källardörren;Samverkan\r\n"
    "AH-2025-0117;Brand i sopkärl;2025-01-17;21:15;Ängsvägen 4;Hög;Räddningstjänsten släckte;"
    "Internt\r\n"
    "AH-2025-0121;Klotter;2025-01-21;08:05;Östra torget 2;Låg;Klotter i trapphus B;Samverkan\r\n"
    "AH-2025-0130;Nedskräpning;2025-01-30;10:30;Bregårdsvägen 14;Medel;Grovsopor i förrådet;"
    "Samverkan\r\n"
    "AH-2025-0202;Mopedåkning;2025-02-02;22:50;Gångvägen vid Åvallen;Medel;Mopeder på gångväg;"
    "Internt\r\n"
)
COLUMNS = {"id": "Ärendenr", "category": "Händelsetyp", "time": "Datum", "place": "Adress",
           "assessment": "Allvarlighet", "description": "Notering",
           "sharing": "Delas med"}  # fmt: skip


def _write(tmp_path: Path, name: str, content: bytes | str) -> str:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def _run(capsys: Any, *args: str, fmt: str = "json") -> tuple[int, Any]:
    code = main(["import", "incidents", *args, "--partnership", "alfa", "--organisation",
                 "alfahem", "--format", fmt])  # fmt: skip
    out = capsys.readouterr().out
    return code, json.loads(out) if fmt == "json" else out


def test_unmapped_words_are_named_with_their_rows_and_suggestions(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    data = _write(tmp_path, "alfahem.csv", ALFAHEM.encode("cp1252"))
    mapping = _write(tmp_path, "kolumner.json", json.dumps(COLUMNS))
    code, result = _run(capsys, data, "--mapping", mapping)
    assert code == 2
    assert Incident.objects.count() == 0 and ImportBatch.objects.count() == 0
    by_value = {(u["field"], u["value"]): u for u in result["unmapped"]}
    assert by_value[("category", "Klotter")]["rows"] == [2, 4]
    assert by_value[("category", "Klotter")]["suggestions"][0] == "skadegörelse/klotter"
    assert by_value[("category", "Brand i sopkärl")]["suggestions"][0] == "brand"
    # "Nedskräpning" is the partnership's "nedskräpning" but for the case: nothing to map.
    assert ("category", "Nedskräpning") not in by_value
    assert by_value[("category", "Mopedåkning")]["rows"] == [6]
    assert by_value[("assessment", "Låg")]["rows"] == [2, 4]
    assert by_value[("assessment", "Hög")]["suggestions"] == []
    assert by_value[("sharing", "Internt")]["rows"] == [3, 6]  # "Samverkan" is known
    # Every refused row is named in the errors too, with the suggestion.
    klotter = [e for e in result["errors"] if "'Klotter'" in e["message"]]
    assert [e["row"] for e in klotter] == [2, 4]
    assert "perhaps 'skadegörelse/klotter'" in klotter[0]["message"]

    code, text = _run(capsys, data, "--mapping", mapping, fmt="text")
    assert code == 2
    assert "category 'Klotter' (rows 2, 4) is not mapped; suggested: 'skadegörelse/klotter'" in text


def test_confirmed_words_import_the_file_and_are_applied_next_time(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    data = _write(tmp_path, "alfahem.csv", ALFAHEM.encode("cp1252"))
    mapping = _write(tmp_path, "kolumner.json", json.dumps(COLUMNS))
    words = {
        "category": {"Klotter": "skadegörelse/klotter", "Brand i sopkärl": "brand",
                     "NEDSKRÄPNING": "nedskräpning", "Mopedåkning": "buskörning"},
        "assessment": {"Låg": "1", "Medel": "2", "Hög": "4"},
        "sharing": {"Internt": "organisation"},
    }  # fmt: skip
    values = _write(tmp_path, "ord.json", json.dumps(words, ensure_ascii=False))
    code, result = _run(capsys, data, "--mapping", mapping, "--values", values)
    assert code == 0, result
    assert (result["created"], result["encoding"]) == (5, "Windows-1252")
    rows = {i.source_id: i for i in Incident.objects.select_related("category")}
    assert rows["AH-2025-0113"].category.name == "skadegörelse/klotter"
    assert rows["AH-2025-0117"].category.name == "brand"
    assert rows["AH-2025-0117"].assessment == 4
    assert rows["AH-2025-0202"].category.name == "buskörning"
    assert rows["AH-2025-0202"].place == "Gångvägen vid Åvallen"
    assert (rows["AH-2025-0113"].sharing, rows["AH-2025-0117"].sharing) == (
        "partnership", "organisation",
    )  # fmt: skip
    saved = ColumnMapping.objects.get(organisation=world.housing).values
    assert set(saved["category"]) == {"klotter", "brand i sopkärl", "nedskräpning", "mopedåkning"}

    # Next month's file uses the same words and needs no values file.
    february = ALFAHEM.replace("AH-2025-01", "AH-2025-03").replace("AH-2025-02", "AH-2025-04")
    code, result = _run(capsys, _write(tmp_path, "mars.csv", february.encode("cp1252")),
                        "--mapping", mapping)  # fmt: skip
    assert code == 0, result
    assert result["created"] == 5
    assert Incident.objects.filter(category__name="skadegörelse/klotter").count() == 4


def test_a_bad_values_file_is_explained(world: Any, tmp_path: Path, capsys: Any) -> None:
    data = _write(tmp_path, "alfahem.csv", ALFAHEM.encode("cp1252"))
    bad = _write(tmp_path, "ord.json", json.dumps({"kategori": {"Klotter": "brand"}}))
    code = main(["import", "incidents", data, "--partnership", "alfa", "--organisation",
                 "alfahem", "--values", bad])  # fmt: skip
    assert code == 2
    assert "must be among category, assessment, sharing" in capsys.readouterr().err
