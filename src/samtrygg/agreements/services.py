"""Agreement workflow: review, signing (each party for itself), publishing, versions and diffs.

Every change is recorded with :func:`samtrygg.partnerships.changelog.record`.
"""

from __future__ import annotations

import difflib
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
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
from samtrygg.partnerships.models import Membership, Role

TEXT_SECTIONS = ("background", "causes", "documentation", "follow_up")
SIGNING_ROLES = frozenset({Role.COORDINATOR, Role.VIEWER})


class AgreementError(Exception):
    """The action is not possible now; the message says why and what to do."""


class NotYourPartyError(AgreementError):
    """The user may not sign for (or act as) this party."""


def may_sign(access: Access, party: Party) -> bool:
    """Each party signs only for itself, through the one signatory it names.

    A party without a named signatory (an agreement sent for review before signatories
    existed) may be signed by a coordinator or viewer of that organisation.
    """
    membership = access.membership
    if party.signatory_id is not None:
        return membership is not None and membership.user_id == party.signatory_id
    if access.is_superuser:
        return True
    return (
        membership is not None
        and membership.role in SIGNING_ROLES
        and membership.organisation_id is not None
        and membership.organisation_id == party.organisation_id
    )


def _notify(agreement: Agreement, subject: str, body: str, users: list[Any], link: str) -> None:
    """E-mail ``users`` (once each) after the transaction commits; no personal data is logged."""
    addresses = sorted({u.email for u in users if getattr(u, "email", "")})
    if not addresses:
        return
    text = f"{body}\n\n{link}\n"
    transaction.on_commit(
        lambda: send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, addresses, fail_silently=True)
    )


def _coordinators(agreement: Agreement) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(
            partnership_id=agreement.partnership_id, role=Role.COORDINATOR
        ).select_related("user")
    ]


def _link(agreement: Agreement, base_url: str | None) -> str:
    base = (base_url or settings.SAMTRYGG_BASE_URL or "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("agreement-detail", args=[agreement.partnership.slug, agreement.pk])


def may_comment(access: Access, agreement: Agreement) -> bool:
    """Coordinators, analysts and members of a party organisation may comment."""
    if access.sees_all_data:
        return True
    org = access.organisation
    return org is not None and agreement.parties.filter(organisation=org).exists()


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def send_for_review(agreement: Agreement, actor: Any, *, base_url: str | None = None) -> Agreement:
    """Draft → partner review; the parties may now comment, and each signatory is asked to sign."""
    if agreement.status != AgreementStatus.DRAFT:
        raise AgreementError(_("Only a draft can be sent to the partners for review."))
    if not agreement.parties.exists():
        raise AgreementError(_("Add the parties who sign before sending it for review."))
    if not agreement.promises.exists():
        raise AgreementError(_("Add at least one citizen promise before sending it for review."))
    unnamed = [str(p.organisation) for p in agreement.parties.filter(signatory__isnull=True)]
    if unnamed:
        raise AgreementError(
            _("Name who signs for %(parties)s before sending it for review.")
            % {"parties": ", ".join(unnamed)}
        )
    agreement.status = AgreementStatus.REVIEW
    agreement.save(update_fields=["status", "updated_at"])
    record(agreement.partnership_id, actor, agreement, "sent_for_review")
    _notify(
        agreement,
        _("Your signature is awaited: %(title)s") % {"title": agreement.title},
        _(
            "The agreement %(title)s (version %(version)s) is out for review and signing. "
            "Read it, comment if needed, and sign for your organisation."
        )
        % {"title": agreement.title, "version": agreement.version},
        [p.signatory for p in agreement.parties.select_related("signatory")],
        _link(agreement, base_url),
    )
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
def sign(
    agreement: Agreement,
    party: Party,
    access: Access,
    user: Any,
    *,
    content_sha256: str | None = None,
    method: str = "",
    base_url: str | None = None,
) -> Signature:
    """Sign for ``party``; the agreement becomes signed when every party has signed.

    ``content_sha256`` is the checksum the signer was shown (:mod:`samtrygg.agreements.signing`);
    the signature is refused when the agreement's content has changed since. The last
    signature also archives the Word and PDF documents as signed, in the same transaction: if
    rendering fails, nobody's signature is recorded and the agreement stays under review.
    """
    from samtrygg.agreements.signing import content_sha256 as current_sha256

    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if party.agreement_id != agreement.pk:
        raise AgreementError(_("That party is not part of this agreement."))
    if not may_sign(access, party):
        raise NotYourPartyError(
            _("Only the signatory the agreement names for %(org)s can sign for it.")
            % {"org": party.organisation.name}
            if party.signatory_id
            else _(
                "You can sign only for your own organisation, as its coordinator or as a "
                "viewer (e.g. a politician or manager)."
            )
        )
    if agreement.status != AgreementStatus.REVIEW:
        raise AgreementError(_("The agreement can be signed only while it is under review."))
    if Signature.objects.filter(party=party).exists():
        raise AgreementError(_("%(org)s has already signed.") % {"org": party.organisation.name})
    now_sha256 = current_sha256(agreement)
    if content_sha256 is not None and content_sha256 != now_sha256:
        raise AgreementError(
            _(
                "The agreement has changed since you opened it. Read it again and sign the "
                "current version."
            )
        )
    signature = Signature.objects.create(
        party=party,
        signed_by=user,
        name=user.get_full_name() or user.email or user.get_username(),
        role=party.signatory_role,
        signed_at=timezone.now(),
        content_sha256=now_sha256,
        method=method,
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
        signatories = [p.signatory for p in agreement.parties.select_related("signatory")]
        _notify(
            agreement,
            _("Every party has signed: %(title)s") % {"title": agreement.title},
            _(
                "Every party has now signed %(title)s (version %(version)s). The signed Word "
                "and PDF documents are archived in Samtrygg."
            )
            % {"title": agreement.title, "version": agreement.version},
            [u for u in signatories if u is not None] + _coordinators(agreement),
            _link(agreement, base_url),
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
            signatory_id=party.signatory_id,
        )
    record(partnership.pk, actor, draft, "new_version", based_on=previous.pk)
    return draft


def _promise_lines(agreement: Agreement) -> list[str]:
    return [f"{p.year} – {p.focus_area}: {p.text}" for p in agreement.promises.all()]


def _fact_lines(agreement: Agreement) -> list[str]:
    follow_up = agreement.follow_up_date.isoformat() if agreement.follow_up_date else "–"
    return [
        f"{_('Title')}: {agreement.title}",
        f"{_('Registry number')}: {agreement.diarienummer or '–'}",
        f"{_('Period')}: {agreement.period_start.isoformat()} – {agreement.period_end.isoformat()}",
        f"{_('Follow-up date')}: {follow_up}",
    ]


def _party_lines(agreement: Agreement) -> list[str]:
    lines = []
    for party in agreement.parties.select_related("organisation", "signatory"):
        signer = party.signatory.get_full_name() if party.signatory else "–"
        lines.append(f"{party.organisation.name} – {party.signatory_role} ({signer})")
    return lines


# The sections compared between versions, in the order the page shows them.
DIFF_SECTIONS = ("facts", *TEXT_SECTIONS, "problems", "goals", "promises", "parties")


def _diff_lines(agreement: Agreement, section: str) -> list[str]:
    if section == "facts":
        return _fact_lines(agreement)
    if section in TEXT_SECTIONS:
        return str(getattr(agreement, section)).splitlines()
    if section == "problems":
        return sorted(p.title for p in agreement.problems.all())
    if section == "goals":
        return sorted(g.statement for g in agreement.goals.all())
    if section == "promises":
        return _promise_lines(agreement)
    return _party_lines(agreement)


def agreement_diff(old: Agreement, new: Agreement) -> dict[str, list[str]]:
    """Unified differences of every part that changed between two versions.

    The facts (title, registry number, period, follow-up date), the text sections, the linked
    problems and goals, the citizen promises and the parties with their signatories.
    """
    out: dict[str, list[str]] = {}
    for section in DIFF_SECTIONS:
        a, b = _diff_lines(old, section), _diff_lines(new, section)
        if a != b:
            out[section] = list(
                difflib.unified_diff(a, b, f"v{old.version}", f"v{new.version}", lineterm="")
            )
    return out


def section_label(section: str) -> str:
    labels = {
        "facts": _("Title, registry number and period"),
        "problems": _("Problems"),
        "goals": _("Goals"),
        "parties": _("Parties and signatories"),
    }
    if section in labels:
        return str(labels[section])
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
