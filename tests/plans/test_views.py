"""The plans pages: who may do what, frozen adopted documents, versions, rules and progress."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.urls import reverse

from samtrygg.incidents.models import Category, Incident, IncidentArea
from samtrygg.lagesbild import drafting
from samtrygg.plans.models import (
    ActionPlan,
    Activity,
    Cause,
    ChangeRecord,
    DocumentStatus,
    Evidence,
    Goal,
    Indicator,
    Lagesbild,
    Measure,
    Problem,
    SourceEntry,
)
from tests.conftest import World
from tests.plans.helpers import measurable_goal

ADOPTION = {
    "decision_body": "Kommunstyrelsen",
    "decision_date": "2026-10-15",
    "diarienummer": "KS 2026/12",
}


def _url(name: str, world: World, **kwargs: Any) -> str:
    return reverse(name, kwargs={"slug": world.a.slug, **kwargs})


def _lagesbild(world: World, status: str = DocumentStatus.DRAFT, **fields: Any) -> Lagesbild:
    text = {
        "extent": "Klotter ökar.",
        "other_information": "Trygghetsmätningen 2025.",
        "cause_analysis": "Mörka skolgårdar.",
    }
    doc = Lagesbild.objects.create(
        partnership=world.a,
        year=2026,
        title="Lägesbild 2026",
        period_start=date(2025, 10, 1),
        period_end=date(2026, 9, 30),
        **(text | fields),
    )
    if status != DocumentStatus.DRAFT:
        Lagesbild.objects.filter(pk=doc.pk).update(status=status)
        doc.refresh_from_db()
    return doc


def _plan_with_measure_without_cause(world: World) -> tuple[ActionPlan, Measure]:
    problem = Problem.objects.create(partnership=world.a, title="Klotter")
    goal = measurable_goal(world, problem, "Mindre klotter")
    measure = Measure.objects.create(
        partnership=world.a, title="Fler papperskorgar", kind="situational", horizon="short"
    )
    measure.goals.add(goal)
    plan = ActionPlan.objects.create(
        partnership=world.a, title="Åtgärdsplan 2027", follow_up_date=date(2027, 12, 1)
    )
    plan.measures.add(measure)
    return plan, measure


# --------------------------------------------------------------------------- who sees what


def test_draft_lagesbild_is_hidden_from_viewers_and_reporters(world: World, as_user: Any) -> None:
    doc = _lagesbild(world)
    url = _url("lagesbild-detail", world, pk=doc.pk)
    assert as_user("viewer").get(url).status_code == 404
    assert as_user("reporter").get(url).status_code == 404
    assert as_user("analyst").get(url).status_code == 200
    listing = as_user("viewer").get(_url("lagesbild-list", world))
    assert "Lägesbild 2026" not in listing.content.decode()


def test_reporters_read_adopted_documents_but_not_the_work(world: World, as_user: Any) -> None:
    doc = _lagesbild(world, DocumentStatus.ADOPTED)
    client = as_user("reporter")
    assert client.get(_url("lagesbild-detail", world, pk=doc.pk)).status_code == 200
    assert client.get(_url("problem-list", world)).status_code == 403
    assert client.get(_url("measure-list", world)).status_code == 403


def test_outsider_sees_nothing_of_the_plans(world: World, as_user: Any) -> None:
    doc = _lagesbild(world, DocumentStatus.ADOPTED)
    problem = Problem.objects.create(partnership=world.a, title="Klotter")
    client = as_user("outsider")
    assert client.get(_url("lagesbild-detail", world, pk=doc.pk)).status_code == 404
    assert client.get(_url("problem-detail", world, pk=problem.pk)).status_code == 404
    # Nor through partnership B's address.
    other = reverse("problem-detail", kwargs={"slug": world.b.slug, "pk": problem.pk})
    assert client.get(other).status_code == 404


def test_analyst_edits_a_draft_but_cannot_adopt(world: World, as_user: Any) -> None:
    doc = _lagesbild(world)
    client = as_user("analyst")
    data = {"title": doc.title, "extent": "Ny text.", "consequences": "Otrygghet."}
    response = client.post(
        _url("lagesbild-edit", world, pk=doc.pk),
        data | {"other_information": "x", "cause_analysis": "y"},
    )
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.extent == "Ny text."
    change = ChangeRecord.objects.get(object_type="lagesbild", action="edited")
    assert change.actor == world.users["analyst"]
    assert "extent" in change.details["fields"]
    assert client.post(_url("lagesbild-adopt", world, pk=doc.pk), ADOPTION).status_code == 403
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.DRAFT


# --------------------------------------------------------------------------- lägesbild


def test_coordinator_starts_the_years_lagesbild_from_the_incidents(
    world: World, as_user: Any
) -> None:
    cat = Category.objects.create(partnership=world.a, name="Klotter")
    t = datetime(2026, 2, 3, 12, tzinfo=UTC)
    for i in range(6):
        inc = Incident.objects.create(
            partnership=world.a,
            organisation=world.school,
            category=cat,
            occurred_from=t + timedelta(days=i),
            occurred_to=t + timedelta(days=i),
        )
        IncidentArea.objects.create(incident=inc, area=world.drawn_area)
    client = as_user("coordinator")
    response = client.post(_url("lagesbild-start", world), {"year": 2026})
    doc = Lagesbild.objects.get(partnership=world.a)
    assert response.status_code == 302
    assert response["Location"] == _url("lagesbild-detail", world, pk=doc.pk)
    assert doc.figures["categories"][0]["current"] == 6
    page = client.get(response["Location"]).content.decode()
    assert "Klotter" in page and "Centrum" in page
    # The text is drafted from the protected figures that every reader may see: six incidents
    # are published as 0 or as at least k, as their record keys (the database's ids) decide.
    shown = drafting.shown_figures(doc.figures, exact=False)["categories"]
    if shown:
        assert shown[0]["current"] >= 5
        assert f"Klotter: {shown[0]['current']} (the year before: 0)" in doc.extent
    else:
        assert "Klotter" not in doc.extent


def test_viewer_sees_small_counts_hidden_in_the_figures(world: World, as_user: Any) -> None:
    figures = {
        "period": {"start": "2025-10-01", "end": "2026-09-30", "days": 365},
        "previous": {"start": "2024-10-01", "end": "2025-09-30", "days": 365},
        "total": None,
        "categories": [
            {"name": "Rån", "current": 3, "previous": 0, "verdict": "no reliable change"},
            {"name": "Klotter", "current": 30, "previous": 12, "verdict": "increase"},
        ],
        "areas": [],
        "months": [],
        "weekdays": [],
    }
    doc = _lagesbild(world, DocumentStatus.ADOPTED, figures=figures)
    viewer = as_user("viewer").get(_url("lagesbild-detail", world, pk=doc.pk)).content.decode()
    assert '<th scope="row">Rån</th><td>&lt;5</td>' in viewer
    assert "<td>30</td>" in viewer
    analyst = as_user("analyst").get(_url("lagesbild-detail", world, pk=doc.pk)).content.decode()
    assert '<th scope="row">Rån</th><td>3</td>' in analyst


def test_source_inventory_rows_are_added_edited_and_removed(world: World, as_user: Any) -> None:
    doc = _lagesbild(world)
    client = as_user("coordinator")
    add = _url("source-add", world, pk=doc.pk)
    response = client.post(add, {"name": "EST", "used": "on", "reason": "Alla parter"})
    assert response.status_code == 302
    entry = SourceEntry.objects.get(lagesbild=doc)
    edit = _url("source-edit", world, pk=doc.pk, sid=entry.pk)
    client.post(edit, {"name": "EST", "reason": "Ej skolor", "limitations": "Bortfall"})
    entry.refresh_from_db()
    assert (entry.used, entry.limitations) == (False, "Bortfall")
    client.post(_url("source-delete", world, pk=doc.pk, sid=entry.pk))
    assert not SourceEntry.objects.filter(lagesbild=doc).exists()
    actions = set(
        ChangeRecord.objects.filter(object_type="sourceentry").values_list("action", flat=True)
    )
    assert actions == {"created", "edited", "deleted"}


def test_adopting_a_lagesbild_without_sources_is_refused_with_every_reason(
    world: World, as_user: Any
) -> None:
    doc = _lagesbild(world, cause_analysis="")
    client = as_user("coordinator")
    response = client.post(_url("lagesbild-adopt", world, pk=doc.pk), ADOPTION)
    assert response.status_code == 400
    page = response.content.decode()
    assert "list the sources used and left out, and why." in page
    assert "analysis of causes" in page
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.DRAFT


def test_coordinator_adopts_a_complete_lagesbild(world: World, as_user: Any) -> None:
    doc = _lagesbild(world)
    SourceEntry.objects.create(lagesbild=doc, name="EST")
    client = as_user("coordinator")
    response = client.post(_url("lagesbild-adopt", world, pk=doc.pk), ADOPTION)
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.ADOPTED
    assert (doc.decision_body, doc.diarienummer) == ("Kommunstyrelsen", "KS 2026/12")
    assert ChangeRecord.objects.filter(object_id=doc.pk, action="adopted").exists()


def test_adopted_lagesbild_cannot_be_edited(world: World, as_user: Any) -> None:
    doc = _lagesbild(world, DocumentStatus.ADOPTED)
    entry = SourceEntry.objects.create(lagesbild=doc, name="EST")
    client = as_user("coordinator")
    before = ChangeRecord.objects.count()
    data = {"title": "Ändrad", "extent": "Ändrad", "other_information": "x", "cause_analysis": "y"}
    response = client.post(_url("lagesbild-edit", world, pk=doc.pk), data)
    assert response.status_code == 409
    assert "cannot be changed" in response.content.decode()
    for name, kwargs, post in (
        ("source-add", {"pk": doc.pk}, {"name": "Ny"}),
        ("source-edit", {"pk": doc.pk, "sid": entry.pk}, {"name": "Ändrad"}),
        ("source-delete", {"pk": doc.pk, "sid": entry.pk}, {}),
        ("lagesbild-status", {"pk": doc.pk}, {"status": "draft"}),
        ("lagesbild-adopt", {"pk": doc.pk}, ADOPTION),
    ):
        assert client.post(_url(name, world, **kwargs), post).status_code == 409, name
    doc.refresh_from_db()
    assert (doc.title, doc.extent, doc.status) == ("Lägesbild 2026", "Klotter ökar.", "adopted")
    assert list(doc.sources.values_list("name", flat=True)) == ["EST"]
    assert ChangeRecord.objects.count() == before


def test_status_moves_from_draft_to_review_and_back(world: World, as_user: Any) -> None:
    doc = _lagesbild(world)
    client = as_user("analyst")
    client.post(_url("lagesbild-status", world, pk=doc.pk), {"status": "review"})
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.REVIEW
    # Adoption is not a status one can post.
    client.post(_url("lagesbild-status", world, pk=doc.pk), {"status": "adopted"})
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.REVIEW


def test_new_version_and_the_diff_page(world: World, as_user: Any) -> None:
    doc = _lagesbild(world, DocumentStatus.ADOPTED)
    SourceEntry.objects.create(lagesbild=doc, name="EST")
    client = as_user("coordinator")
    response = client.post(_url("lagesbild-new-version", world, pk=doc.pk))
    draft = Lagesbild.objects.get(based_on=doc)
    assert response["Location"] == _url("lagesbild-detail", world, pk=draft.pk)
    assert (draft.version, draft.status, draft.sources.count()) == (2, "draft", 1)
    data = {
        "title": draft.title,
        "extent": "Klotter minskar.",
        "other_information": draft.other_information,
        "cause_analysis": draft.cause_analysis,
    }
    client.post(_url("lagesbild-edit", world, pk=draft.pk), data)
    page = client.get(_url("lagesbild-diff", world, pk=draft.pk)).content.decode()
    assert "<del>-Klotter ökar.</del>" in page
    assert "<ins>+Klotter minskar.</ins>" in page
    assert "Mörka skolgårdar" not in page  # unchanged sections are not listed
    # The reader of the adopted version compares it explicitly with another one.
    other = client.get(_url("lagesbild-diff", world, pk=doc.pk) + f"?with={draft.pk}")
    assert "<ins>+Klotter minskar.</ins>" in other.content.decode()


def test_print_view_has_the_whole_document(world: World, as_user: Any) -> None:
    doc = _lagesbild(world, DocumentStatus.ADOPTED)
    SourceEntry.objects.create(lagesbild=doc, name="Polisens händelser", used=False)
    page = as_user("viewer").get(_url("lagesbild-print", world, pk=doc.pk)).content.decode()
    for text in (
        "Klotter ökar.",
        "Trygghetsmätningen 2025.",
        "Mörka skolgårdar.",
        "Polisens händelser",
    ):
        assert text in page


# --------------------------------------------------------------------------- problems and causes


def test_cause_tree_is_shown_as_nested_lists_with_evidence(world: World, as_user: Any) -> None:
    client = as_user("analyst")
    client.post(
        _url("problem-create", world),
        {"title": "Klotter vid skolan", "priority": 1, "areas": [world.drawn_area.pk]},
    )
    problem = Problem.objects.get(partnership=world.a)
    assert list(problem.areas.all()) == [world.drawn_area]
    add = _url("cause-add", world, pk=problem.pk)
    client.post(
        add, {"description": "Mörk skolgård", "kind": "situational", "mechanism": "setting"}
    )
    root = Cause.objects.get(problem=problem)
    client.post(add, {"description": "Ingen belysning", "kind": "situational", "parent": root.pk})
    child = Cause.objects.get(parent=root)
    client.post(
        _url("evidence-add", world, pk=child.pk),
        {"kind": "dialogue", "reference": "Trygghetsvandring 2026-04-02"},
    )
    assert Evidence.objects.get().cause == child
    page = client.get(_url("problem-detail", world, pk=problem.pk)).content.decode()
    outer = page.index(f'id="cause-{root.pk}"')
    inner = page.index(f'id="cause-{child.pk}"')
    assert outer < page.index('<ul class="cause-tree">', outer) < inner
    assert "Trygghetsvandring 2026-04-02" in page


def test_a_cause_cannot_be_put_under_its_own_child(world: World, as_user: Any) -> None:
    problem = Problem.objects.create(partnership=world.a, title="Klotter")
    root = Cause.objects.create(problem=problem, description="A", kind="social")
    child = Cause.objects.create(problem=problem, description="B", kind="social", parent=root)
    response = as_user("coordinator").post(
        _url("cause-edit", world, pk=root.pk),
        {"description": "A", "kind": "social", "parent": child.pk},
    )
    assert response.status_code == 400
    root.refresh_from_db()
    assert root.parent is None


def test_computed_indicator_shows_incidents_of_the_last_12_months(
    world: World, as_user: Any
) -> None:
    cat = Category.objects.create(partnership=world.a, name="Klotter")
    now = datetime.now(UTC)
    for days, in_area in ((10, True), (20, False), (400, True)):
        inc = Incident.objects.create(
            partnership=world.a,
            organisation=world.school,
            category=cat,
            occurred_from=now - timedelta(days=days),
            occurred_to=now - timedelta(days=days),
        )
        if in_area:
            IncidentArea.objects.create(incident=inc, area=world.drawn_area)
    problem = Problem.objects.create(partnership=world.a, title="Klotter")
    goal = Goal.objects.create(partnership=world.a, problem=problem, statement="Mindre klotter")
    client = as_user("analyst")
    response = client.post(
        _url("indicator-add", world, pk=goal.pk),
        {
            "name": "Klotter i Centrum",
            "frequency": "monthly",
            "direction": "decrease",
            "category": cat.pk,
            "area": world.drawn_area.pk,
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    client.post(
        _url("indicator-value-add", world, pk=indicator.pk),
        {"date": "2026-01-31", "value": "7", "source": "Skolans logg"},
    )
    assert indicator.values.get().entered_by == world.users["analyst"]
    page = client.get(_url("problem-detail", world, pk=problem.pk)).content.decode()
    assert "1 in the last 12 months (computed)" in page
    assert "Skolans logg" in page


def test_forms_offer_only_the_partnerships_own_objects(world: World, as_user: Any) -> None:
    other_problem = Problem.objects.create(partnership=world.b, title="Beta")
    other_cause = Cause.objects.create(problem=other_problem, description="B", kind="social")
    response = as_user("coordinator").post(
        _url("measure-create", world),
        {"title": "Smygväg", "kind": "social", "horizon": "long", "causes": [other_cause.pk]},
    )
    assert response.status_code == 400
    assert not Measure.objects.filter(title="Smygväg").exists()


# --------------------------------------------------------------------------- measures and plans


def test_progress_rolls_up_from_weighted_sub_activities(world: World, as_user: Any) -> None:
    measure = Measure.objects.create(
        partnership=world.a, title="Belysning", kind="situational", horizon="short"
    )
    top = Activity.objects.create(
        measure=measure, title="Armaturer", owner_organisation=world.kommun
    )
    Activity.objects.create(
        measure=measure,
        parent=top,
        title="Upphandla",
        owner_organisation=world.kommun,
        status="done",
        weight=3,
    )
    Activity.objects.create(
        measure=measure,
        parent=top,
        title="Montera",
        owner_organisation=world.kommun,
        progress=0,
        weight=1,
    )
    client = as_user("viewer")
    page = client.get(_url("measure-detail", world, pk=measure.pk)).content.decode()
    assert 'value="75"' in page and "75 %" in page
    listing = client.get(_url("measure-list", world)).content.decode()
    assert "75 %" in listing


def test_activity_is_added_under_a_measure(world: World, as_user: Any) -> None:
    measure = Measure.objects.create(
        partnership=world.a, title="Belysning", kind="situational", horizon="short"
    )
    response = as_user("analyst").post(
        _url("activity-add", world, pk=measure.pk),
        {
            "title": "Montera",
            "owner_organisation": world.kommun.pk,
            "owner_person": "Driftchef",
            "status": "ongoing",
            "progress": 40,
            "weight": 1,
            "hours": "8",
            "cost": "1000",
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(measure=measure)
    assert (activity.progress, activity.hours, activity.cost) == (40, Decimal("8"), Decimal("1000"))


def test_adopting_a_plan_with_a_measure_without_cause_is_refused_and_names_it(
    world: World, as_user: Any
) -> None:
    plan, measure = _plan_with_measure_without_cause(world)
    client = as_user("coordinator")
    detail = client.get(_url("actionplan-detail", world, pk=plan.pk)).content.decode()
    assert "Fler papperskorgar" in detail
    assert _url("measure-edit", world, pk=measure.pk) in detail
    response = client.post(_url("actionplan-adopt", world, pk=plan.pk), ADOPTION)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rule 1" in page
    assert "measure “Fler papperskorgar”" in page
    assert "link it to at least one cause it acts on." in page
    assert _url("measure-edit", world, pk=measure.pk) in page
    plan.refresh_from_db()
    assert plan.status == DocumentStatus.DRAFT


def test_a_plan_that_meets_the_rules_is_adopted_and_frozen(world: World, as_user: Any) -> None:
    plan, measure = _plan_with_measure_without_cause(world)
    cause = Cause.objects.create(
        problem=measure.goals.get().problem, description="Mörkt", kind="situational"
    )
    Evidence.objects.create(cause=cause, kind="survey", reference="Enkät 2025")
    measure.causes.add(cause)
    client = as_user("coordinator")
    assert client.post(_url("actionplan-adopt", world, pk=plan.pk), ADOPTION).status_code == 302
    plan.refresh_from_db()
    assert plan.status == DocumentStatus.ADOPTED
    edit = client.post(
        _url("actionplan-edit", world, pk=plan.pk),
        {"title": "Ändrad", "follow_up_date": "2028-01-01", "measures": []},
    )
    assert edit.status_code == 409
    plan.refresh_from_db()
    assert plan.title == "Åtgärdsplan 2027" and plan.measures.count() == 1
    # A new version copies the measures and starts as a draft.
    client.post(_url("actionplan-new-version", world, pk=plan.pk))
    draft = ActionPlan.objects.get(based_on=plan)
    assert (draft.version, draft.status) == (2, DocumentStatus.DRAFT)
    assert list(draft.measures.all()) == [measure]


def test_analyst_cannot_create_or_adopt_plans(world: World, as_user: Any) -> None:
    plan, _m = _plan_with_measure_without_cause(world)
    client = as_user("analyst")
    assert client.get(_url("actionplan-create", world)).status_code == 403
    assert client.post(_url("actionplan-adopt", world, pk=plan.pk), ADOPTION).status_code == 403


def test_change_log_lists_who_did_what(world: World, as_user: Any) -> None:
    client = as_user("coordinator")
    client.post(_url("problem-create", world), {"title": "Skadegörelse", "priority": 2})
    page = client.get(_url("plans-changes", world)).content.decode()
    assert "coordinator@alfa.test" in page and "problem" in page and "created" in page
    assert as_user("analyst").get(_url("plans-changes", world)).status_code == 403


def test_the_responsible_member_is_chosen_among_the_partnerships_members(
    world: World, as_user: Any
) -> None:
    measure = Measure.objects.create(
        partnership=world.a, title="Trygg skolväg", kind="social", horizon="long"
    )
    client = as_user("coordinator")
    form = client.get(_url("activity-add", world, pk=measure.pk)).content.decode()
    assert "Reporter (Alfaskolan)" in form and "Outsider" not in form
    data = {
        "title": "Vandra skolvägen",
        "owner_organisation": world.school.pk,
        "status": "planned",
        "progress": 0,
        "weight": 1,
    }
    # Someone outside the partnership, or of another organisation, is refused.
    for persona in ("outsider", "housing_reporter"):
        response = client.post(
            _url("activity-add", world, pk=measure.pk),
            {**data, "responsible": world.users[persona].pk},
        )
        assert response.status_code == 400
    assert "not to the owner organisation" in response.content.decode()
    # A member of the owner organisation, or one without an organisation, is accepted.
    for persona in ("reporter", "analyst"):
        response = client.post(
            _url("activity-add", world, pk=measure.pk),
            {**data, "responsible": world.users[persona].pk},
        )
        assert response.status_code == 302
    assert sorted(a.responsible.email for a in measure.activities.all()) == [
        "analyst@alfa.test",
        "reporter@alfa.test",
    ]
