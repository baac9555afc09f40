"""Pages from the yearly lägesbild to an adopted action plan (Brå's five steps).

Who does what: coordinators (and the superuser) create, edit and adopt; analysts edit drafts of
the lägesbild, problems, causes, goals, indicators, measures and activities but do not adopt;
viewers read everything but drafts of documents; reporters read adopted documents only. Every
change is recorded with ``services.record``; adopted documents are frozen (409 on any edit).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samtrygg.partnerships.access import Access, get_access
from samtrygg.partnerships.disclosure import public_k
from samtrygg.partnerships.models import Role
from samtrygg.plans import deletion, drafting, maps, services
from samtrygg.plans.forms import (
    ActionPlanForm,
    ActivityForm,
    AdoptForm,
    CauseForm,
    EvidenceForm,
    GoalForm,
    IndicatorForm,
    IndicatorValueForm,
    LagesbildForm,
    LagesbildStartForm,
    MeasureForm,
    ProblemForm,
    SourceEntryForm,
)
from samtrygg.plans.indicators import computed_value
from samtrygg.plans.models import (
    ActionPlan,
    Activity,
    Cause,
    ChangeRecord,
    DocumentStatus,
    FrozenError,
    Goal,
    Indicator,
    Lagesbild,
    Measure,
    Problem,
    SourceEntry,
)

COORDINATOR = [Role.COORDINATOR]
STAFF = [Role.COORDINATOR, Role.ANALYST]
READERS = [Role.COORDINATOR, Role.ANALYST, Role.VIEWER]
PUBLISHED = (DocumentStatus.ADOPTED, DocumentStatus.SUPERSEDED)


# --------------------------------------------------------------------------- helpers


def _documents(access: Access, model: Any) -> QuerySet[Any]:
    """The partnership's documents the member may read: drafts only for coordinators/analysts."""
    qs: QuerySet[Any] = model.objects.filter(partnership=access.partnership)
    return qs if access.sees_all_data else qs.filter(status__in=PUBLISHED)


def _frozen(request: HttpRequest, access: Access, doc: Any, url: str) -> HttpResponse:
    """Refuse to change an adopted document (409), pointing to a new version."""
    return render(
        request, "plans/frozen.html", {"access": access, "doc": doc, "url": url}, status=409
    )


def _form_page(
    request: HttpRequest, access: Access, form: Any, title: str, back: str, **extra: Any
) -> HttpResponse:
    context = {"access": access, "form": form, "title": title, "back": back, **extra}
    return render(request, "plans/form.html", context, status=400 if form.errors else 200)


def _delete_page(request: HttpRequest, access: Access, obj: Any, back: str) -> HttpResponse:
    """GET: what will be deleted with ``obj`` (or why it cannot be); POST: delete it.

    ``back`` is where the item is shown, and where the user returns after deleting it.
    """
    plan = deletion.deletion_for(obj)
    if request.method == "POST" and plan.allowed:
        try:
            deletion.delete(obj, request.user, access.partnership.pk)
        except FrozenError:
            plan = deletion.deletion_for(obj)
        else:
            messages.success(request, _("Deleted: %(name)s.") % {"name": plan.name})
            return redirect(back)
    status = 409 if request.method == "POST" else 200
    context = {"access": access, "deletion": plan, "back": back}
    return render(request, "plans/delete.html", context, status=status)


def _measure_frozen(
    request: HttpRequest, access: Access, measure: Measure, plan: ActionPlan | None = None
) -> HttpResponse:
    """Refuse to change a measure of the adopted action plan (409), saying why and what to do."""
    plan = plan or measure.adopted_plan()
    if plan is None:  # no longer frozen: nothing to explain, show the measure
        return redirect("measure-detail", slug=access.partnership.slug, pk=measure.pk)
    draft = (
        ActionPlan.objects.filter(
            partnership=access.partnership,
            status__in=(DocumentStatus.DRAFT, DocumentStatus.REVIEW),
            measures=measure,
        )
        .order_by("-version")
        .first()
    )
    context = {"access": access, "measure": measure, "plan": plan, "draft": draft}
    return render(request, "plans/measure_frozen.html", context, status=409)


def _save(request: HttpRequest, access: Access, form: Any, action: str) -> Any:
    """Save a valid form, record the change (field names only) and say so."""
    with transaction.atomic():
        obj = form.save()
        services.record(
            access.partnership.pk, request.user, obj, action, fields=sorted(form.changed_data)
        )
    messages.success(request, _("Saved."))
    return obj


def _save_unless_frozen(request: HttpRequest, access: Access, form: Any, action: str) -> bool:
    """Save like :func:`_save`; if a document in force shows the object, put why on the form."""
    try:
        _save(request, access, form, action)
    except FrozenError as exc:
        form.add_error(None, str(exc))
        return False
    return True


def _frozen_note(obj: Any) -> str | None:
    """Said above the form of an object that a document in force shows."""
    document = obj.frozen_by()
    if document is None:
        return None
    return _(
        "This is part of %(document)s: it can be read here but not changed. Changes are made "
        "in a new version of the document."
    ) % {"document": document}


def _form_in_force(
    request: HttpRequest,
    access: Access,
    form: Any,
    action: str,
    title: str,
    back: str,
    shown: Any,
    done: str | None = None,
) -> HttpResponse:
    """The form page of an object a document in force may show (``shown``): save and go to
    ``done`` (default ``back``), or say which document holds it and refuse the change."""
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_unless_frozen(request, access, form, action)
    ):
        return redirect(done or back)
    return _form_page(request, access, form, title, back, note=_frozen_note(shown))


def _cause(access: Access, pk: int) -> Cause:
    return get_object_or_404(Cause, problem__partnership=access.partnership, pk=pk)


def _goal(access: Access, pk: int) -> Goal:
    return get_object_or_404(Goal, partnership=access.partnership, pk=pk)


def _figure_rows(rows: list[dict[str, Any]], exact: bool) -> list[dict[str, Any]]:
    """Figures as shown: counts 1..k−1 hidden from those who see aggregates only."""
    if exact:
        return rows
    shown = []
    for r in rows:
        k = public_k()
        small = 0 < r["current"] < k or 0 < r["previous"] < k
        shown.append(
            {**r, "current": f"<{k}", "previous": f"<{k}", "verdict": _("hidden")} if small else r
        )
    return shown


# --------------------------------------------------------------------------- overview


@login_required
def plans_home(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug)
    p = access.partnership
    context = {
        "access": access,
        "lagesbilder": _documents(access, Lagesbild)[:5],
        "plans": _documents(access, ActionPlan)[:5],
        "reads_work": access.role != Role.REPORTER,
        "problem_count": Problem.objects.filter(partnership=p).count(),
        "measure_count": Measure.objects.filter(partnership=p).count(),
    }
    return render(request, "plans/home.html", context)


@login_required
def change_log(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    changes = ChangeRecord.objects.filter(partnership=access.partnership).select_related("actor")
    return render(request, "plans/changes.html", {"access": access, "changes": changes[:500]})


# --------------------------------------------------------------------------- lägesbild


def _lagesbild(access: Access, pk: int) -> Lagesbild:
    doc: Lagesbild = get_object_or_404(_documents(access, Lagesbild), pk=pk)
    return doc


@login_required
def lagesbild_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug)
    docs = _documents(access, Lagesbild)
    return render(request, "plans/lagesbild_list.html", {"access": access, "docs": docs})


@login_required
def lagesbild_start(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    form = LagesbildStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        doc = drafting.start_lagesbild(
            access.partnership,
            d["year"],
            request.user,
            title=d["title"],
            period_start=d["period_start"],
            period_end=d["period_end"],
        )
        messages.success(request, _("The draft has been made from the incidents. Edit it."))
        return redirect("lagesbild-detail", slug=slug, pk=doc.pk)
    back = reverse("lagesbild-list", args=[slug])
    return _form_page(request, access, form, _("Start the year's lägesbild"), back)


@login_required
def lagesbild_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug)
    doc = _lagesbild(access, pk)
    fig = doc.figures or {}
    exact = access.sees_all_data
    versions = _documents(access, Lagesbild).filter(year=doc.year).exclude(pk=doc.pk)
    context = {
        "access": access,
        "doc": doc,
        "sources": doc.sources.all(),
        "fig": fig,
        "categories": _figure_rows(fig.get("categories", []), exact),
        "areas": _figure_rows(fig.get("areas", []), exact),
        "total": _figure_rows([fig["total"]], exact)[0] if fig.get("total") else None,
        "maps": maps.render_maps(fig, exact),
        "can_edit": access.sees_all_data and not doc.is_frozen,
        "can_adopt": access.is_coordinator and not doc.is_frozen,
        "versions": versions,
    }
    return render(request, "plans/lagesbild_detail.html", context)


@login_required
def lagesbild_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    doc = _lagesbild(access, pk)
    url = reverse("lagesbild-detail", args=[slug, pk])
    if doc.is_frozen:
        return _frozen(request, access, doc, url)
    form = LagesbildForm(request.POST or None, instance=doc)
    if request.method == "POST" and form.is_valid():
        try:
            _save(request, access, form, "edited")
        except FrozenError:
            return _frozen(request, access, doc, url)
        return redirect(url)
    return _form_page(request, access, form, _("Edit the lägesbild"), url, wide=True)


@login_required
@require_POST
def lagesbild_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    doc = _lagesbild(access, pk)
    url = reverse("lagesbild-detail", args=[slug, pk])
    if doc.is_frozen:
        return _frozen(request, access, doc, url)
    status = request.POST.get("status")
    if status in (DocumentStatus.DRAFT, DocumentStatus.REVIEW):
        with transaction.atomic():
            doc.status = status
            doc.save(update_fields=["status", "updated_at"])
            services.record(access.partnership.pk, request.user, doc, "status", status=status)
        messages.success(request, _("The status is now “%(s)s”.") % {"s": doc.get_status_display()})
    return redirect(url)


def _adopt_page(
    request: HttpRequest, access: Access, doc: Any, form: Any, violations: list[Any], back: str
) -> HttpResponse:
    context = {"access": access, "doc": doc, "form": form, "violations": violations, "back": back}
    status = 400 if violations or form.errors else 200
    return render(request, "plans/adopt.html", context, status=status)


@login_required
def lagesbild_adopt(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    doc = _lagesbild(access, pk)
    url = reverse("lagesbild-detail", args=[slug, pk])
    if doc.is_frozen:
        return _frozen(request, access, doc, url)
    form = AdoptForm(request.POST or None)
    violations: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.adopt_lagesbild(doc, request.user, **form.cleaned_data)
        except services.NotAdoptableError as exc:
            violations = [(v, url) for v in exc.violations]
        else:
            messages.success(request, _("The lägesbild has been adopted."))
            return redirect(url)
    return _adopt_page(request, access, doc, form, violations, url)


@login_required
@require_POST
def lagesbild_new_version(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    doc = _lagesbild(access, pk)
    draft = services.new_lagesbild_version(doc, request.user)
    messages.success(request, _("Version %(v)s has been started.") % {"v": draft.version})
    return redirect("lagesbild-detail", slug=slug, pk=draft.pk)


@login_required
def lagesbild_diff(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug)
    new = _lagesbild(access, pk)
    other = request.GET.get("with")
    old = (
        _lagesbild(access, int(other))
        if other and other.isdigit()
        else (new.based_on if new.based_on_id else None)
    )
    if old is not None and (old.pk == new.pk or old.year != new.year):
        raise Http404(_("Compare two versions of the same year's lägesbild."))
    if old is not None and old.version > new.version:
        old, new = new, old
    sections = []
    if old is not None and not (old.status == DocumentStatus.DRAFT and not access.sees_all_data):
        labels = {
            s: getattr(Lagesbild._meta.get_field(s), "verbose_name", s)
            for s in services.LAGESBILD_SECTIONS
        }
        diff = services.lagesbild_diff(old, new)
        sections = [(labels[s], diff[s]) for s in services.LAGESBILD_SECTIONS if s in diff]
    context = {"access": access, "old": old, "new": new, "sections": sections}
    return render(request, "plans/lagesbild_diff.html", context)


@login_required
def lagesbild_print(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug)
    doc = _lagesbild(access, pk)
    fig, exact = doc.figures or {}, access.sees_all_data
    context = {
        "access": access,
        "doc": doc,
        "sources": doc.sources.all(),
        "fig": fig,
        "categories": _figure_rows(fig.get("categories", []), exact),
        "areas": _figure_rows(fig.get("areas", []), exact),
        "maps": maps.render_maps(fig, exact),
    }
    return render(request, "plans/lagesbild_print.html", context)


def _source_doc(request: HttpRequest, slug: str, pk: int) -> tuple[Access, Lagesbild, str]:
    access = get_access(request, slug, STAFF)
    doc = _lagesbild(access, pk)
    return access, doc, reverse("lagesbild-detail", args=[slug, pk]) + "#sources"


@login_required
def source_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access, doc, url = _source_doc(request, slug, pk)
    if doc.is_frozen:
        return _frozen(request, access, doc, url)
    form = SourceEntryForm(request.POST or None, instance=SourceEntry(lagesbild=doc))
    if request.method == "POST" and form.is_valid():
        _save(request, access, form, "created")
        return redirect(url)
    return _form_page(request, access, form, _("Add a source"), url)


@login_required
def source_edit(request: HttpRequest, slug: str, pk: int, sid: int) -> HttpResponse:
    access, doc, url = _source_doc(request, slug, pk)
    entry = get_object_or_404(SourceEntry, lagesbild=doc, pk=sid)
    if doc.is_frozen:
        return _frozen(request, access, doc, url)
    form = SourceEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        _save(request, access, form, "edited")
        return redirect(url)
    return _form_page(request, access, form, _("Edit the source"), url)


@login_required
@require_POST
def source_delete(request: HttpRequest, slug: str, pk: int, sid: int) -> HttpResponse:
    access, doc, url = _source_doc(request, slug, pk)
    entry = get_object_or_404(SourceEntry, lagesbild=doc, pk=sid)
    if doc.is_frozen:
        return _frozen(request, access, doc, url)
    with transaction.atomic():
        services.record(access.partnership.pk, request.user, entry, "deleted", lagesbild=doc.pk)
        entry.delete()
    messages.success(request, _("The source has been removed."))
    return redirect(url)


# --------------------------------------------------------------------------- problems and causes


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


# --------------------------------------------------------------------------- goals and indicators


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


# --------------------------------------------------------------------------- measures


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


# --------------------------------------------------------------------------- action plans


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
