"""The EST report form (a report with one or more events) and the category form."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samtrygg.incidents import corrections, services
from samtrygg.incidents.models import Category, Incident, RetentionAction, Sharing, TimeBand
from samtrygg.partnerships.models import Organisation, Partnership

ASSESSMENT_CHOICES = [
    (1, _("1 – Minor: a nuisance, but not unsafe")),
    (2, _("2 – Troubling: unpleasant or worrying")),
    (3, _("3 – Serious: it felt unsafe")),
    (4, _("4 – Very serious: threatening or dangerous")),
]

# Only the choices a reporter makes in the form; "exact" uses the date-and-time field.
BAND_CHOICES = [
    (TimeBand.EXACT, _("Exact time")),
    (TimeBand.MORNING, _("Morning (06–10)")),
    (TimeBand.DAY, _("Day (10–17)")),
    (TimeBand.EVENING, _("Evening (17–22)")),
    (TimeBand.NIGHT, _("Night (22–06, into the next morning)")),
    (TimeBand.UNKNOWN, _("Some time that day")),
]


def no_personal_data(value: str) -> str:
    """``value`` unchanged, or a ValidationError naming the personal data it holds.

    For the ``clean_<field>`` of any form with free text (walks, dialogues, meeting decisions),
    so that every text a person types is screened like the report form's.
    """
    problem = services.screen_text(value or "")
    if problem:
        raise forms.ValidationError(problem)
    return value


class ReportForm(forms.Form):
    """What applies to every event of a report: who reports and who may see it."""

    sharing = forms.ChoiceField(
        label=_("Who may see the details?"),
        choices=Sharing.choices,
        initial=Sharing.PARTNERSHIP,
        widget=forms.RadioSelect,
        help_text=_(
            "Everyone in the partnership sees the counts; choose who may see places and text."
        ),
    )
    organisation = forms.ModelChoiceField(
        label=_("Reporting organisation"), queryset=Organisation.objects.none()
    )

    def __init__(
        self, *args: Any, partnership: Partnership, choose_organisation: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        if choose_organisation:
            field.queryset = Organisation.objects.filter(partnership=partnership)  # type: ignore[attr-defined]
        else:
            del self.fields["organisation"]


class EventForm(forms.Form):
    """One event: what, where, when, how serious, and optional free text."""

    category = forms.ModelChoiceField(
        label=_("What happened?"), queryset=Category.objects.none(), empty_label=_("Choose…")
    )
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=200,
        help_text=_(
            "Click the map where it happened, or type a place the partnership knows. "
            "You may also name the street or building."
        ),
        widget=forms.TextInput(attrs={"list": "known-places", "autocomplete": "off"}),
    )
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    time_band = forms.ChoiceField(
        label=_("When?"),
        choices=BAND_CHOICES,
        initial=TimeBand.EXACT,
        help_text=_(
            "“Natten till lördag”: choose Night and Friday's date. "
            "Night runs from 22 to 06 the next morning."
        ),
    )
    occurred_at = forms.DateTimeField(
        label=_("Date and time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    assessment = forms.TypedChoiceField(
        label=_("Your assessment: how serious was it?"),
        choices=ASSESSMENT_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        # Read at start-up: SAMTRYGG_TEXT_MAX_CHARS, the same limit as for imported descriptions.
        max_length=settings.TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Describe the place and the situation, not people: no names or numbers."),
    )

    def __init__(
        self,
        *args: Any,
        partnership: Partnership,
        user: Any,
        boundary: services.Boundary,
        number: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.user = user
        self.boundary = boundary
        self.number = number
        self.fields["category"].queryset = services.active_categories(partnership)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Personal data first: its message says what to remove, which matters most.
        for name in ("description", "place"):
            message = services.screen_text(data.get(name) or "")
            if message:
                self.add_error(name, message)
        self._clean_time(data)
        if "place" not in self.errors:
            self._clean_place(data)
        return data

    def _clean_time(self, data: dict[str, Any]) -> None:
        band = data.get("time_band")
        if band == TimeBand.EXACT:
            moment: datetime | None = data.get("occurred_at")
            if moment is None:
                if "occurred_at" not in self.errors:
                    self.add_error(
                        "occurred_at",
                        _("Give the date and time, or choose a time band and give the date."),
                    )
                return
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            data["occurred_from"] = data["occurred_to"] = moment
            field = "occurred_at"
        elif band:
            day = data.get("date")
            if day is None:
                if "date" not in self.errors:
                    self.add_error("date", _("Give the date of the time band."))
                return
            data["occurred_from"], data["occurred_to"] = services.band_window(day, band)
            field = "date"
        else:
            return
        if services.is_future(data["occurred_from"]):
            self.add_error(field, _("The time lies in the future; give when it happened."))

    def _clean_place(self, data: dict[str, Any]) -> None:
        lon, lat = data.get("lon"), data.get("lat")
        place = (data.get("place") or "").strip()
        data["place"] = place
        if lon is None or lat is None:
            data["lon"] = data["lat"] = None
            if not place:
                self.add_error(
                    "place",
                    _("Click the map where it happened, or choose a known place from the list."),
                )
                return
            point = services.locate_place(self.partnership, self.user, place)
            if point is None:
                self.add_error(
                    "place",
                    _(
                        "The partnership does not know this place; click the map where it "
                        "happened, or choose a place from the list."
                    ),
                )
                return
            data["lon"], data["lat"] = point
        if not self.boundary.contains(data["lon"], data["lat"]):
            if self.boundary.has_municipalities:
                message = _(
                    "The place lies outside the partnership's municipalities; "
                    "mark a place within them on the map."
                )
            else:
                message = _("The place lies outside Sweden; mark a place in Sweden on the map.")
            self.add_error("place", message)

    def event_data(self) -> services.EventData:
        data = self.cleaned_data
        return services.EventData(
            category=data["category"],
            occurred_from=data["occurred_from"],
            occurred_to=data["occurred_to"],
            time_band=data["time_band"],
            lon=data["lon"],
            lat=data["lat"],
            place=data["place"],
            assessment=data.get("assessment"),
            description=data["description"].strip(),
        )


class CorrectionForm(EventForm):
    """A correction of one incident: the report form's event fields and its sharing level,
    validated and screened for personal data the same way, plus the version it was opened at."""

    sharing = ReportForm.base_fields["sharing"]
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "correction")
        kwargs.setdefault("initial", correction_initial(incident))
        super().__init__(*args, **kwargs)
        self.incident = incident
        # A retired category stays possible for the incident that already has it.
        self.fields["category"].queryset = Category.objects.filter(  # type: ignore[attr-defined]
            models.Q(pk__in=services.active_categories(self.partnership).values("pk"))
            | models.Q(pk=incident.category_id)
        )
        assessment = self.fields["assessment"]
        if incident.assessment is None:
            # Imported rows may carry no assessment; a correction need not invent one.
            assessment.required = False
        elif incident.assessment not in dict(ASSESSMENT_CHOICES):
            assessment.choices = [*ASSESSMENT_CHOICES, (incident.assessment, incident.assessment)]  # type: ignore[attr-defined]

    def correction(self) -> corrections.Correction:
        # The report's event fields, plus the sharing level; an imported row may have no
        # assessment, which the form then does not require.
        event = dataclasses.asdict(self.event_data())
        event["assessment"] = event["assessment"] or None
        return corrections.Correction(**event, sharing=self.cleaned_data["sharing"])


def correction_initial(incident: Incident) -> dict[str, Any]:
    """The correction form's fields filled with the incident as it is (local times)."""
    start = timezone.localtime(incident.occurred_from)
    return {
        "category": incident.category_id,
        "place": incident.place,
        "lon": incident.lon,
        "lat": incident.lat,
        "time_band": incident.time_band,
        "occurred_at": start.replace(tzinfo=None) if incident.time_band == TimeBand.EXACT else None,
        "date": start.date(),
        "assessment": incident.assessment,
        "description": incident.description,
        "sharing": incident.sharing,
        "version": incident.version,
    }


class WithdrawForm(forms.Form):
    """Why a report is withdrawn: shown with it to its reporter and the coordinators."""

    reason = forms.CharField(
        label=_("Why is the report withdrawn?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: reported twice, or it turned out to be something else. "
            "No names or numbers."
        ),
        error_messages={"required": _("Say why the report is withdrawn.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_reason(self) -> str:
        return no_personal_data((self.cleaned_data.get("reason") or "").strip())


def _deleted(form: forms.Form) -> bool:
    return bool(getattr(form, "cleaned_data", {}).get("DELETE"))


class BaseEventFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        kwargs["number"] = None if index is None else index + 1
        return kwargs

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Leave out this event (it is not sent)")

    def filled_forms(self) -> list[EventForm]:
        """The events to save: not removed and not left blank."""
        return [f for f in self.forms if f.has_changed() and not _deleted(f) and f.cleaned_data]


EventFormSet = forms.formset_factory(
    EventForm,
    formset=BaseEventFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=20,
    validate_max=True,
    can_delete=True,
    can_delete_extra=True,
)


def event_formset(data: Any, **kwargs: Any) -> BaseEventFormSet:
    """The events of a report (prefix ``event``)."""
    return cast(BaseEventFormSet, EventFormSet(data, prefix="event", **kwargs))


# Short field names for the error summary ("Event 2, place: …").
FIELD_NAMES = {
    "category": _("category"),
    "place": _("place"),
    "lon": _("place"),
    "lat": _("place"),
    "time_band": _("time band"),
    "occurred_at": _("date and time"),
    "date": _("date"),
    "assessment": _("assessment"),
    "description": _("description"),
}


def error_summary(report_form: ReportForm, formset: BaseEventFormSet) -> list[tuple[str, str]]:
    """Every error as (field id, "Event 2, place: message") for the top of the page."""
    summary: list[tuple[str, str]] = [
        (report_form[name].auto_id if name in report_form.fields else "", str(message))
        for name, errors in report_form.errors.items()
        for message in errors
    ]
    for number, form in enumerate(formset.forms, start=1):
        if _deleted(form):
            continue
        for name, errors in form.errors.items():
            field_id = form[name].auto_id if name in form.fields else ""
            where = _("Event %(number)d, %(field)s") % {
                "number": number,
                "field": FIELD_NAMES.get(name, _("the event")),
            }
            for message in errors:
                summary.append((field_id, f"{where}: {message}"))
    for message in formset.non_form_errors():
        summary.append(("", str(message)))
    return summary


class CategoryForm(forms.ModelForm[Category]):
    publish_sensitive = forms.BooleanField(
        label=_("Count this sensitive category on the public page anyway"),
        required=False,
        help_text=_(
            "Warning: even protected counts tell residents that incidents of this kind happen "
            "in an area. Sensitive categories are left off the public page unless you tick this."
        ),
    )

    class Meta:
        model = Category
        fields = [
            "name",
            "description",
            "is_sensitive",
            "is_public",
            "retention_months",
            "retention_action",
        ]

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["retention_action"].required = False
        # An existing choice to publish a sensitive category stays ticked.
        self.fields["publish_sensitive"].initial = bool(
            self.instance.pk and self.instance.is_sensitive and self.instance.is_public
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_sensitive") and data.get("is_public") and not data.get("publish_sensitive"):
            # Sensitive categories are not public unless a coordinator says so explicitly.
            self.add_error(
                "is_public",
                _(
                    "This category is sensitive. Untick “counted on the public page”, or tick "
                    "“Count this sensitive category on the public page anyway” to publish its "
                    "counts."
                ),
            )
        return data

    def clean_name(self) -> str:
        name = (self.cleaned_data.get("name") or "").strip()
        others = Category.objects.filter(partnership=self.partnership, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("A category with this name already exists (perhaps retired); choose another.")
            )
        return name

    def clean_retention_action(self) -> str:
        # Only matters with a retention period; anonymising is the safe default.
        return self.cleaned_data.get("retention_action") or RetentionAction.ANONYMISE

    def clean_retention_months(self) -> int | None:
        months = self.cleaned_data.get("retention_months")
        if months is not None and months < 1:
            raise forms.ValidationError(
                _("Give at least 1 month, or leave the field empty to keep incidents.")
            )
        return months

    def save(self, commit: bool = True) -> Category:
        self.instance.partnership = self.partnership
        if self.instance.pk is None:
            self.instance.order = services.next_category_order(self.partnership)
        return super().save(commit=commit)
