"""Pages for reference data: the partnership's series, importing a file, deleting a series.

Coordinators and analysts import and delete; viewers read; reporters see none of it (like the
problems and measures of the plans).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from samtrygg import uploads
from samtrygg.partnerships.access import get_access
from samtrygg.partnerships.models import Role
from samtrygg.reference import services
from samtrygg.reference.forms import ReferenceUploadForm
from samtrygg.reference.models import ReferenceSeries

STAFF = [Role.COORDINATOR, Role.ANALYST]
READERS = [Role.COORDINATOR, Role.ANALYST, Role.VIEWER]


@login_required
def series_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, READERS)
    items = []
    for series in ReferenceSeries.objects.of(access.partnership).select_related("imported_by"):
        tab = services.table(series)
        items.append({"series": series, "table": tab, "chart": services.chart(tab)})
    context = {"access": access, "items": items, "can_manage": access.sees_all_data}
    return render(request, "reference/list.html", context)


@login_required
def series_import(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    form = ReferenceUploadForm(request.POST or None, request.FILES or None)
    errors: list[dict[str, object]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        summary = services.import_reference(
            access.partnership,
            upload.read(),
            upload.name,
            form.cleaned_data["kind"],
            request.user,
            name=form.cleaned_data["name"].strip(),
            unit=form.cleaned_data["unit"].strip(),
        )
        if not summary.errors:
            messages.success(
                request,
                _(
                    "Imported %(series)s: %(created)s new values, %(updated)s updated, "
                    "%(unchanged)s unchanged, %(skipped)s skipped."
                )
                % {**summary.as_dict(), "series": ", ".join(summary.series)}
                + (" " + uploads.skipped_sentence(summary.skipped_reasons)).rstrip(),
            )
            return redirect("reference-list", slug=slug)
        errors = summary.errors
    status = 400 if errors or form.errors else 200
    context = {"access": access, "form": form, "errors": errors}
    return render(request, "reference/import.html", context, status=status)


@login_required
def series_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    series = get_object_or_404(ReferenceSeries, partnership=access.partnership, pk=pk)
    if request.method == "POST":
        services.delete_series(series, request.user)
        messages.success(request, _("The series “%(name)s” was deleted.") % {"name": series.name})
        return redirect("reference-list", slug=slug)
    return render(request, "reference/delete.html", {"access": access, "series": series})
