"""The form that records a document's adoption: which body decided, when, under which number."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AdoptForm(forms.Form):
    decision_body = forms.CharField(
        label=_("Decision body"),
        max_length=200,
        help_text=_("For example the municipal executive board or the crime prevention council."),
    )
    decision_date = forms.DateField(label=_("Decision date"), widget=DATE)
    diarienummer = forms.CharField(label=_("Registry number (diarienummer)"), max_length=100)

    def clean_decision_date(self) -> Any:
        value = self.cleaned_data["decision_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The decision date cannot lie in the future."))
        return value
