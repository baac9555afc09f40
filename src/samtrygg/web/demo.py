"""``samtrygg demo``: the demo partnership Karlskoga–Degerfors with one account per role.

Running it again brings the demo back to its starting state without touching other partnerships.
All people and passwords are made up; the sub-areas are rough demo outlines, not official ones.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from shapely.geometry import Polygon

from samtrygg.areas import services as area_services
from samtrygg.areas.models import Area, AreaKind
from samtrygg.partnerships.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Partnership,
    Role,
)
from samtrygg.web.serve import prepare_database

DEMO_SLUG = "karlskoga-degerfors"
DEMO_PASSWORD = "samtrygg-demo"  # noqa: S105 - printed on purpose: demo accounts only.
MUNICIPALITY_CODES = ("1883", "1862")  # Karlskoga, Degerfors

ORGANISATIONS = [
    ("karlskoga-kommun", "Karlskoga kommun", OrganisationKind.KOMMUN),
    ("degerfors-kommun", "Degerfors kommun", OrganisationKind.KOMMUN),
    ("polisen-karlskoga", "Polisen, lokalpolisområde Karlskoga", OrganisationKind.POLIS),
    ("bostadsbolaget", "Bostadsbolaget (demo)", OrganisationKind.BOSTADSBOLAG),
    ("centrumskolan", "Centrumskolan (demo)", OrganisationKind.SKOLA),
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: Role | None
    organisation: str | None
    superuser: bool = False


ACCOUNTS = [
    DemoAccount(
        "samordnare@demo.samtrygg.example",
        "Sara",
        "Samordnare",
        Role.COORDINATOR,
        "karlskoga-kommun",
    ),
    DemoAccount(
        "analytiker@demo.samtrygg.example", "Ali", "Analytiker", Role.ANALYST, "polisen-karlskoga"
    ),
    DemoAccount("skola@demo.samtrygg.example", "Rut", "Rapportör", Role.REPORTER, "centrumskolan"),
    DemoAccount("bostad@demo.samtrygg.example", "Bo", "Rapportör", Role.REPORTER, "bostadsbolaget"),
    DemoAccount("politiker@demo.samtrygg.example", "Per", "Politiker", Role.VIEWER, None),
    DemoAccount("admin@demo.samtrygg.example", "Ada", "Administratör", None, None, superuser=True),
]

# Rough outlines (lon, lat) of a few places in the two towns, for the demo map only.
DEMO_AREAS = {
    "Karlskoga centrum": [(14.505, 59.322), (14.535, 59.322), (14.535, 59.334), (14.505, 59.334)],
    "Bofors och Bruket": [(14.535, 59.305), (14.575, 59.305), (14.575, 59.322), (14.535, 59.322)],
    "Degerfors centrum": [(14.42, 59.232), (14.445, 59.232), (14.445, 59.245), (14.42, 59.245)],
}


@transaction.atomic
def load_demo() -> Partnership:
    """Create or reset the demo partnership, its organisations, accounts and areas."""
    partnership, _ = Partnership.objects.update_or_create(
        slug=DEMO_SLUG,
        defaults={
            "name": "Karlskoga–Degerfors",
            "description": "Demopartnerskap för Karlskoga och Degerfors. Personer och händelser "
            "är påhittade (syntetiska data).",
        },
    )
    Membership.objects.filter(partnership=partnership).delete()
    orgs = {}
    for slug, name, kind in ORGANISATIONS:
        orgs[slug], _ = Organisation.objects.update_or_create(
            partnership=partnership, slug=slug, defaults={"name": name, "kind": kind}
        )
    user_model = get_user_model()
    for account in ACCOUNTS:
        user, _ = user_model.objects.update_or_create(
            username=account.email,
            defaults={
                "email": account.email,
                "first_name": account.first_name,
                "last_name": account.last_name,
                "is_superuser": account.superuser,
                "is_staff": account.superuser,
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if account.role is not None:
            Membership.objects.create(
                user=user,
                partnership=partnership,
                role=account.role,
                organisation=orgs[account.organisation] if account.organisation else None,
            )
    area_services.set_municipalities(partnership, MUNICIPALITY_CODES, None)
    Area.objects.filter(partnership=partnership, kind=AreaKind.DRAWN).delete()
    for name, ring in DEMO_AREAS.items():
        area_services.create_drawn_area(partnership, name, Polygon(ring), None)
    return partnership


def run_demo(seed: int = 2026, incidents: int | None = None) -> Partnership:
    """Prepare the database, load the demo with its synthetic incidents, print the accounts."""
    from samtrygg.incidents.demo import load_demo_incidents
    from samtrygg.plans.demo import SIGNATORIES, load_demo_plans
    from samtrygg.reference.demo import clear_demo_reference, load_demo_reference
    from samtrygg.surveys.demo import load_demo_surveys

    prepare_database()
    partnership = load_demo()
    created = load_demo_incidents(partnership, n=incidents, seed=seed)
    # The adopted demo lägesbild is drafted without the made-up reference series; later drafts
    # show how the comparison looks (labelled example data).
    clear_demo_reference(partnership)
    load_demo_plans(partnership)
    load_demo_reference(partnership)
    load_demo_surveys(partnership)
    out = sys.stderr
    print(f"\nDemo partnership {partnership.name} ({partnership.slug}) is ready,", file=out)
    print(f"with {created} synthetic incidents over two years (labelled synthetic).", file=out)
    print(f"Every demo account has the password: {DEMO_PASSWORD}\n", file=out)
    for account in ACCOUNTS:
        role = "superuser (system administrator)" if account.superuser else account.role
        org = f", {account.organisation}" if account.organisation else ""
        print(f"  {account.email:<36} {role}{org}", file=out)
    for email, _first, _last, org_slug in SIGNATORIES:
        print(f"  {email:<36} viewer, {org_slug} (signs the agreement)", file=out)
    print(f"\nThe public page: /p/{partnership.slug}/", file=out)
    print("", file=out)
    return partnership
