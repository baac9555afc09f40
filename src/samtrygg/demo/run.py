"""``samtrygg demo``: prepare the database and load the whole demo, then print the accounts.

Running it again brings the demo back to its starting state without touching other partnerships.
"""

from __future__ import annotations

import sys

from samtrygg.demo.dialogues import load_demo_dialogues
from samtrygg.demo.incidents import load_demo_incidents
from samtrygg.demo.partnership import ACCOUNTS, DEMO_PASSWORD, load_demo
from samtrygg.demo.plans import SIGNATORIES, load_demo_plans
from samtrygg.demo.questionnaire import load_demo_questionnaire
from samtrygg.demo.reference import clear_demo_reference, load_demo_reference
from samtrygg.demo.surveys import load_demo_surveys
from samtrygg.demo.walks import load_demo_walks
from samtrygg.partnerships.models import Partnership
from samtrygg.web.serve import prepare_database


def run_demo(seed: int = 2026, incidents: int | None = None) -> Partnership:
    """Prepare the database, load the demo with its synthetic incidents, print the accounts."""
    prepare_database()
    partnership = load_demo()
    created = load_demo_incidents(partnership, n=incidents, seed=seed)
    # The adopted demo lägesbild is drafted without the made-up reference series; later drafts
    # show how the comparison looks (labelled example data).
    clear_demo_reference(partnership)
    load_demo_plans(partnership)
    # After the plans: some of the walks' actions belong to measures in the action plan.
    load_demo_walks(partnership)
    load_demo_dialogues(partnership)
    load_demo_reference(partnership)
    load_demo_surveys(partnership)
    load_demo_questionnaire(partnership)
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
