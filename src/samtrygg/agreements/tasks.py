"""Start-page tasks from the agreement: signatures awaited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from samtrygg.agreements import services
from samtrygg.agreements.models import Agreement, AgreementStatus
from samtrygg.partnerships.access import Access
from samtrygg.partnerships.tasks import Task, task_provider


@task_provider
def signature_tasks(access: Access, user: Any, today: date) -> Iterator[Task]:
    """An agreement out for signing: "sign it" for a signatory, "N awaited" for coordinators."""
    agreements = Agreement.objects.filter(
        partnership=access.partnership, status=AgreementStatus.REVIEW
    ).prefetch_related("parties__signature", "parties__organisation")
    for agreement in agreements:
        unsigned = [p for p in agreement.parties.all() if not hasattr(p, "signature")]
        if not unsigned:
            continue
        url = reverse("agreement-detail", args=[access.partnership.slug, agreement.pk])
        mine = [p for p in unsigned if services.may_sign(access, p) and not access.is_superuser]
        if mine:
            yield Task(
                title=_("Your signature is awaited: %(agreement)s")
                % {"agreement": agreement.title},
                url=url,
                detail=_("Sign for %(organisation)s.") % {"organisation": mine[0].organisation},
                rank=1,
            )
        elif access.is_coordinator:
            yield Task(
                title=_("Signatures awaited: %(agreement)s") % {"agreement": agreement.title},
                url=url,
                detail=_("%(unsigned)d of %(parties)d parties have not signed yet.")
                % {"unsigned": len(unsigned), "parties": agreement.parties.count()},
                rank=2,
            )
