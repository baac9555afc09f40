"""The weekly pictures a worker process keeps in memory, under the data version they came from.

At the weekly EST meeting many people open the same picture at once; computing it costs up to
a second of CPU, so fifty at once would queue for tens of seconds. A picture is the same for
everyone who sees the same things: every coordinator and analyst (all data), every viewer
(aggregates only), and each reporter on their own (their own reports in detail). It is kept under
(partnership, data version, language, who, filters) for ``KEEP_SECONDS``; any change to the
partnership's data renews the version (:mod:`samtrygg.partnerships.dataversion`), so a kept
picture is never older than the data it shows by more than the time a request takes.

Staff's and reporters' pictures stay in the process's memory only, never in the shared (file)
cache: they hold report texts, which must not be written anywhere else than the database. A
viewers' picture holds only protected counts, as the public page does: it is also put in the
shared cache, so that the other workers load it (a few milliseconds) instead of each computing it
again (seconds) while the meeting waits.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.utils.translation import get_language

from samtrygg.partnerships.access import Access
from samtrygg.partnerships.dataversion import data_version
from samtrygg.partnerships.models import Role
from samtrygg.picture.filters import Filters

KEEP_SECONDS = 120
MAX_KEPT = 64

BUILD_WAIT_SECONDS = 60
_kept: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()
# The pictures being built right now, each with the event its waiters wait for.
_building: dict[tuple[Any, ...], threading.Event] = {}
_lock = threading.Lock()


def _who(user: Any, access: Access) -> str:
    if access.sees_all_data:
        return "all"
    if access.role == Role.VIEWER:
        return "viewer"
    return f"user:{user.pk}"


def key(user: Any, access: Access, filters: Filters) -> tuple[Any, ...]:
    """What a kept picture is found under."""
    period = filters.period
    return (
        access.partnership.pk,
        data_version(access.partnership.pk),
        get_language(),
        _who(user, access),
        period.kind,
        period.start,
        period.end,
        period.observed_end,
        filters.area.pk if filters.area else None,
        filters.category.pk if filters.category else None,
    )


def picture(user: Any, access: Access, filters: Filters, build: Callable[[], Any]) -> Any:
    """The kept picture for this user and these filters, built (and kept) when missing.

    When many requests for the same missing picture arrive at once (the meeting opens it
    together), one thread builds it and the others wait for that one instead of each building
    it again.
    """
    found = key(user, access, filters)
    while True:
        with _lock:
            entry = _kept.get(found)
            if entry is not None and entry[0] > time.monotonic():
                _kept.move_to_end(found)
                return entry[1]
            building = _building.get(found)
            if building is None:
                building = _building[found] = threading.Event()
                break  # this thread builds it
        # Another thread is building it: wait, then look again (if it failed, build here).
        if not building.wait(timeout=BUILD_WAIT_SECONDS):
            return build()
    try:
        # Only viewers' pictures (protected counts, nothing personal) go to the shared cache.
        built = _shared(found, build) if found[3:4] == ("viewer",) else build()
        with _lock:
            _kept[found] = (time.monotonic() + KEEP_SECONDS, built)
            _kept.move_to_end(found)
            while len(_kept) > MAX_KEPT:
                _kept.popitem(last=False)
        return built
    finally:
        with _lock:
            _building.pop(found, None)
        building.set()


def _shared(found: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """A viewers' picture from the shared cache, or built and put there."""
    shared = caches["default"]
    name = f"picture:viewers:{hashlib.sha256(repr(found).encode()).hexdigest()}"
    built = shared.get(name)
    if built is None:
        built = build()
        shared.set(name, built, KEEP_SECONDS)
    return built


def forget_all() -> None:
    """Drop every kept picture (tests)."""
    with _lock:
        _kept.clear()


def fragment_key(user: Any, access: Access, filters: Filters) -> str:
    """A short text key of the kept picture, for the template's fragment cache."""
    return hashlib.sha256(repr(key(user, access, filters)).encode()).hexdigest()
