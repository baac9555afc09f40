"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from samtrygg.partnerships.disclosure import public_k


def samtrygg(request: HttpRequest) -> dict[str, Any]:
    """The current partnership access (set by ``get_access``), map settings and the
    small-count threshold k."""
    return {
        "current_access": getattr(request, "samtrygg_access", None),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "disclosure_k": public_k(),
    }
