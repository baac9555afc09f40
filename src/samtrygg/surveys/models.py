"""Safety surveys a partnership imports: Polisens trygghetsmätning, SCB's index, NTU, its own.

A :class:`Survey` is one source for one partnership (one per kind); its :class:`SurveyResult`
rows hold, per area, year and item, either an answer's count of n respondents (the
trygghetsmätning, the partnership's own survey) or a published estimate (SCB's index, NTU).
Rows are keyed by (survey, level, area, year, item, answer), so importing a file again changes
nothing and a new year's file adds its rows.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samtrygg.areas.models import Area
from samtrygg.partnerships.models import Partnership


class SurveyKind(models.TextChoices):
    POLISEN = "polisen", _("Police safety survey (trygghetsmätning)")
    SCB = "scb", _("SCB citizen survey, safety index (Kolada)")
    NTU = "ntu", _("NTU, Swedish Crime Survey (Brå)")
    OWN = "own", _("The partnership's own survey")
    # The answers to the partnership's own web and paper questionnaires (Questionnaire below),
    # counted into results; never imported from a file.
    QUESTIONNAIRE = "questionnaire", _("The partnership's own questionnaires")


class SurveyQuerySet(models.QuerySet["Survey"]):
    def of(self, partnership: Partnership) -> SurveyQuerySet:
        """The partnership's surveys, newest import first."""
        return self.filter(partnership=partnership).order_by("kind", "pk")


class Survey(models.Model):
    """One survey source of a partnership, with the file it last came from."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="surveys")
    kind = models.CharField(_("kind"), max_length=16, choices=SurveyKind.choices)
    source_file = models.CharField(_("file"), max_length=300, blank=True)
    is_example = models.BooleanField(_("example data"), default=False)
    imported_at = models.DateTimeField(_("imported"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = SurveyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "kind"], name="survey_unique_kind")
        ]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return str(self.get_kind_display())


class SurveyResult(models.Model):
    """One figure: an answer's count of n, or a published estimate, for an area, year and item."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="results")
    level = models.CharField(_("level"), max_length=16)
    area = models.CharField(_("area"), max_length=200)
    area_code = models.CharField(_("area code"), max_length=32, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    item = models.CharField(_("item"), max_length=100)
    item_text = models.CharField(_("question"), max_length=500, blank=True)
    answer = models.CharField(_("answer"), max_length=200, blank=True)
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    n = models.PositiveIntegerField(_("respondents"), null=True, blank=True)
    response_rate = models.FloatField(_("response rate"), null=True, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    low = models.FloatField(_("lower bound"), null=True, blank=True)
    high = models.FloatField(_("upper bound"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=16)

    class Meta:
        ordering = ["level", "area", "year", "item", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "level", "area", "year", "item", "answer"],
                name="survey_result_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.year} {self.item} {self.answer}".strip()


# --------------------------------------------------------------------------- own questionnaires


def new_token() -> str:
    """An unguessable token for a questionnaire's answer link (192 random bits)."""
    return secrets.token_urlsafe(24)


class QuestionnaireState(models.TextChoices):
    UPCOMING = "upcoming", _("not open yet")
    OPEN = "open", _("open for answers")
    CLOSED = "closed", _("closed")


class Questionnaire(models.Model):
    """The partnership's own survey: questions from the bank, areas, open dates, a link.

    Its answers are anonymous: a response holds the area and the chosen answers, nothing else
    (no time, address, cookie or name), and there are no free-text questions.
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="questionnaires"
    )
    title = models.CharField(_("title"), max_length=200)
    areas = models.ManyToManyField(Area, related_name="+", verbose_name=_("areas"))
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    questions = models.JSONField(_("questions"), default=list)
    bank_version = models.CharField(_("question bank version"), max_length=40)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    is_example = models.BooleanField(_("example data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "title", "pk"]
        verbose_name = _("own survey")
        verbose_name_plural = _("own surveys")

    def __str__(self) -> str:
        return self.title

    @property
    def year(self) -> int:
        """The survey year of its results: the year it opens."""
        return self.opens_on.year

    def state(self, today: date | None = None) -> QuestionnaireState:
        """Upcoming, open (``opens_on`` to ``closes_on``, both days included) or closed."""
        today = today or timezone.localdate()
        if today < self.opens_on:
            return QuestionnaireState.UPCOMING
        if today > self.closes_on:
            return QuestionnaireState.CLOSED
        return QuestionnaireState.OPEN

    def area_names(self) -> list[str]:
        return sorted(a.name for a in self.areas.all())


class Channel(models.TextChoices):
    WEB = "web", _("on the web")
    PAPER = "paper", _("on paper")


class QuestionnaireResponse(models.Model):
    """One anonymous answered questionnaire: the area and how it came in, nothing more."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    area = models.CharField(_("area"), max_length=200)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)


class QuestionnaireAnswer(models.Model):
    """The answer alternative one response chose for one question (unanswered: no row)."""

    response = models.ForeignKey(
        QuestionnaireResponse, on_delete=models.CASCADE, related_name="answers"
    )
    item = models.CharField(_("item"), max_length=100)
    answer = models.CharField(_("answer"), max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="questionnaire_answer_once")
        ]
