"""The plans section's start page and the change log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samtrygg.freezing.pages import COORDINATOR
from samtrygg.partnerships.access import get_access
from samtrygg.partnerships.changelog import describe
from samtrygg.partnerships.models import Role
from samtrygg.plans.models import ActionPlan, ChangeRecord, Lagesbild, Measure, Problem
from samtrygg.plans.views._helpers import _documents


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
    shown = [(c, describe(c)) for c in changes[:500]]
    return render(request, "plans/changes.html", {"access": access, "changes": shown})
