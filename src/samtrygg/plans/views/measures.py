"""Measures and their activities."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from samtrygg.freezing.pages import STAFF
from samtrygg.partnerships.access import Access, get_access
from samtrygg.plans import deletion, services
from samtrygg.plans.forms import ActivityForm, MeasureForm
from samtrygg.plans.models import Activity, FrozenError, Measure
from samtrygg.plans.views._helpers import READERS, _delete_page, _form_page, _measure_frozen, _save


def _measure(access: Access, pk: int) -> Measure:
    return get_object_or_404(Measure, partnership=access.partnership, pk=pk)


@login_required
def measure_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, READERS)
    measures = Measure.objects.filter(partnership=access.partnership).order_by("title")
    rows = [(m, services.measure_progress(m)) for m in measures]
    return render(request, "plans/measure_list.html", {"access": access, "rows": rows})


@login_required
def measure_create(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    measure = Measure(partnership=access.partnership)
    form = MeasureForm(request.POST or None, instance=measure, partnership=access.partnership)
    if request.method == "POST" and form.is_valid():
        measure = _save(request, access, form, "created")
        return redirect("measure-detail", slug=slug, pk=measure.pk)
    back = reverse("measure-list", args=[slug])
    return _form_page(request, access, form, _("New measure"), back)


@login_required
def measure_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    measure = _measure(access, pk)
    plan = measure.adopted_plan()
    if plan is not None:
        return _measure_frozen(request, access, measure, plan)
    form = MeasureForm(request.POST or None, instance=measure, partnership=access.partnership)
    url = reverse("measure-detail", args=[slug, pk])
    if request.method == "POST" and form.is_valid():
        try:
            _save(request, access, form, "edited")
        except FrozenError:  # adopted between the check and the save
            return _measure_frozen(request, access, measure)
        return redirect(url)
    return _form_page(request, access, form, _("Edit the measure"), url)


@login_required
def measure_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    measure = _measure(access, pk)
    if request.method == "POST" and deletion.deletion_for(measure).allowed:
        # Once deleted the measure page is gone: return to the list.
        back = reverse("measure-list", args=[slug])
    else:
        back = reverse("measure-detail", args=[slug, pk])
    return _delete_page(request, access, measure, back)


def _activity_tree(activities: list[Activity]) -> list[tuple[Activity, float, list[Any]]]:
    """Activities as nested (activity, progress, children), top level first."""
    children: dict[int | None, list[Activity]] = {}
    for a in activities:
        children.setdefault(a.parent_id, []).append(a)

    def build(parent: int | None) -> list[tuple[Activity, float, list[Any]]]:
        return [(a, services.activity_progress(a), build(a.pk)) for a in children.get(parent, [])]

    return build(None)


@login_required
def measure_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, READERS)
    measure = _measure(access, pk)
    activities = list(measure.activities.select_related("owner_organisation"))
    context = {
        "access": access,
        "measure": measure,
        "progress": services.measure_progress(measure),
        "tree": _activity_tree(activities),
        "causes": measure.causes.select_related("problem"),
        "goals": measure.goals.all(),
        "violations": services.measure_violations(measure),
        "can_edit": access.sees_all_data,
        "adopted_plan": measure.adopted_plan(),
    }
    return render(request, "plans/measure_detail.html", context)


@login_required
def activity_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    measure = _measure(access, pk)
    plan = measure.adopted_plan()
    if plan is not None:
        return _measure_frozen(request, access, measure, plan)
    form = ActivityForm(request.POST or None, measure=measure, initial=request.GET.dict())
    url = reverse("measure-detail", args=[slug, pk]) + "#activities"
    if request.method == "POST" and form.is_valid():
        try:
            _save(request, access, form, "created")
        except FrozenError:
            return _measure_frozen(request, access, measure)
        return redirect(url)
    return _form_page(request, access, form, _("Add an activity"), url)


@login_required
def activity_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    activity = get_object_or_404(Activity, measure__partnership=access.partnership, pk=pk)
    measure = activity.measure
    plan = measure.adopted_plan()
    # In an adopted plan only the follow-up fields stay open (models.ACTIVITY_PLAN_FIELDS).
    form = ActivityForm(
        request.POST or None, instance=activity, measure=measure, frozen=plan is not None
    )
    url = reverse("measure-detail", args=[slug, activity.measure_id]) + "#activities"
    if request.method == "POST" and form.is_valid():
        try:
            _save(request, access, form, "edited")
        except FrozenError:
            return _measure_frozen(request, access, measure)
        return redirect(url)
    note = (
        _(
            "The measure is part of the adopted action plan “%(plan)s”: record the follow-up "
            "here (status, progress, hours, cost, the person responsible). What the activity "
            "is, its organisation and its dates change only in a new version of the plan."
        )
        % {"plan": plan}
        if plan is not None
        else None
    )
    return _form_page(request, access, form, _("Edit the activity"), url, note=note)


@login_required
def activity_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    activity = get_object_or_404(Activity, measure__partnership=access.partnership, pk=pk)
    url = reverse("measure-detail", args=[slug, activity.measure_id]) + "#activities"
    return _delete_page(request, access, activity, url)
