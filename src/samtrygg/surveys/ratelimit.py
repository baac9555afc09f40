"""How often one client may load and send the public answer page, without storing who it is.

The counters live in the shared cache for two windows at most, keyed by a keyed hash of the
client's address (HMAC with the site's secret), so neither the database nor the cache holds an
address. The address is the one sign-in throttling uses (``AXES_CLIENT_IP_CALLABLE``: behind a
trusted proxy, the forwarded client).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.module_loading import import_string


def _client(request: HttpRequest) -> str:
    getter = getattr(settings, "AXES_CLIENT_IP_CALLABLE", "")
    address = import_string(getter)(request) if getter else None
    return str(address or request.META.get("REMOTE_ADDR", "") or "unknown")


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address: the same for one client, not reversible."""
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, _client(request).encode(), hashlib.sha256).hexdigest()[:24]


def over_limit(request: HttpRequest, scope: str, limit: int, seconds: int) -> bool:
    """Count this request in ``scope`` and say whether the client went over ``limit`` per
    ``seconds`` (fixed windows; a limit of 0 or less switches the check off)."""
    if limit <= 0:
        return False
    window = int(time.time() // seconds)
    key = f"survey:{scope}:{client_key(request)}:{window}"
    if cache.add(key, 1, seconds * 2):
        return False  # the first request of the window; limit is at least 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds * 2)
        count = 1
    return count > limit
