"""Forms of the gazetteer: an OpenStreetMap upload, and a point chosen by name or on the map."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samtrygg.gazetteer import services
from samtrygg.gazetteer.models import Entry, EntrySource
from samtrygg.partnerships.models import Partnership
from samtrygg.sources.places import normalise_name

MAX_EXTRACT_BYTES = 100 * 1024 * 1024


class ExtractForm(forms.Form):
    file = forms.FileField(
        label=_("OpenStreetMap extract"),
        help_text=_(
            "OpenStreetMap's own .osm.pbf or .osm file of your municipality (for example a city "
            "extract, or an export from openstreetmap.org), or GeoJSON or GeoPackage in WGS 84 or "
            "SWEREF 99 TM (for example from overpass-turbo)."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_EXTRACT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 100 MB; export only your municipality.")
            )
        if not upload.name.lower().endswith((".pbf", ".osm", ".geojson", ".json", ".gpkg")):
            raise forms.ValidationError(_("Choose a .osm.pbf, .osm, .geojson or .gpkg file."))
        return upload


class PointForm(forms.Form):
    """A point given as the name of a gazetteer entry or area, or clicked on the map."""

    entry = forms.CharField(
        label=_("Same place as"),
        required=False,
        max_length=200,
        help_text=_("An area, known place or street; or click the map instead."),
        widget=forms.TextInput(attrs={"list": "gazetteer-names", "autocomplete": "off"}),
    )
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.point: tuple[float, float] | None = None
        self.chosen_entry: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = (data.get("entry") or "").strip()
        lon, lat = data.get("lon"), data.get("lat")
        if name:
            found = services.find_point(self.partnership, name)
            if found is None:
                self.add_error(
                    "entry",
                    _(
                        "No area, known place or street is called %(name)s; choose one from the "
                        "list or click the map."
                    )
                    % {"name": name},  # fmt: skip
                )
                return data
            self.point, self.chosen_entry = (found[0], found[1]), found[2]
        elif lon is not None and lat is not None:
            if not services.inside_partnership(self.partnership, lon, lat):
                raise forms.ValidationError(
                    _("The point lies outside the partnership's municipalities; click inside them.")
                )
            self.point = (lon, lat)
        else:
            raise forms.ValidationError(_("Click the map where the place is, or name a place."))
        return data


class KnownPlaceForm(PointForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("As partners write it, e.g. Bregården; add other spellings as aliases."),
    )
    field_order = ["name", "entry", "lon", "lat"]

    def __init__(self, *args: Any, editing: Entry | None = None, **kwargs: Any) -> None:
        if editing is not None:
            kwargs.setdefault(
                "initial", {"name": editing.name, "lon": editing.lon, "lat": editing.lat}
            )
        super().__init__(*args, **kwargs)
        self.editing = editing

    def clean_name(self) -> str:
        name = (self.cleaned_data.get("name") or "").strip()
        same = Entry.objects.filter(
            partnership=self.partnership,
            source=EntrySource.HAND,
            normalised=normalise_name(name)[:200],
        )
        if self.editing is not None:
            same = same.exclude(pk=self.editing.pk)
        if same.exists():
            raise forms.ValidationError(
                _("The gazetteer already has a known place called %(name)s; choose another name.")
                % {"name": name}
            )
        return name
