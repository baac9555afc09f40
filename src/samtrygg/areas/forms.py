"""Forms for municipalities, area imports and drawn areas."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samtrygg import uploads
from samtrygg.sources import geodata


class MunicipalityForm(forms.Form):
    municipalities = forms.MultipleChoiceField(
        label=_("Municipalities"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The municipalities the partnership works in."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].choices = [  # type: ignore[attr-defined]
            (m.code, f"{m.name} ({m.code})")
            for m in sorted(geodata.swedish_municipalities(), key=lambda m: m.name)
        ]


class AreaImportForm(forms.Form):
    file = forms.FileField(
        label=_("Area file"),
        help_text=_(
            "GeoJSON (WGS 84) with a name per feature, or SCB's DeSO/RegSO GeoPackage "
            "(SWEREF 99 TM)."
        ),
    )

    replace = forms.BooleanField(
        label=_("Replace areas with the same name"),
        required=False,
        help_text=_(
            "An area already saved under a name in the file gets the file's boundary; its "
            "incidents, plans and indicators follow the new boundary."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".geojson", ".json", ".gpkg")):
            raise forms.ValidationError(
                _("Choose a .geojson, .json or .gpkg file; other formats are not read.")
            )
        if upload.size > uploads.upload_max_bytes():
            raise forms.ValidationError(uploads.too_large_upload_message())
        return upload


class DrawnAreaForm(forms.Form):
    name = forms.CharField(label=_("Name of the area"), max_length=200)
    geometry = forms.CharField(widget=forms.HiddenInput, required=False)
