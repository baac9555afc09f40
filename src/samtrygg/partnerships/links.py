"""Absolute links for e-mails: the configured public address, or the address the request came to."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site_url(request: HttpRequest | None = None) -> str:
    """The site's base URL without a trailing slash.

    ``SAMTRYGG_BASE_URL`` wins when it is set (behind a proxy the request may not know the
    public name). Otherwise the request's own scheme and host are used, so that a server started
    on another port or name sends links that work; Django's ``ALLOWED_HOSTS`` check has already
    refused a forged Host header by then.
    """
    configured = settings.SAMTRYGG_BASE_URL.rstrip("/")
    if configured or request is None:
        return configured or "http://127.0.0.1:8000"
    return request.build_absolute_uri("/").rstrip("/")
