"""Action plans: list, create, edit, read, adopt, new versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samtrygg.freezing.pages import COORDINATOR
from samtrygg.partnerships.access import Access, get_access
from samtrygg.partnerships.documents import FORMATS
from samtrygg.partnerships.models import Role
from samtrygg.plans import documents as plan_documents
from samtrygg.plans import services
from samtrygg.plans.forms import ActionPlanForm, AdoptForm
from samtrygg.plans.models import ActionPlan, Goal
from samtrygg.plans.views._helpers import _adopt_page, _documents, _form_page, _frozen, _save


def _plan(access: Access, pk: int) -> ActionPlan:
    plan: ActionPlan = get_object_or_404(_documents(access, ActionPlan), pk=pk)
    return plan


def linked_violations(plan: ActionPlan, slug: str) -> list[tuple[Any, str]]:
    """Every broken rule of the plan with a link to the page where it is fixed.

    The same checks as ``services.plan_violations``, taken item by item so that each can be
    linked to its measure, goal or the plan itself.
    """
    found: list[tuple[Any, str]] = []
    plan_url = reverse("actionplan-edit", args=[slug, plan.pk])
    own = [v for v in services.plan_violations(plan) if v.item == _("the plan")]
    found += [(v, plan_url) for v in own]
    goals: dict[int, Goal] = {}
    for m in plan.measures.prefetch_related("causes", "goals", "activities"):
        url = reverse("measure-edit", args=[slug, m.pk])
        detail = reverse("measure-detail", args=[slug, m.pk])
        for v in services.measure_violations(m):
            found.append((v, detail + "#activities" if v.rule == 5 else url))
        goals.update({g.pk: g for g in m.goals.all()})
    for g in goals.values():
        problem = reverse("problem-detail", args=[slug, g.problem_id]) + f"#goal-{g.pk}"
        edit = reverse("goal-edit", args=[slug, g.pk])
        name = _("goal “%(goal)s”") % {"goal": g.statement[:60]}
        # Indicators are edited from the problem page; the goal's own fields on its form.
        found += [(v, edit if v.item == name else problem) for v in services.goal_violations(g)]
    return found


@login_required
def actionplan_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug)
    plans = _documents(access, ActionPlan)
    return render(request, "plans/actionplan_list.html", {"access": access, "plans": plans})


@login_required
def actionplan_create(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    plan = ActionPlan(partnership=access.partnership, created_by=request.user)  # type: ignore[misc]
    form = ActionPlanForm(request.POST or None, instance=plan, partnership=access.partnership)
    if request.method == "POST" and form.is_valid():
        plan = _save(request, access, form, "created")
        return redirect("actionplan-detail", slug=slug, pk=plan.pk)
    back = reverse("actionplan-list", args=[slug])
    return _form_page(request, access, form, _("New action plan"), back)


@login_required
def actionplan_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    plan = _plan(access, pk)
    url = reverse("actionplan-detail", args=[slug, pk])
    if plan.is_frozen:
        return _frozen(request, access, plan, url)
    form = ActionPlanForm(request.POST or None, instance=plan, partnership=access.partnership)
    if request.method == "POST" and form.is_valid():
        _save(request, access, form, "edited")
        return redirect(url)
    return _form_page(request, access, form, _("Edit the action plan"), url)


@login_required
def actionplan_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug)
    plan = _plan(access, pk)
    measures = list(plan.measures.prefetch_related("causes", "goals").order_by("title"))
    context = {
        "access": access,
        "plan": plan,
        "rows": [(m, services.measure_progress(m)) for m in measures],
        "violations": [] if plan.is_frozen else linked_violations(plan, slug),
        "can_edit": access.is_coordinator and not plan.is_frozen,
        "reads_work": access.role != Role.REPORTER,
    }
    return render(request, "plans/actionplan_detail.html", context)


@login_required
def actionplan_export(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The action plan as Word (``?format=docx``, the default) or PDF (``?format=pdf``).

    The reader gets what the pages show them: reporters the plan's table of measures only.
    """
    access = get_access(request, slug)
    plan = _plan(access, pk)
    fmt = request.GET.get("format", "docx")
    if fmt not in FORMATS:
        return HttpResponse(_("Choose format=docx or format=pdf."), status=400)
    reads_work = access.role != Role.REPORTER
    data = plan_documents.build(plan, fmt, reads_work=reads_work, lang=get_language())
    response = HttpResponse(data, content_type=FORMATS[fmt])
    name = plan_documents.filename(plan, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def actionplan_adopt(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    plan = _plan(access, pk)
    url = reverse("actionplan-detail", args=[slug, pk])
    if plan.is_frozen:
        return _frozen(request, access, plan, url)
    form = AdoptForm(request.POST or None)
    violations: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.adopt_plan(plan, request.user, **form.cleaned_data)
        except services.NotAdoptableError:
            violations = linked_violations(plan, slug)
        else:
            messages.success(request, _("The action plan has been adopted."))
            return redirect(url)
    return _adopt_page(request, access, plan, form, violations, url)


@transaction.atomic
def _new_plan_version(previous: ActionPlan, actor: Any) -> ActionPlan:
    """A draft copy of an action plan with the same measures and the next version number."""
    top = ActionPlan.objects.filter(partnership=previous.partnership, title=previous.title)
    version = (top.aggregate(v=Max("version"))["v"] or previous.version) + 1
    draft = ActionPlan.objects.create(
        partnership=previous.partnership,
        title=previous.title,
        version=version,
        lagesbild=previous.lagesbild,
        follow_up_date=previous.follow_up_date,
        based_on=previous,
        created_by=actor,
    )
    draft.measures.set(previous.measures.all())
    services.record(draft.partnership_id, actor, draft, "new_version", based_on=previous.pk)
    return draft


@login_required
@require_POST
def actionplan_new_version(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    plan = _plan(access, pk)
    draft = _new_plan_version(plan, request.user)
    messages.success(request, _("Version %(v)s has been started.") % {"v": draft.version})
    return redirect("actionplan-detail", slug=slug, pk=draft.pk)
