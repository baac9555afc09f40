"""Survey results per area on the map: areas coloured by the chosen index, small groups hidden."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from shapely.geometry import box

from samtrygg.areas import services as area_services
from samtrygg.surveys import maps
from samtrygg.surveys.models import Survey, SurveyResult
from tests.conftest import World


def _answers(survey: Survey, area: str, year: int, counts: dict[str, int], code: str = "") -> None:
    n = sum(counts.values())
    for answer, count in counts.items():
        SurveyResult.objects.create(
            survey=survey, level="delområde", area=area, area_code=code, year=year,
            item="trygg_ute_sent", answer=answer, count=count, n=n, unit="antal",
        )  # fmt: skip


def _survey(world: World) -> Survey:
    area_services.create_drawn_area(world.a, "Norr", box(14.50, 59.35, 14.53, 59.37), None)
    survey = Survey.objects.create(partnership=world.a, kind="own", imported_at=timezone.now())
    # Centrum: (10·100 + 10·200/3 + 10·100/3) / 30 = 2000/30 = 66.67.
    # Survey areas are matched to the partnership's by name, case ignored.
    _answers(survey, "CENTRUM", 2025, {"Mycket trygg": 10, "Ganska trygg": 10, "Ganska otrygg": 10})
    _answers(survey, "Centrum", 2024, {"Mycket otrygg": 20})
    _answers(survey, "norr", 2025, {"Mycket otrygg": 2, "Mycket trygg": 1})  # n = 3 < k
    _answers(survey, "Söder", 2025, {"Mycket trygg": 8})  # no such area in the partnership
    # An estimate published with the survey (as SCB and NTU do).
    SurveyResult.objects.create(
        survey=survey, level="kommun", area="Alfa", year=2025, item="scb_index",
        item_text="SCB:s trygghetsindex", value=71.5, n=400, unit="index",
    )  # fmt: skip
    return survey


def _client(client_for: Any, persona: str = "viewer") -> Any:
    client = client_for(persona)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_index_values_per_area_are_hand_computed_and_small_groups_hidden(world: World) -> None:
    survey = _survey(world)
    rows = {r["area"]: r for r in maps.values(survey, "f:safety", 2025)}
    assert rows["CENTRUM"]["value"] == pytest.approx(2000 / 30) and rows["CENTRUM"]["n"] == 30
    assert rows["norr"] == {"level": "delområde", "area": "norr", "code": "", "suppressed": True}
    assert rows["Söder"]["value"] == 100.0
    assert [r["value"] for r in maps.values(survey, "f:safety", 2024)] == [0.0]
    (scb,) = maps.values(survey, "e:scb_index", 2025)
    assert scb["value"] == 71.5
    assert [c["value"] for c in maps.choices(survey)] == ["f:safety", "e:scb_index"]
    assert maps.years(survey) == [2024, 2025]


def test_the_results_page_draws_the_areas_coloured_by_the_chosen_index(
    world: World, client_for: Any
) -> None:
    survey = _survey(world)
    url = reverse("surveys-results", args=["alfa", survey.pk])
    html = _client(client_for).get(url, {"index": "f:safety", "year": "2025"}).content.decode()
    svg = re.search(r"<svg.*?</svg>\s*</figure>", html, re.S)
    assert svg is not None
    drawn = svg.group(0)
    assert "Trygghetsindex (samtrygg-1) per area, 2025" in drawn
    assert "<title>Centrum: 66.7</title>" in drawn
    assert "<title>Norr: hidden, too few respondents</title>" in drawn
    assert maps.HIDDEN in drawn
    assert "Söder" not in drawn
    assert "Not on the map (no area of the partnership with this code or name):" in html
    assert "Söder" in html.split("Not on the map", 1)[1]


def test_another_year_and_a_bad_choice_fall_back_to_what_exists(
    world: World, client_for: Any
) -> None:
    survey = _survey(world)
    url = reverse("surveys-results", args=["alfa", survey.pk])
    client = _client(client_for)
    earlier = client.get(url, {"index": "f:safety", "year": "2024"}).content.decode()
    assert "<title>Centrum: 0.00</title>" in earlier and "Norr:" not in earlier.split("</svg>")[0]
    odd = client.get(url, {"index": "f:nonsense", "year": "1999"})
    assert odd.status_code == 200
    assert "Trygghetsindex (samtrygg-1) per area, 2025" in odd.content.decode()


def test_no_matching_area_says_so_instead_of_a_map(world: World, client_for: Any) -> None:
    survey = Survey.objects.create(partnership=world.a, kind="own", imported_at=timezone.now())
    _answers(survey, "Söder", 2025, {"Mycket trygg": 8})
    html = _client(client_for).get(reverse("surveys-results", args=["alfa", survey.pk]))
    assert "None of the survey's areas matches an area of the partnership" in html.content.decode()


def test_the_map_is_for_members_only(world: World, client_for: Any) -> None:
    survey = _survey(world)
    url = reverse("surveys-results", args=["alfa", survey.pk])
    assert client_for("reporter").get(url).status_code == 403
    assert client_for("outsider").get(url).status_code in (403, 404)
