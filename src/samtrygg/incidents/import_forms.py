"""Forms for the web import of partners' incident files: the upload and the column mapping."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samtrygg.incidents.models import Sharing
from samtrygg.partnerships.models import Organisation

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".txt", ".xlsx")

# Our fields in the order of the mapping form, with their labels and help texts.
FIELD_LABELS: dict[str, Any] = {
    "id": _("Id (the file's own number for the incident)"),
    "category": _("Category"),
    "time": _("Time"),
    "lon": _("Longitude (lon)"),
    "lat": _("Latitude (lat)"),
    "place": _("Place"),
    "assessment": _("Own assessment (1–4)"),
    "description": _("Description"),
}
REQUIRED_FIELDS = ("category", "time")


class UploadForm(forms.Form):
    """Step 1: the file, and for coordinators and analysts the organisation it comes from."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("The partner whose incident log this is."),
    )
    file = forms.FileField(
        label=_("Incident file"),
        help_text=_(
            "CSV (comma or semicolon separated; UTF-8, or Windows-1252 as Swedish Excel saves "
            "it) or Excel (.xlsx) with one incident per row and the column names in the first "
            "row. At most 50 MB."
        ),
    )

    def __init__(self, *args: Any, organisations: Iterable[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = list(organisations)
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in choices])  # type: ignore[attr-defined]
        if len(choices) == 1:
            # A reporter imports for their own organisation only: nothing to choose.
            field.initial = choices[0].pk
            field.widget = forms.HiddenInput()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(
                _("Choose a .csv or .xlsx file; save other formats as one of these first.")
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 50 MB; split it into smaller files and import each.")
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty; choose the file with the incidents."))
        return upload


class MappingForm(forms.Form):
    """Step 2: which of the file's columns holds each of our fields, and who may see the details."""

    sharing = forms.ChoiceField(
        label=_("Who may see the details"),
        choices=Sharing.choices,
        initial=Sharing.PARTNERSHIP,
        help_text=_("Everyone sees the counts; this decides who sees each incident's details."),
    )

    def __init__(
        self, *args: Any, headers: list[str], initial_mapping: Mapping[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("– not in the file –")), *[(h, h) for h in headers]]
        for name, label in FIELD_LABELS.items():
            self.fields[f"map_{name}"] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=name in REQUIRED_FIELDS,
                initial=initial_mapping.get(name, ""),
                error_messages={
                    "required": _("Choose the column that holds this; it is required.")
                },
            )
        # The sharing choice comes after the columns.
        self.order_fields([f"map_{n}" for n in FIELD_LABELS] + ["sharing"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_lon, has_lat = bool(data.get("map_lon")), bool(data.get("map_lat"))
        if has_lon != has_lat:
            self.add_error(
                "map_lat" if has_lon else "map_lon",
                _("Choose both the longitude and the latitude column, or neither."),
            )
        elif not has_lon and not data.get("map_place"):
            self.add_error(
                "map_place",
                _("Every incident needs a location: choose the place column or lon and lat."),
            )
        return data

    def mapping(self) -> dict[str, str]:
        """Our field → their column; "" for a field the user marked as not in the file."""
        return {name: self.cleaned_data.get(f"map_{name}") or "" for name in FIELD_LABELS}
