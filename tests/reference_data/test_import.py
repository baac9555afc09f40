"""Importing reference data: all or nothing, idempotent, updates counted, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from samtrygg.cli import main
from samtrygg.plans.models import ChangeRecord
from samtrygg.reference.models import ReferenceSeries, ReferenceValue
from samtrygg.reference.services import import_reference
from tests.conftest import World
from tests.reference_data.helpers import KARLSKOGA, kolada_answer


def test_a_kolada_answer_becomes_one_series_with_its_values(world: World) -> None:
    user = world.users["coordinator"]
    summary = import_reference(
        world.a, kolada_answer(KARLSKOGA), "n07403.json", "kolada", user, name="Våldsbrott"
    )
    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged) == (7, 0, 0)
    assert summary.skipped_reasons == {"not the total (women or men)": 7}
    series = ReferenceSeries.objects.get(partnership=world.a)
    assert (series.indicator_code, series.name, series.source) == ("N07403", "Våldsbrott", "kolada")
    assert series.imported_by == user and series.source_file == "n07403.json"
    assert series.values.get(region_code="18", year=2024).value == 1010.0
    assert (
        ChangeRecord.objects.filter(object_type="referenceseries", action="imported").count() == 1
    )


def test_importing_the_same_file_again_changes_nothing(world: World) -> None:
    data = kolada_answer(KARLSKOGA)
    import_reference(world.a, data, "a.json", "kolada", None, name="V")
    before = ReferenceSeries.objects.get().imported_at
    again = import_reference(world.a, data, "a.json", "kolada", None, name="V")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert ReferenceSeries.objects.get().imported_at == before
    assert ReferenceValue.objects.count() == 7


def test_a_file_with_newer_values_updates_them_and_says_how_many(world: World) -> None:
    import_reference(world.a, kolada_answer(KARLSKOGA), "a.json", "kolada", None, name="V")
    newer = {**KARLSKOGA, ("1883", 2024): 1300.0, ("1883", 2025): 1310.0}
    summary = import_reference(world.a, kolada_answer(newer), "b.json", "kolada", None, name="V")
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 6)
    assert ReferenceValue.objects.get(region_code="1883", year=2024).value == 1300.0
    assert ReferenceSeries.objects.get().source_file == "b.json"


def test_a_file_with_one_bad_record_imports_nothing(world: World) -> None:
    data = json.loads(kolada_answer(KARLSKOGA))
    data["values"][3]["values"][0]["value"] = "hög"
    summary = import_reference(world.a, json.dumps(data).encode(), "a.json", "kolada", None)
    assert [(e["row"], e["field"]) for e in summary.errors] == [(3, "values[0].value")]
    assert not ReferenceSeries.objects.exists() and not ReferenceValue.objects.exists()


def test_broken_json_is_refused_with_a_message_in_the_active_language(world: World) -> None:
    with translation.override("en"):
        summary = import_reference(world.a, b"{", "a.json", "kolada", None)
    assert "not valid JSON" in summary.errors[0]["message"]
    with translation.override("sv"):
        summary = import_reference(world.a, b"{", "a.json", "kolada", None)
    assert "inte giltig JSON" in summary.errors[0]["message"]
    assert "not valid JSON" not in summary.errors[0]["message"]


def test_a_bra_table_makes_a_series_per_offence_and_measure(world: World) -> None:
    text = "region_code;year;offence;count;per_100k\n1883;2024;Rån;12;40,1\n18;2024;Rån;200;65\n"
    summary = import_reference(world.a, text.encode(), "bra.csv", "bra", None)
    assert summary.errors == [] and summary.created == 4
    names = sorted(ReferenceSeries.objects.values_list("indicator_code", "unit"))
    assert names == [("bra:rån:count", "antal"), ("bra:rån:per_100k", "per 100 000 invånare")]


def test_another_partnership_keeps_its_own_series(world: World) -> None:
    import_reference(world.a, kolada_answer(KARLSKOGA), "a.json", "kolada", None)
    import_reference(world.b, kolada_answer(KARLSKOGA), "a.json", "kolada", None)
    assert ReferenceSeries.objects.filter(partnership=world.b).count() == 1
    assert ReferenceValue.objects.count() == 14


@pytest.mark.django_db(transaction=True)
def test_the_cli_imports_and_prints_a_json_summary(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    path = tmp_path / "n07403.json"
    path.write_bytes(kolada_answer(KARLSKOGA))
    args = ["import", "reference", str(path), "--partnership", "alfa", "--kind", "kolada"]
    assert main([*args, "--name", "Våldsbrott", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["created"], out["updated"], out["unchanged"], out["errors"]) == (7, 0, 0, [])
    assert main(args) == 0
    assert "0 created, 0 updated, 7 unchanged" in capsys.readouterr().out
    path.write_text("{", encoding="utf-8")
    assert main([*args, "--format", "json"]) == 2
    assert "not valid JSON" in json.loads(capsys.readouterr().out)["errors"][0]["message"]
    assert main(["import", "reference", str(path), "--partnership", "nix", "--kind", "bra"]) == 2


def test_the_demo_series_is_labelled_example_data_and_reloads_cleanly(world: World) -> None:
    from samtrygg.demo.reference import load_demo_reference

    first = load_demo_reference(world.a)
    second = load_demo_reference(world.a)
    assert ReferenceSeries.objects.filter(partnership=world.a).get() == second != first
    assert second.is_example and "Exempeldata" in second.name
    assert second.values.count() == 20
