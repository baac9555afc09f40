"""Follow-up pages: the dashboard, corrective notes, the yearly report and the årshjul.

Who does what: coordinators, analysts and viewers read the dashboard, the årshjul and the
report; reporters do not (403) — like the measures and problems pages, the dashboard shows the
partnership's whole plan and incident counts, which reporters (who see their own organisation's
reports) do not read. Coordinators and analysts write the consequence and corrective measure
of a red light. Viewers see counts of 1 to K−1 in the effect follow-up hidden, and no draft
action plans.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samtrygg.followup import arshjul as arshjul_service
from samtrygg.followup import report as report_service
from samtrygg.followup import services
from samtrygg.followup.forms import ActivityProgressForm, NoteForm
from samtrygg.followup.lights import Light
from samtrygg.partnerships.access import get_access
from samtrygg.partnerships.changelog import record
from samtrygg.partnerships.documents import FORMATS
from samtrygg.partnerships.models import Role
from samtrygg.plans.models import Activity, Indicator

READERS = [Role.COORDINATOR, Role.ANALYST, Role.VIEWER]
STAFF = [Role.COORDINATOR, Role.ANALYST]


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, READERS)
    data = services.dashboard(
        access.partnership,
        timezone.localdate(),
        exact=access.sees_all_data,
        include_drafts=access.sees_all_data,
    )
    context = {
        "access": access,
        "data": data,
        "can_note": access.role in STAFF,
        "form": NoteForm(),
        "upcoming_days": services.UPCOMING_DAYS,
    }
    return render(request, "followup/dashboard.html", context)


@login_required
@require_POST
def note_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    indicator = get_object_or_404(Indicator, goal__partnership=access.partnership, pk=pk)
    back = reverse("followup-dashboard", args=[slug]) + f"#indicator-{indicator.pk}"
    status = services.indicator_status(indicator, timezone.localdate())
    if status.result.light != Light.RED:
        messages.error(request, _("The indicator is not red; no corrective measure is needed."))
        return redirect(back)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the consequence and the corrective measure, then save."))
        return redirect(back)
    with transaction.atomic():
        note = services.add_note(indicator, status, request.user, form.cleaned_data["text"])
        record(access.partnership.pk, request.user, note, "created", indicator=indicator.pk)
    messages.success(request, _("The corrective measure has been saved."))
    return redirect(back)


@login_required
def report(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, READERS)
    fmt = request.GET.get("format", "docx")
    if fmt not in FORMATS:
        return HttpResponse(_("Choose format=docx or format=pdf."), status=400)
    today = timezone.localdate()
    build = report_service.build_docx if fmt == "docx" else report_service.build_pdf
    data = build(
        access.partnership,
        today,
        exact=access.sees_all_data,
        include_drafts=access.sees_all_data,
        lang=get_language(),
    )
    response = HttpResponse(data, content_type=FORMATS[fmt])
    name = f"uppfoljning-{access.partnership.slug}-{today.year}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def arshjul(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, READERS)
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    if not 2000 <= year <= 2100:
        year = this_year
    context = {
        "access": access,
        "year": year,
        "months": arshjul_service.months(access.partnership, year, access.sees_all_data),
        "survey_months": arshjul_service.SURVEY_SEASON_MONTHS,
    }
    return render(request, "followup/arshjul.html", context)


@login_required
def activity_progress(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Report how an activity is going: status, progress, hours and cost (kept in the history)."""
    access = get_access(request, slug)
    activity = get_object_or_404(
        Activity.objects.select_related("measure", "owner_organisation"),
        measure__partnership=access.partnership,
        pk=pk,
    )
    if not services.may_report_progress(access, request.user, activity):
        raise PermissionDenied(
            _("Only the activity's responsible people and the staff can report its progress.")
        )
    form = ActivityProgressForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            record(
                access.partnership.pk,
                request.user,
                activity,
                "progress",
                **{f: str(form.cleaned_data[f]) for f in form.changed_data},
            )
        messages.success(request, _("The progress of the activity has been saved."))
        return redirect("activity-mine", slug=slug)
    return render(
        request,
        "followup/activity_progress.html",
        {"access": access, "activity": activity, "form": form},
    )


@login_required
def activity_mine(request: HttpRequest, slug: str) -> HttpResponse:
    """The activities this person answers for, with a link to report each one's progress."""
    access = get_access(request, slug)
    return render(
        request,
        "followup/activity_mine.html",
        {"access": access, "activities": services.own_activities(access, request.user)},
    )
