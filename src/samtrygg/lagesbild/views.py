"""The yearly lägesbild's pages: list, start (drafted from the incidents), read, edit, adopt,
new versions and their differences, print, and the source inventory.

Who does what: coordinators start and adopt; analysts edit drafts; viewers read everything but
drafts; reporters read adopted lägesbilder only. Every change is recorded in the change log; an
adopted lägesbild is frozen (409 on any edit).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samtrygg.freezing import DocumentStatus, FrozenError
from samtrygg.freezing.documents import NotAdoptableError
from samtrygg.freezing.forms import AdoptForm
from samtrygg.freezing.pages import (
    COORDINATOR,
    STAFF,
    adopt_page,
    documents,
    form_page,
    frozen,
    save,
)
from samtrygg.lagesbild import documents as lagesbild_documents
from samtrygg.lagesbild import drafting, maps, services
from samtrygg.lagesbild.forms import LagesbildForm, LagesbildStartForm, SourceEntryForm
from samtrygg.lagesbild.models import Lagesbild, SourceEntry
from samtrygg.partnerships.access import Access, get_access
from samtrygg.partnerships.changelog import record
from samtrygg.partnerships.documents import FORMATS


def _lagesbild(access: Access, pk: int) -> Lagesbild:
    doc: Lagesbild = get_object_or_404(documents(access, Lagesbild), pk=pk)
    return doc


@login_required
def lagesbild_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug)
    docs = documents(access, Lagesbild)
    return render(request, "lagesbild/lagesbild_list.html", {"access": access, "docs": docs})


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
    return form_page(request, access, form, _("Start the year's lägesbild"), back)


@login_required
def lagesbild_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug)
    doc = _lagesbild(access, pk)
    exact = access.sees_all_data
    fig = drafting.shown_figures(doc.figures or {}, exact)
    versions = documents(access, Lagesbild).filter(year=doc.year).exclude(pk=doc.pk)
    context = {
        "access": access,
        "doc": doc,
        "sources": doc.sources.all(),
        "fig": fig,
        "categories": fig.get("categories", []),
        "areas": fig.get("areas", []),
        "total": fig.get("total"),
        "maps": maps.render_maps(fig, exact),
        "can_edit": access.sees_all_data and not doc.is_frozen,
        "can_adopt": access.is_coordinator and not doc.is_frozen,
        "versions": versions,
    }
    return render(request, "lagesbild/lagesbild_detail.html", context)


@login_required
def lagesbild_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    doc = _lagesbild(access, pk)
    url = reverse("lagesbild-detail", args=[slug, pk])
    if doc.is_frozen:
        return frozen(request, access, doc, url)
    form = LagesbildForm(request.POST or None, instance=doc)
    if request.method == "POST" and form.is_valid():
        try:
            save(request, access, form, "edited")
        except FrozenError:
            return frozen(request, access, doc, url)
        return redirect(url)
    return form_page(request, access, form, _("Edit the lägesbild"), url, wide=True)


@login_required
@require_POST
def lagesbild_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    doc = _lagesbild(access, pk)
    url = reverse("lagesbild-detail", args=[slug, pk])
    if doc.is_frozen:
        return frozen(request, access, doc, url)
    status = request.POST.get("status")
    if status in (DocumentStatus.DRAFT, DocumentStatus.REVIEW):
        with transaction.atomic():
            doc.status = status
            doc.save(update_fields=["status", "updated_at"])
            record(access.partnership.pk, request.user, doc, "status", status=status)
        messages.success(request, _("The status is now “%(s)s”.") % {"s": doc.get_status_display()})
    return redirect(url)


@login_required
def lagesbild_adopt(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    doc = _lagesbild(access, pk)
    url = reverse("lagesbild-detail", args=[slug, pk])
    if doc.is_frozen:
        return frozen(request, access, doc, url)
    form = AdoptForm(request.POST or None)
    violations: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.adopt_lagesbild(doc, request.user, **form.cleaned_data)
        except NotAdoptableError as exc:
            violations = [(v, url) for v in exc.violations]
        else:
            messages.success(request, _("The lägesbild has been adopted."))
            return redirect(url)
    return adopt_page(request, access, doc, form, violations, url)


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
    return render(request, "lagesbild/lagesbild_diff.html", context)


@login_required
def lagesbild_print(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug)
    doc = _lagesbild(access, pk)
    exact = access.sees_all_data
    fig = drafting.shown_figures(doc.figures or {}, exact)
    context = {
        "access": access,
        "doc": doc,
        "sources": doc.sources.all(),
        "fig": fig,
        "categories": fig.get("categories", []),
        "areas": fig.get("areas", []),
        "maps": maps.render_maps(fig, exact),
    }
    return render(request, "lagesbild/lagesbild_print.html", context)


@login_required
def lagesbild_export(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The lägesbild as Word (``?format=docx``, the default) or PDF (``?format=pdf``).

    The reader gets what the page shows them: small counts hidden unless they see all data.
    """
    access = get_access(request, slug)
    doc = _lagesbild(access, pk)
    fmt = request.GET.get("format", "docx")
    if fmt not in FORMATS:
        return HttpResponse(_("Choose format=docx or format=pdf."), status=400)
    data = lagesbild_documents.build(doc, fmt, exact=access.sees_all_data, lang=get_language())
    response = HttpResponse(data, content_type=FORMATS[fmt])
    name = lagesbild_documents.filename(doc, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _source_doc(request: HttpRequest, slug: str, pk: int) -> tuple[Access, Lagesbild, str]:
    access = get_access(request, slug, STAFF)
    doc = _lagesbild(access, pk)
    return access, doc, reverse("lagesbild-detail", args=[slug, pk]) + "#sources"


@login_required
def source_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access, doc, url = _source_doc(request, slug, pk)
    if doc.is_frozen:
        return frozen(request, access, doc, url)
    form = SourceEntryForm(request.POST or None, instance=SourceEntry(lagesbild=doc))
    if request.method == "POST" and form.is_valid():
        save(request, access, form, "created")
        return redirect(url)
    return form_page(request, access, form, _("Add a source"), url)


@login_required
def source_edit(request: HttpRequest, slug: str, pk: int, sid: int) -> HttpResponse:
    access, doc, url = _source_doc(request, slug, pk)
    entry = get_object_or_404(SourceEntry, lagesbild=doc, pk=sid)
    if doc.is_frozen:
        return frozen(request, access, doc, url)
    form = SourceEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        save(request, access, form, "edited")
        return redirect(url)
    return form_page(request, access, form, _("Edit the source"), url)


@login_required
@require_POST
def source_delete(request: HttpRequest, slug: str, pk: int, sid: int) -> HttpResponse:
    access, doc, url = _source_doc(request, slug, pk)
    entry = get_object_or_404(SourceEntry, lagesbild=doc, pk=sid)
    if doc.is_frozen:
        return frozen(request, access, doc, url)
    with transaction.atomic():
        record(access.partnership.pk, request.user, entry, "deleted", lagesbild=doc.pk)
        entry.delete()
    messages.success(request, _("The source has been removed."))
    return redirect(url)
