"""Membership changes. Each one runs in a transaction and writes its audit event."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samtrygg.partnerships.models import (
    Invitation,
    Membership,
    MembershipEvent,
    Organisation,
    Partnership,
    Role,
)

Action = MembershipEvent.Action


class MembershipError(Exception):
    """A membership change that cannot be made; the message says why and what to do."""


def record(
    partnership: Partnership,
    actor: Any,
    action: str,
    *,
    subject: Any = None,
    email: str = "",
    **details: Any,
) -> MembershipEvent:
    """Append an audit event."""
    return MembershipEvent.objects.create(
        partnership=partnership,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        subject=subject,
        subject_email=email or (getattr(subject, "email", "") or ""),
        action=action,
        details=details,
    )


def _check_role_organisation(role: str, organisation: Organisation | None) -> None:
    if role == Role.REPORTER and organisation is None:
        raise MembershipError(_("A reporter reports for an organisation; choose one."))


@transaction.atomic
def invite(
    partnership: Partnership,
    actor: Any,
    email: str,
    role: str,
    organisation: Organisation | None,
    *,
    base_url: str | None = None,
) -> Invitation:
    """Create an invitation and e-mail its link; refuses people who are already members.

    ``base_url`` is the site address the link starts with (the web layer passes the configured
    public address or the request's); without it the configured address is used.
    """
    email = email.strip().lower()
    _check_role_organisation(role, organisation)
    if Membership.objects.filter(partnership=partnership, user__email__iexact=email).exists():
        raise MembershipError(
            _("%(email)s is already a member; change their role in the list of people instead.")
            % {"email": email}
        )
    if Invitation.objects.pending().filter(partnership=partnership, email__iexact=email).exists():
        raise MembershipError(
            _("%(email)s already has an invitation waiting; revoke it first to send a new one.")
            % {"email": email}
        )
    invitation = Invitation.objects.create(
        partnership=partnership, organisation=organisation, email=email, role=role, invited_by=actor
    )
    record(
        partnership,
        actor,
        Action.INVITED,
        email=email,
        role=role,
        organisation=organisation.slug if organisation else None,
    )
    base = base_url or settings.SAMTRYGG_BASE_URL.rstrip("/") or "http://127.0.0.1:8000"
    link = base.rstrip("/") + reverse("invitation-accept", args=[invitation.token])
    transaction.on_commit(
        lambda: send_mail(
            _("Invitation to %(partnership)s in Samtrygg") % {"partnership": partnership.name},
            _(
                "You have been invited to %(partnership)s in Samtrygg as %(role)s.\n\n"
                "Open this link to accept (valid until %(expires)s):\n%(link)s\n"
            )
            % {
                "partnership": partnership.name,
                "role": Role(role).label,
                "expires": f"{invitation.expires_at:%Y-%m-%d}",
                "link": link,
            },
            settings.DEFAULT_FROM_EMAIL,
            [email],
            fail_silently=True,
        )
    )
    return invitation


@transaction.atomic
def revoke_invitation(invitation: Invitation, actor: Any) -> None:
    """Withdraw an invitation that has not been used."""
    if invitation.accepted_at is not None:
        raise MembershipError(_("This invitation has already been accepted."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(invitation.partnership, actor, Action.INVITATION_REVOKED, email=invitation.email)


@transaction.atomic
def accept_invitation(invitation: Invitation, user: Any) -> Membership:
    """Turn an invitation into a membership for ``user``."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise MembershipError(
            _("This invitation can no longer be used; ask the coordinator for a new one.")
        )
    if Membership.objects.filter(user=user, partnership=invitation.partnership).exists():
        raise MembershipError(_("You are already a member of this partnership."))
    membership = Membership.objects.create(
        user=user,
        partnership=invitation.partnership,
        organisation=invitation.organisation,
        role=invitation.role,
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record(
        invitation.partnership,
        user,
        Action.JOINED,
        subject=user,
        role=invitation.role,
        organisation=invitation.organisation.slug if invitation.organisation else None,
    )
    return membership


@transaction.atomic
def add_member(
    partnership: Partnership,
    actor: Any,
    user: Any,
    role: str,
    organisation: Organisation | None = None,
) -> Membership:
    """Add an existing user directly (used by the demo and administrators)."""
    _check_role_organisation(role, organisation)
    membership = Membership.objects.create(
        user=user, partnership=partnership, organisation=organisation, role=role
    )
    record(
        partnership,
        actor,
        Action.ADDED,
        subject=user,
        role=role,
        organisation=organisation.slug if organisation else None,
    )
    return membership


def _lock_partnership(membership: Membership) -> None:
    """Serialise membership changes of one partnership until the transaction ends.

    The rule "at least one coordinator" reads other rows than the one it changes: two
    coordinators removing each other at the same time would each see the other one left. A lock
    on the parent row makes the second change wait for the first and then see its result.
    """
    Partnership.objects.select_for_update().only("pk").get(pk=membership.partnership_id)


def _coordinators_left(membership: Membership) -> int:
    return (
        Membership.objects.filter(partnership=membership.partnership, role=Role.COORDINATOR)
        .exclude(pk=membership.pk)
        .count()
    )


@transaction.atomic
def change_membership(
    membership: Membership, actor: Any, role: str, organisation: Organisation | None
) -> Membership:
    """Change a member's role and organisation, keeping at least one coordinator."""
    _check_role_organisation(role, organisation)
    _lock_partnership(membership)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if (
        membership.role == Role.COORDINATOR
        and role != Role.COORDINATOR
        and _coordinators_left(membership) == 0
    ):
        raise MembershipError(
            _("The partnership must keep at least one coordinator; appoint another one first.")
        )
    old_role, old_org = membership.role, membership.organisation
    membership.role = role
    membership.organisation = organisation
    membership.save(update_fields=["role", "organisation", "updated_at"])
    if old_role != role:
        record(
            membership.partnership,
            actor,
            Action.ROLE_CHANGED,
            subject=membership.user,
            old=old_role,
            new=role,
        )
    if old_org != organisation:
        record(
            membership.partnership,
            actor,
            Action.ORGANISATION_CHANGED,
            subject=membership.user,
            old=old_org.slug if old_org else None,
            new=organisation.slug if organisation else None,
        )
    return membership


@transaction.atomic
def remove_member(membership: Membership, actor: Any) -> None:
    """Remove a person from the partnership, keeping at least one coordinator."""
    _lock_partnership(membership)
    current = Membership.objects.filter(pk=membership.pk).first()
    if current is None:  # Removed by someone else meanwhile.
        return
    membership = current
    if membership.role == Role.COORDINATOR and _coordinators_left(membership) == 0:
        raise MembershipError(
            _("The partnership must keep at least one coordinator; appoint another one first.")
        )
    record(
        membership.partnership,
        actor,
        Action.REMOVED,
        subject=membership.user,
        role=membership.role,
    )
    membership.delete()


def find_user_by_email(email: str) -> Any:
    """The active user with this e-mail address, if any."""
    return get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
