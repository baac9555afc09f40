"""What the weekly EST meeting decided about the week's places, carried until it is done."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samtrygg.partnerships.models import Organisation, Partnership


class MeetingDecisionQuerySet(models.QuerySet["MeetingDecision"]):
    def open_until(self, week_start: object) -> MeetingDecisionQuerySet:
        """Decisions made up to the week starting ``week_start`` and not yet done."""
        return self.filter(week__lte=week_start, done_at__isnull=True)


class MeetingDecision(models.Model):
    """One decision of a weekly meeting: about which place, who does what, by when."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="meeting_decisions"
    )
    # The Monday of the ISO week whose meeting made the decision.
    week = models.DateField(_("week"))
    place = models.CharField(_("place"), max_length=200)
    what = models.CharField(_("what is to be done"), max_length=500)
    who = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("who does it")
    )
    by_when = models.DateField(_("by when"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["by_when", "pk"]
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")

    def __str__(self) -> str:
        return f"{self.place}: {self.what}"
