"""Correcting, withdrawing and restoring a report from the incident's page.

Who may do what is :func:`samtrygg.incidents.corrections.may_change`; the rules of saving (one
transaction, the version check, the history) live in that module too.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samtrygg.incidents import corrections, services
from samtrygg.incidents.forms import CorrectionForm, WithdrawForm
from samtrygg.incidents.models import Incident
from samtrygg.partnerships.access import Access, get_access
from samtrygg.partnerships.models import Role

# Analysts read and viewers see aggregates: neither changes reports (may_change says so too).
ROLES = [Role.COORDINATOR, Role.REPORTER]
NOT_YOURS = gettext_lazy(
    "You can correct or withdraw only the reports you sent yourself; ask a coordinator."
)
ANONYMISED = gettext_lazy(
    "This incident was anonymised when its category's retention period ended; "
    "it can no longer be corrected or withdrawn."
)
STALE = gettext_lazy(
    "Someone else changed this report while you had it open, so nothing was saved. "
    "Here is the report as it is now; make your change again if it is still needed."
)


def _incident_to_change(request: HttpRequest, slug: str, pk: int) -> tuple[Access, Incident]:
    """The incident, if the user may see it (404 otherwise) and change it (403 otherwise)."""
    access = get_access(request, slug, ROLES)
    incident = get_object_or_404(
        Incident.all_objects.visible_with_withdrawn(
            request.user, access.partnership
        ).select_related("category", "organisation"),
        pk=pk,
    )
    if not corrections.may_change(access, request.user, incident):
        raise PermissionDenied(ANONYMISED if incident.anonymised_at else NOT_YOURS)
    return access, incident


@login_required
def incident_correct(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access, incident = _incident_to_change(request, slug, pk)
    if incident.withdrawn_at is not None:
        messages.error(request, _("Restore the withdrawn report before you correct it."))
        return redirect("incident-detail", slug=slug, pk=pk)
    form = CorrectionForm(
        request.POST if request.method == "POST" else None,
        incident=incident,
        partnership=access.partnership,
        user=request.user,
        boundary=services.Boundary(access.partnership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = corrections.correct(
                incident.pk, form.cleaned_data["version"], request.user, form.correction()
            )
        except corrections.StaleEditError:
            messages.error(request, STALE)
        else:
            if change is None:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(request, _("The report has been corrected."))
        return redirect("incident-detail", slug=slug, pk=pk)
    context = {
        "access": access,
        "incident": incident,
        "form": form,
        "place_names": services.place_names(access.partnership, request.user),
    }
    return render(request, "incidents/incident_correct.html", context)


@login_required
def incident_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access, incident = _incident_to_change(request, slug, pk)
    if incident.withdrawn_at is not None:
        return redirect("incident-detail", slug=slug, pk=pk)
    data = request.POST if request.method == "POST" else None
    form = WithdrawForm(data, initial={"version": incident.version})
    if data is not None and form.is_valid():
        try:
            corrections.withdraw(
                incident.pk, form.cleaned_data["version"], request.user, form.cleaned_data["reason"]
            )
        except corrections.StaleEditError:
            messages.error(request, STALE)
        else:
            messages.success(
                request,
                _(
                    "The report has been withdrawn. It no longer counts anywhere; you and the "
                    "coordinators can still read it, and restore it."
                ),
            )
        return redirect("incident-detail", slug=slug, pk=pk)
    context = {"access": access, "incident": incident, "form": form}
    return render(request, "incidents/incident_withdraw.html", context)


@login_required
@require_POST
def incident_restore(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _access, incident = _incident_to_change(request, slug, pk)
    version = request.POST.get("version", "")
    try:
        if incident.withdrawn_at is None or not version.isdigit():
            raise corrections.StaleEditError
        corrections.restore(incident.pk, int(version), request.user)
    except corrections.StaleEditError:
        messages.error(request, STALE)
    else:
        messages.success(request, _("The report has been restored and counts again."))
    return redirect("incident-detail", slug=slug, pk=pk)
