"""Pages of the partnership's own survey: making it, its link and paper version, typing in
paper answers, and the public page where residents answer without signing in.

Coordinators and analysts run own surveys. The answer page is found only through the survey's
unguessable token; it takes answers only while the survey is open, stores no address, cookie or
time with an answer, and each client may send ``SAMTRYGG_SURVEY_ANSWERS_PER_HOUR`` answers an
hour (then 429).
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samtrygg.partnerships.access import Access, get_access
from samtrygg.partnerships.changelog import record
from samtrygg.partnerships.links import site_url
from samtrygg.partnerships.models import Role
from samtrygg.surveys import own, questionbank, ratelimit
from samtrygg.surveys.forms import AnswerForm, QuestionnaireForm
from samtrygg.surveys.models import Channel, Questionnaire, QuestionnaireState

STAFF = [Role.COORDINATOR, Role.ANALYST]


def _questionnaire(access: Access, pk: int) -> Questionnaire:
    return get_object_or_404(Questionnaire, partnership=access.partnership, pk=pk)


def _posted(request: HttpRequest) -> Any:
    """The posted data, also when empty (an empty form is refused, not shown afresh)."""
    return request.POST if request.method == "POST" else None


def answer_link(request: HttpRequest, questionnaire: Questionnaire) -> str:
    return site_url(request) + reverse("survey-answer", args=[questionnaire.token])


def _qr_svg(url: str) -> str:
    # segno draws the code as SVG here (works offline); it holds only our own link as path data.
    svg = segno.make(url, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title=_("QR code for the survey's answer link")
    )
    return mark_safe(svg)  # noqa: S308 - markup made by segno from our own URL


@login_required
def questionnaire_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    questionnaire = (
        _questionnaire(access, pk) if pk is not None
        else Questionnaire(partnership=access.partnership)
    )  # fmt: skip
    form = QuestionnaireForm(
        _posted(request), instance=questionnaire, partnership=access.partnership
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            is_new = questionnaire.pk is None
            if is_new:
                form.instance.created_by = request.user  # type: ignore[assignment]
                form.instance.bank_version = questionbank.BANK_VERSION
            saved = form.save()
            record(access.partnership.pk, request.user, saved, "created" if is_new else "edited",
                   title=saved.title)  # fmt: skip
        messages.success(request, _("The own survey has been saved."))
        return redirect("surveys-own-detail", slug=slug, pk=saved.pk)
    context = {"access": access, "form": form, "questionnaire": questionnaire}
    return render(request, "surveys/own_form.html", context, status=400 if form.errors else 200)


@login_required
def questionnaire_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    questionnaire = _questionnaire(access, pk)
    link = answer_link(request, questionnaire)
    context = {
        "access": access, "questionnaire": questionnaire, "link": link, "qr": _qr_svg(link),
        "state": questionnaire.state(), "counts": own.response_counts(questionnaire),
        "questions": questionbank.questions(questionnaire.questions),
    }  # fmt: skip
    return render(request, "surveys/own_detail.html", context)


@login_required
def questionnaire_paper(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    questionnaire = _questionnaire(access, pk)
    link = answer_link(request, questionnaire)
    context = {
        "access": access, "questionnaire": questionnaire, "link": link, "qr": _qr_svg(link),
        "questions": questionbank.questions(questionnaire.questions),
    }  # fmt: skip
    return render(request, "surveys/own_paper.html", context)


@login_required
def questionnaire_enter(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Type in one paper form; the page comes back empty for the next one."""
    access = get_access(request, slug, STAFF)
    questionnaire = _questionnaire(access, pk)
    state = questionnaire.state()
    if state == QuestionnaireState.UPCOMING:
        context = {"access": access, "questionnaire": questionnaire,
                   "message": own.closed_message(questionnaire, state)}  # fmt: skip
        return render(request, "surveys/own_enter.html", context, status=403)
    late = state == QuestionnaireState.CLOSED
    form = AnswerForm(_posted(request), questionnaire=questionnaire, paper_late=late)
    if request.method == "POST" and form.is_valid():
        try:
            own.submit_response(
                questionnaire, form.area(), form.answers(), Channel.PAPER, request.user
            )
        except own.AnswerError as exc:
            form.add_error(None, str(exc))
        else:
            total = own.response_counts(questionnaire)["paper"]
            messages.success(
                request,
                _("The paper form has been saved (%(n)s typed in so far). Type in the next one.")
                % {"n": total},
            )
            return redirect("surveys-own-enter", slug=slug, pk=pk)
    context = {"access": access, "questionnaire": questionnaire, "form": form, "late": late}
    return render(request, "surveys/own_enter.html", context, status=400 if form.errors else 200)


@login_required
def questionnaire_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    questionnaire = _questionnaire(access, pk)
    if request.method == "POST":
        own.delete_questionnaire(questionnaire, request.user)
        messages.success(request, _("The own survey and its answers were deleted."))
        return redirect("surveys-list", slug=slug)
    context = {"access": access, "questionnaire": questionnaire,
               "counts": own.response_counts(questionnaire)}  # fmt: skip
    return render(request, "surveys/own_delete.html", context)


# --------------------------------------------------------------------------- public pages


def _too_many() -> HttpResponse:
    response = HttpResponse(
        _("Too many answers from your address. Please wait a while and try again."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "600"
    return response


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The resident's answer page: anonymous, only with a valid token, only while open."""
    if ratelimit.over_limit(request, "page", int(settings.SAMTRYGG_PUBLIC_RATE), 60):
        return _too_many()
    questionnaire = get_object_or_404(Questionnaire, token=token)
    state = questionnaire.state()
    if state != QuestionnaireState.OPEN:
        context = {"questionnaire": questionnaire,
                   "message": own.closed_message(questionnaire, state)}  # fmt: skip
        return render(request, "surveys/answer_closed.html", context,
                      status=410 if state == QuestionnaireState.CLOSED else 403)  # fmt: skip
    form = AnswerForm(_posted(request), questionnaire=questionnaire)
    if request.method == "POST":
        limit = int(settings.SAMTRYGG_SURVEY_ANSWERS_PER_HOUR)
        if ratelimit.over_limit(request, "answer", limit, 3600):
            return _too_many()
        if form.is_valid():
            try:
                own.submit_response(questionnaire, form.area(), form.answers(), Channel.WEB)
            except own.ClosedError as exc:  # closed while the page was open
                closed = {"questionnaire": questionnaire, "message": str(exc)}
                return render(request, "surveys/answer_closed.html", closed, status=410)
            except own.AnswerError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("survey-answer-thanks", token=token)
    context = {"questionnaire": questionnaire, "form": form}
    return render(request, "surveys/answer.html", context, status=400 if form.errors else 200)


@require_GET
def answer_thanks(request: HttpRequest, token: str) -> HttpResponse:
    if ratelimit.over_limit(request, "page", int(settings.SAMTRYGG_PUBLIC_RATE), 60):
        return _too_many()
    questionnaire = get_object_or_404(Questionnaire, token=token)
    return render(request, "surveys/answer_thanks.html", {"questionnaire": questionnaire})
