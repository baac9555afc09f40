"""The review list: imported place names the gazetteer could not place, placed once by hand."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from samtrygg.gazetteer import services as gazetteer
from samtrygg.gazetteer.forms import PointForm
from samtrygg.incidents import placing
from samtrygg.partnerships.access import get_access
from samtrygg.partnerships.models import Role

COORDINATOR = [Role.COORDINATOR]


@login_required
def place_review(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    partnership = access.partnership
    names = placing.unplaced_names(partnership)
    key = request.GET.get("name", "")
    selected = next((u for u in names if u.normalised == key), None)
    form = None
    if selected is not None:
        form = PointForm(request.POST or None, partnership=partnership)
        if request.method == "POST" and form.is_valid() and form.point is not None:
            n = placing.place_by_hand(
                partnership, selected.name, *form.point, request.user, entry=form.chosen_entry
            )
            messages.success(
                request,
                ngettext(
                    "%(name)s has been placed: %(count)d incident now has a point, and the "
                    "next import will place the name by itself.",
                    "%(name)s has been placed: %(count)d incidents now have a point, and the "
                    "next import will place the name by itself.",
                    n,
                )
                % {"name": selected.name, "count": n},
            )
            return redirect("incident-place-review", slug=slug)
    context = {
        "access": access,
        "unplaced": names,
        "selected": selected,
        "form": form,
        "names": gazetteer.entry_names(partnership) if selected else [],
    }
    return render(request, "incidents/place_review.html", context)
