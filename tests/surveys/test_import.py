"""Importing surveys: all or nothing, idempotent, updates counted, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from samtrygg.cli import main
from samtrygg.plans.models import ChangeRecord
from samtrygg.surveys.models import Survey, SurveyResult
from samtrygg.surveys.services import area_results, import_survey
from tests.conftest import World
from tests.datafiles import data_file

POLISEN = "surveys/polisen_trygghetsmatning.csv"


def _bytes(name: str) -> bytes:
    return data_file(name).read_bytes()


def test_a_trygghetsmatning_is_imported_with_every_figure(world: World) -> None:
    user = world.users["coordinator"]
    summary = import_survey(world.a, _bytes(POLISEN), "tm.csv", "polisen", user)
    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged) == (440, 0, 0)
    survey = Survey.objects.get(partnership=world.a)
    assert survey.kind == "polisen" and survey.imported_by == user
    first = survey.results.get(area="Karlskoga", year=2023, item="problem_nedskrapning",
                               answer="Inget problem")  # fmt: skip
    assert (first.level, first.count, first.n) == ("kommun", 335, 900)
    assert ChangeRecord.objects.filter(object_type="survey", action="imported").count() == 1


def test_the_same_file_again_changes_nothing_and_a_changed_figure_is_updated(
    world: World,
) -> None:
    data = _bytes(POLISEN)
    import_survey(world.a, data, "tm.csv", "polisen")
    before = Survey.objects.get().imported_at
    again = import_survey(world.a, data, "tm.csv", "polisen")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 440)
    assert Survey.objects.get().imported_at == before
    changed = data.decode().replace(";Inget problem;37,2;900;", ";Inget problem;37,0;900;", 1)
    third = import_survey(world.a, changed.encode(), "tm.csv", "polisen")
    assert (third.created, third.updated, third.unchanged) == (0, 1, 439)
    assert SurveyResult.objects.count() == 440


def test_a_file_with_one_bad_row_imports_nothing(world: World) -> None:
    text = _bytes("surveys/own_survey_long.csv").decode().replace(";46;130;38", ";46;1x0;38", 1)
    summary = import_survey(world.a, text.encode(), "own.csv", "own")
    assert [(e["row"], e["field"]) for e in summary.errors] == [(2, "n")]
    assert not Survey.objects.exists() and not SurveyResult.objects.exists()


def test_results_have_intervals_indices_and_tested_changes(world: World) -> None:
    import_survey(world.a, _bytes(POLISEN), "tm.csv", "polisen")
    survey = Survey.objects.get()
    results = area_results(survey, "kommun", "Karlskoga")
    assert [y["year"] for y in results["years"]] == [2023, 2024]
    latest = results["years"][-1]
    assert latest["response_rate"] == pytest.approx(0.52)
    labels = [i["formula"].label for i in latest["indices"]]
    assert labels == ["Problemindex (samtrygg-1)", "Oroindex (samtrygg-1)",
                      "Trygghetsindex (samtrygg-1)"]  # fmt: skip
    cell = latest["items"][0]["answers"][0]
    assert cell["low"] < cell["share"] < cell["high"]
    changes = results["changes"]
    assert (changes["from"], changes["to"]) == (2023, 2024)
    assert all("p_value" in c for c in changes["shares"] if not c["suppressed"])
    assert {c["formula"].key for c in changes["indices"]} == {"problem", "worry", "safety"}


def test_small_groups_are_suppressed_with_the_one_k_setting(world: World, settings: Any) -> None:
    import_survey(world.a, _bytes("surveys/own_survey_long.csv"), "own.csv", "own")
    survey = Survey.objects.get()
    small = area_results(survey, "område", "Baggetorp")  # 4 respondents
    for year in small["years"]:
        assert all(b["suppressed"] and b["n"] is None for b in year["items"])
        assert all(i["suppressed"] for i in year["indices"])
    assert all(c["suppressed"] for c in small["changes"]["shares"])
    settings.SAMTRYGG_PUBLIC_K = 3
    shown = area_results(survey, "område", "Baggetorp")
    assert not any(b["suppressed"] for b in shown["years"][0]["items"])
    # An answer given by 1 or 2 of 130 is hidden with k = 3, and a second one with it, so that
    # it cannot be worked out from n.
    big = area_results(survey, "område", "Norrmalm")
    hidden = [a for y in big["years"] for b in y["items"] for a in b["answers"] if a["suppressed"]]
    counts = [
        r.count for r in SurveyResult.objects.filter(area="Norrmalm") if 0 < (r.count or 0) < 3
    ]
    assert len(hidden) >= len(counts)


def test_scb_and_ntu_estimates_are_imported(world: World) -> None:
    scb = import_survey(world.a, _bytes("surveys/scb_safety_index_kolada.json"), "s.json", "scb")
    ntu = import_survey(world.a, _bytes("surveys/ntu_lpo.csv"), "ntu.csv", "ntu")
    assert (scb.created, ntu.created) == (3, 12)
    lpo = area_results(Survey.objects.get(kind="ntu"), "lpo", "LPO Karlskoga")
    assert [len(y["estimates"]) for y in lpo["years"]] == [3, 3]
    tested = {e["item"]: e for e in lpo["changes"]["estimates"]}
    assert tested["Otrygghet ute sent på kvällen"]["difference"] == pytest.approx(25.1 - 22.4)
    assert "test" in tested["Otrygghet ute sent på kvällen"]
    municipal = area_results(Survey.objects.get(kind="scb"), "kommun", "Karlskoga")
    (scb_change,) = municipal["changes"]["estimates"]
    assert scb_change["difference"] == pytest.approx(3.0) and "test" not in scb_change


@pytest.mark.django_db(transaction=True)
def test_the_cli_imports_and_exits_2_naming_the_errors(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    path = tmp_path / "own.csv"
    path.write_bytes(_bytes("surveys/own_survey_long.csv"))
    args = ["import", "survey", str(path), "--partnership", "alfa", "--kind", "own"]
    assert main([*args, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["created"], out["updated"], out["unchanged"], out["errors"]) == (60, 0, 0, [])
    assert main(args) == 0
    assert "0 created, 0 updated, 60 unchanged" in capsys.readouterr().out
    path.write_text("area;year;item;answer;count;n\nX;20x4;a;Ja;1;10\n", encoding="utf-8")
    assert main([*args, "--format", "json"]) == 2
    error = json.loads(capsys.readouterr().out)["errors"][0]
    assert (error["row"], error["field"]) == (2, "year")
    assert main(args) == 2
    assert "row 2, year: The year '20x4' is not a year" in capsys.readouterr().out
    assert main(["import", "survey", str(path), "--partnership", "nix", "--kind", "own"]) == 2


def test_the_demo_survey_is_example_data_with_two_years_and_reloads_cleanly(world: World) -> None:
    from samtrygg.demo.surveys import load_demo_surveys

    first = load_demo_surveys(world.a)
    second = load_demo_surveys(world.a)
    assert Survey.objects.filter(partnership=world.a).get() == second != first
    assert second.is_example
    years = sorted(set(second.results.values_list("year", flat=True)))
    assert len(years) == 2 and years[1] - years[0] == 1
    results = area_results(second, "kommun", "Karlskoga")
    assert len(results["changes"]["indices"]) == 3
