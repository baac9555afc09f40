"""The situational picture: the page, its map data and its exports."""

from __future__ import annotations

import html
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samtrygg.areas.models import Area
from samtrygg.incidents.audit import log_sensitive
from samtrygg.incidents.models import Category, SensitiveAccess
from samtrygg.partnerships.access import Access, get_access
from samtrygg.periods import make_period, today_local
from samtrygg.picture import exports, kept, meeting, services
from samtrygg.picture.summary import summary_sentences

PERIOD_CHOICES = [
    ("week", gettext_lazy("This week")),
    ("4weeks", gettext_lazy("Last 4 weeks")),
    ("quarter", gettext_lazy("Quarter")),
    ("tertial", gettext_lazy("Tertial")),
    ("year", gettext_lazy("Year")),
    ("custom", gettext_lazy("Custom (from – to)")),
]
MAX_CUSTOM_DAYS = 3 * 366


def whole_weeks_or_months(start: date, end: date) -> bool:
    """Whether [start, end] (both inclusive) is a run of whole ISO weeks or whole months."""
    if start.weekday() == 0 and end.weekday() == 6:
        return True
    return start.day == 1 and (end + timedelta(days=1)).day == 1


class ManyOptionsSelect(forms.Select):
    """A select of many options, written in one pass over ``(value, label)`` pairs.

    The picture's area filter lists every area of the partnership (hundreds with DeSO areas) on
    every request. Made into model instances and rendered through Django's per-option templates,
    that list alone took a third of a kept picture's request; the form gives the pairs instead
    (``pairs``, read with ``values_list``).
    """

    pairs: list[tuple[str, str]]

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> Any:
        chosen = "" if value is None else str(value)
        # Plain f-strings over the standard library's escape: Django's format_html and lazy
        # escape per option cost more than the query.
        options = "".join(
            [
                f'<option value="{html.escape(option)}"{" selected" if option == chosen else ""}>'
                f"{html.escape(label)}</option>"
                for option, label in self.pairs
            ]
        )
        final_attrs = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(final_attrs), mark_safe(options)
        )


class PictureForm(forms.Form):
    """The period and the filters, read from the query string."""

    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PERIOD_CHOICES, required=False)
    at = forms.DateField(
        label=gettext_lazy("Containing the date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: today."),
    )
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    area = forms.ModelChoiceField(
        label=gettext_lazy("Area"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=gettext_lazy("All areas"),
        widget=ManyOptionsSelect,
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=gettext_lazy("All categories"),
        widget=ManyOptionsSelect,
    )

    def __init__(self, access: Access, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.access = access
        partnership = access.partnership
        # Hundreds of areas are listed on every request: their outlines are not needed here.
        areas = Area.objects.filter(partnership=partnership).defer("geometry")
        categories = Category.objects.filter(partnership=partnership)
        for name, queryset in (("area", areas), ("category", categories)):
            field = self.fields[name]
            field.queryset = queryset  # type: ignore[attr-defined]
            field.widget.pairs = [
                ("", str(field.empty_label)),  # type: ignore[attr-defined]
                *((str(pk), label) for pk, label in queryset.values_list("pk", "name")),
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") == "custom":
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                raise forms.ValidationError(
                    _("Give both a first and a last day for a custom period.")
                )
            if end < start:
                raise forms.ValidationError(_("The last day lies before the first; swap them."))
            if (end - start).days > MAX_CUSTOM_DAYS:
                raise forms.ValidationError(_("Choose a period of at most three years."))
            if not self.access.sees_all_data and not whole_weeks_or_months(start, end):
                # Periods one day apart differ by one day's incidents; fewer, coarser periods
                # give an intruder fewer sets to compare (docs/privacy.md).
                raise forms.ValidationError(
                    _(
                        "Choose whole weeks (Monday to Sunday) or whole months (the first to the "
                        "last day of a month) for a custom period."
                    )
                )
        return data

    def filters(self, today: date) -> services.Filters:
        """The chosen filters, or this week for everything when the form is not valid."""
        data = self.cleaned_data if self.is_valid() else {}
        period = make_period(
            data.get("period") or "week",
            at=data.get("at") or today,
            today=today,
            start=data.get("start"),
            end=data.get("end"),
        )
        return services.Filters(period, data.get("area"), data.get("category"))


def _filters(request: HttpRequest, access: Access) -> tuple[PictureForm, services.Filters]:
    form = PictureForm(access, request.GET or None)
    return form, form.filters(today_local())


@login_required
def picture(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug)
    form, filters = _filters(request, access)
    pic = kept.picture(
        request.user, access, filters, lambda: services.build_picture(request.user, access, filters)
    )
    shown = [line.pk for place in pic.places for line in place.reports]
    log_sensitive(
        request.user, access.partnership, SensitiveAccess.Action.PLACES, shown, _period(filters)
    )
    query = request.GET.copy()
    query.pop("print", None)
    template = "picture/picture_print.html" if request.GET.get("print") else "picture/picture.html"
    context = {
        "access": access,
        "form": form,
        "pic": pic,
        "query": query.urlencode(),
        # The key of the page's parts rendered once per kept picture (see picture/_body.html).
        "picture_key": kept.fragment_key(request.user, access, filters),
        # Called by the template only when those parts are rendered.
        "summary_words": lambda: summary_sentences(pic, _sub_area_names(access)),
    }
    context.update(
        meeting.decisions_context(
            access, meeting.monday(pic.week.start), [place.label for place in pic.places]
        )
    )
    return render(request, template, context)


@login_required
def picture_map_data(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug)
    _form, filters = _filters(request, access)
    data = services.map_data(request.user, access, filters)
    points = [f["id"] for f in data["features"] if f["properties"]["kind"] == "point"]
    log_sensitive(
        request.user, access.partnership, SensitiveAccess.Action.MAP, points, _period(filters)
    )
    return JsonResponse(data)


@login_required
def picture_export(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_access(request, slug)
    _form, filters = _filters(request, access)
    kind = request.GET.get("format", "csv")
    if kind not in ("csv", "xlsx"):
        return HttpResponse(_("Choose the format csv or xlsx."), status=400)
    response = exports.export(request.user, access, filters, kind)
    if services.sees_details(access):
        log_sensitive(
            request.user,
            access.partnership,
            SensitiveAccess.Action.EXPORT,
            services.detail_queryset(request.user, access, filters),
            f"{kind.upper()} {_period(filters)}",
        )
    return response


def _sub_area_names(access: Access) -> set[str]:
    return set(
        Area.objects.sub_areas()
        .filter(partnership=access.partnership)
        .values_list("name", flat=True)
    )


def _period(filters: services.Filters) -> str:
    """The period as written in the log of sensitive details shown."""
    return f"{filters.period.start.isoformat()}–{filters.period.last_day.isoformat()}"
