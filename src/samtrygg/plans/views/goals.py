"""Goals and their indicators, with measured values."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from samtrygg.freezing.pages import STAFF
from samtrygg.partnerships.access import Access, get_access
from samtrygg.plans.forms import GoalForm, IndicatorForm, IndicatorValueForm
from samtrygg.plans.models import Goal, Indicator
from samtrygg.plans.views._helpers import _delete_page, _form_in_force, _form_page, _goal, _save
from samtrygg.plans.views.problems import _problem


@login_required
def goal_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    problem = _problem(access, pk)
    goal = Goal(partnership=access.partnership, problem=problem)
    form = GoalForm(request.POST or None, instance=goal, partnership=access.partnership)
    url = reverse("problem-detail", args=[slug, pk]) + "#goals"
    if request.method == "POST" and form.is_valid():
        _save(request, access, form, "created")
        return redirect(url)
    return _form_page(request, access, form, _("Add a goal"), url)


@login_required
def goal_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    goal = _goal(access, pk)
    form = GoalForm(request.POST or None, instance=goal, partnership=access.partnership)
    url = reverse("problem-detail", args=[slug, goal.problem_id]) + "#goals"
    return _form_in_force(request, access, form, "edited", _("Edit the goal"), url, goal)


@login_required
def goal_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    goal = _goal(access, pk)
    url = reverse("problem-detail", args=[slug, goal.problem_id]) + "#goals"
    return _delete_page(request, access, goal, url)


@login_required
def indicator_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    goal = _goal(access, pk)
    form = IndicatorForm(
        request.POST or None, instance=Indicator(goal=goal), partnership=access.partnership
    )
    url = reverse("problem-detail", args=[slug, goal.problem_id]) + f"#goal-{goal.pk}"
    return _form_in_force(request, access, form, "created", _("Add an indicator"), url, goal)


def _indicator(access: Access, pk: int) -> Indicator:
    return get_object_or_404(
        Indicator.objects.select_related("goal"), goal__partnership=access.partnership, pk=pk
    )


@login_required
def indicator_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    indicator = _indicator(access, pk)
    form = IndicatorForm(request.POST or None, instance=indicator, partnership=access.partnership)
    url = reverse("problem-detail", args=[slug, indicator.goal.problem_id])
    return _form_in_force(
        request,
        access,
        form,
        "edited",
        _("Edit the indicator"),
        url,
        indicator,
        url + f"#goal-{indicator.goal_id}",
    )


@login_required
def indicator_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    indicator = _indicator(access, pk)
    url = reverse("problem-detail", args=[slug, indicator.goal.problem_id])
    return _delete_page(request, access, indicator, url + f"#goal-{indicator.goal_id}")


@login_required
def indicator_value_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    indicator = _indicator(access, pk)
    form = IndicatorValueForm(request.POST or None)
    form.instance.indicator = indicator
    form.instance.entered_by = request.user  # type: ignore[assignment]
    url = reverse("problem-detail", args=[slug, indicator.goal.problem_id])
    if request.method == "POST" and form.is_valid():
        _save(request, access, form, "created")
        return redirect(url + f"#goal-{indicator.goal_id}")
    title = _("Enter a value of “%(name)s”") % {"name": indicator.name}
    return _form_page(request, access, form, title, url)
