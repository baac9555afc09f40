"""Pages shared by the documents that freeze: who may read them, the form page, saving with a
record, the refusal of a change (409) and the adoption page.

The templates (``plans/frozen.html``, ``plans/form.html``, ``plans/adopt.html``) belong to the
plans section of the site, which shows the lägesbild and the action plan side by side.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from samtrygg.freezing import ADOPTED_FROZEN
from samtrygg.partnerships.access import Access
from samtrygg.partnerships.changelog import record
from samtrygg.partnerships.models import Role

COORDINATOR = [Role.COORDINATOR]
STAFF = [Role.COORDINATOR, Role.ANALYST]


def documents(access: Access, model: Any) -> QuerySet[Any]:
    """The partnership's documents the member may read: drafts only for coordinators/analysts."""
    qs: QuerySet[Any] = model.objects.filter(partnership=access.partnership)
    return qs if access.sees_all_data else qs.filter(status__in=ADOPTED_FROZEN)


def frozen(request: HttpRequest, access: Access, doc: Any, url: str) -> HttpResponse:
    """Refuse to change an adopted document (409), pointing to a new version."""
    return render(
        request, "plans/frozen.html", {"access": access, "doc": doc, "url": url}, status=409
    )


def form_page(
    request: HttpRequest, access: Access, form: Any, title: str, back: str, **extra: Any
) -> HttpResponse:
    context = {"access": access, "form": form, "title": title, "back": back, **extra}
    return render(request, "plans/form.html", context, status=400 if form.errors else 200)


def save(request: HttpRequest, access: Access, form: Any, action: str) -> Any:
    """Save a valid form, record the change (field names only) and say so."""
    with transaction.atomic():
        obj = form.save()
        record(access.partnership.pk, request.user, obj, action, fields=sorted(form.changed_data))
    messages.success(request, _("Saved."))
    return obj


def adopt_page(
    request: HttpRequest, access: Access, doc: Any, form: Any, violations: list[Any], back: str
) -> HttpResponse:
    context = {"access": access, "doc": doc, "form": form, "violations": violations, "back": back}
    status = 400 if violations or form.errors else 200
    return render(request, "plans/adopt.html", context, status=status)
