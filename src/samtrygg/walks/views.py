"""Safety walk pages: the list, a walk with its map and protocol, recording a point from a
phone, the protocol's actions, the protocol as Word or PDF, and the photos.

Members read walks (the photos too: they show places, not people, and carry no location);
coordinators and analysts plan walks and write the protocol; reporters may record points on a
walk they take part in.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from samtrygg.partnerships.access import Access, get_access
from samtrygg.partnerships.documents import FORMATS
from samtrygg.partnerships.models import Role
from samtrygg.walks import photos, protocol
from samtrygg.walks.forms import ActionForm, ObservationForm, WalkForm
from samtrygg.walks.models import Action, Observation, SafetyWalk

STAFF = [Role.COORDINATOR, Role.ANALYST]
RECORDERS = [Role.COORDINATOR, Role.ANALYST, Role.REPORTER]


def _walk(access: Access, pk: int) -> SafetyWalk:
    return get_object_or_404(SafetyWalk, partnership=access.partnership, pk=pk)


@login_required
def walk_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug)
    walks = SafetyWalk.objects.filter(partnership=access.partnership).annotate(
        observation_count=Count("observations")
    )
    return render(request, "walks/walk_list.html", {"access": access, "walks": walks})


@login_required
def walk_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    """Plan a walk, or record its meetings and the report-back's decisions."""
    access = get_access(request, slug, STAFF)
    walk = _walk(access, pk) if pk is not None else SafetyWalk(partnership=access.partnership)
    form = WalkForm(
        request.POST or None,
        instance=walk,
        partnership=access.partnership,
        can_publish=access.is_coordinator,
    )
    if request.method == "POST" and form.is_valid():
        if walk.pk is None:
            form.instance.created_by = request.user
        saved = form.save()
        messages.success(request, _("The safety walk has been saved."))
        return redirect("walk-detail", slug=slug, pk=saved.pk)
    return render(request, "walks/walk_form.html", {"access": access, "form": form, "walk": walk})


@login_required
def walk_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug)
    walk = _walk(access, pk)
    observations = walk.observations.select_related(
        "action__owner_organisation", "action__measure"
    ).defer("photo")
    with_photo = set(walk.observations.filter(photo__isnull=False).values_list("pk", flat=True))
    points = [
        {"lon": o.lon, "lat": o.lat, "kind": o.kind, "label": f"{n}. {o.get_kind_display()}"}
        for n, o in enumerate(observations, start=1)
    ]
    context = {
        "access": access,
        "walk": walk,
        "observations": observations,
        "with_photo": with_photo,
        "points": points,
        "may_record": access.role in RECORDERS,
        "may_edit": access.role in STAFF,
    }
    return render(request, "walks/walk_detail.html", context)


@login_required
def observation_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Record a point on the walk, from a phone: place, kind, cause, photo and proposal."""
    access = get_access(request, slug, RECORDERS)
    walk = _walk(access, pk)
    form = ObservationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        observation = form.save(commit=False)
        upload = form.cleaned_data.get("photo_file")
        try:
            data = photos.read_upload(upload) if upload else None
            if data is not None and form.cleaned_data.get("use_photo_location"):
                located = photos.photo_location(data)
                if located is None:
                    raise photos.PhotoError(
                        _("The photo has no location. Mark the place on the map instead.")
                    )
                observation.lon, observation.lat = located
            if observation.lon is None or observation.lat is None:
                raise photos.PhotoError(
                    _("Mark the place on the map, or use your position, before saving.")
                )
            observation.photo = photos.clean_photo(data) if data is not None else None
        except photos.PhotoError as exc:
            form.add_error(None, str(exc))
        else:
            observation.walk = walk
            observation.created_by = request.user  # type: ignore[assignment]
            observation.save()
            messages.success(request, _("The point has been recorded. Record the next one."))
            return redirect("walk-observation-add", slug=slug, pk=pk)
    return render(
        request, "walks/observation_form.html", {"access": access, "walk": walk, "form": form}
    )


@login_required
def action_edit(request: HttpRequest, slug: str, pk: int, observation: int) -> HttpResponse:
    """The protocol: what will be done about one observation, by whom and by when."""
    access = get_access(request, slug, STAFF)
    walk = _walk(access, pk)
    seen = get_object_or_404(Observation, walk=walk, pk=observation)
    instance = Action.objects.filter(observation=seen).first() or Action(observation=seen)
    form = ActionForm(request.POST or None, instance=instance, partnership=access.partnership)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("The action has been saved in the protocol."))
        return redirect("walk-detail", slug=slug, pk=pk)
    return render(
        request,
        "walks/action_form.html",
        {"access": access, "walk": walk, "observation": seen, "form": form},
    )


@login_required
def observation_photo(request: HttpRequest, slug: str, pk: int, observation: int) -> HttpResponse:
    access = get_access(request, slug)
    walk = _walk(access, pk)
    seen = get_object_or_404(Observation, walk=walk, pk=observation, photo__isnull=False)
    response = HttpResponse(bytes(seen.photo or b""), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def walk_protocol(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The protocol as Word or PDF (``?format=docx|pdf``); members read it like the walk page."""
    access = get_access(request, slug)
    walk = _walk(access, pk)
    fmt = request.GET.get("format", "docx")
    if fmt not in FORMATS:
        return HttpResponse(_("Choose format=docx or format=pdf."), status=400)
    data = protocol.build(walk, fmt, lang=get_language())
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{protocol.filename(walk, fmt)}"'
    return response
