"""Agreement pages: read (members), draft and promises (coordinators), comments, signing,
publishing, versions, differences and Word/PDF downloads."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samtrygg.agreements import archive, documents, services
from samtrygg.agreements.forms import AgreementForm, CommentForm, PartyForm, PromiseForm
from samtrygg.agreements.models import (
    Agreement,
    ArchivedDocument,
    ArchiveFormat,
    Party,
    Promise,
)
from samtrygg.agreements.signing import content_sha256, signing_backend
from samtrygg.lagesbild import voices
from samtrygg.partnerships.access import Access, get_access
from samtrygg.partnerships.changelog import record
from samtrygg.partnerships.documents import FORMATS
from samtrygg.partnerships.links import site_url
from samtrygg.partnerships.models import Role

COORDINATOR = [Role.COORDINATOR]
RAISED_SHOWN = 12  # the most raised themes; the dialogues page lists them all


def _agreement(access: Access, pk: int) -> Agreement:
    return get_object_or_404(Agreement, partnership=access.partnership, pk=pk)


def _not_editable(request: HttpRequest, access: Access, agreement: Agreement) -> HttpResponse:
    return render(
        request,
        "agreements/not_editable.html",
        {"access": access, "agreement": agreement},
        status=409,
    )


@login_required
def agreement_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug)
    agreements = Agreement.objects.filter(partnership=access.partnership)
    return render(
        request, "agreements/agreement_list.html", {"access": access, "agreements": agreements}
    )


@login_required
def agreement_create(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    form = AgreementForm(request.POST or None, partnership=access.partnership)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            agreement = form.save(commit=False)
            agreement.partnership = access.partnership
            latest = Agreement.objects.filter(partnership=access.partnership).first()
            agreement.version = latest.version + 1 if latest else 1
            agreement.created_by = request.user  # type: ignore[assignment]
            agreement.save()
            form.save_m2m()
            record(access.partnership.pk, request.user, agreement, "created")
        messages.success(request, _("The draft agreement has been created."))
        return redirect("agreement-detail", slug=slug, pk=agreement.pk)
    return render(request, "agreements/agreement_form.html", {"access": access, "form": form})


@login_required
def agreement_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug)
    agreement = _agreement(access, pk)
    parties = list(agreement.parties.select_related("organisation", "signature"))
    for party in parties:
        party.may_sign = services.may_sign(access, party)  # type: ignore[attr-defined]
    archived = {
        a.format: a for a in ArchivedDocument.objects.filter(agreement=agreement).defer("content")
    }
    context = {
        "access": access,
        "agreement": agreement,
        # For a signed version: the stored copy per format (None: served from current data).
        "archive": [(f.label, archived.get(f.value)) for f in ArchiveFormat]
        if agreement.is_frozen
        else [],
        "content": documents.document_content(agreement, get_language()),
        "promises": agreement.promises.prefetch_related("activities__owner_organisation"),
        "parties": parties,
        "comments": agreement.comments.select_related("author", "organisation"),
        "may_comment": agreement.is_open_for_comments and services.may_comment(access, agreement),
        "comment_form": CommentForm(),
        "newer": agreement.next_versions.order_by("-version").first(),
    }
    return render(request, "agreements/agreement_detail.html", context)


@login_required
def agreement_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    agreement = _agreement(access, pk)
    if not agreement.is_editable:
        return _not_editable(request, access, agreement)
    form = AgreementForm(request.POST or None, instance=agreement, partnership=access.partnership)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            record(access.partnership.pk, request.user, agreement, "edited")
        messages.success(request, _("The draft has been saved."))
        return redirect("agreement-detail", slug=slug, pk=pk)
    return render(
        request,
        "agreements/agreement_form.html",
        {"access": access, "form": form, "agreement": agreement},
    )


@login_required
def promise_edit(
    request: HttpRequest, slug: str, pk: int, promise: int | None = None
) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    agreement = _agreement(access, pk)
    if not agreement.is_editable:
        return _not_editable(request, access, agreement)
    instance = get_object_or_404(Promise, agreement=agreement, pk=promise) if promise else None
    form = PromiseForm(request.POST or None, instance=instance, partnership=access.partnership)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save(commit=False)
            saved.agreement = agreement
            saved.save()
            form.save_m2m()
            record(
                access.partnership.pk,
                request.user,
                saved,
                "edited" if instance else "created",
                agreement=agreement.pk,
            )
        messages.success(request, _("The citizen promise has been saved."))
        return redirect("agreement-detail", slug=slug, pk=pk)
    # Help for the choice of focus: what residents raised in the citizen dialogues from the
    # year before the agreement starts to its end (lagesbild/voices.py, filled by dialogues).
    first_year = agreement.period_start.year - 1
    last_year = agreement.period_end.year
    raised = voices.raised_themes(access.partnership, first_year, last_year)
    return render(
        request,
        "agreements/promise_form.html",
        {
            "access": access,
            "form": form,
            "agreement": agreement,
            "promise": instance,
            "raised": raised[:RAISED_SHOWN],
            "raised_more": len(raised) > RAISED_SHOWN,
            "raised_years": (first_year, last_year),
        },
    )


@login_required
def party_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    agreement = _agreement(access, pk)
    if not agreement.is_editable:
        return _not_editable(request, access, agreement)
    form = PartyForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            party = form.save(commit=False)
            party.agreement = agreement
            party.save()
            record(access.partnership.pk, request.user, party, "created", agreement=agreement.pk)
        messages.success(request, _("The party has been added."))
        return redirect("agreement-detail", slug=slug, pk=pk)
    return render(
        request,
        "agreements/party_form.html",
        {"access": access, "form": form, "agreement": agreement},
    )


@login_required
@require_POST
def comment_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug)
    agreement = _agreement(access, pk)
    if not services.may_comment(access, agreement):
        raise PermissionDenied(
            _("Only the parties' members, coordinators and analysts may comment.")
        )
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(agreement, access, request.user, form.cleaned_data["text"])
        except services.AgreementError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your comment has been added."))
    else:
        messages.error(request, _("Write a comment before sending it."))
    return redirect("agreement-detail", slug=slug, pk=pk)


@login_required
def agreement_sign(request: HttpRequest, slug: str, pk: int, party: int) -> HttpResponse:
    """Show exactly what is signed (content and checksum); sign after the signer confirms."""
    access = get_access(request, slug)
    agreement = _agreement(access, pk)
    signing = get_object_or_404(Party, agreement=agreement, pk=party)
    if not services.may_sign(access, signing):
        raise PermissionDenied(_("Only the party's signatory can sign for it."))
    backend = signing_backend()
    form = backend.form(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign(
                agreement,
                signing,
                access,
                request.user,
                content_sha256=request.POST.get("content_sha256", ""),
                method=backend.confirm(request.user, form),
                base_url=site_url(request),
            )
        except services.AgreementError as exc:
            messages.error(request, str(exc))
        else:
            agreement.refresh_from_db()
            if agreement.status == "signed":
                messages.success(request, _("You have signed. Every party has now signed."))
            else:
                messages.success(request, _("You have signed for %(org)s.") % {"org": signing})
            return redirect("agreement-detail", slug=slug, pk=pk)
    context = {
        "access": access,
        "agreement": agreement,
        "party": signing,
        "form": form,
        "checksum": content_sha256(agreement),
        "content": documents.document_content(agreement, get_language()),
        "promises": agreement.promises.all(),
        "parties": agreement.parties.select_related("organisation", "signatory", "signature"),
    }
    return render(request, "agreements/agreement_sign.html", context)


@login_required
def party_edit(request: HttpRequest, slug: str, pk: int, party: int) -> HttpResponse:
    """Change a party's role or signatory while the agreement is a draft."""
    access = get_access(request, slug, COORDINATOR)
    agreement = _agreement(access, pk)
    if not agreement.is_editable:
        return _not_editable(request, access, agreement)
    instance = get_object_or_404(Party, agreement=agreement, pk=party)
    form = PartyForm(request.POST or None, instance=instance, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            record(access.partnership.pk, request.user, instance, "updated", agreement=agreement.pk)
        messages.success(request, _("The party has been saved."))
        return redirect("agreement-detail", slug=slug, pk=pk)
    return render(
        request,
        "agreements/party_form.html",
        {"access": access, "form": form, "agreement": agreement, "party": instance},
    )


def _transition(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    agreement = _agreement(access, pk)
    done: dict[str, tuple[Callable[[Agreement, Any], Agreement], str]] = {
        "review": (
            partial(services.send_for_review, base_url=site_url(request)),
            _("The agreement has been sent to the partners."),
        ),
        "reopen": (services.reopen, _("The agreement is a draft again; signatures withdrawn.")),
        "publish": (services.publish, _("The agreement and its promises are published.")),
        "new_version": (services.new_version, _("A new draft version has been made.")),
    }
    run, message = done[action]
    try:
        result = run(agreement, request.user)
    except services.AgreementError as exc:
        messages.error(request, str(exc))
        return redirect("agreement-detail", slug=slug, pk=pk)
    messages.success(request, message)
    return redirect("agreement-detail", slug=slug, pk=result.pk)


@login_required
@require_POST
def agreement_review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _transition(request, slug, pk, "review")


@login_required
@require_POST
def agreement_reopen(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _transition(request, slug, pk, "reopen")


@login_required
@require_POST
def agreement_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _transition(request, slug, pk, "publish")


@login_required
@require_POST
def agreement_new_version(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _transition(request, slug, pk, "new_version")


@login_required
def agreement_diff(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug)
    agreement = _agreement(access, pk)
    previous = agreement.based_on
    diff = services.agreement_diff(previous, agreement) if previous else {}
    sections = [
        # The first two lines name the versions ("--- v1", "+++ v2"); the page says that.
        (services.section_label(s), [(line[:1], line) for line in lines[2:]])
        for s, lines in diff.items()
    ]
    return render(
        request,
        "agreements/agreement_diff.html",
        {"access": access, "agreement": agreement, "previous": previous, "sections": sections},
    )


@login_required
def agreement_download(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    access = get_access(request, slug)
    agreement = _agreement(access, pk)
    if fmt not in FORMATS:
        raise Http404(_("Choose Word (docx) or PDF."))
    # A signed version is served as archived when it was signed (same bytes, same SHA-256);
    # a draft, or a version signed before archiving existed, is rendered from current data.
    data, archived = archive.document_bytes(agreement, fmt, get_language())
    response = HttpResponse(data, content_type=FORMATS[fmt])
    name = f"samverkansoverenskommelse-{access.partnership.slug}-v{agreement.version}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    if archived is not None:
        response["X-Content-SHA256"] = archived.sha256
    return response
