"""Dialogue pages: the list with themes per year, a dialogue, and recording one.

Members read dialogues; coordinators and analysts record them. No names of participants are
stored; the free text is screened for personal data like the report form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from samtrygg.areas.models import Area
from samtrygg.dialogues import services
from samtrygg.dialogues.forms import GROUPS, DialogueEditForm, IssueFormSet
from samtrygg.dialogues.models import Dialogue
from samtrygg.partnerships.access import get_access
from samtrygg.partnerships.models import Role

STAFF = [Role.COORDINATOR, Role.ANALYST]


@login_required
def dialogue_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug)
    areas = Area.objects.filter(partnership=access.partnership).exclude(kind="municipality")
    chosen = request.GET.get("area", "")
    area = areas.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    years, themes = services.theme_counts(access.partnership, area)
    context = {
        "access": access,
        "dialogues": Dialogue.objects.filter(partnership=access.partnership),
        "areas": areas,
        "area": area,
        "years": years,
        "themes": themes,
        "may_edit": access.role in STAFF,
    }
    return render(request, "dialogues/dialogue_list.html", context)


@login_required
def dialogue_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug)
    dialogue = get_object_or_404(Dialogue, partnership=access.partnership, pk=pk)
    labels = dict(GROUPS)
    groups = [(labels.get(k, k), n) for k, n in dialogue.participants.items()]
    context = {
        "access": access,
        "dialogue": dialogue,
        "groups": groups,
        "issues": dialogue.issues.select_related("area"),
        "may_edit": access.role in STAFF,
    }
    return render(request, "dialogues/dialogue_detail.html", context)


@login_required
def dialogue_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    """Record a dialogue and the issues raised in it (all saved together, or nothing)."""
    access = get_access(request, slug, STAFF)
    dialogue = (
        get_object_or_404(Dialogue, partnership=access.partnership, pk=pk)
        if pk is not None
        else Dialogue(partnership=access.partnership)
    )
    data = request.POST if request.method == "POST" else None
    form = DialogueEditForm(data, instance=dialogue, partnership=access.partnership)
    issues = IssueFormSet(data, instance=dialogue, form_kwargs={"partnership": access.partnership})
    if data is not None and form.is_valid() and issues.is_valid():
        with transaction.atomic():
            if dialogue.pk is None:
                form.instance.created_by = request.user
            saved = form.save()
            issues.instance = saved
            issues.save()
        messages.success(request, _("The dialogue has been saved."))
        return redirect("dialogue-detail", slug=slug, pk=saved.pk)
    return render(
        request,
        "dialogues/dialogue_form.html",
        {"access": access, "form": form, "issues": issues, "dialogue": dialogue},
    )
