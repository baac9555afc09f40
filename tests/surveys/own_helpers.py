"""Own surveys for the tests: made through the models, open today unless told otherwise."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from samtrygg.surveys import questionbank
from samtrygg.surveys.models import Questionnaire
from tests.conftest import World


def extra_area(w: World, name: str = "Norr") -> Any:
    from shapely.geometry import box

    from samtrygg.areas import services as area_services

    return area_services.create_drawn_area(w.a, name, box(14.50, 59.35, 14.53, 59.37), None)


def questionnaire(
    w: World,
    *,
    areas: list[Any] | None = None,
    opens_in: int = -1,
    closes_in: int = 10,
    questions: list[str] | None = None,
    title: str = "Trygghetsenkät",
) -> Questionnaire:
    today = timezone.localdate()
    q = Questionnaire.objects.create(
        partnership=w.a,
        title=title,
        opens_on=today + timedelta(days=opens_in),
        closes_on=today + timedelta(days=closes_in),
        questions=questions or [q.code for q in questionbank.QUESTIONS],
        bank_version=questionbank.BANK_VERSION,
    )
    q.areas.set(areas if areas is not None else [w.drawn_area])
    return q
