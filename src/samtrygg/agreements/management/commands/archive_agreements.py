"""Archive the documents of agreements signed before archiving existed.

Since signing archives the Word and PDF documents itself, this is run once after upgrading::

    samtrygg manage archive_agreements

It stores the documents of every signed or published agreement that lacks them (in Swedish,
rendered from the data as it is now) and prints how many it archived and how many already had
their copy. Running it again archives nothing more. Superseded versions are left without a copy:
their problems, goals and activities may have changed since they were superseded, so a copy
made now could differ from what was signed; their downloads keep saying so.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand

from samtrygg.agreements.archive import archive_agreement
from samtrygg.agreements.models import Agreement
from samtrygg.partnerships.changelog import record

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Archive the Word and PDF documents of signed or published agreements that lack them."

    def handle(self, *args: Any, **options: Any) -> None:
        archived = complete = 0
        for agreement in Agreement.objects.signed_or_published().order_by("pk"):
            made = archive_agreement(agreement)
            if made:
                archived += 1
                hashes = {a.format: a.sha256 for a in made}
                record(agreement.partnership_id, None, agreement, "archived", archived=hashes)
                log.info("archived agreement %d: %s", agreement.pk, sorted(hashes))
            else:
                complete += 1
        self.stdout.write(
            f"Archived {archived} signed agreement(s); {complete} already had their archived copy."
        )
