"""Site-wide views: language, health check and error pages (signing in: samtrygg.accounts)."""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

logger = logging.getLogger(__name__)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, POST only."""
    return django_set_language(request)


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database check for load balancers; reveals nothing else.

    Answers within the connect timeout (``SAMTRYGG_DB_CONNECT_TIMEOUT``) also when the database
    is down: 503 with ``"database": "unavailable"``.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("Health check: the database is unavailable.")
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else None
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The error page; 503 "try again in a minute" when the database cannot be reached."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        # Django's handler runs inside the except block of the failed request, so the cause
        # is at hand: a database that is down, restarting, or timed out.
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "60"
        return response
    return render(request, "500.html", status=500)
