"""The own survey's answer page, mounted at ``/s/``: found only through its unguessable token."""

from __future__ import annotations

from django.urls import path

from samtrygg.surveys import own_views

urlpatterns = [
    path("<str:token>/", own_views.answer, name="survey-answer"),
    path("<str:token>/thanks/", own_views.answer_thanks, name="survey-answer-thanks"),
]
