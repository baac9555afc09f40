"""The change log moved from plans to partnerships without losing a row."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("plans", "0002_activity_responsible"), ("partnerships", "0001_initial")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_change_records_survive_the_move() -> None:
    old = _migrate(BEFORE)
    partnership = old.get_model("partnerships", "Partnership").objects.create(
        name="Gamla", slug="gamla"
    )
    old.get_model("plans", "ChangeRecord").objects.create(
        partnership_id=partnership.pk, object_type="measure", object_id=7, action="edited"
    )
    new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    moved = new.get_model("partnerships", "ChangeRecord").objects.get()
    assert (moved.partnership_id, moved.object_type, moved.object_id, moved.action) == (
        partnership.pk,
        "measure",
        7,
        "edited",
    )
    assert moved._meta.db_table == "plans_changerecord"
