"""What the public page shows, computed once per data version and kept in the shared cache.

An anonymous request costs a cache lookup, not a count over every incident: the page's rendered
content (agreement, promises, history, statistics, published safety walks; a template
fragment), two flags for the
page's head, and the map are stored under a key made of the partnership, its **data version**,
the language and the last complete quarter. The content's objects are loaded (and computed when
missing) only when the fragment has to be rendered. The data version
is a random token in the cache, replaced whenever something the page shows is saved (signals in
:mod:`samtrygg.public.apps`: incidents, categories, areas, agreements, promises, activities,
signatures, safety walks with their points and actions). Bulk writes (imports, retention)
send no signals, so every entry also expires after ``SAMTRYGG_PUBLIC_CACHE_SECONDS`` (10
minutes). After a change to incidents only, the latest version is shown for up to a minute,
and a new version is computed by one worker at a time while the others show the latest one
(:func:`fresh_or_latest`); after a change to what is published, never.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language

from samtrygg import periods
from samtrygg.partnerships.dataversion import data_version, publication_version
from samtrygg.partnerships.models import Partnership
from samtrygg.public import services, statistics, walks

T = TypeVar("T")


def _key(kind: str, partnership: Partnership | int, today: date) -> str:
    pk = partnership if isinstance(partnership, int) else partnership.pk
    quarter = periods.complete_quarters(today, 1)[-1].end.isoformat()
    version = data_version(pk)
    return f"public:{kind}:{pk}:{version}:{get_language()}:{quarter}"


def _seconds() -> int:
    return int(settings.SAMTRYGG_PUBLIC_CACHE_SECONDS)


# How long one worker may take to compute a new version before another one starts as well.
COMPUTE_SECONDS = 120
# After changes to incidents only, the latest version is shown for up to this long before it
# is computed again: reports arriving every few seconds would otherwise keep the page computing.
REFRESH_SECONDS = 60


def fresh_or_latest(
    kind: str, partnership_id: int, key: str, compute: Callable[[], T]
) -> tuple[T, bool]:
    """The value under ``key``, or the latest version while a new one is not needed or is being
    computed, and whether it is the current version.

    After a change (each new report renews the data version), computing the new version takes
    seconds at a million incidents. So that neither a stream of visitors nor a stream of reports
    can keep the workers computing:

    * when only incidents changed since the latest version (the publication version is the
      same) and it is younger than ``REFRESH_SECONDS``, it is shown as it is;
    * otherwise one worker computes the new version, and meanwhile the others show the latest
      one if only incidents changed since;
    * after a change to what is published (an agreement withdrawn, a category taken off the
      page), the latest version is never shown again: the page is computed at once.

    Parameters
    ----------
    kind : str
        What is computed ("page", "map").
    partnership_id : int
    key : str
        The current version's key in the shared cache.
    compute : callable
        Computes the current value (not None).

    Returns
    -------
    tuple
        The value, and True when it is the current version.
    """
    value = cache.get(key)
    if value is not None:
        return value, True
    latest = latest_key(kind, partnership_id)
    publication = publication_version(partnership_id)
    entry = cache.get(latest)
    usable = entry is not None and entry[0] == publication
    if usable and time.time() - entry[1] < REFRESH_SECONDS:
        return entry[2], False
    # One computation at a time per page, whatever its version: with a lock per version, reports
    # arriving faster than a computation takes would start one more in every worker.
    computing = f"{latest}:computing"
    mine = cache.add(computing, 1, COMPUTE_SECONDS)
    if not mine and usable:
        return entry[2], False
    try:
        value = compute()
        cache.set(key, value, _seconds())
        cache.set(latest, (publication, time.time(), value), _seconds())
    finally:
        if mine:
            cache.delete(computing)
    return value, True


def latest_key(kind: str, partnership_id: int) -> str:
    """The key of the latest version of ``kind`` computed for the partnership, in this
    language (see :func:`fresh_or_latest`)."""
    return f"public:latest:{kind}:{partnership_id}:{get_language()}"


def content_key(partnership: Partnership | int, today: date | None = None) -> str:
    """The key of the page's cached content (for the template fragment cache): of the
    partnership, or of the partnership with this id."""
    return _key("page", partnership, today or timezone.localdate())


def cache_seconds() -> int:
    """How long cached content is kept at most."""
    return _seconds()


def page_flags(partnership: Partnership, today: date | None = None) -> dict[str, bool]:
    """Whether the page has an agreement and a map (for its head and scripts)."""
    day = today or timezone.localdate()
    key = _key("flags", partnership, day)
    flags = cache.get(key)
    if flags is None:
        content = page_content(partnership, day)
        statistics_ = content.get("statistics")
        flags = {
            "agreement": content["agreement"] is not None,
            "map": bool(content["agreement"] is not None and statistics_ and statistics_.areas),
        }
        cache.set(key, flags, _seconds())
    return dict(flags)


def page_content(partnership: Partnership, today: date | None = None) -> dict[str, Any]:
    """The public page's context (without the partnership), from the cache when current."""
    day = today or timezone.localdate()
    key = _key("page", partnership, day)
    content = cache.get(key)
    if content is None:
        agreement = services.published_agreement(partnership)
        # Published safety walks are shown even before an agreement is.
        content = {"agreement": None, "walks": walks.public_walks(partnership)}
        if agreement is not None:
            content = {
                "agreement": services.public_agreement(agreement),
                "promises": services.public_promises(partnership),
                "statistics": statistics.public_statistics(partnership, day),
                "history": services.version_history(partnership),
                "walks": content["walks"],
            }
        cache.set(key, content, _seconds())
    return dict(content)


def map_content(partnership: Partnership | int, today: date | None = None) -> dict[str, Any]:
    """The public map's GeoJSON, from the cache when current (empty until something is
    published): of the partnership, or of the partnership with this id (loaded only when the
    map has to be computed)."""
    day = today or timezone.localdate()
    pk = partnership if isinstance(partnership, int) else partnership.pk

    def compute() -> dict[str, Any]:
        shown = (
            get_object_or_404(Partnership, pk=pk) if isinstance(partnership, int) else partnership
        )
        if services.published_agreement(shown) is None:
            return {"type": "FeatureCollection", "features": []}
        return statistics.public_map(shown, day)

    content, _current = fresh_or_latest("map", pk, _key("map", pk, day), compute)
    return dict(content)
