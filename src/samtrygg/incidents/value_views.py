"""The web import's value step and the organisation's template file.

Step 3 (only when needed): after the columns are chosen, the file's categories and assessments
that are neither the partnership's nor saved words of the organisation are listed, each with the
rows that hold it and a suggestion; the person confirms what each means, and the import runs with
those words. They are saved for the organisation once the import succeeds.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify

from samtrygg import uploads as upload_limits
from samtrygg.csvexport import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, download
from samtrygg.incidents import mappings, templatefile
from samtrygg.incidents.categories import seed_categories
from samtrygg.incidents.import_forms import ValueMappingForm
from samtrygg.incidents.import_views import (
    IMPORTERS,
    _imported,
    _organisations,
    _path,
    _pending,
    _pending_organisation,
    _step_context,
)
from samtrygg.incidents.importing import import_incidents
from samtrygg.incidents.models import Category, ColumnMapping
from samtrygg.partnerships.access import get_access
from samtrygg.sources.errors import RowError, SourceError

CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}


@login_required
def values(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 3: confirm what the partner's own words mean, then import every row or none."""
    access = get_access(request, slug, IMPORTERS)
    pending = _pending(request, access)
    organisation = _pending_organisation(access, pending)
    if pending is None or organisation is None or "columns" not in pending:
        return redirect("incident-import-mapping", slug=slug)
    data = _path(pending["token"]).read_bytes()
    columns = pending["columns"]
    try:
        found = mappings.unmapped(
            access.partnership, organisation, data, pending["filename"], columns
        )
    except SourceError:
        return redirect("incident-import-mapping", slug=slug)
    form = ValueMappingForm(
        request.POST or None, unmapped=found, choices=mappings.choices(access.partnership)
    )
    problems: list[RowError] = []
    if request.method == "POST" and form.is_valid():
        confirmed = form.confirmed()
        try:
            summary = import_incidents(
                access.partnership, organisation, data, pending["filename"], mapping=columns,
                values=confirmed, sharing=pending["sharing"], actor=request.user,
            )  # fmt: skip
        except SourceError as exc:
            problems = upload_limits.problems(exc)
        else:
            return _imported(request, access, organisation, columns, summary, pending, confirmed)
    context = _step_context(access, form, organisation, pending, problems)
    status = 400 if problems or form.errors else 200
    return render(request, "incidents/import_values.html", context, status=status)


@login_required
def template(request: HttpRequest, slug: str, organisation: int, fmt: str) -> HttpResponse:
    """A template file (CSV or Excel) with the organisation's columns and the categories."""
    access = get_access(request, slug, IMPORTERS)
    chosen = next((o for o in _organisations(access) if o.pk == organisation), None)
    if chosen is None or fmt not in CONTENT_TYPES:
        raise Http404
    saved = ColumnMapping.objects.filter(organisation=chosen).first()
    columns = templatefile.headers(saved.mapping if saved else {})
    if fmt == "csv":
        body = templatefile.as_csv(columns)
    else:
        seed_categories(access.partnership)  # as the import does: a new partnership's list
        categories = list(
            Category.objects.filter(partnership=access.partnership)
            .active()
            .order_by("order", "name")
            .values_list("name", "description")
        )
        category_column = (saved.mapping.get("category") if saved else None) or (
            templatefile.DEFAULT_HEADERS["category"]
        )
        body = templatefile.as_xlsx(columns, categories, category_column)
    return download(body, CONTENT_TYPES[fmt], f"mall-{slugify(chosen.name) or chosen.pk}.{fmt}")
