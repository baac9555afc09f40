"""What the public page shows of the agreement: published promises, signatures and versions.

Everything here is computed for anyone on the internet, so it reads only published content
(the newest *published* agreement and its promises marked for the public page). The page's
numbers are in :mod:`samtrygg.public.statistics`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samtrygg.agreements.models import Agreement, AgreementStatus, Promise, Signature
from samtrygg.partnerships.models import Partnership
from samtrygg.plans.models import Activity
from samtrygg.plans.services import activity_progress

# --------------------------------------------------------------------------- promises


@dataclass(frozen=True)
class PublicActivity:
    title: str
    status: str
    status_label: str
    progress: int


@dataclass(frozen=True)
class PublicPromise:
    year: int
    focus_area: str
    text: str
    activities: list[PublicActivity]
    progress: int | None
    update: str


@dataclass(frozen=True)
class PublicSignature:
    organisation: str
    role: str
    signed: date


@dataclass(frozen=True)
class PublicAgreement:
    title: str
    period_start: date
    period_end: date
    signatures: list[PublicSignature]


def published_agreement(partnership: Partnership) -> Agreement | None:
    """The partnership's newest published agreement (what published promises belong to)."""
    return (
        Agreement.objects.filter(partnership=partnership, status=AgreementStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )


def public_agreement(agreement: Agreement) -> PublicAgreement:
    """Title, period and who signed: organisation, role and date (no person, no account)."""
    signatures = Signature.objects.filter(party__agreement=agreement).select_related(
        "party__organisation"
    )
    return PublicAgreement(
        title=agreement.title,
        period_start=agreement.period_start,
        period_end=agreement.period_end,
        signatures=[
            PublicSignature(
                organisation=s.party.organisation.name,
                role=s.role or s.party.signatory_role,
                signed=timezone.localtime(s.signed_at).date(),
            )
            for s in signatures
        ],
    )


@dataclass(frozen=True)
class PublicVersion:
    """One published version of the agreement and how its public promises changed."""

    version: int
    title: str
    period_start: date
    period_end: date
    published_on: date | None
    current: bool
    first: bool
    added: list[str]
    changed: list[str]
    removed: list[str]


def _promise_label(key: tuple[str, int]) -> str:
    return f"{key[0]} ({key[1]})"


def version_history(partnership: Partnership) -> list[PublicVersion]:
    """Every version that was published, newest first, with its promises' changes.

    docs/domain.md §11 asks for a public version history of published agreements and promises. Only
    versions that were published count (a superseded version that never was is left out), and
    only the promises marked for the public page are compared, by focus area and year.
    """
    versions = (
        Agreement.objects.filter(partnership=partnership)
        .filter(
            Q(status=AgreementStatus.PUBLISHED)
            | Q(status=AgreementStatus.SUPERSEDED, published_at__isnull=False)
        )
        .order_by("version")
        .prefetch_related("promises")
    )
    history: list[PublicVersion] = []
    previous: dict[tuple[str, int], str] | None = None
    for agreement in versions:
        promises = {(p.focus_area, p.year): p.text for p in agreement.promises.all() if p.published}
        old = previous or {}
        history.append(
            PublicVersion(
                version=agreement.version,
                title=agreement.title,
                period_start=agreement.period_start,
                period_end=agreement.period_end,
                published_on=(
                    timezone.localtime(agreement.published_at).date()
                    if agreement.published_at
                    else None
                ),
                current=agreement.status == AgreementStatus.PUBLISHED,
                first=previous is None,
                added=[]
                if previous is None
                else [_promise_label(k) for k in promises if k not in old],
                changed=[_promise_label(k) for k in promises if k in old and old[k] != promises[k]],
                removed=[_promise_label(k) for k in old if k not in promises],
            )
        )
        previous = promises
    return history[::-1]


def _update_text(activities: list[PublicActivity]) -> str:
    """A plain-language sentence on how the work is going, from the activities' status."""
    if not activities:
        return _("The activities for this promise are being planned.")
    counts = {status: 0 for status in Activity.Status.values}
    for a in activities:
        counts[a.status] += 1
    parts = []
    for status, text in (
        (Activity.Status.DONE, _("%(n)d done")),
        (Activity.Status.ONGOING, _("%(n)d ongoing")),
        (Activity.Status.PLANNED, _("%(n)d planned")),
        (Activity.Status.DELAYED, _("%(n)d delayed")),
        (Activity.Status.CANCELLED, _("%(n)d cancelled")),
    ):
        if counts[status]:
            parts.append(text % {"n": counts[status]})
    return ngettext(
        "%(total)d activity: %(parts)s.", "%(total)d activities: %(parts)s.", len(activities)
    ) % {"total": len(activities), "parts": ", ".join(parts)}


def public_promises(partnership: Partnership) -> list[PublicPromise]:
    """The published promises with their activities' titles, status and progress."""
    result = []
    promises = Promise.objects.published_for(partnership).prefetch_related("activities")
    for promise in promises:
        activities = []
        weights = 0.0
        weighted = 0.0
        for a in promise.activities.all():
            progress = activity_progress(a)
            activities.append(
                PublicActivity(
                    title=a.title,
                    status=a.status,
                    status_label=str(a.get_status_display()),
                    progress=round(progress),
                )
            )
            if a.status != Activity.Status.CANCELLED:
                weights += a.weight
                weighted += a.weight * progress
        result.append(
            PublicPromise(
                year=promise.year,
                focus_area=promise.focus_area,
                text=promise.text,
                activities=activities,
                progress=round(weighted / weights) if weights else None,
                update=_update_text(activities),
            )
        )
    return result
