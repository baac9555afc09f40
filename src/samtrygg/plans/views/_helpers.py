"""Helpers shared by the plans' pages: deleting, refusing frozen changes, saving with a note."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from samtrygg.freezing import pages
from samtrygg.partnerships.access import Access
from samtrygg.partnerships.models import Role
from samtrygg.plans import deletion
from samtrygg.plans.models import ActionPlan, Cause, DocumentStatus, FrozenError, Goal, Measure

READERS = [Role.COORDINATOR, Role.ANALYST, Role.VIEWER]
# The page helpers every document shares (samtrygg.freezing.pages), under their old names here.
_documents, _frozen, _form_page = pages.documents, pages.frozen, pages.form_page
_save, _adopt_page = pages.save, pages.adopt_page


def _delete_page(request: HttpRequest, access: Access, obj: Any, back: str) -> HttpResponse:
    """GET: what will be deleted with ``obj`` (or why it cannot be); POST: delete it.

    ``back`` is where the item is shown, and where the user returns after deleting it.
    """
    plan = deletion.deletion_for(obj)
    if request.method == "POST" and plan.allowed:
        try:
            deletion.delete(obj, request.user, access.partnership.pk)
        except FrozenError:
            plan = deletion.deletion_for(obj)
        else:
            messages.success(request, _("Deleted: %(name)s.") % {"name": plan.name})
            return redirect(back)
    status = 409 if request.method == "POST" else 200
    context = {"access": access, "deletion": plan, "back": back}
    return render(request, "plans/delete.html", context, status=status)


def _measure_frozen(
    request: HttpRequest, access: Access, measure: Measure, plan: ActionPlan | None = None
) -> HttpResponse:
    """Refuse to change a measure of the adopted action plan (409), saying why and what to do."""
    plan = plan or measure.adopted_plan()
    if plan is None:  # no longer frozen: nothing to explain, show the measure
        return redirect("measure-detail", slug=access.partnership.slug, pk=measure.pk)
    draft = (
        ActionPlan.objects.filter(
            partnership=access.partnership,
            status__in=(DocumentStatus.DRAFT, DocumentStatus.REVIEW),
            measures=measure,
        )
        .order_by("-version")
        .first()
    )
    context = {"access": access, "measure": measure, "plan": plan, "draft": draft}
    return render(request, "plans/measure_frozen.html", context, status=409)


def _save_unless_frozen(request: HttpRequest, access: Access, form: Any, action: str) -> bool:
    """Save like :func:`_save`; if a document in force shows the object, put why on the form."""
    try:
        _save(request, access, form, action)
    except FrozenError as exc:
        form.add_error(None, str(exc))
        return False
    return True


def _frozen_note(obj: Any) -> str | None:
    """Said above the form of an object that a document in force shows."""
    document = obj.frozen_by()
    if document is None:
        return None
    return _(
        "This is part of %(document)s: it can be read here but not changed. Changes are made "
        "in a new version of the document."
    ) % {"document": document}


def _form_in_force(
    request: HttpRequest,
    access: Access,
    form: Any,
    action: str,
    title: str,
    back: str,
    shown: Any,
    done: str | None = None,
) -> HttpResponse:
    """The form page of an object a document in force may show (``shown``): save and go to
    ``done`` (default ``back``), or say which document holds it and refuse the change."""
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_unless_frozen(request, access, form, action)
    ):
        return redirect(done or back)
    return _form_page(request, access, form, title, back, note=_frozen_note(shown))


def _cause(access: Access, pk: int) -> Cause:
    return get_object_or_404(Cause, problem__partnership=access.partnership, pk=pk)


def _goal(access: Access, pk: int) -> Goal:
    return get_object_or_404(Goal, partnership=access.partnership, pk=pk)
