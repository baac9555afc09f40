"""Documents adopted by a decision body (lägesbild, action plan): the base model and adoption.

An adopted document is frozen (see :mod:`samtrygg.freezing`); a newer adopted version of the
same document supersedes it. Apps give their documents the :class:`AdoptedDocument` base and
register :data:`ADOPTED_DOCUMENT` for them with :func:`samtrygg.freezing.freeze`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as gettext
from django.utils.translation import gettext_lazy as _

from samtrygg.freezing import ADOPTED_FROZEN, DocumentStatus, Freezable, Freeze
from samtrygg.partnerships.changelog import record
from samtrygg.partnerships.models import Partnership

__all__ = [
    "ADOPTED_DOCUMENT",
    "AdoptedDocument",
    "NotAdoptableError",
    "Violation",
    "adopt",
]


def _adopted_error(obj: Any, holder: Any) -> str:
    return str(
        _("%(title)s (v%(v)s) is adopted and cannot be changed; make a new version.")
        % {"title": holder.title, "v": holder.version}
    )


# An adopted document changes only by being superseded by a newer adopted version.
ADOPTED_DOCUMENT = Freeze(
    when=Q(status__in=ADOPTED_FROZEN),
    every_save=True,
    refuse_delete=True,
    message=_adopted_error,
    moves=frozenset({(DocumentStatus.ADOPTED, DocumentStatus.SUPERSEDED)}),
    move_fields=frozenset({"status", "updated_at"}),
)


class AdoptedDocument(Freezable):
    """A versioned document adopted by a decision body (lägesbild, action plan)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    decision_body = models.CharField(_("decision body"), max_length=200, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    diarienummer = models.CharField(_("registry number"), max_length=100, blank=True)
    follow_up_date = models.DateField(_("follow-up date"), null=True, blank=True)
    adopted_at = models.DateTimeField(null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Fields that scope versions: a new adopted version supersedes those with the same values.
    VERSIONS_WITHIN: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    @property
    def is_frozen(self) -> bool:
        return self.status in ADOPTED_FROZEN


@dataclass(frozen=True)
class Violation:
    """A broken rule: its number in Brå's list (docs/domain.md §3), the item and what to do."""

    rule: int
    item: str
    message: str

    def __str__(self) -> str:
        return f"{gettext('Rule')} {self.rule} – {self.item}: {self.message}"


class NotAdoptableError(Exception):
    """The document breaks Brå's rules; ``violations`` lists every problem."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        super().__init__("; ".join(str(v) for v in violations))


def adopt(doc: Any, actor: Any, decision_body: str, decision_date: date, diarienummer: str) -> None:
    """Adopt ``doc`` (checked by its app first) and supersede the previous adopted version."""
    if doc.is_frozen:
        raise NotAdoptableError([Violation(0, doc.title, gettext("it is already adopted."))])
    # The previous adopted version of the same document is superseded, not changed.
    previous = (
        type(doc)
        .objects.filter(partnership=doc.partnership, status=DocumentStatus.ADOPTED)
        .exclude(pk=doc.pk)
    )
    previous = previous.filter(**{f: getattr(doc, f) for f in doc.VERSIONS_WITHIN})
    for old in previous:
        old.status = DocumentStatus.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
    doc.status = DocumentStatus.ADOPTED
    doc.decision_body = decision_body
    doc.decision_date = decision_date
    doc.diarienummer = diarienummer
    doc.adopted_at = timezone.now()
    doc.adopted_by = actor if getattr(actor, "is_authenticated", False) else None
    # One update of the draft row: the adoption itself (the row is not frozen until it lands).
    type(doc).objects.filter(pk=doc.pk).update(
        status=doc.status,
        decision_body=decision_body,
        decision_date=decision_date,
        diarienummer=diarienummer,
        adopted_at=doc.adopted_at,
        adopted_by=doc.adopted_by,
        updated_at=doc.adopted_at,
    )
    record(
        doc.partnership_id,
        actor,
        doc,
        "adopted",
        decision_body=decision_body,
        diarienummer=diarienummer,
    )
