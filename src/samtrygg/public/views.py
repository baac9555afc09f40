"""The public page: no sign-in, only published content and disclosure-controlled aggregates.

The only URL argument is the partnership's slug; an unknown slug is a 404, a partnership with
nothing published gets a friendly page without any data.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from samtrygg.partnerships.models import Partnership
from samtrygg.public import services


@require_GET
def public_page(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_object_or_404(Partnership, slug=slug)
    agreement = services.published_agreement(partnership)
    context: dict[str, Any] = {"partnership": partnership, "agreement": None}
    if agreement is not None:
        context.update(
            agreement=services.public_agreement(agreement),
            promises=services.public_promises(partnership),
            statistics=services.public_statistics(partnership),
            history=services.version_history(partnership),
            hidden_marker=services.HIDDEN,
        )
    return render(request, "public/public_page.html", context)


@require_GET
def public_map_data(request: HttpRequest, slug: str) -> JsonResponse:
    partnership = get_object_or_404(Partnership, slug=slug)
    return JsonResponse(services.public_map(partnership))
