"""The public page: no sign-in, only published content and disclosure-controlled aggregates.

The only URL argument is the partnership's slug; an unknown slug is a 404, a partnership with
nothing published gets a friendly page without any data. The content comes from the shared
cache (:mod:`samtrygg.public.published`), and each client may make
``SAMTRYGG_PUBLIC_RATE`` requests a minute (then 429), so the page cannot be used to load the
service.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
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


# Stands in for the CSRF token (of the language switch) in the page kept for anonymous
# visitors; each request gets its own token in its place. It can never be a real token.
CSRF_PLACEHOLDER = "samtrygg-public-page-csrf-token-placeholder"


# The newest whole pages in this worker process's memory (a few partnerships × languages).
# An entry is only found under the key of its own data version, and it expires with the shared
# cache's entries (bulk imports send no signal that would change the version).
_KEPT_PAGES = 32
_kept: OrderedDict[str, tuple[float, str]] = OrderedDict()
_kept_lock = threading.Lock()


def _kept_page(key: str) -> str | None:
    with _kept_lock:
        entry = _kept.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]


def _keep(key: str, html: str) -> None:
    with _kept_lock:
        if key not in _kept:
            _kept[key] = (time.monotonic() + published.cache_seconds(), html)
        _kept.move_to_end(key)
        while len(_kept) > _KEPT_PAGES:
            _kept.popitem(last=False)


def _cacheable(request: HttpRequest) -> bool:
    """Whether the whole page may come from (and go to) the cache shared by every visitor.

    Only an anonymous visitor's plain request: a signed-in person's page names them, a query
    string would be echoed in the language switch, and a pending message is that person's own.
    """
    return (
        not request.user.is_authenticated
        and not request.GET
        and len(get_messages(request)) == 0  # len() reads without using the messages up
    )


# Slug → partnership id, remembered by this worker for a minute, so that a kept page costs no
# database query at all (the page's content is keyed by the id and the data version). Only
# slugs that exist are remembered; a deleted partnership's kept page may be served for up to
# that minute.
_SLUG_SECONDS = 60
_slugs: dict[str, tuple[float, int]] = {}


def _partnership_id(slug: str) -> int:
    entry = _slugs.get(slug)
    if entry is not None and entry[0] > time.monotonic():
        return entry[1]
    pk = Partnership.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404
    _slugs[slug] = (time.monotonic() + _SLUG_SECONDS, pk)
    return pk


def forget_kept() -> None:
    """Drop the pages and slugs this worker keeps (tests)."""
    with _kept_lock:
        _kept.clear()
    _slugs.clear()


@require_GET
@rate_limited
def public_page(request: HttpRequest, slug: str) -> HttpResponse:
    partnership_id = _partnership_id(slug)
    content_key = published.content_key(partnership_id)
    cacheable = _cacheable(request)
    page_key = f"{content_key}:whole"

    def context() -> dict[str, Any]:
        partnership = get_object_or_404(Partnership, pk=partnership_id)
        return {
            "partnership": partnership,
            # Loaded only if the rendered fragment is not in the cache.
            "page": SimpleLazyObject(lambda: published.page_content(partnership)),
            "flags": published.page_flags(partnership),
            "content_key": content_key,
            "cache_seconds": published.cache_seconds(),
        }

    if not cacheable:
        return render(request, "public/public_page.html", context())
    # The common case under load renders no template: the page comes from this process's
    # memory, or else from the shared cache. The key holds the data version read from the
    # shared cache, so a change anywhere is seen by every worker at its next request; while
    # one worker renders the new version, the others serve the latest one.
    html = _kept_page(page_key)
    if html is None:
        made, current = published.fresh_or_latest(
            "page",
            partnership_id,
            page_key,
            lambda: render_to_string(
                "public/public_page.html",
                {**context(), "csrf_token": CSRF_PLACEHOLDER},
                request=request,
            ),
        )
        if current:
            _keep(page_key, made)
        html = made
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


@require_GET
@rate_limited
def public_map_data(request: HttpRequest, slug: str) -> JsonResponse:
    return JsonResponse(published.map_content(_partnership_id(slug)))
