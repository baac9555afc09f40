"""Forms for a dialogue and the issues raised in it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samtrygg.areas.models import Area
from samtrygg.dialogues.models import Dialogue, RaisedIssue
from samtrygg.incidents.forms import no_personal_data as _screen
from samtrygg.partnerships.models import Partnership

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Who took part, as numbers per group; the names of the groups are the dialogue's own words.
GROUPS = (
    ("residents", _("Residents")),
    ("young", _("Young people")),
    ("older", _("Older people")),
    ("parents", _("Parents")),
    ("business", _("Business owners")),
    ("associations", _("Associations")),
    ("staff", _("Staff")),
    ("other", _("Others")),
)


def _areas(partnership: Partnership) -> Any:
    return Area.objects.filter(partnership=partnership).exclude(kind="municipality")


class DialogueEditForm(forms.ModelForm[Dialogue]):
    class Meta:
        model = Dialogue
        fields = ["title", "kind", "form", "held_on", "area", "summary"]
        widgets = {"held_on": DATE, "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas(partnership)  # type: ignore[attr-defined]
        counts = self.instance.participants or {}
        for key, label in GROUPS:
            self.fields[f"count_{key}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=100_000,
                required=False,
                initial=counts.get(key),
            )
        self.fields["count_residents"].help_text = _(
            "Participants: the number in each group. No names are recorded."
        )

    def clean_summary(self) -> str:
        return _screen(self.cleaned_data["summary"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        counts = {k: data[f"count_{k}"] for k, _label in GROUPS if data.get(f"count_{k}")}
        self.instance.participants = counts
        self.instance.participant_total = sum(counts.values())
        return data


class RaisedIssueForm(forms.ModelForm[RaisedIssue]):
    class Meta:
        model = RaisedIssue
        fields = ["theme", "area", "place", "description", "answer"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "answer": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas(partnership)  # type: ignore[attr-defined]

    def clean_place(self) -> str:
        return _screen(self.cleaned_data["place"])

    def clean_description(self) -> str:
        return _screen(self.cleaned_data["description"])

    def clean_answer(self) -> str:
        return _screen(self.cleaned_data["answer"])


IssueFormSet = forms.inlineformset_factory(
    Dialogue, RaisedIssue, form=RaisedIssueForm, extra=3, can_delete=True
)
