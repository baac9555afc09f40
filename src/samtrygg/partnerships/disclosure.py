"""The installation's disclosure rule, read from the settings in this one place.

Every number shown to someone who may not see every incident (viewers, reporters for other
organisations' incidents, the public page, their exports) goes through
:class:`samtrygg.analysis.disclosure.CellKeyRule` built here: the threshold k is
``SAMTRYGG_PUBLIC_K`` and the secret of the record keys is ``SAMTRYGG_DISCLOSURE_KEY`` (by
default derived from ``SECRET_KEY``). See docs/privacy.md.
"""

from __future__ import annotations

import hashlib

from django.conf import settings

from samtrygg.analysis.disclosure import CellKeyRule


def public_k() -> int:
    """The small-count threshold k (setting ``SAMTRYGG_PUBLIC_K``, default 5)."""
    return int(settings.SAMTRYGG_PUBLIC_K)


def small_marker() -> str:
    """How a count below k is written where a page says it is small: "<k"."""
    return f"<{public_k()}"


def disclosure_secret() -> bytes:
    """The per-installation secret of the record keys (32 bytes).

    ``SAMTRYGG_DISCLOSURE_KEY`` when set, else a hash of ``SECRET_KEY`` with a label of its own,
    so the secret cannot be used for anything else Django signs.
    """
    configured = str(getattr(settings, "SAMTRYGG_DISCLOSURE_KEY", "") or "")
    base = configured or f"samtrygg-cell-key:{settings.SECRET_KEY}"
    return hashlib.sha256(base.encode()).digest()


def disclosure_rule() -> CellKeyRule:
    """The rule every page, map and export uses for numbers shown as aggregates."""
    return CellKeyRule(public_k(), disclosure_secret())
