"""Problems and their cause trees, with evidence."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from samtrygg.freezing.pages import STAFF
from samtrygg.partnerships.access import Access, get_access
from samtrygg.plans.forms import CauseForm, EvidenceForm, ProblemForm
from samtrygg.plans.indicators import computed_value
from samtrygg.plans.models import Cause, Indicator, Problem
from samtrygg.plans.views._helpers import (
    READERS,
    _cause,
    _delete_page,
    _form_in_force,
    _form_page,
    _save,
)


def _problem(access: Access, pk: int) -> Problem:
    return get_object_or_404(Problem, partnership=access.partnership, pk=pk)


@login_required
def problem_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, READERS)
    problems = Problem.objects.filter(partnership=access.partnership).prefetch_related("areas")
    return render(request, "plans/problem_list.html", {"access": access, "problems": problems})


@login_required
def problem_create(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    problem = Problem(partnership=access.partnership)
    form = ProblemForm(request.POST or None, instance=problem, partnership=access.partnership)
    if request.method == "POST" and form.is_valid():
        problem = _save(request, access, form, "created")
        return redirect("problem-detail", slug=slug, pk=problem.pk)
    back = reverse("problem-list", args=[slug])
    return _form_page(request, access, form, _("New problem"), back)


@login_required
def problem_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    problem = _problem(access, pk)
    form = ProblemForm(request.POST or None, instance=problem, partnership=access.partnership)
    url = reverse("problem-detail", args=[slug, pk])
    return _form_in_force(request, access, form, "edited", _("Edit the problem"), url, problem)


def _tree(causes: list[Cause]) -> list[tuple[Cause, list[Any]]]:
    """Causes as nested (cause, children) pairs, roots first."""
    children: dict[int | None, list[Cause]] = {}
    for c in causes:
        children.setdefault(c.parent_id, []).append(c)

    def build(parent: int | None) -> list[tuple[Cause, list[Any]]]:
        return [(c, build(c.pk)) for c in children.get(parent, [])]

    return build(None)


def _indicator_row(indicator: Indicator) -> tuple[Indicator, int | None, Any]:
    """An indicator with its computed value (if it has a category) and its last entered one."""
    values = list(indicator.values.all())
    return indicator, computed_value(indicator), values[-1] if values else None


@login_required
def problem_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, READERS)
    problem = _problem(access, pk)
    causes = list(problem.causes.prefetch_related("evidence"))
    goals = list(problem.goals.select_related("owner").prefetch_related("indicators__values"))
    context = {
        "access": access,
        "problem": problem,
        "tree": _tree(causes),
        "goals": [(g, [_indicator_row(i) for i in g.indicators.all()]) for g in goals],
        "can_edit": access.sees_all_data,
    }
    return render(request, "plans/problem_detail.html", context)


@login_required
def cause_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    problem = _problem(access, pk)
    form = CauseForm(request.POST or None, problem=problem, initial=request.GET.dict())
    url = reverse("problem-detail", args=[slug, pk]) + "#causes"
    return _form_in_force(
        request, access, form, "created", _("Add a cause"), url, Cause(problem=problem)
    )


@login_required
def cause_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    cause = _cause(access, pk)
    form = CauseForm(request.POST or None, instance=cause, problem=cause.problem)
    url = reverse("problem-detail", args=[slug, cause.problem_id]) + "#causes"
    return _form_in_force(request, access, form, "edited", _("Edit the cause"), url, cause)


@login_required
def cause_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    cause = _cause(access, pk)
    url = reverse("problem-detail", args=[slug, cause.problem_id]) + "#causes"
    return _delete_page(request, access, cause, url)


@login_required
def evidence_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    cause = _cause(access, pk)
    form = EvidenceForm(request.POST or None)
    form.instance.cause = cause
    url = reverse("problem-detail", args=[slug, cause.problem_id]) + "#causes"
    if request.method == "POST" and form.is_valid():
        _save(request, access, form, "created")
        return redirect(url)
    title = _("Evidence for “%(cause)s”") % {"cause": cause.description[:60]}
    return _form_page(request, access, form, title, url)
