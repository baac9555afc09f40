"""How long sign-in records are kept.

django-axes records every sign-in (AccessLog: username, IP address, browser) and every failed
attempt (AccessAttempt); both are personal data that are only needed for a while, to spot and
stop password guessing. :func:`purge_sign_in_records` removes those older than
``SAMTRYGG_SIGN_IN_RECORDS_DAYS``; ``samtrygg manage apply_retention`` calls it daily.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.utils import timezone


def purge_sign_in_records(now: datetime | None = None, *, dry_run: bool = False) -> int:
    """Delete sign-in records older than the setting; return how many (would) go."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SIGN_IN_RECORDS_DAYS)
    querysets = [
        model.objects.filter(attempt_time__lt=cutoff)
        for model in (AccessLog, AccessAttempt, AccessFailureLog)
    ]
    if dry_run:
        return sum(qs.count() for qs in querysets)
    with transaction.atomic():
        return sum(qs.delete()[0] for qs in querysets)
