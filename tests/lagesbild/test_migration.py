"""The lägesbild moved from plans into its own app without losing a row or a link."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.partnerships.test_changelog_migration import _migrate

BEFORE = [("plans", "0003_changerecord_to_partnerships")]


@pytest.mark.django_db(transaction=True)
def test_existing_lagesbilder_sources_and_links_survive_the_move() -> None:
    old = _migrate(BEFORE)
    partnership = old.get_model("partnerships", "Partnership").objects.create(
        name="Gamla", slug="gamla"
    )
    doc = old.get_model("plans", "Lagesbild").objects.create(
        partnership_id=partnership.pk,
        title="Lägesbild 2025",
        year=2025,
        period_start=date(2024, 10, 1),
        period_end=date(2025, 9, 30),
        status="adopted",
    )
    old.get_model("plans", "SourceEntry").objects.create(lagesbild_id=doc.pk, name="Polisen")
    problem = old.get_model("plans", "Problem").objects.create(
        partnership_id=partnership.pk, title="Klotter", lagesbild_id=doc.pk
    )
    new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    moved = new.get_model("lagesbild", "Lagesbild").objects.get(pk=doc.pk)
    assert (moved.title, moved.year, moved.status) == ("Lägesbild 2025", 2025, "adopted")
    assert [s.name for s in moved.sources.all()] == ["Polisen"]
    linked = new.get_model("plans", "Problem").objects.get(pk=problem.pk)
    assert linked.lagesbild_id == doc.pk and linked.lagesbild.title == "Lägesbild 2025"
    assert moved._meta.db_table == "plans_lagesbild"
