"""Incidents reported by the partners (EST), imports, and police events.

Access follows docs/domain.md §11: coordinators and analysts see every incident of their
partnership; a reporter sees their own reports in full, their organisation's other incidents and
those other organisations share with the partnership, except that the details of sensitive
categories are theirs only for their own reports (anyone else's sensitive incidents reach them
as aggregates); viewers see aggregates only.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samtrygg.areas.models import Area
from samtrygg.gazetteer.models import POINT_PRECISIONS, Precision
from samtrygg.partnerships.models import Membership, Organisation, Partnership, Role

# The EST seed list (docs/domain.md §5, issue 3); partnerships edit their own copy.
SEED_CATEGORIES = [
    "skadegörelse/klotter",
    "brand",
    "otrygg plats",
    "belysning/mörk plats",
    "nedskräpning",
    "ungdomsgrupp/samling",
    "buskörning",
    "misstänkt droghandel",
    "våld/hot",
    "inbrott",
    "incident mot personal",
    "ryktesspridning i sociala medier",
    "arrangemang",
    "övrigt",
]


class RetentionAction(models.TextChoices):
    # Anonymising keeps the count, category, time and 250 m square for trends and the
    # lägesbild; only what could point to a person goes.
    ANONYMISE = "anonymise", _("Anonymise: remove the text and place, keep a 250 m square")
    DELETE = "delete", _("Delete the incident")


class CategoryQuerySet(models.QuerySet["Category"]):
    def active(self) -> CategoryQuerySet:
        """Categories offered in the report form (retired ones keep their history)."""
        return self.filter(retired_at__isnull=True)


class Category(models.Model):
    """A category of the partnership's code list; renamed or retired without losing history."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    is_sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Only analysts and coordinators see the details of sensitive categories."),
    )
    is_public = models.BooleanField(
        _("counted on the public page"),
        default=True,
        help_text=_(
            "Untick for categories that must not appear even as counts on the public page "
            "(for example incidents involving minors or violence in close relationships)."
        ),
    )
    order = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # GDPR storage limitation (docs/domain.md §11): how long an incident's details are kept.
    retention_months = models.PositiveSmallIntegerField(
        _("retention (months)"),
        null=True,
        blank=True,
        help_text=_(
            "After this many months an incident's details are removed automatically "
            "(samtrygg manage apply_retention). Empty: kept until removed by hand."
        ),
    )
    retention_action = models.CharField(
        _("when the retention period ends"),
        max_length=16,
        choices=RetentionAction.choices,
        default=RetentionAction.ANONYMISE,
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="category_name_unique")
        ]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Sharing(models.TextChoices):
    ORGANISATION = "organisation", _("Own organisation")
    PARTNERSHIP = "partnership", _("The partnership")


class TimeBand(models.TextChoices):
    EXACT = "exact", _("Exact time")
    MORNING = "morning", _("Morning (06–10)")
    DAY = "day", _("Day (10–17)")
    EVENING = "evening", _("Evening (17–22)")
    NIGHT = "night", _("Night (22–06)")
    UNKNOWN = "unknown", _("Some time that day")


class Source(models.TextChoices):
    FORM = "form", _("Report form")
    IMPORT = "import", _("File import")
    DEMO = "demo", _("Synthetic demo data")


class Report(models.Model):
    """One submission by a reporter; it may hold several incidents."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="reports")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sharing = models.CharField(_("sharing"), max_length=16, choices=Sharing.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class IncidentQuerySet(models.QuerySet["Incident"]):
    def visible_to(self, user: Any, partnership: Partnership | None = None) -> IncidentQuerySet:
        """Incidents whose details the user may see (deny by default)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        qs = self if partnership is None else self.filter(partnership=partnership)
        if user.is_superuser:
            return qs
        memberships = Membership.objects.filter(user=user)
        if partnership is not None:
            memberships = memberships.filter(partnership=partnership)
        condition = models.Q(pk__in=[])
        for m in memberships:
            if m.role in (Role.COORDINATOR, Role.ANALYST):
                condition |= models.Q(partnership_id=m.partnership_id)
            elif m.role == Role.REPORTER:
                # Their own reports in full, sensitive or not.
                condition |= models.Q(partnership_id=m.partnership_id, created_by=user)
                condition |= models.Q(
                    partnership_id=m.partnership_id,
                    organisation_id=m.organisation_id,
                    category__is_sensitive=False,
                )
                condition |= models.Q(
                    partnership_id=m.partnership_id,
                    sharing=Sharing.PARTNERSHIP,
                    category__is_sensitive=False,
                )
        return qs.filter(condition)

    def with_precise_point(self) -> IncidentQuerySet:
        """Incidents whose point is precise enough for point analyses (hotspots, near repeats).

        A point placed only to a street or to the municipality marks no place: analysed as a
        point it would make a false hot spot on the street's or the municipality's centre. Such
        incidents are still counted in totals and, at street precision, in areas.
        """
        return self.filter(lon__isnull=False, lat__isnull=False, precision__in=POINT_PRECISIONS)

    def visible_with_withdrawn(
        self, user: Any, partnership: Partnership | None = None
    ) -> IncidentQuerySet:
        """Like :meth:`visible_to`, with the withdrawn ones only for their reporter and
        coordinators (call it on ``Incident.all_objects``)."""
        qs = self.visible_to(user, partnership)
        if getattr(user, "is_superuser", False):
            return qs
        coordinated = Membership.objects.filter(user=user, role=Role.COORDINATOR).values(
            "partnership_id"
        )
        return qs.filter(
            models.Q(withdrawn_at__isnull=True)
            | models.Q(created_by=user)
            | models.Q(partnership_id__in=coordinated)
        )


IncidentManagerBase = models.Manager.from_queryset(IncidentQuerySet)


class CountedIncidentManager(IncidentManagerBase["Incident"]):
    """The incidents that count: withdrawn reports are left out of every count, map, analysis,
    export and public number, because they go through this default manager."""

    def get_queryset(self) -> IncidentQuerySet:
        # from_queryset builds the manager at run time; its queryset is an IncidentQuerySet.
        qs = cast(IncidentQuerySet, super().get_queryset())
        return qs.filter(withdrawn_at__isnull=True)


class Incident(models.Model):
    """One event: what, where and when, from a report, an import or the demo generator."""

    # No index of its own: the composite indexes below lead with the partnership, and each extra
    # index costs every imported row.
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="incidents", db_index=False
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="incidents"
    )
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, null=True, blank=True, related_name="incidents"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="incidents")
    occurred_from = models.DateTimeField(_("from"))
    occurred_to = models.DateTimeField(_("to"))
    time_band = models.CharField(
        _("time"), max_length=16, choices=TimeBand.choices, default=TimeBand.EXACT
    )
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    # How the point was found: the row's own coordinates, or its place name in the gazetteer.
    precision = models.CharField(
        _("precision"),
        max_length=16,
        choices=Precision.choices,
        default=Precision.EXACT,
        db_default=Precision.EXACT,
    )
    assessment = models.PositiveSmallIntegerField(_("own assessment"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    sharing = models.CharField(
        _("sharing"), max_length=16, choices=Sharing.choices, default=Sharing.PARTNERSHIP
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.FORM)
    source_id = models.CharField(max_length=100, blank=True)
    # The file import that created the row: an import's rows are found by it, never by id ranges.
    import_batch = models.ForeignKey(
        "ImportBatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
    )
    is_synthetic = models.BooleanField(default=False)
    # Set when the category's retention period removed the text and coarsened the point.
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # Set when the reporter or a coordinator withdrew the report (the reason is in its
    # history); cleared when it is restored. Withdrawn incidents count nowhere.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # Raised by every correction, withdrawal and restoration: an edit made on an older version
    # is refused instead of silently overwriting someone else's. A database default, because
    # imports insert rows without the ORM.
    version = models.PositiveIntegerField(default=0, db_default=0)
    areas: models.ManyToManyField[Area, IncidentArea] = models.ManyToManyField(
        Area, through="IncidentArea", related_name="incidents"
    )
    # Looked up only when an account is deleted, so no index (see ``partnership``).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # The default manager leaves withdrawn incidents out; ``all_objects`` holds every row (the
    # incident's own page, retention, import idempotence).
    objects = CountedIncidentManager()
    all_objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_from"]
        constraints = [
            # Re-importing a file adds nothing: one row per partner and source id.
            models.UniqueConstraint(
                fields=["organisation", "source", "source_id"],
                condition=~models.Q(source_id=""),
                name="incident_source_id_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(assessment__isnull=True)
                | models.Q(assessment__gte=1, assessment__lte=5),
                name="incident_assessment_range",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "occurred_from"]),
            models.Index(fields=["partnership", "category", "occurred_from"]),
        ]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return f"{self.category} {self.occurred_from:%Y-%m-%d}"


class IncidentArea(models.Model):
    """Which areas an incident's point lies in.

    Written only by :func:`samtrygg.incidents.linking.link_incidents`, whenever incidents or
    areas change, so an area drawn after its incidents still counts them.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE)
    area = models.ForeignKey(Area, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "area"], name="incident_area_unique")
        ]


class IncidentChange(models.Model):
    """Append-only history of an incident: each correction, withdrawal and restoration.

    ``before`` and ``after`` hold the changed fields only (category by name, times in ISO
    format, the point as ``[lon, lat]``). The history lives with the incident rather than in the
    partnership's change log: it holds the report's earlier text and place, so it follows the
    incident's access rules, and retention scrubs or deletes it with the incident.
    """

    class Action(models.TextChoices):
        CORRECTED = "corrected", _("Corrected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        RESTORED = "restored", _("Restored")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    objects: models.Manager[IncidentChange] = models.Manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("change to an incident")
        verbose_name_plural = _("changes to incidents")

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Only retention rewrites it (in bulk, to scrub the earlier text and place).
        if self.pk is not None:
            raise ValueError("An incident's history is append-only.")
        super().save(*args, **kwargs)


class ColumnMapping(models.Model):
    """An organisation's saved column mapping for its incident files, and its own words.

    ``values`` maps the partner's values to ours per field, with normalised keys
    (:func:`samtrygg.sources.valuemap.normalise`): ``{"category": {"klotter": <category id>},
    "assessment": {"hög": "3"}}``. Categories are kept by id, so a renamed category keeps them.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="column_mapping"
    )
    mapping = models.JSONField(default=dict)
    values = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class ImportBatch(models.Model):
    """One import of a file: who, what, and the outcome (for the history and idempotence)."""

    class Kind(models.TextChoices):
        INCIDENTS = "incidents", _("Incidents")
        POLISEN = "polisen", _("Police events")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="imports")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    filename = models.CharField(max_length=300)
    created = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    details = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class PoliceEvent(models.Model):
    """An event from the police events API, kept at municipality level (never a street)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="police_events"
    )
    event_id = models.BigIntegerField()
    published_at = models.DateTimeField()
    occurred_at = models.DateTimeField(null=True, blank=True)
    type = models.CharField(max_length=100)
    municipality_code = models.CharField(max_length=4)
    municipality = models.CharField(max_length=100)
    resolution = models.CharField(max_length=8)
    summary = models.TextField(blank=True)
    url = models.URLField(max_length=500)
    is_summary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "event_id"], name="police_event_unique")
        ]
        indexes = [models.Index(fields=["partnership", "published_at"])]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class SensitiveAccess(models.Model):
    """Append-only: who saw or exported the details of incidents in sensitive categories.

    docs/domain.md §11 asks for a log of who created, changed, exported and read sensitive records.
    Only incident ids are kept, never their text, so the log itself holds no personal data
    beyond the account that looked.
    """

    class Action(models.TextChoices):
        READ = "read", _("Opened the incident")
        LIST = "list", _("Listed incidents")
        MAP = "map", _("Saw points on the map")
        PLACES = "places", _("Saw the week's places")
        EXPORT = "export", _("Exported")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="sensitive_accesses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    what = models.CharField(_("what"), max_length=200, blank=True)
    # Ids, not foreign keys: the record outlives incidents removed by retention.
    incident_ids = models.JSONField(default=list)
    count = models.PositiveIntegerField(_("sensitive incidents"))
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["partnership", "at"])]
        verbose_name = _("access to sensitive incidents")
        verbose_name_plural = _("accesses to sensitive incidents")


class RetentionRun(models.Model):
    """One application of a category's retention rule: how many incidents, and what was done."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="retention_runs"
    )
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, related_name="retention_runs"
    )
    action = models.CharField(max_length=16, choices=RetentionAction.choices)
    cutoff = models.DateTimeField()
    count = models.PositiveIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
