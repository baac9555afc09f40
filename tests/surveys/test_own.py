"""The own survey's model and services: the bank, open dates, anonymous storage, the results."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest

from samtrygg.analysis.surveys import BUILTIN_FORMULAS
from samtrygg.surveys import own, questionbank
from samtrygg.surveys.models import (
    Channel,
    QuestionnaireAnswer,
    QuestionnaireResponse,
    QuestionnaireState,
    Survey,
    SurveyKind,
    SurveyResult,
)
from samtrygg.surveys.services import area_results
from tests.conftest import World
from tests.surveys.own_helpers import extra_area, questionnaire

# Seven paper forms from Centrum: safety late, worry about assault, worry about burglary.
FORMS = [
    ("Mycket trygg", "Inte alls orolig", "Inte alls orolig"),
    ("Mycket trygg", "Inte alls orolig", "Inte alls orolig"),
    ("Mycket trygg", "Ganska lite orolig", "Inte alls orolig"),
    ("Ganska trygg", "Ganska lite orolig", "Inte alls orolig"),
    ("Ganska trygg", "Ganska lite orolig", "Mycket orolig"),
    ("Ganska otrygg", "Ganska orolig", "Mycket orolig"),
    ("Vet ej", "", ""),
]
ITEMS = ("trygg_ute_sent", "oro_overfall", "oro_inbrott")


def _type_in(q: Any, forms: list[tuple[str, ...]] = FORMS, area: str = "Centrum") -> None:
    for answers in forms:
        own.submit_response(q, area, dict(zip(ITEMS, answers, strict=True)), Channel.PAPER)


def test_the_bank_has_every_theme_and_the_index_items() -> None:
    codes = [q.code for q in questionbank.QUESTIONS]
    assert len(codes) == len(set(codes))
    assert {q.theme for q in questionbank.QUESTIONS} == {t.key for t in questionbank.THEMES}
    for formula in BUILTIN_FORMULAS.values():
        for item in formula.items:
            question = questionbank.BY_CODE[item]
            # Every scored answer of the formula is an alternative of the bank's question.
            assert set(formula.scores) <= set(question.choice_texts()), item
    for q in questionbank.QUESTIONS:
        assert q.sv != q.en and all(c.sv and c.en for c in q.choices)


def test_a_survey_is_open_from_its_first_to_its_last_day(world: World) -> None:
    q = questionnaire(world, opens_in=0, closes_in=0)
    assert q.state() == QuestionnaireState.OPEN
    assert q.state(q.opens_on - timedelta(days=1)) == QuestionnaireState.UPCOMING
    assert q.state(q.closes_on + timedelta(days=1)) == QuestionnaireState.CLOSED


def test_a_response_stores_the_area_and_answers_and_nothing_else(world: World) -> None:
    q = questionnaire(world)
    own.submit_response(q, "Centrum", {"trygg_ute_sent": "Ganska trygg", "oro_inbrott": ""},
                        Channel.WEB)  # fmt: skip
    response = QuestionnaireResponse.objects.get()
    fields = {f.name for f in QuestionnaireResponse._meta.concrete_fields}
    assert fields == {"id", "questionnaire", "area", "channel"}
    assert {f.name for f in QuestionnaireAnswer._meta.concrete_fields} == {
        "id", "response", "item", "answer",
    }  # fmt: skip
    assert list(response.answers.values_list("item", "answer")) == [
        ("trygg_ute_sent", "Ganska trygg")
    ]


def test_a_web_answer_is_refused_before_opening_and_after_closing(world: World) -> None:
    later = questionnaire(world, opens_in=2, closes_in=9, title="Later")
    with pytest.raises(own.ClosedError, match="öppnar"):
        own.submit_response(later, "Centrum", {"trygg_ute_sent": "Mycket trygg"}, Channel.WEB)
    other = extra_area(world)
    closed = questionnaire(world, areas=[other], opens_in=-9, closes_in=-1, title="Closed")
    with pytest.raises(own.ClosedError, match="stängde"):
        own.submit_response(closed, "Norr", {"trygg_ute_sent": "Mycket trygg"}, Channel.WEB)
    # A paper form handed in by the closing day may still be typed in afterwards.
    own.submit_response(closed, "Norr", {"trygg_ute_sent": "Mycket trygg"}, Channel.PAPER)
    assert QuestionnaireResponse.objects.filter(channel=Channel.WEB).count() == 0
    assert QuestionnaireResponse.objects.filter(channel=Channel.PAPER).count() == 1


@pytest.mark.parametrize(
    ("area", "answers", "message"),
    [
        ("Centrum", {}, "minst en fråga"),
        ("Centrum", {"trygg_ute_sent": ""}, "minst en fråga"),
        ("Söder", {"trygg_ute_sent": "Mycket trygg"}, "enkätens områden"),
        ("Centrum", {"trygg_ute_sent": "Helt okej"}, "hör inte till"),
        ("Centrum", {"namn": "Anna"}, "hör inte till"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(
    world: World, area: str, answers: dict[str, str], message: str
) -> None:
    q = questionnaire(world, questions=["trygg_ute_sent"])
    with pytest.raises(own.AnswerError, match=message):
        own.submit_response(q, area, answers, Channel.WEB)
    assert not QuestionnaireResponse.objects.exists()
    assert not Survey.objects.exists()


def test_typed_in_answers_give_the_hand_computed_indices(world: World) -> None:
    q = questionnaire(world)
    _type_in(q)
    survey = Survey.objects.get(partnership=world.a, kind=SurveyKind.QUESTIONNAIRE)
    rows = SurveyResult.objects.filter(survey=survey, item="trygg_ute_sent")
    assert {r.answer: r.count for r in rows} == {
        "Mycket trygg": 3, "Ganska trygg": 2, "Ganska otrygg": 1, "Mycket otrygg": 0,
        "Går aldrig ut ensam sent": 0, "Vet ej": 1,
    }  # fmt: skip
    assert {r.n for r in rows} == {7} and {r.year for r in rows} == {q.year}
    result = area_results(survey, "område", "Centrum")
    (year,) = result["years"]
    indices = {i["formula"].key: i for i in year["indices"]}
    # Safety: (3·100 + 2·66⅔ + 1·33⅓) / 6 scored answers; "Vet ej" is left out.
    safety = indices["safety"]["result"]
    assert safety.value == pytest.approx((300 + 200 * 2 / 3 + 100 / 3) / 6)
    assert safety.n == 6 and safety.left_out == 1
    assert safety.formula_version == "samtrygg-1"
    # Worry: assault (2·0 + 3·2 + 1·4)/6 = 5/3, burglary (4·0 + 2·6)/6 = 2; mean 11/6.
    worry = indices["worry"]["result"]
    assert worry.value == pytest.approx((5 / 3 + 2) / 2)
    assert not indices["safety"]["suppressed"] and not indices["worry"]["suppressed"]
    assert "problem" not in indices  # nobody answered the problem questions


def test_shares_have_wilson_intervals_and_small_counts_are_hidden(
    world: World, settings: Any
) -> None:
    q = questionnaire(world)
    _type_in(q)
    survey = Survey.objects.get()
    block = next(
        b for b in area_results(survey, "område", "Centrum")["years"][0]["items"]
        if b["item"] == "trygg_ute_sent"
    )  # fmt: skip
    # k = 5: every answer was given by fewer than five, so none is shown.
    assert block["n"] == 7
    shown = {a["answer"]: not a["suppressed"] for a in block["answers"]}
    assert shown == {
        "Mycket trygg": False, "Ganska trygg": False, "Ganska otrygg": False,
        "Mycket otrygg": True, "Går aldrig ut ensam sent": True, "Vet ej": False,
    }  # fmt: skip
    settings.SAMTRYGG_PUBLIC_K = 3
    block = next(
        b for b in area_results(survey, "område", "Centrum")["years"][0]["items"]
        if b["item"] == "trygg_ute_sent"
    )  # fmt: skip
    very_safe = next(a for a in block["answers"] if a["answer"] == "Mycket trygg")
    z = 1.959963984540054
    p, n = 3 / 7, 7
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert very_safe["share"] == pytest.approx(100 * 3 / 7)
    assert very_safe["low"] == pytest.approx(100 * (centre - half), abs=1e-9)
    assert very_safe["high"] == pytest.approx(100 * (centre + half), abs=1e-9)


def test_a_small_area_is_hidden_whole(world: World) -> None:
    q = questionnaire(world)
    _type_in(q, FORMS[:3])
    year = area_results(Survey.objects.get(), "område", "Centrum")["years"][0]
    assert all(b["suppressed"] and b["n"] is None for b in year["items"])
    assert all(i["suppressed"] for i in year["indices"])


def test_two_years_of_own_surveys_are_compared(world: World, settings: Any) -> None:
    settings.SAMTRYGG_PUBLIC_K = 2
    first = questionnaire(world, title="Förra året")
    first.opens_on -= timedelta(days=366)
    first.closes_on -= timedelta(days=366)
    first.save()
    _type_in(first, FORMS, area="Centrum")  # typed in after closing, handed in on time
    second = questionnaire(world, title="I år")
    _type_in(second, [("Mycket otrygg", "Mycket orolig", "Mycket orolig")] * 6)
    result = area_results(Survey.objects.get(), "område", "Centrum")
    assert [y["year"] for y in result["years"]] == [first.year, second.year]
    changes = {c["formula"].key: c for c in result["changes"]["indices"]}
    assert changes["safety"]["test"].difference == pytest.approx(
        0 - (300 + 200 * 2 / 3 + 100 / 3) / 6
    )


def test_results_follow_deletion_of_an_own_survey(world: World) -> None:
    q = questionnaire(world)
    _type_in(q)
    assert Survey.objects.filter(kind=SurveyKind.QUESTIONNAIRE).exists()
    own.delete_questionnaire(q, world.users["coordinator"])
    assert not Survey.objects.filter(kind=SurveyKind.QUESTIONNAIRE).exists()
    assert not QuestionnaireAnswer.objects.exists()


def test_two_own_surveys_may_not_ask_one_area_in_one_year(world: World) -> None:
    q = questionnaire(world)
    other = questionnaire(world, areas=[extra_area(world)], title="Norr")
    assert own.overlapping(other, q.year, ["Centrum", "Norr"]) == "Trygghetsenkät"
    assert own.overlapping(other, q.year + 1, ["Centrum"]) is None
