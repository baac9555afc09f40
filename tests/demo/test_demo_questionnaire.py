"""The demo's own survey: open, labelled as example data, answered, counted, idempotent."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from samtrygg.surveys.models import (
    Channel,
    Questionnaire,
    QuestionnaireResponse,
    QuestionnaireState,
    Survey,
    SurveyKind,
)
from samtrygg.surveys.services import area_results


@pytest.mark.django_db
def test_the_demo_own_survey_is_open_labelled_and_counted(client: Any) -> None:
    from samtrygg.demo.partnership import load_demo
    from samtrygg.demo.questionnaire import load_demo_questionnaire

    partnership = load_demo()
    q = load_demo_questionnaire(partnership)
    assert q.is_example and "exempeldata" in q.title
    assert q.state() == QuestionnaireState.OPEN
    assert q.area_names() == ["Bofors och Bruket", "Karlskoga centrum"]
    responses = QuestionnaireResponse.objects.filter(questionnaire=q)
    assert responses.count() == 105
    assert responses.filter(channel=Channel.PAPER).exists()
    assert responses.filter(channel=Channel.WEB).exists()
    survey = Survey.objects.get(partnership=partnership, kind=SurveyKind.QUESTIONNAIRE)
    assert survey.is_example
    year = area_results(survey, "område", "Karlskoga centrum")["years"][0]
    keys = {i["formula"].key for i in year["indices"] if not i["suppressed"]}
    assert keys == {"problem", "worry", "safety"}
    # The link works for a visitor who wants to try answering.
    page = Client().get(reverse("survey-answer", args=[q.token]))
    assert page.status_code == 200 and "Exempeldata" in page.content.decode()

    again = load_demo_questionnaire(partnership)
    assert Questionnaire.objects.filter(partnership=partnership).get() == again
    assert QuestionnaireResponse.objects.count() == 105
    assert Survey.objects.filter(kind=SurveyKind.QUESTIONNAIRE).count() == 1
