"""Agreement workflow: review, signing (each party for itself), publishing, versions and diffs.

Every change is recorded with :func:`samtrygg.partnerships.changelog.record`.
"""

from __future__ import annotations

import difflib
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samtrygg.agreements.archive import archive_agreement
from samtrygg.agreements.models import (
    Agreement,
    AgreementStatus,
    Comment,
    Party,
    Promise,
    Signature,
)
from samtrygg.partnerships.access import Access
from samtrygg.partnerships.changelog import record
from samtrygg.partnerships.models import Role

TEXT_SECTIONS = ("background", "causes", "documentation", "follow_up")
SIGNING_ROLES = frozenset({Role.COORDINATOR, Role.VIEWER})


class AgreementError(Exception):
    """The action is not possible now; the message says why and what to do."""


class NotYourPartyError(AgreementError):
    """The user may not sign for (or act as) this party."""


def may_sign(access: Access, party: Party) -> bool:
    """Each party signs only for itself: a coordinator or viewer of that organisation."""
    if access.is_superuser:
        return True
    membership = access.membership
    return (
        membership is not None
        and membership.role in SIGNING_ROLES
        and membership.organisation_id is not None
        and membership.organisation_id == party.organisation_id
    )


def may_comment(access: Access, agreement: Agreement) -> bool:
    """Coordinators, analysts and members of a party organisation may comment."""
    if access.sees_all_data:
        return True
    org = access.organisation
    return org is not None and agreement.parties.filter(organisation=org).exists()


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def send_for_review(agreement: Agreement, actor: Any) -> Agreement:
    """Draft → partner review; the parties may now comment and sign."""
    if agreement.status != AgreementStatus.DRAFT:
        raise AgreementError(_("Only a draft can be sent to the partners for review."))
    if not agreement.parties.exists():
        raise AgreementError(_("Add the parties who sign before sending it for review."))
    if not agreement.promises.exists():
        raise AgreementError(_("Add at least one citizen promise before sending it for review."))
    agreement.status = AgreementStatus.REVIEW
    agreement.save(update_fields=["status", "updated_at"])
    record(agreement.partnership_id, actor, agreement, "sent_for_review")
    return agreement


@transaction.atomic
def reopen(agreement: Agreement, actor: Any) -> Agreement:
    """Partner review → draft; signatures given so far are withdrawn (the text may change)."""
    if agreement.status != AgreementStatus.REVIEW:
        raise AgreementError(_("Only an agreement under review can be taken back to draft."))
    withdrawn = Signature.objects.filter(party__agreement=agreement)
    count = withdrawn.count()
    for signature in withdrawn:
        signature.delete()
    agreement.status = AgreementStatus.DRAFT
    agreement.save(update_fields=["status", "updated_at"])
    record(agreement.partnership_id, actor, agreement, "reopened", signatures_withdrawn=count)
    return agreement


@transaction.atomic
def sign(agreement: Agreement, party: Party, access: Access, user: Any) -> Signature:
    """Sign for ``party``; the agreement becomes signed when every party has signed.

    The last signature also archives the Word and PDF documents as signed, in the same
    transaction: if rendering fails, nobody's signature is recorded and the agreement stays
    under review.
    """
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if party.agreement_id != agreement.pk:
        raise AgreementError(_("That party is not part of this agreement."))
    if not may_sign(access, party):
        raise NotYourPartyError(
            _(
                "You can sign only for your own organisation, as its coordinator or as a "
                "viewer (e.g. a politician or manager)."
            )
        )
    if agreement.status != AgreementStatus.REVIEW:
        raise AgreementError(_("The agreement can be signed only while it is under review."))
    if Signature.objects.filter(party=party).exists():
        raise AgreementError(_("%(org)s has already signed.") % {"org": party.organisation.name})
    signature = Signature.objects.create(
        party=party,
        signed_by=user,
        name=user.get_full_name() or user.email or user.get_username(),
        role=party.signatory_role,
        signed_at=timezone.now(),
    )
    record(agreement.partnership_id, user, agreement, "signed", party=party.pk)
    if not agreement.parties.filter(signature__isnull=True).exists():
        agreement.status = AgreementStatus.SIGNED
        agreement.save(update_fields=["status", "updated_at"])
        archived = archive_agreement(agreement)
        record(
            agreement.partnership_id,
            user,
            agreement,
            "fully_signed",
            archived={a.format: a.sha256 for a in archived},
        )
    return signature


@transaction.atomic
def publish(agreement: Agreement, actor: Any) -> Agreement:
    """Signed → published; older signed or published versions are superseded."""
    if agreement.status != AgreementStatus.SIGNED:
        raise AgreementError(_("Only a signed agreement can be published."))
    older = Agreement.objects.filter(
        partnership=agreement.partnership, version__lt=agreement.version
    ).signed_or_published()
    for old in older:
        old.status = AgreementStatus.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
        record(agreement.partnership_id, actor, old, "superseded", by=agreement.pk)
    agreement.status = AgreementStatus.PUBLISHED
    agreement.published_at = timezone.now()
    agreement.save(update_fields=["status", "published_at", "updated_at"])
    record(agreement.partnership_id, actor, agreement, "published")
    return agreement


@transaction.atomic
def new_version(previous: Agreement, actor: Any) -> Agreement:
    """A new draft copying text, links, promises and parties (not signatures or comments)."""
    partnership = previous.partnership
    if Agreement.objects.filter(
        partnership=partnership, status__in=(AgreementStatus.DRAFT, AgreementStatus.REVIEW)
    ).exists():
        raise AgreementError(
            _("There is already a draft; change that one instead of starting another.")
        )
    latest = Agreement.objects.filter(partnership=partnership).order_by("-version").first()
    version = (latest.version if latest else previous.version) + 1
    draft = Agreement.objects.create(
        partnership=partnership,
        version=version,
        title=previous.title,
        diarienummer=previous.diarienummer,
        period_start=previous.period_start,
        period_end=previous.period_end,
        follow_up_date=previous.follow_up_date,
        based_on=previous,
        created_by=_actor(actor),
        **{s: getattr(previous, s) for s in TEXT_SECTIONS},
    )
    draft.problems.set(previous.problems.all())
    draft.goals.set(previous.goals.all())
    for promise in previous.promises.all():
        copy = Promise.objects.create(
            agreement=draft,
            year=promise.year,
            focus_area=promise.focus_area,
            text=promise.text,
            published=promise.published,
        )
        copy.activities.set(promise.activities.all())
        copy.indicators.set(promise.indicators.all())
    for party in previous.parties.all():
        Party.objects.create(
            agreement=draft,
            organisation_id=party.organisation_id,
            signatory_role=party.signatory_role,
        )
    record(partnership.pk, actor, draft, "new_version", based_on=previous.pk)
    return draft


def _promise_lines(agreement: Agreement) -> list[str]:
    return [f"{p.year} – {p.focus_area}: {p.text}" for p in agreement.promises.all()]


def agreement_diff(old: Agreement, new: Agreement) -> dict[str, list[str]]:
    """Unified differences per text section (and the promises) that changed between versions."""
    out: dict[str, list[str]] = {}
    pairs = [(s, getattr(old, s).splitlines(), getattr(new, s).splitlines()) for s in TEXT_SECTIONS]
    pairs.append(("promises", _promise_lines(old), _promise_lines(new)))
    for section, a, b in pairs:
        if a != b:
            out[section] = list(
                difflib.unified_diff(a, b, f"v{old.version}", f"v{new.version}", lineterm="")
            )
    return out


def section_label(section: str) -> str:
    if section == "promises":
        return str(Promise._meta.verbose_name_plural).capitalize()
    field = Agreement._meta.get_field(section)
    return str(getattr(field, "verbose_name", section)).capitalize()


@transaction.atomic
def add_comment(agreement: Agreement, access: Access, user: Any, text: str) -> Comment:
    if not agreement.is_open_for_comments:
        raise AgreementError(_("Comments are closed: the agreement is signed."))
    if not may_comment(access, agreement):
        raise NotYourPartyError(
            _("Only the parties' members, coordinators and analysts may comment.")
        )
    comment = Comment.objects.create(
        agreement=agreement, author=user, organisation=access.organisation, text=text
    )
    record(agreement.partnership_id, user, comment, "commented", agreement=agreement.pk)
    return comment
