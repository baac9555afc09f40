"""EST pages: the report form, the incident list and detail, and the category code list."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samtrygg.incidents import history, services
from samtrygg.incidents.audit import log_sensitive
from samtrygg.incidents.corrections import may_change
from samtrygg.incidents.forms import (
    CategoryForm,
    ReportForm,
    error_summary,
    event_formset,
)
from samtrygg.incidents.models import Category, Incident, SensitiveAccess
from samtrygg.partnerships.access import Access, get_access
from samtrygg.partnerships.models import Role

logger = logging.getLogger(__name__)

COORDINATOR = [Role.COORDINATOR]
# Viewers see aggregates only: no form, no incident list, no details.
DETAIL_ROLES = [Role.COORDINATOR, Role.ANALYST, Role.REPORTER]
PAGE_SIZE = 25
NO_ORGANISATION = gettext_lazy(
    "You report for an organisation; ask a coordinator to add you to one."
)


def _draft_key(access: Access, request: HttpRequest) -> str:
    # Per person: on a shared computer one person's draft is not offered to the next.
    return f"samtrygg-report:{access.partnership.slug}:{request.user.pk}"


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def incident_report(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, DETAIL_ROLES)
    choose = access.is_coordinator
    if not choose and access.organisation is None:
        raise PermissionDenied(NO_ORGANISATION)
    data = request.POST if request.method == "POST" else None
    report_form = ReportForm(
        data,
        partnership=access.partnership,
        choose_organisation=choose,
        initial={"organisation": access.organisation},
    )
    boundary = services.Boundary(access.partnership)
    events = event_formset(
        data,
        form_kwargs={"partnership": access.partnership, "user": request.user, "boundary": boundary},
    )
    limited = data is not None and services.reports_in_last_hour(request.user) >= (
        settings.REPORTS_PER_HOUR
    )
    if limited:
        # Refused before validation, so nothing is saved; the form keeps what was typed.
        logger.info("Report refused: hourly limit reached.")
    elif data is not None and all([report_form.is_valid(), events.is_valid()]):
        filled = events.filled_forms()
        organisation = report_form.cleaned_data.get("organisation") or access.organisation
        if organisation is None:  # The form asks whoever has no organisation of their own.
            raise PermissionDenied(NO_ORGANISATION)
        try:
            # The limit is checked again where the report is saved, under a lock: concurrent
            # requests all pass the check above.
            report = services.create_report(
                partnership=access.partnership,
                organisation=organisation,
                reporter=request.user,
                sharing=report_form.cleaned_data["sharing"],
                events=[f.event_data() for f in filled],
                hourly_limit=settings.REPORTS_PER_HOUR,
            )
        except services.ReportLimitError:
            limited = True
            logger.info("Report refused: hourly limit reached.")
        else:
            logger.info("Report %s saved with %d incidents.", report.pk, len(filled))
            return redirect(f"{reverse('incident-list', args=[slug])}?sent={report.pk}")
    context = {
        "access": access,
        "report_form": report_form,
        "events": events,
        "summary": error_summary(report_form, events) if data is not None else [],
        "place_names": services.place_names(access.partnership, request.user),
        "draft_key": _draft_key(access, request),
    }
    if limited:
        text = _(
            "You have sent %(n)d reports in the last hour, the most allowed. Nothing was saved; "
            "the form keeps what you wrote. Send it again later, or import many incidents at "
            "once from a file."
        ) % {"n": settings.REPORTS_PER_HOUR}
        context["summary"] = [("", text)]
        return render(request, "incidents/report_form.html", context, status=429)
    return render(request, "incidents/report_form.html", context)


@login_required
def incident_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, DETAIL_ROLES)
    # Withdrawn reports stay listed, marked, for their reporter and the coordinators.
    visible = Incident.all_objects.visible_with_withdrawn(
        request.user, access.partnership
    ).select_related("category", "organisation")
    category = _int(request.GET.get("category"))
    incidents = visible.filter(category_id=category) if category else visible
    page = Paginator(
        incidents.order_by("-created_at", "-occurred_from", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    shown = [i.pk for i in page.object_list if i.category.is_sensitive]
    log_sensitive(request.user, access.partnership, SensitiveAccess.Action.LIST, shown)
    sent = _int(request.GET.get("sent"))
    context = {
        "access": access,
        "page": page,
        "categories": Category.objects.filter(partnership=access.partnership),
        "category": category,
        "sent": list(visible.filter(report_id=sent, report__reporter_id=request.user.pk))
        if sent
        else [],
        "draft_key": _draft_key(access, request),
    }
    return render(request, "incidents/incident_list.html", context)


@login_required
def incident_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, DETAIL_ROLES)
    incident = get_object_or_404(
        Incident.all_objects.visible_with_withdrawn(
            request.user, access.partnership
        ).select_related("category", "organisation"),
        pk=pk,
    )
    if incident.category.is_sensitive:
        log_sensitive(request.user, access.partnership, SensitiveAccess.Action.READ, [incident.pk])
    context = {
        "access": access,
        "incident": incident,
        "areas": incident.areas.all(),
        "may_change": may_change(access, request.user, incident),
        "history": history.describe(incident),
        "withdrawal": history.last_withdrawal(incident),
    }
    return render(request, "incidents/incident_detail.html", context)


@login_required
def access_log(request: HttpRequest, slug: str) -> HttpResponse:
    """Who saw or exported details of sensitive incidents, newest first (coordinators)."""
    access = get_access(request, slug, COORDINATOR)
    records = SensitiveAccess.objects.filter(partnership=access.partnership).select_related("user")
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "incidents/access_log.html", {"access": access, "page": page})


@login_required
def category_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    services.active_categories(access.partnership)
    categories = services.categories_with_counts(access.partnership)
    return render(
        request, "incidents/category_list.html", {"access": access, "categories": categories}
    )


def _category_form(request: HttpRequest, access: Access, category: Category | None) -> Any:
    form = CategoryForm(request.POST or None, instance=category, partnership=access.partnership)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("The category %(name)s has been saved.") % {"name": saved})
        return redirect("category-list", slug=access.partnership.slug)
    context = {"access": access, "form": form, "category": category}
    return render(request, "incidents/category_form.html", context)


@login_required
def category_create(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    return _category_form(request, access, None)  # type: ignore[no-any-return]


@login_required
def category_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    category = get_object_or_404(Category, partnership=access.partnership, pk=pk)
    return _category_form(request, access, category)  # type: ignore[no-any-return]


@login_required
@require_POST
def category_retire(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    category = get_object_or_404(Category, partnership=access.partnership, pk=pk)
    retire = category.retired_at is None
    services.set_retired(category, retire)
    if retire:
        text = _(
            "The category %(name)s has been retired: it is no longer offered in the report form, "
            "and its incidents keep it."
        )
    else:
        text = _("The category %(name)s is offered in the report form again.")
    messages.success(request, text % {"name": category.name})
    return redirect("category-list", slug=slug)
