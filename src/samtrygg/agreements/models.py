"""The samverkansöverenskommelse (collaboration agreement) and its medborgarlöften.

An agreement goes draft → partner review → signed (when every party has signed) → published,
and is superseded by a newer published version. Once signed it is frozen: any change raises
:class:`samtrygg.freezing.FrozenError`; a change is made in a new version instead. The rules
(what a signed agreement freezes, here and in the plans it prints) are registered at the end of
this module. What was
signed is kept as an :class:`ArchivedDocument` (Word and PDF, made when the last party signs),
because the problems, goals and activities the document shows live in the plans app.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samtrygg.freezing import (
    AGREEMENT_FROZEN,
    AGREEMENT_IN_FORCE,
    Freezable,
    FreezableQuerySet,
    Freeze,
    FrozenError,
    freeze,
    guard_links,
)

# AgreementStatus is named here too for the callers of this app.
from samtrygg.freezing import AgreementStatus as AgreementStatus
from samtrygg.partnerships.models import Organisation, Partnership
from samtrygg.plans.models import (
    ACTIVITY_PLAN_FIELDS,
    SIGNED_AGREEMENT,
    Activity,
    Cause,
    Goal,
    Indicator,
    Problem,
)

# Named here too for the callers of this app.
FROZEN_STATUSES = AGREEMENT_FROZEN


def _frozen_error(obj: Any, agreement: Any) -> str:
    return str(
        _("%(title)s (v%(v)s) is signed and cannot be changed; make a new version.")
        % {"title": agreement.title, "v": agreement.version}
    )


class AgreementQuerySet(FreezableQuerySet["Agreement"]):
    def signed_or_published(self) -> AgreementQuerySet:
        return self.filter(status__in=(AgreementStatus.SIGNED, AgreementStatus.PUBLISHED))

    def latest_for_export(self, partnership: Partnership) -> Agreement | None:
        """The newest signed or published agreement, else the newest draft (or under review)."""
        mine = self.filter(partnership=partnership).order_by("-version")
        return (
            mine.signed_or_published().first()
            or mine.filter(status__in=(AgreementStatus.DRAFT, AgreementStatus.REVIEW)).first()
        )


class Agreement(Freezable):
    """One version of the partnership's samverkansöverenskommelse."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="agreements"
    )
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    diarienummer = models.CharField(_("registry number"), max_length=100, blank=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    problems = models.ManyToManyField(
        Problem, blank=True, related_name="agreements", verbose_name=_("prioritised problems")
    )
    background = models.TextField(_("background, problem picture and sources"), blank=True)
    causes = models.TextField(_("probable causes"), blank=True)
    goals = models.ManyToManyField(
        Goal, blank=True, related_name="agreements", verbose_name=_("measurable goals")
    )
    documentation = models.TextField(_("how the work is documented"), blank=True)
    follow_up = models.TextField(_("how follow-up is done"), blank=True)
    follow_up_date = models.DateField(_("follow-up date"), null=True, blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_versions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()  # type: ignore[misc]  # a Freezable manager too

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "version"], name="agreement_version_unique"
            )
        ]
        verbose_name = _("collaboration agreement")
        verbose_name_plural = _("collaboration agreements")

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def is_editable(self) -> bool:
        """Content (text, promises, parties) may change only while a draft."""
        return self.status == AgreementStatus.DRAFT

    @property
    def is_open_for_comments(self) -> bool:
        return self.status in (AgreementStatus.DRAFT, AgreementStatus.REVIEW)


class PromiseQuerySet(FreezableQuerySet["Promise"]):
    def published_for(self, partnership: Partnership) -> PromiseQuerySet:
        """The published promises of the partnership's newest published agreement."""
        newest = (
            Agreement.objects.filter(partnership=partnership, status=AgreementStatus.PUBLISHED)
            .order_by("-version")
            .first()
        )
        if newest is None:
            return self.none()
        return self.filter(agreement=newest, published=True)


class Promise(Freezable):
    """A medborgarlöfte: a promise to residents, in plain words, with its activities."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="promises")
    year = models.PositiveIntegerField(_("year"))
    focus_area = models.CharField(_("focus area"), max_length=200)
    text = models.TextField(_("the promise, in plain words"))
    activities = models.ManyToManyField(
        Activity, blank=True, related_name="promises", verbose_name=_("activities")
    )
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="promises", verbose_name=_("indicators")
    )
    published = models.BooleanField(
        _("show on the public page"),
        default=True,
        help_text=_("Shown to residents once the agreement is published."),
    )

    objects = PromiseQuerySet.as_manager()  # type: ignore[misc]  # a Freezable manager too

    class Meta:
        ordering = ["year", "pk"]
        verbose_name = _("citizen promise")
        verbose_name_plural = _("citizen promises")

    def __str__(self) -> str:
        return f"{self.year}: {self.focus_area}"


class Party(Freezable):
    """An organisation that signs the agreement, and who signs for it."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    signatory_role = models.CharField(
        _("signatory role"),
        max_length=200,
        help_text=_("For example Lokalpolisområdeschef or Kommunstyrelsens ordförande."),
    )
    # The one person who signs for the organisation; named before the agreement goes out.
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signatory"),
        help_text=_("The member of the organisation who signs for it."),
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"], name="agreement_party_unique"
            )
        ]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return str(self.organisation)


class Signature(Freezable):
    """A party's signature: who signed, in what role and when."""

    party = models.OneToOneField(Party, on_delete=models.CASCADE, related_name="signature")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200)
    signed_at = models.DateTimeField(_("signed"))
    # What was signed: the SHA-256 of the agreement's content as shown on the signing page, and
    # how the signer confirmed who they are (see agreements/signing.py).
    content_sha256 = models.CharField(_("checksum of what was signed"), max_length=64, blank=True)
    method = models.CharField(_("confirmed with"), max_length=32, blank=True)

    class Meta:
        ordering = ["signed_at"]


class ArchiveFormat(models.TextChoices):
    DOCX = "docx", _("Word (docx)")
    PDF = "pdf", _("PDF")


def _archive_frozen() -> FrozenError:
    return FrozenError(_("The archived copy of a signed agreement cannot be changed or deleted."))


class ArchivedDocumentQuerySet(models.QuerySet["ArchivedDocument"]):
    """Append-only: bulk updates and deletes are refused too.

    Deleting the agreement's partnership (or, for the demo, the agreements themselves through a
    queryset) still removes the copies: Django's cascade deletes them with raw SQL queries and
    does not call this queryset's ``delete``.
    """

    def update(self, **kwargs: Any) -> NoReturn:
        raise _archive_frozen()

    def delete(self) -> NoReturn:
        raise _archive_frozen()

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        raise _archive_frozen()

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[ArchivedDocument]:
        objs = list(objs)
        for obj in objs:
            obj.check_new_copy()
        return super().bulk_create(objs, *args, **kwargs)


class ArchivedDocument(models.Model):
    """The document exactly as signed, stored once per format: what the municipality files.

    Made by :func:`samtrygg.agreements.archive.archive_agreement` in the transaction in which
    the last party signs. Its bytes never change; ``sha256`` lets a registrar check a file.
    """

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="archived_documents"
    )
    format = models.CharField(_("format"), max_length=8, choices=ArchiveFormat.choices)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("archived"), auto_now_add=True)

    objects = ArchivedDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "format"], name="agreement_archive_format_unique"
            )
        ]
        verbose_name = _("archived agreement document")
        verbose_name_plural = _("archived agreement documents")

    def __str__(self) -> str:
        return f"{self.agreement} [{self.format}] {self.sha256[:12]}"

    @property
    def short_sha256(self) -> str:
        """The first 12 hex digits: enough to compare by eye with a filed copy."""
        return self.sha256[:12]

    def check_new_copy(self) -> None:
        """Refuse anything but a new copy of a signed agreement; compute its hash."""
        if not self._state.adding or (
            self.pk is not None and type(self)._default_manager.filter(pk=self.pk).exists()
        ):
            raise _archive_frozen()
        status = (
            Agreement.objects.filter(pk=self.agreement_id).values_list("status", flat=True).first()
        )
        if status not in FROZEN_STATUSES:
            raise FrozenError(_("Only a signed agreement can be archived."))
        # Computed here, never given: the stored hash always matches the stored bytes.
        self.sha256 = hashlib.sha256(bytes(self.content)).hexdigest()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.check_new_copy()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise _archive_frozen()


class Comment(models.Model):
    """A partner's comment on a draft or an agreement under review."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("comment"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]


# A signed agreement, its parts and its links are frozen; it moves on only by its status
# (signed → published → superseded).
_SIGNED = Freeze(
    when=Q(status__in=AGREEMENT_FROZEN),
    every_save=True,
    refuse_delete=True,
    message=_frozen_error,
    moves=frozenset(
        {
            (AgreementStatus.SIGNED, AgreementStatus.PUBLISHED),
            (AgreementStatus.SIGNED, AgreementStatus.SUPERSEDED),
            (AgreementStatus.PUBLISHED, AgreementStatus.SUPERSEDED),
        }
    ),
    move_fields=frozenset({"status", "published_at", "updated_at"}),
)
freeze(Agreement, _SIGNED)
freeze(Promise, replace(_SIGNED, via="agreement", moves=frozenset()))
freeze(Party, replace(_SIGNED, via="agreement", moves=frozenset()))
freeze(Signature, replace(_SIGNED, via="party__agreement", moves=frozenset()))
for _field in (Agreement.problems, Agreement.goals, Promise.activities, Promise.indicators):
    guard_links(_field.field)

# What an agreement in force prints freezes with it: its problems with their whole cause trees
# (a new cause is refused too), its goals with their indicators, its promises' indicators and
# the plan fields of its promises' activities (their follow-up goes on).
_PRINTED = Q(agreements__status__in=AGREEMENT_IN_FORCE)
_PROMISED = Q(promises__agreement__status__in=AGREEMENT_IN_FORCE)
freeze(Problem, Freeze(when=_PRINTED, document=SIGNED_AGREEMENT))
freeze(Cause, Freeze(when=_PRINTED, via="problem", document=SIGNED_AGREEMENT))
freeze(Goal, Freeze(when=_PRINTED, document=SIGNED_AGREEMENT))
freeze(Indicator, Freeze(when=_PRINTED, via="goal", document=SIGNED_AGREEMENT))
freeze(Indicator, Freeze(when=_PROMISED, document=SIGNED_AGREEMENT))
freeze(Activity, Freeze(when=_PROMISED, fields=ACTIVITY_PLAN_FIELDS, document=SIGNED_AGREEMENT))
