"""A partnership's data version: a token in the shared cache, renewed whenever its data change.

What is computed from the incidents and kept (the public page, the weekly pictures a worker
keeps in memory) is kept under the version it was computed from, so a change anywhere is seen by
every worker process at its next request. Saves renew it through signals
(:mod:`samtrygg.public.apps`); bulk writes that send none (imports, area linking) call
:func:`bump` themselves.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction


def _version_key(partnership_id: int) -> str:
    return f"public:version:{partnership_id}"


def _publication_key(partnership_id: int) -> str:
    return f"public:publication:{partnership_id}"


def _token(key: str) -> str:
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key) or "unversioned"
    return str(version)


def data_version(partnership_id: int) -> str:
    """The partnership's current data version (a new one when the cache has none).

    Parameters
    ----------
    partnership_id : int

    Returns
    -------
    str
        An opaque token that changes whenever :func:`bump` is called.
    """
    return _token(_version_key(partnership_id))


def publication_version(partnership_id: int) -> str:
    """A token renewed when anything but an incident changes: what is published, and how.

    New reports arrive all the time and only move counts; an agreement withdrawn, a category
    taken off the public page or a safety walk unpublished must show at once. The public page
    may show counts a minute old, but never content computed before such a change
    (:func:`samtrygg.public.published.fresh_or_latest`).

    Parameters
    ----------
    partnership_id : int

    Returns
    -------
    str
        An opaque token that changes whenever ``bump(..., publication=True)`` is called.
    """
    return _token(_publication_key(partnership_id))


def bump(partnership_id: int, *, publication: bool = False) -> None:
    """Mark everything kept for the partnership as out of date.

    Parameters
    ----------
    partnership_id : int
    publication : bool
        Something else than incidents changed: also renew :func:`publication_version`.
    """
    cache.set(_version_key(partnership_id), uuid.uuid4().hex, None)
    if publication:
        cache.set(_publication_key(partnership_id), uuid.uuid4().hex, None)


def changed(partnership_id: int) -> None:
    """Bump the version now and again when the current transaction commits.

    For bulk writes, which send no signals. The second bump matters: a reader who computed
    the old data under the first one, while the write was still open, would otherwise keep
    it until it expires.

    Parameters
    ----------
    partnership_id : int
    """
    bump(partnership_id)
    transaction.on_commit(lambda: bump(partnership_id))
