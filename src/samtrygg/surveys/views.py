"""Pages for safety surveys: the surveys imported, results per area and year, import, delete.

Coordinators and analysts import and delete; viewers read; reporters see none of it (like the
reference data). Every number shown is suppressed below k like the incident statistics.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from samtrygg import uploads
from samtrygg.partnerships.access import get_access
from samtrygg.partnerships.models import Role
from samtrygg.surveys import maps, services
from samtrygg.surveys.forms import SurveyUploadForm
from samtrygg.surveys.models import Questionnaire, Survey, SurveyKind

STAFF = [Role.COORDINATOR, Role.ANALYST]
READERS = [Role.COORDINATOR, Role.ANALYST, Role.VIEWER]


@login_required
def survey_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, READERS)
    surveys = Survey.objects.of(access.partnership).annotate(n_results=Count("results"))
    questionnaires = list(
        Questionnaire.objects.filter(partnership=access.partnership).annotate(
            n_responses=Count("responses")
        )
    )
    for q in questionnaires:
        q.current_state = q.state()  # type: ignore[attr-defined]
    context = {"access": access, "surveys": surveys, "can_manage": access.sees_all_data,
               "questionnaires": questionnaires}  # fmt: skip
    return render(request, "surveys/list.html", context)


@login_required
def survey_results(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, READERS)
    survey = get_object_or_404(Survey, partnership=access.partnership, pk=pk)
    choices = services.areas(survey)
    chosen = request.GET.get("area", "")
    level, _sep, area = chosen.partition(":")
    if chosen and {"level": level, "area": area} not in choices:
        raise Http404(_("The survey has no such area."))
    if not chosen and choices:
        level, area = choices[0]["level"], choices[0]["area"]
    results = services.area_results(survey, level, area) if choices else None
    context = {
        "access": access, "survey": survey, "choices": choices, "level": level, "area": area,
        "results": results, "can_manage": access.sees_all_data,
        "map": _results_map(request, survey),
    }  # fmt: skip
    return render(request, "surveys/results.html", context)


def _results_map(request: HttpRequest, survey: Survey) -> dict[str, object] | None:
    """The map of a chosen index and year (the first index and the latest year by default)."""
    indices, years = maps.choices(survey), maps.years(survey)
    if not indices or not years:
        return None
    index = request.GET.get("index", "")
    labels = {c["value"]: c["label"] for c in indices}
    if index not in labels:
        index = indices[0]["value"]
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and int(year_text) in years else years[-1]
    rows = maps.values(survey, index, year)
    drawn = maps.results_map(survey, rows, labels[index], year)
    return {"indices": indices, "years": years, "index": index, "year": year,
            "label": labels[index], "rows": rows, **drawn}  # fmt: skip


@login_required
def survey_import(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    form = SurveyUploadForm(request.POST or None, request.FILES or None)
    errors: list[dict[str, object]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        summary = services.import_survey(
            access.partnership, upload.read(), upload.name, kind, request.user
        )
        if not summary.errors:
            messages.success(
                request,
                _(
                    "Imported: %(created)s new figures, %(updated)s updated, %(unchanged)s "
                    "unchanged, %(skipped)s skipped."
                )
                % summary.as_dict()
                + (" " + uploads.skipped_sentence(summary.skipped_reasons)).rstrip(),
            )
            return redirect("surveys-list", slug=slug)
        errors = summary.errors
    status = 400 if errors or form.errors else 200
    context = {"access": access, "form": form, "errors": errors}
    return render(request, "surveys/import.html", context, status=status)


@login_required
def survey_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    survey = get_object_or_404(Survey, partnership=access.partnership, pk=pk)
    if survey.kind == SurveyKind.QUESTIONNAIRE:
        # Counted from the own surveys' answers: deleting an own survey removes its results.
        messages.error(request, _("Delete an own survey on its own page; its results go with it."))
        return redirect("surveys-list", slug=slug)
    if request.method == "POST":
        services.delete_survey(survey, request.user)
        messages.success(request, _("The survey was deleted."))
        return redirect("surveys-list", slug=slug)
    return render(request, "surveys/delete.html", {"access": access, "survey": survey})
