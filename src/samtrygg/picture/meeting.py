"""The weekly meeting's decisions per place: recorded on the picture, carried to the next week.

Coordinators and analysts (who run the EST meeting) record and close decisions; every member
sees them. A decision stays on the picture, week after week, until it is marked done.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samtrygg.incidents.forms import no_personal_data
from samtrygg.partnerships.access import Access, get_access
from samtrygg.partnerships.models import Organisation, Partnership, Role
from samtrygg.picture.models import MeetingDecision

STAFF = [Role.COORDINATOR, Role.ANALYST]


def monday(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


class DecisionForm(forms.ModelForm[MeetingDecision]):
    class Meta:
        model = MeetingDecision
        fields = ["place", "what", "who", "by_when"]
        widgets = {"by_when": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels = {"place": gettext_lazy("Place")}

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].widget.attrs["list"] = "week-places"
        self.fields["who"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            partnership=partnership
        )

    def clean_place(self) -> str:
        return no_personal_data(self.cleaned_data["place"])

    def clean_what(self) -> str:
        return no_personal_data(self.cleaned_data["what"])


def decisions_context(access: Access, week_start: date, places: list[str]) -> dict[str, Any]:
    """What the picture shows of the meeting: open decisions (earlier weeks' carried over),
    those done this week, and the form to record a new one."""
    decisions = MeetingDecision.objects.filter(partnership=access.partnership).select_related("who")
    done_since = timezone.make_aware(datetime.combine(week_start, time.min))
    may_decide = access.role in STAFF
    form = DecisionForm(partnership=access.partnership) if may_decide else None
    return {
        "decisions_open": list(decisions.open_until(week_start + timedelta(days=6))),
        "decisions_done": list(decisions.filter(done_at__gte=done_since)),
        "decision_form": form,
        "decision_places": places,
        "decision_week": week_start,
        "today": timezone.localdate(),
    }


@login_required
@require_POST
def decision_add(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    form = DecisionForm(request.POST, partnership=access.partnership)
    if form.is_valid():
        decision = form.save(commit=False)
        decision.partnership = access.partnership
        decision.week = monday(timezone.localdate())
        decision.created_by = request.user  # type: ignore[assignment]
        decision.save()
        messages.success(request, _("The decision has been recorded."))
    else:
        errors = "; ".join(str(e) for field in form.errors.values() for e in field)
        messages.error(request, _("The decision was not recorded: %(errors)s") % {"errors": errors})
    return redirect(request.POST.get("next") or f"/{slug}/picture/#decisions")


@login_required
@require_POST
def decision_done(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, STAFF)
    decision = get_object_or_404(MeetingDecision, partnership=access.partnership, pk=pk)
    decision.done_at = None if decision.done_at else timezone.now()
    decision.save(update_fields=["done_at"])
    return redirect(request.POST.get("next") or f"/{slug}/picture/#decisions")
