"""Forms for the web import of partners' incident files: upload, column and value mapping."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samtrygg import uploads
from samtrygg.incidents.models import Sharing
from samtrygg.partnerships.models import Organisation
from samtrygg.sources.valuemap import UnmappedValue, normalise

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
    "sharing": _("Who may see the details, per incident"),
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
        self.fields["file"].help_text = gettext(
            "CSV (comma or semicolon separated, UTF-8) or Excel (.xlsx) with one incident per "
            "row and the column names in the first row. At most %(mb)d MB."
        ) % {"mb": settings.UPLOAD_MAX_MB}
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
        if upload.size > uploads.upload_max_bytes():
            raise forms.ValidationError(uploads.too_large_upload_message())
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


class ValueMappingForm(forms.Form):
    """Step 3: what each of the partner's own words means among our values.

    One required choice per unmapped value, with a good suggestion chosen in advance for the
    person to confirm; the field names are stable for a value (its field and a digest of it), so
    the form reads the same after the file is read again.
    """

    def __init__(
        self,
        *args: Any,
        unmapped: Sequence[UnmappedValue],
        choices: Mapping[str, Sequence[str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.unmapped = {value_key(u): u for u in unmapped}
        for key, u in self.unmapped.items():
            labels = dict(Sharing.choices) if u.field == "sharing" else {}
            options = [
                ("", _("– choose –")),
                *[(c, labels.get(c, c)) for c in choices[u.field]],
            ]
            rows = ", ".join(str(r) for r in u.rows[:10]) + (" …" if len(u.rows) > 10 else "")
            help_text = _("Rows %(rows)s.") % {"rows": rows}
            if u.suggestions:
                help_text += " " + _("Suggested: %(values)s.") % {
                    "values": ", ".join(s.value for s in u.suggestions)
                }
            label = VALUE_LABELS[u.field] % {"value": u.value}
            self.fields[key] = forms.ChoiceField(
                label=label,
                choices=options,
                initial=u.preselected or "",
                help_text=help_text,
                error_messages={"required": _("Choose what this value means.")},
            )

    def confirmed(self) -> dict[str, dict[str, str]]:
        """Field → {their value: ours}, as chosen."""
        out: dict[str, dict[str, str]] = {}
        for key, u in self.unmapped.items():
            out.setdefault(u.field, {})[u.value] = self.cleaned_data[key]
        return out


VALUE_LABELS: dict[str, Any] = {
    "category": _("The category “%(value)s” means"),
    "assessment": _("The assessment “%(value)s” means"),
    "sharing": _("The sharing level “%(value)s” means"),
}


def value_key(u: UnmappedValue) -> str:
    """A form field name for an unmapped value that does not change between requests."""
    digest = hashlib.sha256(f"{u.field}\x1f{normalise(u.value)}".encode()).hexdigest()[:12]
    return f"value_{u.field}_{digest}"
