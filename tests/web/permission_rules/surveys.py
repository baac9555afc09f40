"""Rules for the survey pages: staff import and delete, viewers read, reporters see none."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.web.permissions import Rule, everyone, members_only
from tests.web.permissions import partnership_slug as _slug

STAFF = {**members_only(), "viewer": 403, "reporter": 403}
STAFF_REDIRECT = {**members_only(302), "viewer": 403, "reporter": 403}
READERS = {**members_only(), "reporter": 403}


def _survey(w: World) -> dict[str, Any]:
    from django.utils import timezone

    from samtrygg.surveys.models import Survey

    survey = Survey.objects.create(partnership=w.a, kind="own", imported_at=timezone.now())
    survey.results.create(
        level="område", area="Centrum", year=2024, item="trygg_ute_sent", answer="Mycket trygg",
        count=10, n=40, unit="antal",
    )  # fmt: skip
    return {"slug": w.a.slug, "pk": survey.pk}


RULES: dict[str, Rule] = {
    "surveys-list": Rule(READERS, kwargs=lambda w: (_survey(w), _slug(w))[1]),
    "surveys-import": Rule(STAFF, kwargs=_slug),
    "surveys-results": Rule(READERS, kwargs=_survey),
    "surveys-delete": Rule(STAFF_REDIRECT, kwargs=_survey, method="post"),
}


def _own(w: World) -> dict[str, Any]:
    from tests.surveys.own_helpers import questionnaire

    return {"slug": w.a.slug, "pk": questionnaire(w).pk}


def _open_token(w: World) -> dict[str, Any]:
    """A valid token of an open survey: the only way anyone, signed in or not, reaches it."""
    from tests.surveys.own_helpers import questionnaire

    return {"token": questionnaire(w).token}


RULES.update({
    "surveys-own-create": Rule(STAFF, kwargs=_slug),
    "surveys-own-detail": Rule(STAFF, kwargs=_own),
    "surveys-own-edit": Rule(STAFF, kwargs=_own),
    "surveys-own-paper": Rule(STAFF, kwargs=_own),
    "surveys-own-enter": Rule(STAFF, kwargs=_own),
    "surveys-own-delete": Rule(STAFF_REDIRECT, kwargs=_own, method="post"),
    "survey-answer": Rule(everyone(200), kwargs=_open_token),
    "survey-answer-thanks": Rule(everyone(200), kwargs=_open_token),
})  # fmt: skip
