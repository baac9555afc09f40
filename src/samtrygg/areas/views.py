"""Area pages: the map, municipalities, imports and drawn areas."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samtrygg import uploads as upload_limits
from samtrygg.areas import services
from samtrygg.areas.forms import AreaImportForm, DrawnAreaForm, MunicipalityForm
from samtrygg.areas.models import Area
from samtrygg.partnerships.access import get_access
from samtrygg.partnerships.models import Role
from samtrygg.sources.errors import SourceError

COORDINATOR = [Role.COORDINATOR]


@login_required
def area_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug)
    areas = Area.objects.visible_to(request.user).filter(partnership=access.partnership)
    return render(request, "areas/area_list.html", {"access": access, "areas": areas})


@login_required
def area_geojson(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug)
    areas = Area.objects.visible_to(request.user).filter(partnership=access.partnership)
    return JsonResponse(services.feature_collection(areas))


@login_required
def municipality_select(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    current = list(
        Area.objects.municipalities()
        .filter(partnership=access.partnership)
        .values_list("code", flat=True)
    )
    form = MunicipalityForm(request.POST or None, initial={"municipalities": current})
    if request.method == "POST" and form.is_valid():
        services.set_municipalities(
            access.partnership, form.cleaned_data["municipalities"], request.user
        )
        messages.success(request, _("The municipalities have been saved."))
        return redirect("area-list", slug=slug)
    return render(request, "areas/municipality_form.html", {"access": access, "form": form})


@login_required
def area_import(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    form = AreaImportForm(request.POST or None, request.FILES or None)
    problems = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            areas = services.import_areas(
                access.partnership,
                upload.read(),
                upload.name,
                request.user,
                replace=form.cleaned_data["replace"],
            )
        except SourceError as exc:
            problems = SourceError(upload_limits.problems(exc))
        else:
            messages.success(
                request, _("%(count)d areas have been imported.") % {"count": len(areas)}
            )
            return redirect("area-list", slug=slug)
    return render(
        request,
        "areas/area_import.html",
        {"access": access, "form": form, "problems": problems},
        status=400 if problems else 200,
    )


@login_required
def area_draw(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    form = DrawnAreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            geom = services.parse_drawn_geometry(form.cleaned_data["geometry"])
            services.create_drawn_area(
                access.partnership, form.cleaned_data["name"], geom, request.user
            )
        except SourceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The area has been saved."))
            return redirect("area-list", slug=slug)
    return render(request, "areas/area_draw.html", {"access": access, "form": form})


@login_required
@require_POST
def area_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = get_access(request, slug, COORDINATOR)
    area = get_object_or_404(Area, partnership=access.partnership, pk=pk)
    area.delete()
    messages.success(request, _("The area %(name)s has been deleted.") % {"name": area.name})
    return redirect("area-list", slug=slug)
