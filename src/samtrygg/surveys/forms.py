"""The upload form for a survey file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samtrygg.surveys.models import SurveyKind

MAX_BYTES = 10 * 1024 * 1024  # A trygghetsmätning for a whole county is far smaller.


class SurveyUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of survey"), choices=SurveyKind.choices)
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
