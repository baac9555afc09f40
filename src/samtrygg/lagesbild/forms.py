"""Forms of the yearly lägesbild: starting the year's draft, its text and its sources."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samtrygg.freezing.forms import DATE
from samtrygg.lagesbild.models import Lagesbild, SourceEntry
from samtrygg.lagesbild.services import LAGESBILD_SECTIONS


class LagesbildStartForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        help_text=_("The period runs from 1 October the year before to 30 September."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    period_start = forms.DateField(label=_("Period from"), required=False, widget=DATE)
    period_end = forms.DateField(label=_("Period to"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end after it starts."))
        return data


class LagesbildForm(forms.ModelForm[Lagesbild]):
    class Meta:
        model = Lagesbild
        fields = ["title", *LAGESBILD_SECTIONS]
        widgets = {s: forms.Textarea(attrs={"rows": 10}) for s in LAGESBILD_SECTIONS}


class SourceEntryForm(forms.ModelForm[SourceEntry]):
    class Meta:
        model = SourceEntry
        fields = ["name", "used", "reason", "limitations"]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 3}),
            "limitations": forms.Textarea(attrs={"rows": 3}),
        }
