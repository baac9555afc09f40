"""Anonymise or delete incidents past their category's retention period, and remove sign-in
records older than ``SAMTRYGG_SIGN_IN_RECORDS_DAYS``.

Run it daily from cron::

    samtrygg manage apply_retention

``--dry-run`` counts what would change; ``--partnership SLUG`` limits it to one partnership's
incidents (sign-in records are then left alone).
Only category names and counts are printed and logged, never an incident's content.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from samtrygg.accounts.retention import purge_sign_in_records
from samtrygg.incidents.models import RetentionAction
from samtrygg.incidents.retention import apply_retention
from samtrygg.partnerships.models import Partnership

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Anonymise or delete incidents whose category's retention period has ended."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", metavar="SLUG", help="only this partnership")
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = None
        if options["partnership"]:
            partnership = Partnership.objects.filter(slug=options["partnership"]).first()
            if partnership is None:
                raise CommandError(
                    f"There is no partnership {options['partnership']!r}; check the short name."
                )
        results = apply_retention(partnership, dry_run=options["dry_run"])
        would = "would be " if options["dry_run"] else ""
        verb = {
            RetentionAction.ANONYMISE: would + "anonymised",
            RetentionAction.DELETE: would + "deleted",
        }
        for r in results:
            line = (
                f"{r.category.partnership.slug} / {r.category.name}: {r.count} "
                f"{verb[RetentionAction(r.action)]} (ended before {r.cutoff:%Y-%m-%d %H:%M})"
            )
            self.stdout.write(line)
        total = sum(r.count for r in results)
        if not results:
            self.stdout.write("No category has a retention period; no incidents to handle.")
        signins = 0
        if partnership is None:  # sign-in records belong to no partnership
            signins = purge_sign_in_records(dry_run=options["dry_run"])
            self.stdout.write(
                f"Sign-in records older than {settings.SIGN_IN_RECORDS_DAYS} days: {signins} "
                + ("would be deleted" if options["dry_run"] else "deleted")
            )
        log.info(
            "retention: %d incidents over %d categories, %d sign-in records",
            total,
            len(results),
            signins,
        )
