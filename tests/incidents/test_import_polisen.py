"""``samtrygg import polisen``: police events for the partnership's municipalities.

Summary events ("Sammanfattning natt", "Sammanfattning kväll och natt") bundle several incidents
and would be counted twice next to the single events; the importer skips them unless
``--include-summaries`` is given and counts them under ``skipped_reasons``. In the real archive
every summary event of Örebro county is published for the county as a whole ("Sammanfattning
natt, Örebro län"): it cannot be attributed to Karlskoga or Degerfors, so it is not one of the
partnership's events at all (it is counted as "outside the chosen municipalities").
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from samtrygg.cli import main
from samtrygg.incidents.models import ImportBatch, PoliceEvent
from tests.datafiles import data_file

KARLSKOGA, DEGERFORS = "1883", "1862"


def _event(
    id_: int, name: str, type_: str, place: str, when: str = "2026-08-18 9:29:06 +02:00"
) -> dict[str, Any]:
    return {
        "id": id_,
        "datetime": when,
        "name": name,
        "summary": "En händelse",
        "url": f"/aktuellt/handelser/2026/augusti/18/{id_}/",
        "type": type_,
        "location": {"name": place, "gps": "59.535036,15.006573000000004"},
    }


EVENTS = [
    _event(1, "18 augusti 08.46, Rattfylleri, Karlskoga", "Rattfylleri", "Karlskoga"),
    _event(2, "18 augusti 07.10, Stöld, försök, Degerfors", "Stöld, försök", "Örebro län"),
    _event(3, "18 augusti 06.00, Inbrott, Örebro", "Inbrott", "Örebro"),
    _event(
        4, "18 augusti 06.00, Sammanfattning natt, Karlskoga", "Sammanfattning natt", "Karlskoga"
    ),
    _event(1, "18 augusti 08.46, Rattfylleri, Karlskoga", "Rattfylleri", "Karlskoga"),
    _event(
        5, "18 augusti 06.00, Sammanfattning natt, Örebro län", "Sammanfattning natt", "Örebro län"
    ),
]


@pytest.fixture
def karlskoga_degerfors(world: Any) -> Any:
    from samtrygg.areas.services import set_municipalities

    set_municipalities(world.a, [KARLSKOGA, DEGERFORS], None)
    return world.a


def _run(capsys: Any, path: Path | str, *extra: str) -> tuple[int, dict[str, Any]]:
    code = main(
        ["import", "polisen", str(path), "--partnership", "alfa", "--format", "json", *extra]
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1, lines
    result = json.loads(lines[0])
    assert set(result) == {
        "created", "unchanged", "skipped", "skipped_reasons", "errors", "encoding", "unmapped"
    }  # fmt: skip
    return code, result


def _write(tmp_path: Path, content: Any, name: str = "events.json") -> Path:
    path = tmp_path / name
    data = content if isinstance(content, bytes) else json.dumps(content).encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


def _assert_nothing_saved() -> None:
    assert PoliceEvent.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_keeps_the_partnerships_municipalities_and_skips_summaries(
    karlskoga_degerfors: Any, tmp_path: Path, capsys: Any
) -> None:
    code, result = _run(capsys, _write(tmp_path, EVENTS))
    assert code == 0
    assert result == {
        "created": 2,
        "unchanged": 0,
        "skipped": 4,
        "skipped_reasons": {
            "duplicate id": 1,
            "outside the chosen municipalities": 2,
            "summary event (Sammanfattning)": 1,
        },
        "errors": [],
        "encoding": None,
        "unmapped": [],
    }
    rows = {e.event_id: e for e in PoliceEvent.objects.filter(partnership=karlskoga_degerfors)}
    assert sorted(rows) == [1, 2]
    # The county-level event counts for the municipality at the end of its name.
    assert (rows[2].municipality_code, rows[2].municipality, rows[2].type) == (
        DEGERFORS, "Degerfors", "Stöld, försök",
    )  # fmt: skip
    assert rows[1].municipality_code == KARLSKOGA
    assert rows[1].url == "https://polisen.se/aktuellt/handelser/2026/augusti/18/1/"
    # "9:29:06 +02:00" (the hour unpadded) is published time; the incident time is in the name.
    assert rows[1].published_at == datetime(2026, 8, 18, 7, 29, 6, tzinfo=UTC)
    assert rows[1].occurred_at == datetime(2026, 8, 18, 6, 46, tzinfo=UTC)


def test_the_text_summary_is_one_line(
    karlskoga_degerfors: Any, tmp_path: Path, capsys: Any
) -> None:
    code = main(["import", "polisen", str(_write(tmp_path, EVENTS)), "--partnership", "alfa"])
    assert code == 0
    assert capsys.readouterr().out == (
        "police events: 2 created, 0 unchanged, 4 skipped (duplicate id: 1, outside the chosen "
        "municipalities: 2, summary event (Sammanfattning): 1)\n"
    )


def test_summaries_are_kept_when_asked_for(
    karlskoga_degerfors: Any, tmp_path: Path, capsys: Any
) -> None:
    code, result = _run(capsys, _write(tmp_path, EVENTS, "events.json.gz"), "--include-summaries")
    assert (code, result["created"]) == (0, 3)
    assert PoliceEvent.objects.get(event_id=4).is_summary


def test_importing_twice_adds_nothing(
    karlskoga_degerfors: Any, tmp_path: Path, capsys: Any
) -> None:
    path = _write(tmp_path, EVENTS)
    _run(capsys, path)
    code, result = _run(capsys, path)
    assert code == 0
    assert (result["created"], result["unchanged"]) == (0, 2)
    assert PoliceEvent.objects.count() == 2
    assert list(ImportBatch.objects.values_list("kind", "created")) == [
        ("polisen", 0),
        ("polisen", 2),
    ]


def test_broken_json_names_the_line_and_saves_nothing(
    karlskoga_degerfors: Any, tmp_path: Path, capsys: Any
) -> None:
    text = json.dumps(EVENTS[:2], indent=1)
    code, result = _run(capsys, _write(tmp_path, text[:-40].encode()))
    assert code == 2
    (error,) = result["errors"]
    assert error["row"] is None
    assert error["message"].startswith("The file is not valid JSON (line ")
    _assert_nothing_saved()


def test_a_damaged_gzip_file_is_explained(
    karlskoga_degerfors: Any, tmp_path: Path, capsys: Any
) -> None:
    path = tmp_path / "events.json.gz"
    path.write_bytes(gzip.compress(json.dumps(EVENTS).encode())[:60])
    code, result = _run(capsys, path)
    assert code == 2
    assert "gzip file is damaged" in result["errors"][0]["message"]
    _assert_nothing_saved()


def test_records_with_missing_or_malformed_fields_are_named(
    karlskoga_degerfors: Any, tmp_path: Path, capsys: Any
) -> None:
    broken = [EVENTS[0], {k: v for k, v in EVENTS[1].items() if k != "url"},
              {**EVENTS[2], "datetime": "18 augusti"}]  # fmt: skip
    code, result = _run(capsys, _write(tmp_path, broken))
    assert code == 2
    assert [(e["row"], e["field"]) for e in result["errors"]] == [(1, "url"), (2, "datetime")]
    _assert_nothing_saved()


def test_not_a_list_is_explained(karlskoga_degerfors: Any, tmp_path: Path, capsys: Any) -> None:
    code, result = _run(capsys, _write(tmp_path, {"events": EVENTS}))
    assert code == 2
    assert "not a JSON list of events" in result["errors"][0]["message"]
    _assert_nothing_saved()


def test_a_partnership_without_municipalities_is_told_to_choose_them(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    code, result = _run(capsys, _write(tmp_path, EVENTS))
    assert code == 2
    assert "has no municipalities yet" in result["errors"][0]["message"]
    _assert_nothing_saved()


def test_file_or_live_must_be_given(karlskoga_degerfors: Any, capsys: Any) -> None:
    assert main(["import", "polisen", "--partnership", "alfa"]) == 2
    assert "Give either a FILE or --live" in capsys.readouterr().err


def _independent_count(path: Path) -> tuple[set[int], set[int]]:
    """Karlskoga's and Degerfors' event ids and their summary events, by plain json and gzip."""
    records = json.loads(gzip.decompress(path.read_bytes()))
    suffixes = (", Karlskoga", ", Degerfors")
    ours = {
        r["id"]
        for r in records
        if r["location"]["name"] in ("Karlskoga", "Degerfors")
        or (r["location"]["name"] == "Örebro län" and r["name"].endswith(suffixes))
    }
    summaries = {
        r["id"] for r in records if r["id"] in ours and r["type"].startswith("Sammanfattning")
    }
    return ours, summaries


def test_the_real_archive_gives_exactly_karlskogas_and_degerfors_events(
    karlskoga_degerfors: Any, capsys: Any
) -> None:
    archive = data_file("polisen/events_subset.json.gz")
    ours, summaries = _independent_count(archive)
    assert len(ours) == 351  # all of them: tests/data/README.md

    code, result = _run(capsys, archive)
    assert code == 0, result["errors"][:3]
    assert result["created"] == len(ours - summaries)
    assert result["skipped_reasons"].get("summary event (Sammanfattning)", 0) == len(summaries)
    stored = set(
        PoliceEvent.objects.filter(partnership=karlskoga_degerfors).values_list(
            "event_id", flat=True
        )
    )
    assert stored == ours - summaries
    codes = PoliceEvent.objects.values_list("municipality_code", flat=True).distinct()
    assert set(codes) == {KARLSKOGA, DEGERFORS}
    assert not PoliceEvent.objects.exclude(url__startswith="https://polisen.se/").exists()

    code, again = _run(capsys, archive)
    assert code == 0
    assert (again["created"], again["unchanged"]) == (0, len(ours - summaries))
    assert PoliceEvent.objects.count() == len(ours - summaries)
