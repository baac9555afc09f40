"""The demo partnership's own survey, with made-up answers, labelled as example data everywhere.

The survey is open from a month ago to two months ahead, so that a visitor can open its link and
answer it; the answers already there are drawn with a fixed seed (about a third typed in from
paper) and counted into the results through the same code as real answers.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from django.db import transaction
from django.utils import timezone

from samtrygg.areas.models import Area
from samtrygg.partnerships.models import Partnership
from samtrygg.surveys import own, questionbank
from samtrygg.surveys.models import (
    Channel,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireResponse,
)

TITLE = "Trygghetsenkät {year} (exempeldata)"
# Made-up respondents per area; the demo's other areas are not asked.
_AREAS = {"Karlskoga centrum": 64, "Bofors och Bruket": 41}
# How likely each alternative of a scale is (in the bank's order), roughly as in published
# trygghetsmätningar.
_PROFILES: dict[tuple[questionbank.Choice, ...], tuple[float, ...]] = {
    questionbank.PROBLEM: (0.34, 0.30, 0.18, 0.09, 0.09),
    questionbank.WORRY: (0.34, 0.30, 0.18, 0.09, 0.09),
    questionbank.SAFETY: (0.34, 0.30, 0.18, 0.09, 0.04, 0.05),
    questionbank.AGREE: (0.22, 0.36, 0.20, 0.10, 0.12),
    questionbank.YES_NO: (0.08, 0.92),
    questionbank.REPORTED: (0.05, 0.07, 0.88),
    questionbank.AVOIDED: (0.08, 0.22, 0.70),
}
_SKIP = 0.06  # share of questions left unanswered


def _weights(choices: tuple[questionbank.Choice, ...], shift: float) -> list[float]:
    w = np.array(_PROFILES[choices], dtype=float)
    if len(w) >= 5:  # four-point scales: move some answers from the good half to the bad
        w[0] -= shift
        w[2] += shift
    return [float(v) for v in w / w.sum()]


@transaction.atomic
def load_demo_questionnaire(partnership: Partnership, seed: int = 13) -> Questionnaire:
    """Replace the demo's example own survey and its made-up answers."""
    Questionnaire.objects.filter(partnership=partnership, is_example=True).delete()
    today = timezone.localdate()
    q = Questionnaire.objects.create(
        partnership=partnership, title=TITLE.format(year=today.year),
        opens_on=today - timedelta(days=30), closes_on=today + timedelta(days=60),
        questions=[question.code for question in questionbank.QUESTIONS],
        bank_version=questionbank.BANK_VERSION, is_example=True,
    )  # fmt: skip
    q.areas.set(Area.objects.filter(partnership=partnership, name__in=_AREAS))
    rng = np.random.default_rng(seed)
    answers: list[QuestionnaireAnswer] = []
    for area, count in _AREAS.items():
        # Bofors och Bruket answers a little less favourably than the centre.
        shift = 0.06 if area == "Bofors och Bruket" else 0.0
        for _ in range(count):
            channel = Channel.PAPER if rng.random() < 0.33 else Channel.WEB
            response = QuestionnaireResponse.objects.create(
                questionnaire=q, area=area, channel=channel
            )
            for question in questionbank.QUESTIONS:
                if rng.random() < _SKIP:
                    continue
                texts = question.choice_texts()
                pick = int(rng.choice(len(texts), p=_weights(question.choices, shift)))
                answers.append(
                    QuestionnaireAnswer(response=response, item=question.code, answer=texts[pick])
                )
    QuestionnaireAnswer.objects.bulk_create(answers)
    own.refresh_results(partnership)
    return q
