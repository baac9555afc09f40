"""WSGI entry point for production servers."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samtrygg.web.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Import every URL module and view before the first request.

    Django does so on a worker's first request, which then took 0.7 s instead of a few
    milliseconds; every worker a server starts or restarts paid it under load, while its
    clients waited. Here a worker pays it while booting, before it accepts a connection.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the attribute's import is the point


_warm_up()
