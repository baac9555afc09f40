"""From lägesbild to action plan in a browser: draft and adopt a lägesbild; a plan that breaks
Brå's rules is refused and the offending measure named.

Labels are matched in Swedish or English (the Swedish text comes with the translation merge).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in


def _label(sv: str, en: str) -> re.Pattern[str]:
    return re.compile(f"^({sv}|{en})$", re.IGNORECASE)


def _button(sv: str, en: str) -> re.Pattern[str]:
    return re.compile(f"^({sv}|{en})$")


def test_coordinator_drafts_and_adopts_a_lagesbild(page: Any, bworld: Any) -> None:
    from samtrygg.plans.models import DocumentStatus, Lagesbild

    sign_in(page, "coordinator@alfa.test")
    page.goto("/alfa/plans/")
    check_accessibility(page)
    page.get_by_role(
        "link", name=re.compile("Påbörja årets lägesbild|Start the year's")
    ).first.click()
    page.get_by_label(_label("År", "Year")).fill("2026")
    check_accessibility(page)
    page.get_by_role("button", name=_button("Spara", "Save")).click()
    page.wait_for_url(re.compile(r"/alfa/plans/lagesbild/\d+/$"))
    doc = Lagesbild.objects.get(partnership=bworld.a)
    assert doc.status == DocumentStatus.DRAFT and doc.extent
    check_accessibility(page)

    # The sections people write.
    page.get_by_role("link", name=re.compile("Redigera texten|Edit the text")).click()
    page.get_by_label(_label("annan relevant information", "other relevant information")).fill(
        "Trygghetsmätningen hösten 2025."
    )
    page.get_by_label(_label("orsaksanalys|analys av orsaker", "analysis of causes")).fill(
        "Mörka skolgårdar kvällstid."
    )
    check_accessibility(page)
    page.get_by_role("button", name=_button("Spara", "Save")).click()
    page.wait_for_url(re.compile(r"/alfa/plans/lagesbild/\d+/$"))

    # One row of the source inventory.
    page.get_by_role("link", name=re.compile("Lägg till en källa|Add a source")).click()
    page.get_by_label(_label("källa", "source")).fill("EST-rapporter")
    page.get_by_label(_label("varför", "why")).fill("Alla parter rapporterar.")
    check_accessibility(page)
    page.get_by_role("button", name=_button("Spara", "Save")).click()
    page.wait_for_url(re.compile(r"/alfa/plans/lagesbild/\d+/"))
    expect(page.get_by_role("rowheader", name="EST-rapporter")).to_be_visible()

    page.get_by_role("link", name=_button("Anta", "Adopt")).click()
    page.get_by_label(_label("Beslutande organ", "Decision body")).fill("Kommunstyrelsen")
    page.get_by_label(_label("Beslutsdatum", "Decision date")).fill(date.today().isoformat())
    page.get_by_label(re.compile("Diarienummer|Registry number", re.IGNORECASE)).fill("KS 2026/1")
    check_accessibility(page)
    page.get_by_role("button", name=_button("Anta", "Adopt")).click()
    page.wait_for_url(re.compile(r"/alfa/plans/lagesbild/\d+/$"))
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.ADOPTED
    assert doc.diarienummer == "KS 2026/1"
    expect(page.get_by_role("button", name=_button("Ny version", "New version"))).to_be_visible()
    assert not page.get_by_role("link", name=re.compile("Redigera texten|Edit the text")).count()
    check_accessibility(page)


def test_a_plan_with_a_measure_that_targets_no_cause_is_refused(page: Any, bworld: Any) -> None:
    from samtrygg.plans.models import ActionPlan, DocumentStatus, Goal, Measure, Problem

    problem = Problem.objects.create(partnership=bworld.a, title="Klotter")
    goal = Goal.objects.create(
        partnership=bworld.a,
        problem=problem,
        statement="Mindre klotter",
        owner=bworld.kommun,
        follow_up_date=date(2027, 6, 1),
    )
    measure = Measure.objects.create(
        partnership=bworld.a, title="Fler papperskorgar", kind="situational", horizon="short"
    )
    measure.goals.add(goal)
    plan = ActionPlan.objects.create(
        partnership=bworld.a, title="Åtgärdsplan 2027", follow_up_date=date(2027, 12, 1)
    )
    plan.measures.add(measure)

    sign_in(page, "coordinator@alfa.test")
    page.goto(f"/alfa/plans/actionplans/{plan.pk}/")
    assert "Fler papperskorgar" in page.locator("#violations").inner_text()
    check_accessibility(page)
    page.get_by_role("link", name=_button("Anta", "Adopt")).click()
    page.get_by_label(_label("Beslutande organ", "Decision body")).fill("Kommunstyrelsen")
    page.get_by_label(_label("Beslutsdatum", "Decision date")).fill(date.today().isoformat())
    page.get_by_label(re.compile("Diarienummer|Registry number", re.IGNORECASE)).fill("KS 2026/2")
    with page.expect_navigation():
        page.get_by_role("button", name=_button("Anta", "Adopt")).click()
    alert = page.get_by_role("alert")
    text = alert.inner_text()
    assert "Fler papperskorgar" in text
    assert re.search(r"(Regel|Rule) 1", text)
    check_accessibility(page)
    plan.refresh_from_db()
    assert plan.status == DocumentStatus.DRAFT
    # The link beside the violation leads to the measure's form.
    alert.get_by_role("link", name=re.compile("Fler papperskorgar")).first.click()
    page.wait_for_url(f"**/alfa/plans/measures/{measure.pk}/edit/")
