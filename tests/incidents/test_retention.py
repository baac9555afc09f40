"""Retention periods per category: anonymise or delete old incidents, all or nothing."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from samtrygg.analysis.geo import SWEREF99TM, to_metric
from samtrygg.incidents.categories import seed_categories
from samtrygg.incidents.importing import import_incidents
from samtrygg.incidents.models import (
    Category,
    Incident,
    IncidentArea,
    RetentionAction,
    RetentionRun,
)
from samtrygg.incidents.retention import apply_retention, months_before

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def categories(world: Any) -> dict[str, Category]:
    return {c.name: c for c in seed_categories(world.a)}


def _keep(category: Category, months: int, action: str = RetentionAction.ANONYMISE) -> None:
    category.retention_months = months
    category.retention_action = action
    category.save()


def _incident(world: Any, category: Category, ended: datetime, **kw: Any) -> Incident:
    return Incident.objects.create(
        partnership=kw.pop("partnership", world.a),
        organisation=kw.pop("organisation", world.school),
        category=category,
        occurred_from=ended - timedelta(hours=1),
        occurred_to=ended,
        lon=14.5123,
        lat=59.3311,
        place="Vid kiosken på torget",
        description="Två personer bråkade.",
        **kw,
    )


def test_months_before_clamps_the_day_and_crosses_years() -> None:
    assert months_before(datetime(2026, 3, 31), 1) == datetime(2026, 2, 28)
    assert months_before(datetime(2024, 3, 31), 1) == datetime(2024, 2, 29)
    assert months_before(datetime(2026, 1, 15), 13) == datetime(2024, 12, 15)
    assert months_before(datetime(2026, 11, 26), 24) == datetime(2024, 11, 26)


def test_anonymising_keeps_the_count_and_square_and_removes_what_could_identify(
    world: Any, categories: dict[str, Category]
) -> None:
    cat = categories["våld/hot"]
    _keep(cat, 12)
    old = _incident(world, cat, NOW - timedelta(days=400))
    IncidentArea.objects.create(incident=old, area=world.drawn_area)
    recent = _incident(world, cat, NOW - timedelta(days=300))
    other = _incident(world, categories["brand"], NOW - timedelta(days=4000))

    results = apply_retention(now=NOW)

    assert [(r.category, r.count) for r in results] == [(cat, 1)]
    old.refresh_from_db()
    assert (old.description, old.place) == ("", "")
    assert old.anonymised_at == NOW
    # The point is the centre of its 250 m SWEREF 99 TM square, within half a diagonal.
    x0, y0, _ = to_metric([14.5123], [59.3311], SWEREF99TM)
    x1, y1, _ = to_metric([old.lon], [old.lat], SWEREF99TM)
    assert abs(x1[0] % 250 - 125) < 0.5 and abs(y1[0] % 250 - 125) < 0.5
    assert ((x1[0] - x0[0]) ** 2 + (y1[0] - y0[0]) ** 2) ** 0.5 <= 125 * 2**0.5
    assert old.category == cat and old.areas.get() == world.drawn_area
    for kept in (recent, other):
        kept.refresh_from_db()
        assert kept.description and kept.anonymised_at is None
    run = RetentionRun.objects.get()
    assert (run.category, run.count, run.action) == (cat, 1, "anonymise")
    # A second run finds nothing new to do and records nothing.
    assert [r.count for r in apply_retention(now=NOW)] == [0]
    assert RetentionRun.objects.count() == 1


def test_deleting_removes_the_incident_and_its_area_links(
    world: Any, categories: dict[str, Category]
) -> None:
    cat = categories["inbrott"]
    _keep(cat, 6, RetentionAction.DELETE)
    old = _incident(world, cat, NOW - timedelta(days=200))
    IncidentArea.objects.create(incident=old, area=world.drawn_area)
    kept = _incident(world, cat, NOW - timedelta(days=100))
    apply_retention(now=NOW)
    assert list(Incident.objects.all()) == [kept]
    assert not IncidentArea.objects.exists()


def test_a_dry_run_counts_and_changes_nothing(world: Any, categories: dict[str, Category]) -> None:
    cat = categories["inbrott"]
    _keep(cat, 6, RetentionAction.DELETE)
    _incident(world, cat, NOW - timedelta(days=200))
    assert [r.count for r in apply_retention(now=NOW, dry_run=True)] == [1]
    assert Incident.objects.count() == 1 and not RetentionRun.objects.exists()


def test_only_the_chosen_partnership_is_touched(world: Any) -> None:
    cat_a = {c.name: c for c in seed_categories(world.a)}["inbrott"]
    cat_b = {c.name: c for c in seed_categories(world.b)}["inbrott"]
    _keep(cat_a, 1, RetentionAction.DELETE)
    _keep(cat_b, 1, RetentionAction.DELETE)
    from samtrygg.partnerships.models import Organisation

    org_b = Organisation.objects.create(partnership=world.b, name="B", slug="b", kind="kommun")
    _incident(world, cat_a, NOW - timedelta(days=100))
    in_b = _incident(
        world, cat_b, NOW - timedelta(days=100), partnership=world.b, organisation=org_b
    )
    apply_retention(world.a, now=NOW)
    assert list(Incident.objects.all()) == [in_b]


def test_the_command_prints_counts_only(world: Any, categories: dict[str, Category]) -> None:
    cat = categories["våld/hot"]
    _keep(cat, 1)
    _incident(world, cat, datetime.now(UTC) - timedelta(days=90))
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "alfa / våld/hot: 1 would be anonymised" in text
    assert "kiosken" not in text and "bråkade" not in text
    call_command("apply_retention", "--partnership", "alfa", stdout=io.StringIO())
    assert Incident.objects.get().anonymised_at is not None
    with pytest.raises(CommandError, match="no partnership 'nope'"):
        call_command("apply_retention", "--partnership", "nope")


def test_an_import_skips_rows_past_a_deleting_retention_and_anonymises_the_others(
    world: Any, categories: dict[str, Category]
) -> None:
    _keep(categories["inbrott"], 12, RetentionAction.DELETE)
    _keep(categories["våld/hot"], 12)
    now = datetime.now(UTC)
    old = (now - timedelta(days=500)).strftime("%Y-%m-%d %H:%M")
    new = (now - timedelta(days=5)).strftime("%Y-%m-%d %H:%M")
    text = (
        "id,category,time,lon,lat,place,assessment,description\n"
        f"1,inbrott,{old},14.51,59.33,Torget,2,Gammalt\n"
        f"2,inbrott,{new},14.51,59.33,Torget,2,Nytt\n"
        f"3,våld/hot,{old},14.51,59.33,Torget,2,Gammalt hot\n"
    )
    summary = import_incidents(world.a, world.school, text.encode(), "logg.csv")
    assert (summary.created, summary.skipped) == (2, 1)
    assert summary.skipped_reasons == {"older than its category's retention period": 1}
    by_id = {i.source_id: i for i in Incident.objects.all()}
    assert set(by_id) == {"2", "3"}
    assert by_id["3"].description == "" and by_id["3"].anonymised_at is not None
    assert by_id["2"].description == "Nytt"


def test_the_category_form_sets_retention_and_refuses_zero(
    world: Any, client_for: Any, categories: dict[str, Category]
) -> None:
    cat = categories["våld/hot"]
    client = client_for("coordinator")
    url = reverse("category-edit", args=[world.a.slug, cat.pk])
    data = {"name": cat.name, "description": "", "retention_action": "delete"}
    refused = client.post(url, {**data, "retention_months": "0"})
    assert refused.status_code == 200 and "retention_months" in refused.context["form"].errors
    assert client.post(url, {**data, "retention_months": "18"}).status_code == 302
    cat.refresh_from_db()
    assert (cat.retention_months, cat.retention_action) == (18, "delete")
    listing = client.get(reverse("category-list", args=[world.a.slug])).content.decode()
    assert "18" in listing


def test_sign_in_records_older_than_the_setting_are_removed(world: Any, settings: Any) -> None:
    from axes.models import AccessAttempt, AccessLog

    settings.SIGN_IN_RECORDS_DAYS = 30
    old = AccessLog.objects.create(username="a@alfa.test", ip_address="10.0.0.1", user_agent="x")
    recent = AccessLog.objects.create(username="b@alfa.test", ip_address="10.0.0.2", user_agent="x")
    failed = AccessAttempt.objects.create(
        username="c@alfa.test", ip_address="10.0.0.3", user_agent="x", failures_since_start=1
    )
    long_ago = datetime.now(UTC) - timedelta(days=31)
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=long_ago)
    AccessAttempt.objects.filter(pk=failed.pk).update(attempt_time=long_ago)
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "older than 30 days: 2 would be deleted" in out.getvalue()
    assert AccessLog.objects.count() == 2
    call_command("apply_retention", "--partnership", "alfa", stdout=io.StringIO())
    assert AccessLog.objects.count() == 2  # a partnership's run leaves them alone
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "a@alfa.test" not in out.getvalue() and "10.0.0" not in out.getvalue()
    assert list(AccessLog.objects.all()) == [recent]
    assert not AccessAttempt.objects.exists()
