"""An example reference series for the demo partnership, labelled as made up everywhere.

Real Kolada or Brå figures cannot be fetched offline, so the demo shows how a comparison looks
with invented values; the series is marked ``is_example`` and its name says so.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from samtrygg.partnerships.models import Partnership
from samtrygg.reference.models import ReferenceSeries, ReferenceSource

EXAMPLE_CODE = "EXEMPEL-VALDSBROTT"
# Invented values per 100,000 inhabitants, oldest year first (not statistics).
_VALUES = {
    ("1883", "Karlskoga", "kommun"): (1180.0, 1215.0, 1160.0, 1240.0, 1205.0),
    ("1862", "Degerfors", "kommun"): (930.0, 905.0, 960.0, 940.0, 915.0),
    ("18", "Örebro län", "län"): (1050.0, 1070.0, 1040.0, 1085.0, 1060.0),
    ("00", "Riket", "riket"): (1000.0, 1010.0, 990.0, 1020.0, 1005.0),
}


def clear_demo_reference(partnership: Partnership) -> None:
    """Delete the demo's example series (a real imported series is left alone)."""
    ReferenceSeries.objects.filter(
        partnership=partnership, indicator_code=EXAMPLE_CODE, is_example=True
    ).delete()


@transaction.atomic
def load_demo_reference(partnership: Partnership) -> ReferenceSeries:
    """Replace the demo's example series: five years up to last year, for the two towns."""
    clear_demo_reference(partnership)
    series = ReferenceSeries.objects.create(
        partnership=partnership,
        source=ReferenceSource.OTHER,
        indicator_code=EXAMPLE_CODE,
        name="Exempeldata (påhittade värden): anmälda våldsbrott per 100 000 invånare",
        unit="per 100 000 invånare",
        source_file="exempeldata",
        is_example=True,
        imported_at=timezone.now(),
    )
    last = timezone.now().year - 1
    years = range(last - 4, last + 1)
    series.values.bulk_create(
        series.values.model(
            series=series, region_code=code, region_name=name, level=level, year=y, value=v
        )
        for (code, name, level), values in _VALUES.items()
        for y, v in zip(years, values, strict=True)
    )
    return series
