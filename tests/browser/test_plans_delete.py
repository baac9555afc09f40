"""Deleting a cause through its confirmation page; a measure of the adopted plan says why it
cannot be edited.

New elements are found by URL and CSS (their Swedish text comes with the translation merge);
existing labels are matched in Swedish or English.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in


def test_coordinator_deletes_a_cause_after_seeing_what_goes_with_it(page: Any, bworld: Any) -> None:
    from samtrygg.plans.models import Cause, ChangeRecord, Evidence, Problem

    problem = Problem.objects.create(partnership=bworld.a, title="Klotter")
    cause = Cause.objects.create(problem=problem, description="Mörk skolgård", kind="situational")
    Cause.objects.create(
        problem=problem, parent=cause, description="Trasiga lampor", kind="situational"
    )
    Evidence.objects.create(cause=cause, kind="survey", reference="Enkät 2025")
    keep = Cause.objects.create(problem=problem, description="Tomma lokaler", kind="social")

    sign_in(page, "coordinator@alfa.test")
    page.goto(f"/alfa/plans/problems/{problem.pk}/")
    page.locator(f'a[href$="/causes/{cause.pk}/delete/"]').click()
    page.wait_for_url(re.compile(rf"/causes/{cause.pk}/delete/$"))
    # The confirmation names what goes with the cause.
    assert "Trasiga lampor" in page.locator(".goes-with-it").inner_text()
    check_accessibility(page)
    page.locator("#delete form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/alfa/plans/problems/{problem.pk}/"))
    assert list(Cause.objects.filter(problem=problem)) == [keep]
    assert ChangeRecord.objects.filter(object_id=cause.pk, action="deleted").exists()
    expect(page.locator(f"#cause-{keep.pk}")).to_be_visible()
    check_accessibility(page)


def test_a_measure_of_the_adopted_plan_says_why_it_cannot_be_edited(page: Any, bworld: Any) -> None:
    from samtrygg.plans.models import ActionPlan, DocumentStatus, Measure

    measure = Measure.objects.create(
        partnership=bworld.a, title="Belysning vid skolan", kind="situational", horizon="short"
    )
    measure.activities.create(
        title="Byta armaturer", owner_organisation=bworld.kommun, hours=Decimal(8), cost=0
    )
    plan = ActionPlan.objects.create(
        partnership=bworld.a, title="Åtgärdsplan 2027", follow_up_date=date(2027, 12, 1)
    )
    plan.measures.add(measure)
    ActionPlan.objects.filter(pk=plan.pk).update(status=DocumentStatus.ADOPTED)

    sign_in(page, "coordinator@alfa.test")
    page.goto(f"/alfa/plans/measures/{measure.pk}/")
    expect(page.locator("#adopted-note")).to_be_visible()
    assert not page.locator(f'a[href$="/measures/{measure.pk}/delete/"]').count()
    check_accessibility(page)
    page.locator(f'#adopted-note a[href$="/measures/{measure.pk}/edit/"]').click()
    page.wait_for_url(re.compile(rf"/measures/{measure.pk}/edit/$"))
    notice = page.locator("#measure-frozen [role=alert]")
    expect(notice).to_contain_text("Belysning vid skolan")
    expect(notice).to_contain_text("Åtgärdsplan 2027")
    # The way forward: start a new version of the action plan.
    new_version = page.locator(
        f'#measure-frozen form[action$="/actionplans/{plan.pk}/new-version/"] button'
    )
    expect(new_version).to_be_visible()
    assert not page.locator("#measure-frozen input[name=title]").count()
    check_accessibility(page)
    new_version.click()
    page.wait_for_url(re.compile(r"/alfa/plans/actionplans/\d+/$"))
    draft = ActionPlan.objects.get(based_on=plan)
    assert draft.status == DocumentStatus.DRAFT and list(draft.measures.all()) == [measure]
