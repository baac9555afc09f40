"""A published agreement with internal material around it, and incidents to count."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

SECRET_PROMISE = "Hemligt löfte som inte är publicerat"
DRAFT_TEXT = "Utkast: ännu inte beslutad bakgrund"
COMMENT_TEXT = "Intern kommentar om budgeten"
SIGNER_NAME = "Signe Signaturson"
OWNER_PERSON = "Åsa Öberg"
PLACE = "Hemlighetsgatan 7"
DESCRIPTION = "Pelle Persson sågs klottra"
LON, LAT = 14.512345, 59.331234


def publish(world: Any) -> Any:
    """The helper agreement, with an unpublished promise, a comment and a signature, published."""
    from django.utils import timezone

    from samtrygg.agreements.models import Agreement, Comment, Promise, Signature
    from tests.agreements.helpers import make_agreement

    agreement = make_agreement(world)
    Promise.objects.create(
        agreement=agreement, year=2026, focus_area="Dolt", text=SECRET_PROMISE, published=False
    )
    Comment.objects.create(
        agreement=agreement, author=world.users["coordinator"], text=COMMENT_TEXT
    )
    Signature.objects.create(
        party=agreement.parties.get(),
        signed_by=world.users["coordinator"],
        name=SIGNER_NAME,
        role="Kommunstyrelsens ordförande",
        signed_at=timezone.now(),
    )
    Agreement.objects.filter(pk=agreement.pk).update(status="published")
    Agreement.objects.create(
        partnership=world.a,
        version=2,
        title="Nästa version",
        period_start=agreement.period_start,
        period_end=agreement.period_end,
        background=DRAFT_TEXT,
    )
    return agreement


def add_incidents(
    world: Any, counts: dict[tuple[str, int], int], *, areas: Any = None, in_area: bool = True
) -> None:
    """``counts[(category name, quarter index)]`` incidents in the last complete quarters."""
    from samtrygg.incidents.models import Category, Incident, IncidentArea
    from samtrygg.public.statistics import last_quarters

    quarters = last_quarters(_today())
    rows = []
    for (name, q), n in counts.items():
        category, _ = Category.objects.get_or_create(partnership=world.a, name=name)
        when = quarters[q].start + timedelta(days=10)
        rows += [
            Incident(
                partnership=world.a,
                organisation=world.school,
                category=category,
                occurred_from=when,
                occurred_to=when,
                lon=LON,
                lat=LAT,
                place=PLACE,
                description=DESCRIPTION,
                created_by=world.users["reporter"],
            )
            for _i in range(n)
        ]
    made = Incident.objects.bulk_create(rows)
    if in_area:
        IncidentArea.objects.bulk_create(
            [IncidentArea(incident=i, area=a) for i in made for a in areas or [world.drawn_area]]
        )


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


def published_value(incidents: Any) -> int:
    """What the installation's rule publishes for exactly this set of incidents."""
    from samtrygg.partnerships.disclosure import disclosure_rule

    ids = [i.pk for i in incidents]
    return int(disclosure_rule().publish(ids, [0] * len(ids), 1)[0])


def quarter_incidents(world: Any, q: int, **filters: Any) -> Any:
    """The partnership's incidents in quarter ``q`` of the public table."""
    from samtrygg.incidents.models import Incident
    from samtrygg.public.statistics import last_quarters

    quarter = last_quarters(_today())[q]
    return Incident.objects.filter(
        partnership=world.a,
        occurred_from__gte=quarter.start,
        occurred_from__lt=quarter.end,
        **filters,
    )
