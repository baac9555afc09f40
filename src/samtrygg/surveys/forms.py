"""The upload form for a survey file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samtrygg.areas.models import Area
from samtrygg.partnerships.models import Partnership
from samtrygg.surveys import own, questionbank
from samtrygg.surveys.models import Questionnaire, SurveyKind

MAX_BYTES = 10 * 1024 * 1024  # A trygghetsmätning for a whole county is far smaller.


class SurveyUploadForm(forms.Form):
    # The own questionnaires' results come from their answers, never from a file.
    kind = forms.ChoiceField(
        label=_("Kind of survey"),
        choices=[c for c in SurveyKind.choices if c[0] != SurveyKind.QUESTIONNAIRE],
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Police safety survey and own survey: a CSV or Excel long table (area, year, item, "
            "answer, count or share, n, response rate). NTU: a CSV or Excel table per local "
            "police area. SCB: Kolada's JSON answer for the safety index."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 10 MB; import fewer areas or years at a time.")
            )
        return upload


class _DateInput(forms.DateInput):
    input_type = "date"


class QuestionnaireForm(forms.ModelForm[Questionnaire]):
    """Make or change an own survey. Areas and questions are fixed once answers have come in."""

    questions = forms.MultipleChoiceField(
        label=_("Questions"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("From the question bank, grouped as in the police's safety survey."),
    )

    class Meta:
        model = Questionnaire
        fields = ["title", "areas", "opens_on", "closes_on", "questions"]
        widgets = {
            "areas": forms.CheckboxSelectMultiple,
            "opens_on": _DateInput(format="%Y-%m-%d"),
            "closes_on": _DateInput(format="%Y-%m-%d"),
        }
        help_texts = {
            "areas": _("With more than one area, each resident chooses the area they live in."),
            "closes_on": _("Answers are taken up to and including this day."),
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        areas = self.fields["areas"]
        areas.queryset = Area.objects.filter(partnership=partnership).order_by("name")  # type: ignore[attr-defined]
        self.fields["questions"].choices = questionbank.grouped()  # type: ignore[attr-defined]
        if not self.instance.pk:
            # Every question to begin with; the instance's empty list would win over the field's.
            self.initial["questions"] = [q.code for q in questionbank.QUESTIONS]
        self.answered = bool(self.instance.pk and self.instance.responses.exists())
        if self.answered:
            # Answers already given were to these questions in these areas.
            for name in ("areas", "questions", "opens_on"):
                self.fields[name].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The closing day must be on or after the opening day."))
        areas = data.get("areas")
        if opens and areas:
            self.instance.partnership = self.partnership
            other = own.overlapping(self.instance, opens.year, [a.name for a in areas])
            if other:
                self.add_error(
                    "areas",
                    _(
                        "The own survey “%(title)s” already asks residents of one of these "
                        "areas in %(year)s. Choose other areas, or change that survey."
                    )
                    % {"title": other, "year": opens.year},
                )
        return data


class AnswerForm(forms.Form):
    """One questionnaire's answers: the area (when there is a choice) and a choice per question.

    Every question may be left unanswered, as on the police's paper form; the form needs at
    least one answer. There is no free-text field.
    """

    def __init__(self, *args: Any, questionnaire: Questionnaire, paper_late: bool = False,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        names = questionnaire.area_names()
        self.single_area = names[0] if len(names) == 1 else None
        if self.single_area is None:
            self.fields["area"] = forms.ChoiceField(
                label=_("Which area do you live in?"),
                choices=[(n, n) for n in names],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose the area you live in.")},
            )
        self.questions = questionbank.questions(questionnaire.questions)
        for q in self.questions:
            self.fields[q.code] = forms.ChoiceField(
                label=q.text(),
                choices=[(c.sv, c.text()) for c in q.choices],
                widget=forms.RadioSelect,
                required=False,
            )
        if paper_late:
            self.fields["handed_in"] = forms.BooleanField(
                label=_("This paper form was handed in by the closing day."),
                error_messages={
                    "required": _(
                        "The survey has closed: type in only forms handed in by the closing "
                        "day, and tick the box to confirm."
                    )
                },
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(q.code) for q in self.questions):
            raise forms.ValidationError(_("Answer at least one question before sending."))
        return data

    def area(self) -> str:
        return self.single_area or self.cleaned_data["area"]

    def answers(self) -> dict[str, str]:
        return {q.code: self.cleaned_data.get(q.code) or "" for q in self.questions}

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The questions under their theme's heading, in the bank's order."""
        out = []
        for theme in questionbank.THEMES:
            fields = [self[q.code] for q in self.questions if q.theme == theme.key]
            if fields:
                out.append((theme.text(), fields))
        return out
