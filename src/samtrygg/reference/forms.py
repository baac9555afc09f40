"""The upload form for a reference file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samtrygg.reference.models import ReferenceSource

MAX_BYTES = 5 * 1024 * 1024  # Kolada answers and Brå tables are far smaller.


class ReferenceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Kolada: the JSON answer of api.kolada.se/v2/data/kpi/<KPI>/municipality/<ids>. "
            "Brå: a CSV or Excel table with the columns region_code, year, offence and count "
            "and/or per_100k."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind of file"),
        choices=[
            (ReferenceSource.KOLADA, "Kolada (JSON)"),
            (ReferenceSource.BRA, _("Brå (CSV or Excel)")),
        ],
    )
    name = forms.CharField(
        label=_("Name of the indicator"),
        max_length=300,
        required=False,
        help_text=_("E.g. the Kolada KPI title; Kolada's data answer has only the KPI id."),
    )
    unit = forms.CharField(
        label=_("Unit"),
        max_length=100,
        required=False,
        help_text=_("E.g. “reported offences per 100,000 inhabitants”."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 5 MB; download fewer KPIs or years at a time.")
            )
        return upload
