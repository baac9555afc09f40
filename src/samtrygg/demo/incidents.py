"""Synthetic demo incidents for a partnership (``samtrygg demo --incidents N``).

The incidents come from :mod:`samtrygg.sources.synthetic` (the model is documented there and in
``docs/demo-data.md``); they are stored with ``source="demo"`` and ``is_synthetic=True`` so that
the interface labels them and a new load replaces them without touching real reports.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from samtrygg.incidents.categories import seed_categories
from samtrygg.incidents.importing import BATCH
from samtrygg.incidents.linking import link_incidents
from samtrygg.incidents.models import (
    Category,
    Incident,
    IncidentArea,
    IncidentChange,
    RetentionAction,
    Source,
)
from samtrygg.partnerships.models import Organisation, Partnership
from samtrygg.sources.synthetic import DEMO_ORGANISATIONS, generate_incidents


@transaction.atomic
def load_demo_incidents(
    partnership: Partnership,
    n: int | None = None,
    seed: int = 2026,
    end: datetime | None = None,
) -> int:
    """Replace the partnership's synthetic incidents with freshly generated ones.

    1. Delete the partnership's previous demo incidents (``source="demo"``) and their area links.
    2. Give the partnership the EST seed categories it lacks; generate incidents for its active
       categories and for the demo organisations it has (all its organisations when it has none
       of them), over the two years before ``end`` (default: the start of this hour).
    3. Bulk-create them (``source_id`` ``demo-0``, ``demo-1`` … in time order) and link each to
       the partnership's areas that contain it.

    Returns the number of incidents created (about 3,000 by default; ``n`` scales it).
    """
    demo = Incident.all_objects.filter(partnership=partnership, source=Source.DEMO)
    IncidentArea.objects.filter(incident__in=demo).delete()
    IncidentChange.objects.filter(incident__in=demo).delete()
    if all(
        r.related_model in (IncidentArea, IncidentChange) for r in Incident._meta.related_objects
    ):
        # Nothing else refers to incidents, so one DELETE suffices; Django's collector would
        # otherwise load every incident first (a quarter of a minute for 100,000).
        demo._raw_delete(demo.db)
    else:
        demo.delete()

    categories = {c.name: c for c in seed_categories(partnership) if c.retired_at is None}
    # The demo shows how sensitive categories are protected (docs/domain.md §11): the details of
    # violence and threats only for analysts and coordinators, every look logged, and the
    # details anonymised after three years, and no counts on the public page.
    Category.objects.filter(pk=categories["våld/hot"].pk).update(
        is_sensitive=True,
        is_public=False,
        retention_months=36,
        retention_action=RetentionAction.ANONYMISE,
    )
    organisations = {
        o.slug: o
        for o in Organisation.objects.filter(partnership=partnership, slug__in=DEMO_ORGANISATIONS)
    } or {o.slug: o for o in Organisation.objects.filter(partnership=partnership)}
    if not organisations:
        raise ValueError(
            f"The partnership {partnership.slug} has no organisations; add one before loading "
            "demo incidents."
        )
    if end is None:
        end = timezone.now().replace(minute=0, second=0, microsecond=0)
    rows = generate_incidents(
        n,
        end=end,
        seed=seed,
        organisations=list(organisations),
        categories=list(categories),
    )
    incidents = [
        Incident(
            partnership=partnership,
            organisation=organisations[r.organisation],
            category=categories[r.category],
            occurred_from=r.occurred_from,
            occurred_to=r.occurred_to,
            time_band=r.time_band,
            lon=r.lon,
            lat=r.lat,
            place=r.place,
            assessment=r.assessment,
            description=r.description,
            sharing=r.sharing,
            source=Source.DEMO,
            source_id=f"demo-{i}",
            is_synthetic=True,
        )
        for i, r in enumerate(rows)
    ]
    for start in range(0, len(incidents), BATCH):
        Incident.objects.bulk_create(incidents[start : start + BATCH])
    link_incidents(
        partnership, incidents=Incident.objects.filter(partnership=partnership, source=Source.DEMO)
    )
    return len(incidents)
