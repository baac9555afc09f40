"""The gazetteer page: import an OpenStreetMap extract, add, edit and delete known places and
their aliases, move or forget names placed by hand (coordinators; every change is recorded in the
partnership's change log); and the place search behind the maps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from samtrygg import uploads as upload_limits
from samtrygg.gazetteer import services
from samtrygg.gazetteer.forms import ExtractForm, KnownPlaceForm, PointForm
from samtrygg.gazetteer.models import Entry, EntrySource, PlacedName, Precision
from samtrygg.partnerships.access import Access, get_access
from samtrygg.partnerships.models import Role
from samtrygg.sources.errors import SourceError

COORDINATOR = [Role.COORDINATOR]


@login_required
def gazetteer_page(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    partnership = access.partnership
    form = ExtractForm(request.POST or None, request.FILES or None)
    problems = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            places = services.import_osm(partnership, upload.read(), upload.name)
        except SourceError as exc:
            problems = SourceError(upload_limits.problems(exc))
        else:
            messages.success(
                request,
                _("%(addresses)d addresses and %(streets)d streets have been imported.")
                % {"addresses": places.addresses, "streets": places.streets},
            )
            return redirect("gazetteer", slug=slug)
    context = {
        "access": access,
        "form": form,
        "problems": problems,
        "counts": services.summary(partnership),
        "known_places": Entry.objects.filter(partnership=partnership, source=EntrySource.HAND),
        "placed_names": PlacedName.objects.filter(partnership=partnership),
    }
    return render(request, "gazetteer/gazetteer.html", context, status=400 if problems else 200)


@login_required
def known_place_add(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    form = KnownPlaceForm(request.POST or None, partnership=access.partnership)
    if request.method == "POST" and form.is_valid() and form.point is not None:
        name = form.cleaned_data["name"]
        services.add_known_place(access.partnership, name, *form.point)
        messages.success(request, _("%(name)s has been added to the gazetteer.") % {"name": name})
        return redirect("gazetteer", slug=slug)
    return render(
        request,
        "gazetteer/known_place_form.html",
        {"access": access, "form": form, "names": services.entry_names(access.partnership)},
    )


# The longest text the map's search reads: a place name or an address, never a description.
SEARCH_MAX_LENGTH = 100


def _kind_labels() -> dict[str, str]:
    return {
        "known_place": str(Precision.KNOWN_PLACE.label),
        "area": _("Area"),
        "municipality": str(Precision.MUNICIPALITY.label),
        "street": str(Precision.STREET.label),
        "address": str(Precision.ADDRESS.label),
    }


@login_required
@require_GET
def place_search(request: HttpRequest, slug: str) -> HttpResponse:
    """The maps' place search: every member may look up the partnership's own names.

    The text is neither logged nor sent anywhere. The names placed by hand come from incident
    logs, so only those who see every incident (coordinators, analysts) search them too.
    """
    access = get_access(request, slug)
    text = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    hits = services.search_places(access.partnership, text, include_placed=access.sees_all_data)
    labels = _kind_labels()
    results = [
        {
            "name": hit.name,
            "kind": hit.kind,
            "kind_label": labels[hit.kind],
            "lon": round(hit.lon, 6),
            "lat": round(hit.lat, 6),
        }
        for hit in hits
    ]
    return JsonResponse({"query": text, "results": results})


def _known_place(access: Access, pk: int) -> Entry:
    # Only places added by hand: OpenStreetMap's come back with the next extract.
    return get_object_or_404(Entry, partnership=access.partnership, source=EntrySource.HAND, pk=pk)


@login_required
def known_place_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    entry = _known_place(access, pk)
    form = KnownPlaceForm(request.POST or None, partnership=access.partnership, editing=entry)
    if request.method == "POST" and form.is_valid() and form.point is not None:
        changed = services.edit_known_place(
            entry, form.cleaned_data["name"], *form.point, request.user
        )
        text = _("%(name)s has been saved.") if changed else _("Nothing was changed.")
        messages.success(request, text % {"name": form.cleaned_data["name"]})
        return redirect("gazetteer", slug=slug)
    context = {
        "access": access,
        "form": form,
        "entry": entry,
        "names": services.entry_names(access.partnership),
    }
    return render(request, "gazetteer/known_place_form.html", context)


@login_required
def known_place_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    entry = _known_place(access, pk)
    if request.method == "POST":
        services.delete_known_place(entry, request.user)
        messages.success(request, _("%(name)s has been deleted.") % {"name": entry.name})
        return redirect("gazetteer", slug=slug)
    context = {"access": access, "name": entry.name, "kind": "known_place"}
    return render(request, "gazetteer/confirm_delete.html", context)


@login_required
def placed_name_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    placed = get_object_or_404(PlacedName, partnership=access.partnership, pk=pk)
    form = PointForm(
        request.POST or None,
        partnership=access.partnership,
        initial={"lon": placed.lon, "lat": placed.lat},
    )
    if request.method == "POST" and form.is_valid() and form.point is not None:
        changed = services.move_placed_name(placed, *form.point, request.user)
        text = _("%(name)s has been moved.") if changed else _("Nothing was changed.")
        messages.success(request, text % {"name": placed.name})
        return redirect("gazetteer", slug=slug)
    context = {
        "access": access,
        "form": form,
        "placed": placed,
        "names": services.entry_names(access.partnership),
    }
    return render(request, "gazetteer/placed_name_form.html", context)


@login_required
def placed_name_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    placed = get_object_or_404(PlacedName, partnership=access.partnership, pk=pk)
    if request.method == "POST":
        services.delete_placed_name(placed, request.user)
        messages.success(request, _("%(name)s has been deleted.") % {"name": placed.name})
        return redirect("gazetteer", slug=slug)
    context = {"access": access, "name": placed.name, "kind": "placed_name"}
    return render(request, "gazetteer/confirm_delete.html", context)
