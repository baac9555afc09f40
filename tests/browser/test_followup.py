"""Follow-up in a browser: the dashboard flags a red indicator, the coordinator writes its
corrective measure, and the årshjul lists the year month by month (axe-checked).

Labels are matched in Swedish or English (the Swedish text comes with the translation merge).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in


def _red_indicator(world: Any) -> Any:
    from django.utils import timezone

    from samtrygg.plans.models import Goal, Indicator, Problem

    today = timezone.localdate()
    problem = Problem.objects.create(partnership=world.a, title="Klotter")
    goal = Goal.objects.create(partnership=world.a, problem=problem, statement="Mindre klotter")
    ind = Indicator.objects.create(
        goal=goal,
        name="Anmält klotter",
        frequency="yearly",
        baseline_value=100,
        baseline_date=today - timedelta(days=365),
        target_value=80,
        target_date=today + timedelta(days=365),
    )
    ind.values.create(date=today - timedelta(days=1), value=115)
    return ind


def test_coordinator_answers_a_red_light_and_reads_the_arshjul(page: Any, bworld: Any) -> None:
    from samtrygg.followup.models import FollowUpNote

    ind = _red_indicator(bworld)
    sign_in(page, "coordinator@alfa.test")
    page.goto("/alfa/followup/")
    check_accessibility(page)
    expect(page.locator("#needs-action")).to_be_visible()
    page.get_by_label(
        re.compile("Konsekvens och korrigerande åtgärd för|Consequence and corrective measure for")
    ).fill("Vi sätter upp belysning vid torget.")
    page.get_by_role(
        "button", name=re.compile("Spara den korrigerande åtgärden|Save the corrective measure")
    ).click()
    page.wait_for_url(re.compile(r"/alfa/followup/"))
    assert FollowUpNote.objects.get(indicator=ind).text == "Vi sätter upp belysning vid torget."
    expect(page.get_by_text("Vi sätter upp belysning vid torget.")).to_be_visible()
    expect(page.locator("#needs-action")).to_have_count(0)
    check_accessibility(page)

    page.get_by_role("link", name=re.compile("^(Årshjul|Annual cycle \\(årshjul\\))$")).click()
    page.wait_for_url(re.compile(r"/alfa/followup/arshjul/"))
    expect(page.locator("section.arshjul-month")).to_have_count(12)
    check_accessibility(page)
