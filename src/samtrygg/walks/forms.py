"""Forms for a walk, its observations (from a phone, on the spot) and the protocol's actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samtrygg.areas.models import Area
from samtrygg.incidents.forms import no_personal_data as _screen
from samtrygg.partnerships.models import Organisation, Partnership
from samtrygg.plans.models import Measure
from samtrygg.walks.models import Action, Observation, ParticipantGroup, SafetyWalk

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WalkForm(forms.ModelForm[SafetyWalk]):
    """The walk and its three meetings; participants as counts per group, never names."""

    class Meta:
        model = SafetyWalk
        fields = [
            "title",
            "area",
            "walked_on",
            "light",
            "route",
            "introduction_on",
            "report_back_on",
            "report_back_notes",
            "published",
        ]
        widgets = {
            "walked_on": DATE,
            "introduction_on": DATE,
            "report_back_on": DATE,
            "route": forms.Textarea(attrs={"rows": 2}),
            "report_back_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self, *args: Any, partnership: Partnership, can_publish: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not can_publish:
            # Publishing on the public page is the coordinator's choice, as for categories.
            self.fields["published"].disabled = True
            self.fields["published"].help_text = _(
                "Only a coordinator can publish a walk on the public page."
            )
        self.fields["area"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
            partnership=partnership
        ).exclude(kind="municipality")
        counts = self.instance.participants or {}
        for group in ParticipantGroup:
            self.fields[f"count_{group.value}"] = forms.IntegerField(
                label=group.label,
                min_value=0,
                max_value=500,
                required=False,
                initial=counts.get(group.value),
            )
        self.fields[f"count_{ParticipantGroup.RESIDENTS.value}"].help_text = _(
            "Participants: the number in each group. No names are recorded."
        )

    def clean_route(self) -> str:
        return _screen(self.cleaned_data["route"])

    def clean_report_back_notes(self) -> str:
        return _screen(self.cleaned_data["report_back_notes"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.instance.participants = {
            g.value: data[f"count_{g.value}"]
            for g in ParticipantGroup
            if data.get(f"count_{g.value}")
        }
        return data


class ObservationForm(forms.ModelForm[Observation]):
    """A point seen on the walk, placed on the map or by the phone's position."""

    photo_file = forms.ImageField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("The photo is stored without its location or other data from the phone."),
    )
    use_photo_location = forms.BooleanField(
        label=_("Use the photo's location as the place"), required=False
    )

    class Meta:
        model = Observation
        fields = ["kind", "cause", "description", "proposal", "lon", "lat"]
        widgets = {
            "lon": forms.HiddenInput,
            "lat": forms.HiddenInput,
            "description": forms.Textarea(attrs={"rows": 2}),
            "proposal": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lon"].required = self.fields["lat"].required = False

    def clean_description(self) -> str:
        return _screen(self.cleaned_data["description"])

    def clean_proposal(self) -> str:
        return _screen(self.cleaned_data["proposal"])


class ActionForm(forms.ModelForm[Action]):
    """The protocol's answer to an observation: what, who (organisation or private), by when."""

    class Meta:
        model = Action
        fields = [
            "text",
            "owner_organisation",
            "private_owner",
            "priority",
            "deadline",
            "status",
            "measure",
        ]
        widgets = {"deadline": DATE}

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            partnership=partnership
        )
        self.fields["measure"].queryset = Measure.objects.filter(  # type: ignore[attr-defined]
            partnership=partnership
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("owner_organisation") and not (data.get("private_owner") or "").strip():
            raise forms.ValidationError(
                _("Name who does it: an organisation of the partnership or a private owner.")
            )
        return data
