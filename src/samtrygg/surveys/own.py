"""The partnership's own survey: answers stored anonymously and counted into survey results.

1. A coordinator or analyst makes a :class:`~samtrygg.surveys.models.Questionnaire` from the
   question bank (:mod:`samtrygg.surveys.questionbank`) for one or more areas and a period; no
   two own surveys may ask the same area in the same year, because their results share one
   table keyed by area and year.
2. :func:`submit_response` stores one answered questionnaire (from the web link or typed in
   from paper) in one transaction: the area and the chosen alternatives, nothing else. A web
   answer outside the open dates is refused with :class:`ClosedError`.
3. :func:`refresh_results` counts the answers, per area and question, into the rows of the
   partnership's one ``questionnaire`` :class:`~samtrygg.surveys.models.Survey`, the same rows
   an imported survey has. The results pages then show shares with Wilson intervals, indices
   with their formula and version, changes between years and suppression of small groups
   exactly as for imported surveys (:func:`samtrygg.surveys.services.area_results`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from samtrygg.partnerships.changelog import record
from samtrygg.partnerships.models import Partnership
from samtrygg.surveys import questionbank
from samtrygg.surveys.models import (
    Channel,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireResponse,
    QuestionnaireState,
    Survey,
    SurveyKind,
    SurveyResult,
)

LEVEL = "område"


class ClosedError(Exception):
    """The questionnaire does not take answers now; the message says why and since when."""


class AnswerError(ValueError):
    """An answer that does not fit the questionnaire (a tampered form); the message says what."""


def overlapping(questionnaire: Questionnaire, year: int, area_names: list[str]) -> str | None:
    """The title of another own survey of the partnership asking one of ``area_names`` in
    ``year``, or None."""
    others = Questionnaire.objects.filter(
        partnership_id=questionnaire.partnership_id, opens_on__year=year,
        areas__name__in=area_names,
    ).exclude(pk=questionnaire.pk)  # fmt: skip
    other = others.first()
    return other.title if other else None


def closed_message(questionnaire: Questionnaire, state: QuestionnaireState) -> str:
    """What a resident reads when the questionnaire does not take answers."""
    if state == QuestionnaireState.UPCOMING:
        return _("This survey opens on %(date)s. Welcome back then.") % {
            "date": questionnaire.opens_on.isoformat()
        }
    return _(
        "This survey closed on %(date)s and takes no more answers. Thank you for your interest."
    ) % {  # noqa: E501
        "date": questionnaire.closes_on.isoformat()
    }


def submit_response(
    questionnaire: Questionnaire,
    area: str,
    answers: Mapping[str, str],
    channel: str,
    actor: Any = None,
) -> QuestionnaireResponse:
    """Store one answered questionnaire and update the results, all or nothing.

    ``answers`` maps question codes to the stored (Swedish) alternative; empty answers are
    left out. Raises :class:`ClosedError` for a web answer outside the open dates (paper forms
    handed in by the closing date are typed in afterwards; the view asks for that
    confirmation) and :class:`AnswerError` for an area, question or alternative that is not
    the questionnaire's, or for a form without any answer.
    """
    state = questionnaire.state()
    if state == QuestionnaireState.UPCOMING or (
        state == QuestionnaireState.CLOSED and channel == Channel.WEB
    ):
        raise ClosedError(closed_message(questionnaire, state))
    if area not in questionnaire.area_names():
        raise AnswerError(_("Choose one of the survey's areas."))
    asked = {q.code: q for q in questionbank.questions(questionnaire.questions)}
    given = {code: text for code, text in answers.items() if text}
    if not given:
        raise AnswerError(_("Answer at least one question before sending."))
    for code, text in given.items():
        if code not in asked or text not in asked[code].choice_texts():
            raise AnswerError(_("An answer does not belong to this survey; reload the page."))
    with transaction.atomic():
        response = QuestionnaireResponse.objects.create(
            questionnaire=questionnaire, area=area, channel=channel
        )
        QuestionnaireAnswer.objects.bulk_create(
            QuestionnaireAnswer(response=response, item=code, answer=text)
            for code, text in given.items()
        )
        if channel == Channel.PAPER:
            # Who typed in paper forms is recorded (never what they answered).
            record(questionnaire.partnership_id, actor, questionnaire, "paper_entered")
        refresh_results(questionnaire.partnership)
    return response


def _result_rows(questionnaire: Questionnaire) -> list[SurveyResult]:
    """The questionnaire's answers counted per area and question, every alternative listed."""
    grouped = (
        QuestionnaireAnswer.objects.filter(response__questionnaire=questionnaire)
        .values_list("response__area", "item", "answer")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts: Counter[tuple[str, str, str]] = Counter()
    for area, item, answer, count in grouped:
        counts[(area, item, answer)] = count
    areas = sorted({area for area, _item, _answer in counts})
    rows = []
    for area in areas:
        for question in questionbank.questions(questionnaire.questions):
            n = sum(counts[(area, question.code, text)] for text in question.choice_texts())
            if n == 0:
                continue  # Nobody in the area answered it: no row, as in imported tables.
            for text in question.choice_texts():
                rows.append(SurveyResult(
                    level=LEVEL, area=area, year=questionnaire.year, item=question.code,
                    item_text=question.sv, answer=text, count=counts[(area, question.code, text)],
                    n=n, unit="antal",
                ))  # fmt: skip
    return rows


@transaction.atomic
def refresh_results(partnership: Partnership) -> Survey | None:
    """Count every own survey's answers into the partnership's questionnaire results.

    The partnership's row is locked first, so two answers arriving together are counted one
    after the other (the survey row itself may not exist yet, and two first answers must not
    both create it). Without any answer the survey is removed.
    """
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    survey = Survey.objects.filter(partnership=partnership, kind=SurveyKind.QUESTIONNAIRE).first()
    questionnaires = list(
        Questionnaire.objects.filter(partnership=partnership).order_by("opens_on", "pk")
    )
    rows = [row for q in questionnaires for row in _result_rows(q)]
    if not rows:
        if survey is not None:
            survey.delete()
        return None
    if survey is None:
        survey = Survey(partnership=partnership, kind=SurveyKind.QUESTIONNAIRE)
    survey.is_example = all(q.is_example for q in questionnaires if q.responses.exists())
    survey.imported_at = timezone.now()
    survey.source_file = ""
    survey.save()
    survey.results.all().delete()
    for row in rows:
        row.survey = survey
    SurveyResult.objects.bulk_create(rows)
    return survey


@transaction.atomic
def delete_questionnaire(questionnaire: Questionnaire, actor: Any) -> None:
    """Delete an own survey with its answers, recount the results, record who did it."""
    partnership = questionnaire.partnership
    record(partnership.pk, actor, questionnaire, "deleted", title=questionnaire.title)
    questionnaire.delete()
    refresh_results(partnership)


def response_counts(questionnaire: Questionnaire) -> dict[str, int]:
    """Responses received, in total and per channel (for the staff's overview)."""
    per_channel = Counter(questionnaire.responses.values_list("channel", flat=True))
    return {"total": sum(per_channel.values()), "web": per_channel[Channel.WEB],
            "paper": per_channel[Channel.PAPER]}  # fmt: skip
