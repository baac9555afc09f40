"""``samtrygg import gazetteer FILE --partnership SLUG``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from samtrygg.cli import main
from samtrygg.gazetteer.models import Entry
from tests.datafiles import data_file


def test_the_command_imports_an_extract_and_prints_a_summary(world: Any, capsys: Any) -> None:
    path = str(data_file("osm/tranemo_extract.geojson"))
    assert main(["import", "gazetteer", path, "--partnership", "alfa"]) == 0
    assert capsys.readouterr().out == (
        "gazetteer: 9 addresses, 4 streets (4 other features skipped)\n"
    )
    assert Entry.objects.filter(partnership=world.a).count() == 13


def test_json_output_names_the_refused_feature_and_exits_2(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    bad = tmp_path / "extract.geojson"
    bad.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null,'
        ' "properties": {"highway": "residential", "name": "Ängsvägen"}}]}',
        encoding="utf-8",
    )
    code = main(["import", "gazetteer", str(bad), "--partnership", "alfa", "--format", "json"])
    assert code == 2
    result = json.loads(capsys.readouterr().out)
    assert (result["addresses"], result["streets"]) == (0, 0)
    (error,) = result["errors"]
    assert error["row"] == 0 and error["field"] == "geometry"
    assert not Entry.objects.exists()


def test_the_incidents_summary_in_json_says_where_rows_were_placed(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    main(["import", "gazetteer", str(data_file("osm/tranemo_extract.gpkg")), "--partnership",
          "alfa"])  # fmt: skip
    capsys.readouterr()
    log = tmp_path / "alfahem.csv"
    log.write_text(
        "id;kategori;tid;plats\n1;Brand;2024-03-05;storg. 12\n2;Brand;2024-03-05;Okänd gård\n",
        encoding="utf-8",
    )
    code = main(["import", "incidents", str(log), "--partnership", "alfa", "--organisation",
                 "alfahem", "--format", "json"])  # fmt: skip
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["placed"], result["to_review"]) == ({"address": 1, "none": 1}, 1)
