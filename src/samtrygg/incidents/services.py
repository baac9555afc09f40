"""EST report intake: time windows, known places, the partnership's boundary, and saving.

The report form validates through these helpers and saves through :func:`create_report`, so the
rules (a night band runs into the next morning; places lie inside the partnership; free text
carries no personal data) live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import get_language
from shapely.geometry import shape

from samtrygg.areas.models import Area
from samtrygg.gazetteer import services as gazetteer
from samtrygg.incidents.categories import seed_categories
from samtrygg.incidents.linking import link_incidents
from samtrygg.incidents.models import Category, Incident, Report, Source, TimeBand
from samtrygg.partnerships.models import Organisation, Partnership
from samtrygg.sources import geodata
from samtrygg.sources.personal_data import describe, find_personal_data

# Local hours of each band; the night band ends at 06 the next morning (hour 30 of the date).
BAND_HOURS: dict[str, tuple[int, int]] = {
    TimeBand.MORNING: (6, 10),
    TimeBand.DAY: (10, 17),
    TimeBand.EVENING: (17, 22),
    TimeBand.NIGHT: (22, 30),
    TimeBand.UNKNOWN: (0, 24),
}

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)

# How many earlier place names the form suggests.
PLACE_SUGGESTIONS = 200


def band_window(day: date, band: str) -> tuple[datetime, datetime]:
    """The UTC start and end of a time band on a local date (Europe/Stockholm).

    "Natten till lördag" is the night band on the Friday: Friday 22:00 to Saturday 06:00 local
    time. Wall-clock arithmetic on the zone-aware midnight keeps the hours right across DST.
    """
    start_hour, end_hour = BAND_HOURS[band]
    midnight = datetime(day.year, day.month, day.day, tzinfo=timezone.get_default_timezone())
    start = midnight + timedelta(hours=start_hour)
    end = midnight + timedelta(hours=end_hour)
    return start.astimezone(UTC), end.astimezone(UTC)


def is_future(moment: datetime) -> bool:
    """Whether a reported time lies in the future (allowing for a phone's clock running ahead)."""
    return moment > timezone.now() + CLOCK_SKEW


def screen_text(text: str) -> str:
    """The message to show when ``text`` holds personal data, in the active language, else ""."""
    findings = find_personal_data(text)
    lang = "en" if (get_language() or "sv").startswith("en") else "sv"
    return describe(findings, lang)


def active_categories(partnership: Partnership) -> Any:
    """The categories offered in the report form; a new partnership gets the EST seed list."""
    if not Category.objects.filter(partnership=partnership).exists():
        seed_categories(partnership)
    return Category.objects.filter(partnership=partnership).active()


def categories_with_counts(partnership: Partnership) -> Any:
    """All the partnership's categories, retired ones too, with their number of incidents
    (withdrawn ones not counted)."""
    return Category.objects.filter(partnership=partnership).annotate(
        incident_count=Count("incidents", filter=Q(incidents__withdrawn_at__isnull=True))
    )


def next_category_order(partnership: Partnership) -> int:
    """The order number that puts a new category last."""
    top = Category.objects.filter(partnership=partnership).aggregate(top=Max("order"))["top"]
    return 0 if top is None else top + 1


def set_retired(category: Category, retired: bool) -> None:
    """Retire a category (hidden from the form, history kept) or bring it back."""
    category.retired_at = timezone.now() if retired else None
    category.save(update_fields=["retired_at"])


def place_names(partnership: Partnership, user: Any) -> list[str]:
    """Names the form suggests: the partnership's areas, then earlier places the user may see."""
    names = list(
        Area.objects.filter(partnership=partnership).order_by("name").values_list("name", flat=True)
    )
    earlier = (
        Incident.objects.visible_to(user, partnership)
        .exclude(place="")
        .filter(lon__isnull=False, lat__isnull=False)
        .order_by("-created_at")
        .values_list("place", flat=True)[: PLACE_SUGGESTIONS * 5]
    )
    seen = {n.casefold() for n in names}
    suggested: list[str] = []
    for place in earlier:
        key = place.casefold()
        if key not in seen:
            seen.add(key)
            suggested.append(place)
        if len(suggested) >= PLACE_SUGGESTIONS:
            break
    return names + suggested


def locate_place(partnership: Partnership, user: Any, name: str) -> tuple[float, float] | None:
    """The point of a known place: the gazetteer's (areas, known places and aliases, streets,
    addresses, names placed by hand), or an earlier report's point.

    The gazetteer forgives case and å/ä/ö written as a/o; an earlier place counts only when the
    user may see the incident that used it.
    """
    key = name.strip()
    if not key:
        return None
    found = gazetteer.find_point(partnership, key)
    if found is not None:
        return found[0], found[1]
    earlier = (
        Incident.objects.visible_to(user, partnership)
        .filter(place__iexact=key, lon__isnull=False, lat__isnull=False)
        .order_by("-created_at")
        .values_list("lon", "lat")
        .first()
    )
    if earlier is None or earlier[0] is None or earlier[1] is None:
        return None
    return float(earlier[0]), float(earlier[1])


class Boundary:
    """Where a partnership's events may lie: its municipalities, or Sweden when none are chosen."""

    def __init__(self, partnership: Partnership) -> None:
        self.partnership = partnership
        self._geometries: list[Any] | None = None
        self.has_municipalities = False

    def _load(self) -> list[Any]:
        if self._geometries is None:
            municipalities = Area.objects.municipalities().filter(partnership=self.partnership)
            geoms = [shape(a.geometry) for a in municipalities]
            self.has_municipalities = bool(geoms)
            self._geometries = geoms or list(geodata.swedish_municipalities())
        return self._geometries

    def contains(self, lon: float, lat: float) -> bool:
        """Whether the point lies inside (simplified municipal boundaries)."""
        geoms = self._load()
        return bool(geodata.first_area_of_points([lon], [lat], geoms)[0] >= 0)


@dataclass(frozen=True)
class EventData:
    """One validated event of a report."""

    category: Category
    occurred_from: datetime
    occurred_to: datetime
    time_band: str
    lon: float | None
    lat: float | None
    place: str
    assessment: int | None
    description: str


@transaction.atomic
def create_report(
    *,
    partnership: Partnership,
    organisation: Organisation,
    reporter: Any,
    sharing: str,
    events: list[EventData],
    hourly_limit: int | None = None,
) -> Report:
    """Save a report and its incidents, linked to the areas that contain them; all or nothing.

    With ``hourly_limit``, raise :class:`ReportLimitError` when the reporter has sent that
    many reports in the last hour. The count and the insert happen under a lock on the
    reporter's user row, so that concurrent requests cannot all see room for one more.
    """
    if hourly_limit is not None:
        get_user_model().objects.select_for_update().only("pk").get(pk=reporter.pk)
        if reports_in_last_hour(reporter) >= hourly_limit:
            raise ReportLimitError
    for event in events:
        # The form screens free text; this guards every other caller.
        if find_personal_data(event.description) or find_personal_data(event.place):
            raise ValueError("Free text with personal data must be refused before saving.")
    report = Report.objects.create(
        partnership=partnership, organisation=organisation, reporter=reporter, sharing=sharing
    )
    for e in events:
        Incident.objects.create(
            partnership=partnership,
            organisation=organisation,
            report=report,
            category=e.category,
            occurred_from=e.occurred_from,
            occurred_to=e.occurred_to,
            time_band=e.time_band,
            lon=e.lon,
            lat=e.lat,
            place=e.place,
            assessment=e.assessment,
            description=e.description,
            sharing=sharing,
            source=Source.FORM,
            created_by=reporter,
        )
    link_incidents(partnership, incidents=Incident.objects.filter(report=report))
    return report


class ReportLimitError(Exception):
    """The reporter has sent the most reports allowed in an hour; nothing was saved."""


def reports_in_last_hour(user: Any) -> int:
    """How many reports ``user`` sent in the last hour (for the hourly limit)."""
    since = timezone.now() - timedelta(hours=1)
    return Report.objects.filter(reporter=user, created_at__gte=since).count()
