"""Partnerships, their organisations, the people in them and their roles.

Every record in Samtrygg belongs to a partnership; querysets are filtered by membership through
``visible_to(user)`` so that nothing relies on templates alone to hide data.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person may do in a partnership."""

    COORDINATOR = "coordinator", _("Coordinator")
    ANALYST = "analyst", _("Analyst")
    REPORTER = "reporter", _("Reporter")
    VIEWER = "viewer", _("Viewer")


ROLE_HELP = {
    Role.COORDINATOR: _("Administers the partnership: organisations, people, areas and documents."),
    Role.ANALYST: _("Sees all of the partnership's data and runs analyses."),
    Role.REPORTER: _(
        "Files reports for their organisation; sees their organisation's reports and the "
        "partnership's aggregates."
    ),
    Role.VIEWER: _("Politicians and managers: aggregates and documents only."),
}


class OrganisationKind(models.TextChoices):
    """The kinds of organisation that take part in local crime prevention."""

    KOMMUN = "kommun", _("Municipality")
    POLIS = "polis", _("Police")
    BOSTADSBOLAG = "bostadsbolag", _("Housing company")
    SKOLA = "skola", _("School")
    SOCIALTJANST = "socialtjanst", _("Social services")
    FRITID = "fritid", _("Leisure services")
    BEVAKNINGSFORETAG = "bevakningsforetag", _("Security company")
    RADDNINGSTJANST = "raddningstjanst", _("Rescue services")
    REGION = "region", _("Region")
    NARINGSLIV = "naringsliv", _("Business")
    OVRIGT = "ovrigt", _("Other")


class PartnershipQuerySet(models.QuerySet["Partnership"]):
    def visible_to(self, user: Any) -> PartnershipQuerySet:
        """Partnerships the user is a member of (all of them for a superuser)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(memberships__user=user).distinct()


class Partnership(models.Model):
    """A local crime-prevention partnership (lokalt brottsförebyggande råd)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: Any) -> OrganisationQuerySet:
        """Organisations of the partnerships the user belongs to."""
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class Organisation(models.Model):
    """A partner organisation: the municipality, the police, a school, a housing company …"""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="organisations"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "slug"], name="organisation_slug_unique"
            ),
            models.UniqueConstraint(
                fields=["partnership", "name"], name="organisation_name_unique"
            ),
        ]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def visible_to(self, user: Any) -> MembershipQuerySet:
        """Memberships a user may see: all of a partnership they coordinate, else only their own."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self.all()
        coordinated = Membership.objects.filter(user=user, role=Role.COORDINATOR).values(
            "partnership"
        )
        return self.filter(models.Q(partnership__in=coordinated) | models.Q(user=user))


class Membership(models.Model):
    """A person's role in one partnership, and for reporters their organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "user__last_name", "user__first_name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership"], name="one_membership_per_user"),
            models.CheckConstraint(
                condition=~models.Q(role="reporter") | models.Q(organisation__isnull=False),
                name="reporter_has_organisation",
            ),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} – {self.partnership} ({self.role})"

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _default_expiry() -> Any:
    return timezone.now() + timedelta(days=settings.INVITATION_DAYS)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        """Invitations not yet accepted, revoked or expired."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An invitation, sent by e-mail, to join a partnership with a role."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="invitations"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_default_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.partnership}"

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class MembershipEvent(models.Model):
    """Append-only record of every change to memberships, roles and invitations."""

    class Action(models.TextChoices):
        INVITED = "invited", _("invited")
        INVITATION_REVOKED = "invitation_revoked", _("invitation revoked")
        JOINED = "joined", _("joined")
        ADDED = "added", _("added")
        ROLE_CHANGED = "role_changed", _("role changed")
        ORGANISATION_CHANGED = "organisation_changed", _("organisation changed")
        REMOVED = "removed", _("removed")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="membership_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject_email = models.EmailField(blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Membership events are append-only.")
        super().save(*args, **kwargs)


class ChangeRecord(models.Model):
    """Append-only log of changes to plans, documents and reference data: who, what, when.

    Written through :func:`samtrygg.partnerships.changelog.record` by every app above this one.
    The table keeps the name it had when the log belonged to the plans app.
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="plan_changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    object_type = models.CharField(max_length=50)
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=50)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "plans_changerecord"
        ordering = ["-at", "-id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Change records are append-only.")
        super().save(*args, **kwargs)
