"""What residents say, beside what was reported: surveys, walks and dialogues in the draft.

Every expected number is counted by hand from the rows the test makes.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from scipy.stats import norm
from shapely.geometry import box

from samtrygg.areas import services as area_services
from samtrygg.areas.models import Area
from samtrygg.dialogues.models import Dialogue, RaisedIssue
from samtrygg.lagesbild import drafting
from samtrygg.surveys.models import Survey, SurveyResult
from samtrygg.walks.models import Action, Observation, SafetyWalk
from tests.conftest import World


@pytest.fixture
def english() -> Any:
    with translation.override("en"):
        yield


def _norr(world: World) -> Any:
    existing = Area.objects.filter(partnership=world.a, name="Norr").first()
    return existing or area_services.create_drawn_area(
        world.a, "Norr", box(14.50, 59.35, 14.53, 59.37), None
    )


def _walk(world: World, area: Any, on: date, light: str = "daylight", **kw: Any) -> SafetyWalk:
    return SafetyWalk.objects.create(
        partnership=kw.pop("partnership", world.a),
        title="Vandring",
        walked_on=on,
        light=light,
        area=area,
        participants={"residents": 3},
        **kw,
    )


def _point(walk: SafetyWalk, kind: str, cause: str, status: str | None = None) -> Observation:
    seen = walk.observations.create(lon=14.51, lat=59.33, kind=kind, cause=cause)
    if status is not None:
        Action.objects.create(observation=seen, text="Åtgärd", status=status)
    return seen


def _walks(world: World) -> None:
    """In 2025-10-01..2026-09-30: two walks in Centrum (one dark), one in Norr; others outside."""
    norr = _norr(world)
    c1 = _walk(world, world.drawn_area, date(2025, 11, 3), "darkness")
    _point(c1, "unsafe", "lighting", "done")
    _point(c1, "unsafe", "lighting", "planned")
    _point(c1, "risk", "vegetation", "ongoing")
    _point(c1, "safe", "design")
    c2 = _walk(world, world.drawn_area, date(2026, 5, 20))
    _point(c2, "unsafe", "sight_lines", "rejected")
    _point(c2, "unsafe", "lighting")
    n1 = _walk(world, norr, date(2026, 9, 30), "darkness")
    _point(n1, "unsafe", "litter", "done")
    # Outside the period, and another partnership's walk: not counted.
    old = _walk(world, world.drawn_area, date(2025, 9, 30))
    _point(old, "unsafe", "lighting", "done")
    other = _walk(world, None, date(2026, 1, 1), partnership=world.b)
    _point(other, "unsafe", "other", "done")


def test_walk_places_are_counted_by_cause_and_action_per_area(world: World, english: Any) -> None:
    _walks(world)
    doc = drafting.start_lagesbild(world.a, 2026, world.users["coordinator"])
    walks = doc.figures["voices"]["walks"]
    assert walks["walks"] == 3 and walks["darkness"] == 2
    rows = {r["area"]: r for r in walks["areas"]}
    assert set(rows) == {"Centrum", "Norr"}
    centrum = rows["Centrum"]
    assert (centrum["walks"], centrum["darkness"], centrum["unsafe"], centrum["safe"]) == (
        2,
        1,
        5,
        1,
    )
    assert centrum["causes"] == {
        "lighting": 3, "vegetation": 1, "sight_lines": 1, "litter": 0, "design": 0, "other": 0
    }  # fmt: skip
    keys = [c["key"] for c in walks["causes"]]
    assert centrum["cause_counts"] == [centrum["causes"][k] for k in keys]
    assert (centrum["done"], centrum["open"], centrum["rejected"], centrum["no_action"]) == (
        1, 2, 1, 1
    )  # fmt: skip
    norr = rows["Norr"]
    assert (norr["walks"], norr["unsafe"], norr["causes"]["litter"], norr["done"]) == (1, 1, 1, 1)
    assert "Centrum: 5 places found unsafe or at risk" in doc.other_information
    assert "actions done: 1, open: 2, without an action yet: 1." in doc.other_information
    assert "Norr: 1 place found unsafe or at risk (litter and disorder 1)" in doc.other_information
    assert doc.sources.filter(name="Safety walks (3)").exists()


def _dialogue(world: World, on: date, area: Any, kind: str = "citizen", **kw: Any) -> Dialogue:
    return Dialogue.objects.create(
        partnership=kw.pop("partnership", world.a),
        title="Dialog",
        kind=kind,
        form="meeting",
        held_on=on,
        area=area,
    )


def _issue(dialogue: Dialogue, theme: str, area: Any = None) -> None:
    RaisedIssue.objects.create(dialogue=dialogue, theme=theme, area=area)


def _dialogues(world: World) -> Any:
    norr = _norr(world)
    d1 = _dialogue(world, date(2025, 12, 1), world.drawn_area)
    _issue(d1, "lighting")
    _issue(d1, "lighting")  # twice in one dialogue: counts once
    _issue(d1, "drugs", norr)  # placed in Norr although the dialogue was in Centrum
    d2 = _dialogue(world, date(2026, 4, 1), world.drawn_area)
    _issue(d2, "lighting")
    d3 = _dialogue(world, date(2026, 6, 1), None)
    _issue(d3, "drugs", norr)
    _issue(d3, "youth")
    before = _dialogue(world, date(2025, 3, 1), world.drawn_area)
    _issue(before, "lighting")
    staff = _dialogue(world, date(2026, 2, 1), world.drawn_area, kind="staff")
    _issue(staff, "lighting")
    other = _dialogue(world, date(2026, 2, 1), None, partnership=world.b)
    _issue(other, "lighting")
    return norr


def test_dialogue_themes_are_counted_once_per_citizen_dialogue_per_area(
    world: World, english: Any
) -> None:
    _dialogues(world)
    doc = drafting.start_lagesbild(world.a, 2026, world.users["coordinator"])
    data = doc.figures["voices"]["dialogues"]
    assert data["dialogues"] == 3  # the staff dialogue and last year's are not counted
    got = {(r["theme"], r["area"]): (r["current"], r["previous"]) for r in data["themes"]}
    assert got == {
        ("lighting", "Centrum"): (2, 1),
        ("drugs", "Norr"): (2, 0),
        ("youth", "No area given"): (1, 0),
    }
    assert "raised by residents in 2 dialogues (the year before: 1)" in doc.other_information
    assert doc.sources.filter(name="Citizen dialogues (3)").exists()


def _answers(survey: Survey, area: str, year: int, counts: dict[str, int]) -> None:
    n = sum(counts.values())
    for answer, count in counts.items():
        SurveyResult.objects.create(
            survey=survey, level="delområde", area=area, year=year, item="trygg_ute_sent",
            item_text="Trygg ute sent", answer=answer, count=count, n=n, unit="antal",
        )  # fmt: skip


def _survey(world: World) -> Survey:
    survey = Survey.objects.create(
        partnership=world.a, kind="polisen", imported_at=timezone.now(), source_file="t.csv"
    )
    _answers(survey, "Centrum", 2025, {"Mycket trygg": 5, "Ganska trygg": 5,
                                       "Ganska otrygg": 10, "Mycket otrygg": 10})  # fmt: skip
    _answers(survey, "Centrum", 2026, {"Mycket trygg": 10, "Ganska trygg": 10,
                                       "Ganska otrygg": 5, "Mycket otrygg": 5})  # fmt: skip
    # A later year than the lägesbild's is not used.
    _answers(survey, "Centrum", 2027, {"Mycket trygg": 30})
    # Three respondents: below k = 5, shown without any number.
    _answers(survey, "Småby", 2026, {"Mycket trygg": 2, "Mycket otrygg": 1})
    return survey


def _safety_index(counts: dict[str, float]) -> tuple[float, float]:
    """Mean score and its standard error, as the formula's docstring defines them."""
    scores = {"Mycket otrygg": 0.0, "Ganska otrygg": 100 / 3, "Ganska trygg": 200 / 3,
              "Mycket trygg": 100.0}  # fmt: skip
    n = sum(counts.values())
    mean = sum(c * scores[a] for a, c in counts.items()) / n
    var = sum(c * (scores[a] - mean) ** 2 for a, c in counts.items()) / n**2
    return mean, math.sqrt(var)


def test_survey_indices_per_area_with_interval_tested_change_and_small_groups_hidden(
    world: World, english: Any
) -> None:
    _survey(world)
    doc = drafting.start_lagesbild(world.a, 2026, world.users["coordinator"])
    (survey,) = doc.figures["voices"]["surveys"]["surveys"]
    areas = {a["area"]: a for a in survey["areas"]}
    centrum = areas["Centrum"]
    assert (centrum["year"], centrum["previous"]) == (2026, 2025)
    (row,) = centrum["rows"]
    after, se_after = _safety_index({"Mycket trygg": 10, "Ganska trygg": 10,
                                     "Ganska otrygg": 5, "Mycket otrygg": 5})  # fmt: skip
    before, se_before = _safety_index({"Mycket trygg": 5, "Ganska trygg": 5,
                                       "Ganska otrygg": 10, "Mycket otrygg": 10})  # fmt: skip
    assert after == pytest.approx(1833.3333 / 30, abs=1e-3)
    assert row["value"] == pytest.approx(after, abs=0.005)
    assert row["low"] == pytest.approx(after - 1.959964 * se_after, abs=0.005)
    assert row["high"] == pytest.approx(after + 1.959964 * se_after, abs=0.005)
    assert row["n"] == 30
    z = (after - before) / math.hypot(se_after, se_before)
    assert row["change"]["difference"] == pytest.approx(after - before, abs=0.005)
    assert row["change"]["p"] == pytest.approx(2 * norm.sf(abs(z)), abs=1e-4)
    assert row["change"]["significant"] == bool(2 * norm.sf(abs(z)) < 0.05)
    (hidden,) = areas["Småby"]["rows"]
    assert hidden["suppressed"] is True
    assert not {"value", "low", "high", "n"} & set(hidden)
    assert "Småby 2026: Trygghetsindex (samtrygg-1): hidden, too few respondents" in (
        doc.other_information
    )
    entry = doc.sources.get(name__startswith="Safety surveys")
    assert "(2026)" in entry.name and "fewer than 5 respondents" in entry.limitations


def test_without_surveys_walks_or_dialogues_the_section_is_left_to_people(
    world: World, english: Any
) -> None:
    doc = drafting.start_lagesbild(world.a, 2026, world.users["coordinator"])
    assert doc.figures["voices"] == {}
    assert doc.other_information == ""
    assert not doc.sources.exists()


def test_the_page_shows_what_residents_say_beside_the_incident_figures(
    world: World, as_user: Any
) -> None:
    _walks(world)
    _survey(world)
    with translation.override("en"):
        doc = drafting.start_lagesbild(world.a, 2026, world.users["coordinator"])
    page = as_user("analyst").get(reverse("lagesbild-detail", args=["alfa", doc.pk]))
    html = page.content.decode()
    assert "What residents say" in html
    assert "What 3 safety walks found (2 in darkness)" in html
    assert "hidden: too few respondents" in html
    assert "Trygghetsindex (samtrygg-1)" in html
    printed = as_user("analyst").get(reverse("lagesbild-print", args=["alfa", doc.pk]))
    assert "What residents say" in printed.content.decode()


def test_the_promise_form_shows_the_themes_residents_raised(world: World, as_user: Any) -> None:
    from tests.agreements.helpers import make_agreement

    _dialogues(world)
    agreement = make_agreement(world)
    agreement.period_start = date(2026, 1, 1)
    agreement.period_end = date(2026, 12, 31)
    agreement.save()
    html = (
        as_user("coordinator")
        .get(reverse("promise-create", args=["alfa", agreement.pk]))
        .content.decode()
    )
    assert "What residents raised" in html
    # 2025-01-01..2026-12-31: Centrum's lighting in three citizen dialogues (not the staff one).
    assert (
        "<strong>Lighting and dark places</strong>, Centrum: raised by residents in 3 dialogues"
        in (html)
    )
    assert "(2025, 2026)" in html
    assert "Drugs</strong>, Norr: raised by residents in 2 dialogues" in html


def test_the_promise_form_counts_only_the_agreement_s_years(world: World, as_user: Any) -> None:
    from tests.agreements.helpers import make_agreement

    _dialogues(world)
    agreement = make_agreement(world)
    agreement.period_start = date(2028, 1, 1)
    agreement.period_end = date(2028, 12, 31)
    agreement.save()
    html = (
        as_user("coordinator")
        .get(reverse("promise-create", args=["alfa", agreement.pk]))
        .content.decode()
    )
    assert "No citizen dialogue with themes has been recorded for these years." in html
