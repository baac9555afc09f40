"""Safety walks (trygghetsvandringar): the walk, what was seen on it, and what will be done.

After Boverket, Tryggare Mänskligare Göteborg and Brå, *Trygghetsvandring – en vägledning*
(docs/domain.md §7): three meetings (introduction, the walk with a debrief, a report-back),
participants recorded as group counts only (no names), observations with a place, a kind, a
physical cause, an optional photo and a proposed solution, and a protocol in which every
observation becomes an action with an owner, a priority and a deadline.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samtrygg.areas.models import Area
from samtrygg.partnerships.models import Organisation, Partnership
from samtrygg.plans.models import Measure


class Light(models.TextChoices):
    DAYLIGHT = "daylight", _("Daylight")
    DARKNESS = "darkness", _("Darkness")


class ParticipantGroup(models.TextChoices):
    RESIDENTS = "residents", _("Residents")
    YOUNG = "young", _("Young people")
    ASSOCIATIONS = "associations", _("Associations")
    HOUSING = "housing", _("Housing companies")
    POLITICIANS = "politicians", _("Politicians")
    MUNICIPALITY = "municipality", _("Municipal staff")
    POLICE = "police", _("Police")
    OTHER = "other", _("Others")


class SafetyWalk(models.Model):
    """One walk: where, when, in what light, and who took part (as counts)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="walks")
    title = models.CharField(_("title"), max_length=200)
    area = models.ForeignKey(
        Area,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    route = models.TextField(_("route"), blank=True, max_length=2000)
    walked_on = models.DateField(_("date of the walk"))
    light = models.CharField(_("light"), max_length=16, choices=Light.choices)
    introduction_on = models.DateField(_("introduction meeting"), null=True, blank=True)
    report_back_on = models.DateField(_("report-back meeting"), null=True, blank=True)
    report_back_notes = models.TextField(
        _("decided at the report-back"), blank=True, max_length=5000
    )
    # Group → number of participants; never names (DOMAIN §7: counts and mix only).
    participants = models.JSONField(_("participants"), default=dict, blank=True)
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Show the walk's places and actions on the public page (never people)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-walked_on", "-pk"]
        verbose_name = _("safety walk")
        verbose_name_plural = _("safety walks")

    def __str__(self) -> str:
        return f"{self.title} ({self.walked_on:%Y-%m-%d})"

    @property
    def participant_total(self) -> int:
        return sum(int(n) for n in self.participants.values())


class Observation(models.Model):
    """A place seen on the walk: unsafe, at risk of crime, or safe, and why."""

    class Kind(models.TextChoices):
        UNSAFE = "unsafe", _("Unsafe place")
        RISK = "risk", _("At risk of becoming a crime scene")
        SAFE = "safe", _("Safe or pleasant place")

    class Cause(models.TextChoices):
        LIGHTING = "lighting", _("Lighting")
        VEGETATION = "vegetation", _("Vegetation")
        SIGHT_LINES = "sight_lines", _("Sight lines")
        LITTER = "litter", _("Litter and disorder")
        DESIGN = "design", _("Design")
        OTHER = "other", _("Other")

    walk = models.ForeignKey(SafetyWalk, on_delete=models.CASCADE, related_name="observations")
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    cause = models.CharField(_("physical cause"), max_length=16, choices=Cause.choices)
    description = models.TextField(_("what we saw"), blank=True, max_length=2000)
    proposal = models.TextField(_("proposed solution"), blank=True, max_length=2000)
    # A JPEG re-encoded on upload, without its EXIF data (and so without the phone's location).
    photo = models.BinaryField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_cause_display()}"


class Action(models.Model):
    """What the protocol says will be done about an observation, by whom and by when."""

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Not to be done")

    observation = models.OneToOneField(Observation, on_delete=models.CASCADE, related_name="action")
    text = models.CharField(_("action"), max_length=300)
    owner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner (organisation)"),
    )
    private_owner = models.CharField(
        _("owner (private)"),
        max_length=200,
        blank=True,
        help_text=_("A private property owner, named as such; they decide on their own land."),
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    measure = models.ForeignKey(
        Measure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="walk_actions",
        verbose_name=_("measure in the action plan"),
    )

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.text

    @property
    def owner(self) -> str:
        return str(self.owner_organisation or self.private_owner or "–")
