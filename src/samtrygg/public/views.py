"""The public page: no sign-in, only published content and disclosure-controlled aggregates.

The only URL argument is the partnership's slug; an unknown slug is a 404, a partnership with
nothing published gets a friendly page without any data. The content comes from the shared
cache (:mod:`samtrygg.public.published`), and each client may make
``SAMTRYGG_PUBLIC_RATE`` requests a minute (then 429), so the page cannot be used to load the
service.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from samtrygg.partnerships.models import Partnership
from samtrygg.public import published


def _client(request: HttpRequest) -> str:
    """The client's address as the WSGI server gives it (behind a proxy: what the proxy set
    up as ``REMOTE_ADDR``)."""
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """At most ``SAMTRYGG_PUBLIC_RATE`` anonymous requests a minute per client, counted in the
    shared cache (fixed one-minute windows); signed-in staff are not limited."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limit = int(settings.SAMTRYGG_PUBLIC_RATE)
        if limit > 0 and not request.user.is_authenticated:
            window = int(time.time() // 60)
            key = f"public:rate:{_client(request)}:{window}"
            if cache.add(key, 1, 120):
                count = 1
            else:
                try:
                    count = cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.set(key, 1, 120)
                    count = 1
            if count > limit:
                response = HttpResponse(
                    _("Too many requests from your address. Please wait a minute and try again."),
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(60 - int(time.time()) % 60)
                return response
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@rate_limited
def public_page(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_object_or_404(Partnership, slug=slug)
    context: dict[str, Any] = {
        "partnership": partnership,
        # Loaded only if the rendered fragment is not in the cache.
        "page": SimpleLazyObject(lambda: published.page_content(partnership)),
        "flags": published.page_flags(partnership),
        "content_key": published.content_key(partnership),
        "cache_seconds": published.cache_seconds(),
    }
    return render(request, "public/public_page.html", context)


@require_GET
@rate_limited
def public_map_data(request: HttpRequest, slug: str) -> JsonResponse:
    partnership = get_object_or_404(Partnership, slug=slug)
    return JsonResponse(published.map_content(partnership))
