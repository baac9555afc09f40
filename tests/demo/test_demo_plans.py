"""The demo's plans and agreement: complete, adopted, signed, published, and idempotent."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from samtrygg.agreements.models import Agreement, AgreementStatus, Promise
from samtrygg.demo.plans import SIGNATORIES, _period, demo_counts, load_demo_plans
from samtrygg.plans import services
from samtrygg.plans.models import (
    ActionPlan,
    Activity,
    CauseKind,
    DocumentStatus,
    Lagesbild,
    Problem,
)


@pytest.mark.django_db
def test_demo_plans_are_complete_and_idempotent(client: Any) -> None:
    from samtrygg.demo.incidents import load_demo_incidents
    from samtrygg.demo.partnership import load_demo

    partnership = load_demo()
    load_demo_incidents(partnership, n=1500)
    counts = load_demo_plans(partnership)

    lagesbild = Lagesbild.objects.get(partnership=partnership)
    assert lagesbild.status == DocumentStatus.ADOPTED
    assert lagesbild.decision_body == "Kommunstyrelsen"
    assert lagesbild.diarienummer.startswith("KS ")
    assert lagesbild.figures["total"]["current"] > 0
    assert lagesbild.extent and lagesbild.consequences and lagesbild.cause_analysis
    assert lagesbild.sources.filter(used=True).exists()
    assert lagesbild.sources.filter(used=False).exists()

    problems = list(Problem.objects.filter(partnership=partnership))
    assert len(problems) == 3
    for problem in problems:
        kinds = set(problem.causes.values_list("kind", flat=True))
        assert kinds == {CauseKind.SITUATIONAL, CauseKind.SOCIAL, CauseKind.VICTIMISATION}
        assert problem.causes.filter(parent__isnull=True).exists()
        assert problem.causes.filter(evidence__reference__contains="/picture/?").exists()
        assert problem.goals.filter(indicators__category__isnull=False).exists()
        assert problem.goals.filter(indicators__values__isnull=False).exists()

    plan = ActionPlan.objects.get(partnership=partnership)
    assert plan.status == DocumentStatus.ADOPTED
    assert services.plan_violations(plan) == []
    assert set(plan.measures.values_list("kind", flat=True)) == {"situational", "social"}

    activities = Activity.objects.filter(measure__partnership=partnership)
    assert set(activities.values_list("status", flat=True)) == set(Activity.Status)
    today = lagesbild.adopted_at.date() if lagesbild.adopted_at else None
    assert today is not None
    open_ = activities.exclude(status__in=(Activity.Status.DONE, Activity.Status.CANCELLED))
    assert open_.filter(deadline__lt=today).exists()  # overdue
    assert open_.filter(deadline__gt=today).exists()  # upcoming
    assert not activities.filter(owner_organisation__isnull=True).exists()

    agreement = Agreement.objects.get(partnership=partnership)
    assert agreement.status == AgreementStatus.PUBLISHED
    assert agreement.parties.count() == 2
    assert agreement.parties.filter(signature__isnull=True).count() == 0
    signers = set(agreement.parties.values_list("signature__signed_by__username", flat=True))
    assert signers == {email for email, *_ in SIGNATORIES}
    roles = set(agreement.parties.values_list("signatory_role", flat=True))
    assert roles == {"Kommunstyrelsens ordförande", "Lokalpolisområdeschef"}
    published = Promise.objects.published_for(partnership)
    assert published.count() == 3
    assert all(p.activities.exists() and p.indicators.exists() for p in published)

    assert counts == demo_counts(partnership)
    assert counts["problems"] == 3 and counts["signatures"] == 2

    # Residents see the promises on the public page.
    public = client.get(reverse("public-page", kwargs={"slug": partnership.slug}))
    assert public.status_code == 200
    first = published.first()
    assert first is not None
    assert first.text[:40] in public.content.decode()

    # Running it again, alone or after the whole demo (as `samtrygg demo` does), gives the same.
    assert load_demo_plans(partnership) == counts
    assert ActionPlan.objects.get(partnership=partnership).status == DocumentStatus.ADOPTED
    partnership = load_demo()
    assert load_demo_plans(partnership) == counts
    assert Lagesbild.objects.filter(partnership=partnership).count() == 1
    assert Agreement.objects.get(partnership=partnership).status == AgreementStatus.PUBLISHED


def test_period_is_twelve_full_months_ended_before_adoption() -> None:
    day = date(2023, 1, 1)
    while day < date(2025, 1, 1):
        first, last = _period(day)
        assert first.day == 1 and (last + timedelta(days=1)).day == 1
        assert (last.year - first.year) * 12 + last.month - first.month == 11
        assert last + timedelta(days=10) <= day - timedelta(days=4)
        day += timedelta(days=1)
