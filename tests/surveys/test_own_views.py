"""The own survey's pages: making it, the anonymous answer link, paper entry, the results."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from samtrygg.surveys.models import (
    Channel,
    Questionnaire,
    QuestionnaireResponse,
    Survey,
    SurveyKind,
)
from tests.conftest import World
from tests.surveys.own_helpers import extra_area, questionnaire


def _new(client: Any, world: World, **changes: Any) -> Any:
    today = timezone.localdate()
    data = {
        "title": "Trygghetsenkät Centrum",
        "areas": [world.drawn_area.pk],
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=20)).isoformat(),
        "questions": ["trygg_ute_sent", "oro_overfall", "polis_bryr_sig"],
        **changes,
    }
    return client.post(reverse("surveys-own-create", args=["alfa"]), data)


def test_a_coordinator_makes_an_own_survey_and_gets_its_link(world: World, client_for: Any) -> None:
    client = client_for("coordinator")
    blank = client.get(reverse("surveys-own-create", args=["alfa"])).content.decode()
    assert blank.count('name="questions"') == blank.count('name="questions" value') == 21
    assert blank.count("checked") == 21  # every question of the bank to begin with
    response = _new(client, world)
    q = Questionnaire.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys-own-detail", args=["alfa", q.pk])
    assert q.questions == ["trygg_ute_sent", "oro_overfall", "polis_bryr_sig"]
    assert q.bank_version == "samtrygg-frågebank-1" and len(q.token) >= 32
    assert q.created_by == world.users["coordinator"]
    with translation.override("sv"):
        detail = client.get(response["Location"]).content.decode()
        paper = client.get(reverse("surveys-own-paper", args=["alfa", q.pk])).content.decode()
    link = reverse("survey-answer", args=[q.token])
    assert link in detail and "<svg" in detail
    assert "Hur trygg känner du dig om du går ut ensam sent" in paper
    assert "Instämmer delvis" in paper and link in paper and "<svg" in paper
    listing = client.get(reverse("surveys-list", args=["alfa"])).content.decode()
    assert "Trygghetsenkät Centrum" in listing


def test_an_own_survey_with_bad_dates_or_no_questions_is_refused(
    world: World, client_for: Any
) -> None:
    client = client_for("analyst")
    today = timezone.localdate()
    response = _new(client, world, closes_on=(today - timedelta(days=1)).isoformat())
    assert response.status_code == 400
    message = "Sista dagen måste vara samma dag som eller efter första dagen."
    assert message in response.content.decode()
    response = _new(client, world, questions=[], areas=[])
    assert response.status_code == 400
    assert not Questionnaire.objects.exists()


def test_two_own_surveys_may_not_ask_the_same_area_in_one_year(
    world: World, client_for: Any
) -> None:
    questionnaire(world, title="Vårens enkät")
    response = _new(client_for("coordinator"), world)
    assert response.status_code == 400
    assert "Vårens enkät" in response.content.decode()
    assert Questionnaire.objects.count() == 1


def test_a_resident_answers_anonymously_without_signing_in(world: World) -> None:
    q = questionnaire(world, questions=["trygg_ute_sent", "oro_overfall"])
    client = Client()
    url = reverse("survey-answer", args=[q.token])
    with translation.override("sv"):
        page = client.get(url)
    assert page.status_code == 200
    assert "Hur trygg känner du dig" in page.content.decode()
    response = client.post(url, {"trygg_ute_sent": "Ganska otrygg"})
    assert response.status_code == 302
    assert response["Location"] == reverse("survey-answer-thanks", args=[q.token])
    stored = QuestionnaireResponse.objects.get()
    assert (stored.area, stored.channel) == ("Centrum", Channel.WEB)
    assert list(stored.answers.values_list("item", "answer")) == [
        ("trygg_ute_sent", "Ganska otrygg")
    ]
    # No session, and no cookie but the CSRF one: nothing ties an answer to a person.
    assert not Session.objects.exists()
    assert set(client.cookies) <= {"csrftoken"}
    assert client.get(response["Location"]).status_code == 200


def test_the_answer_page_is_csrf_protected(world: World) -> None:
    q = questionnaire(world)
    client = Client(enforce_csrf_checks=True)
    url = reverse("survey-answer", args=[q.token])
    assert client.post(url, {"trygg_ute_sent": "Mycket trygg"}).status_code == 403
    page = client.get(url)
    token = page.context["csrf_token"]
    data = {"trygg_ute_sent": "Mycket trygg", "csrfmiddlewaretoken": str(token)}
    assert client.post(url, data).status_code == 302
    assert QuestionnaireResponse.objects.count() == 1


def test_a_bad_token_finds_nothing(world: World) -> None:
    q = questionnaire(world)
    client = Client()
    # Change the last character to one it is not: a token that already ends in
    # "x" would otherwise stay the real one (1 run in 64).
    other = "y" if q.token.endswith("x") else "x"
    assert client.get(reverse("survey-answer", args=[q.token[:-1] + other])).status_code == 404
    assert client.post(reverse("survey-answer", args=["nope"]), {}).status_code == 404
    assert client.get(reverse("survey-answer-thanks", args=["nope"])).status_code == 404


def test_a_closed_or_not_yet_open_survey_refuses_answers_with_a_clear_page(
    world: World,
) -> None:
    closed = questionnaire(world, opens_in=-20, closes_in=-1)
    client = Client()
    client.cookies["django_language"] = "en"
    url = reverse("survey-answer", args=[closed.token])
    page = client.get(url)
    assert page.status_code == 410
    assert f"This survey closed on {closed.closes_on.isoformat()}" in page.content.decode()
    assert client.post(url, {"trygg_ute_sent": "Mycket trygg"}).status_code == 410
    later = questionnaire(world, areas=[extra_area(world)], opens_in=3, title="Later")
    del client.cookies["django_language"]
    page = client.get(reverse("survey-answer", args=[later.token]))
    assert page.status_code == 403
    assert "Den här enkäten öppnar" in page.content.decode()
    assert not QuestionnaireResponse.objects.exists()


def test_an_empty_form_or_a_missing_area_is_refused_with_a_message(world: World) -> None:
    q = questionnaire(world, areas=[world.drawn_area, extra_area(world)])
    client = Client()
    url = reverse("survey-answer", args=[q.token])
    with translation.override("sv"):
        empty = client.post(url, {"area": "Norr"})
        no_area = client.post(url, {"trygg_ute_sent": "Mycket trygg"})
        tampered = client.post(url, {"area": "Norr", "trygg_ute_sent": "Jättetryggt"})
    assert empty.status_code == 400
    assert "Svara på minst en fråga innan du skickar." in empty.content.decode()
    assert no_area.status_code == 400
    assert "Välj det område där du bor." in no_area.content.decode()
    assert tampered.status_code == 400
    assert not QuestionnaireResponse.objects.exists()
    assert client.post(url, {"area": "Norr", "trygg_ute_sent": "Mycket trygg"}).status_code == 302
    assert QuestionnaireResponse.objects.get().area == "Norr"


def test_answers_from_one_client_are_limited_without_storing_its_address(
    world: World, settings: Any
) -> None:
    from django.core.cache import cache

    settings.SAMTRYGG_SURVEY_ANSWERS_PER_HOUR = 2
    q = questionnaire(world)
    client = Client(REMOTE_ADDR="203.0.113.7")
    url = reverse("survey-answer", args=[q.token])
    codes = [client.post(url, {"trygg_ute_sent": "Mycket trygg"}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert QuestionnaireResponse.objects.count() == 2
    other = Client(REMOTE_ADDR="203.0.113.8")
    assert other.post(url, {"oro_inbrott": "Ganska orolig"}).status_code == 302
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]
    assert keys and not any("203.0.113" in key for key in keys)


def test_a_coordinator_types_in_paper_forms_and_reads_the_results(
    world: World, client_for: Any, settings: Any
) -> None:
    settings.SAMTRYGG_PUBLIC_K = 2
    q = questionnaire(world)
    client = client_for("coordinator")
    url = reverse("surveys-own-enter", args=["alfa", q.pk])
    for answer in ("Mycket trygg", "Mycket trygg", "Ganska otrygg"):
        response = client.post(url, {"trygg_ute_sent": answer, "oro_inbrott": "Ganska orolig"})
        assert response.status_code == 302
    assert client.post(url, {}).status_code == 400
    assert QuestionnaireResponse.objects.filter(channel=Channel.PAPER).count() == 3
    survey = Survey.objects.get(kind=SurveyKind.QUESTIONNAIRE)
    with translation.override("sv"):
        html = client.get(
            reverse("surveys-results", args=["alfa", survey.pk]), {"area": "område:Centrum"}
        ).content.decode()
    assert "Trygghetsindex (samtrygg-1)" in html
    assert "n = 3" in html
    # (2·100 + 33⅓) / 3
    assert "77,78" in html


def test_paper_forms_after_closing_need_the_handed_in_confirmation(
    world: World, client_for: Any
) -> None:
    q = questionnaire(world, opens_in=-20, closes_in=-1)
    client = client_for("analyst")
    url = reverse("surveys-own-enter", args=["alfa", q.pk])
    refused = client.post(url, {"trygg_ute_sent": "Mycket trygg"})
    assert refused.status_code == 400 and not QuestionnaireResponse.objects.exists()
    ok = client.post(url, {"trygg_ute_sent": "Mycket trygg", "handed_in": "on"})
    assert ok.status_code == 302 and QuestionnaireResponse.objects.count() == 1
    later = questionnaire(world, areas=[extra_area(world)], opens_in=5, title="Later")
    page = client.get(reverse("surveys-own-enter", args=["alfa", later.pk]))
    assert page.status_code == 403


def test_questions_and_areas_stay_once_answers_have_come_in(world: World, client_for: Any) -> None:
    q = questionnaire(world, questions=["trygg_ute_sent"])
    Client().post(reverse("survey-answer", args=[q.token]), {"trygg_ute_sent": "Mycket trygg"})
    client = client_for("coordinator")
    data = {
        "title": "Nytt namn", "areas": [extra_area(world).pk], "opens_on": "2020-01-01",
        "closes_on": (q.closes_on + timedelta(days=5)).isoformat(), "questions": ["oro_inbrott"],
    }  # fmt: skip
    response = client.post(reverse("surveys-own-edit", args=["alfa", q.pk]), data)
    assert response.status_code == 302
    q.refresh_from_db()
    assert q.title == "Nytt namn" and q.questions == ["trygg_ute_sent"]
    assert q.area_names() == ["Centrum"] and q.opens_on.year != 2020


def test_deleting_an_own_survey_removes_its_answers_and_results(
    world: World, client_for: Any
) -> None:
    q = questionnaire(world)
    Client().post(reverse("survey-answer", args=[q.token]), {"trygg_ute_sent": "Mycket trygg"})
    client = client_for("coordinator")
    survey = Survey.objects.get(kind=SurveyKind.QUESTIONNAIRE)
    # The counted results are not deleted on their own: they follow the own surveys.
    client.post(reverse("surveys-delete", args=["alfa", survey.pk]))
    assert Survey.objects.filter(pk=survey.pk).exists()
    response = client.post(reverse("surveys-own-delete", args=["alfa", q.pk]))
    assert response.status_code == 302
    assert not Questionnaire.objects.exists() and not QuestionnaireResponse.objects.exists()
    assert not Survey.objects.exists()


def test_the_upload_form_does_not_offer_the_counted_questionnaires(
    world: World, client_for: Any
) -> None:
    html = client_for("coordinator").get(reverse("surveys-import", args=["alfa"]))
    assert 'value="questionnaire"' not in html.content.decode()
    assert 'value="own"' in html.content.decode()


def test_the_answer_page_speaks_english_when_asked(world: World) -> None:
    q = questionnaire(world, questions=["polis_bryr_sig"])
    client = Client()
    client.cookies["django_language"] = "en"
    html = client.get(reverse("survey-answer", args=[q.token])).content.decode()
    assert "The police care about the local problems in my area." in html
    assert "Agree partly" in html
