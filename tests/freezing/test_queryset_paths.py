"""The freeze holds on the queryset paths that skip save() and delete().

``update()``, ``delete()``, ``bulk_update()`` and ``bulk_create()`` go through the same rules as
an instance's save and delete: for adopted documents, the content they show, signed agreements
and their parts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import transaction

from samtrygg.agreements.models import Agreement, Party, Promise, Signature
from samtrygg.freezing import FrozenError, discarding_frozen
from samtrygg.plans.models import (
    ActionPlan,
    Activity,
    Cause,
    Goal,
    Indicator,
    Lagesbild,
    Measure,
    Problem,
)
from tests.agreements.helpers import make_agreement
from tests.conftest import World
from tests.plans.test_freeze import adopted_plan


def _refused(change: Any) -> None:
    with pytest.raises(FrozenError), transaction.atomic():
        change()


def _lagesbild(world: World, status: str, year: int = 2026) -> Lagesbild:
    return Lagesbild.objects.create(
        partnership=world.a,
        title=f"Lägesbild {year}",
        year=year,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        status=status,
    )


# --------------------------------------------------------------------------- update()


def test_update_refuses_an_adopted_document_but_lets_a_draft_change(world: World) -> None:
    adopted, draft = _lagesbild(world, "adopted"), _lagesbild(world, "draft", 2027)
    _refused(lambda: Lagesbild.objects.filter(pk=adopted.pk).update(extent="Ändrat"))
    _refused(lambda: Lagesbild.objects.all().update(extent="Ändrat"))
    assert Lagesbild.objects.filter(pk=draft.pk).update(extent="Utkast") == 1
    assert Lagesbild.objects.get(pk=adopted.pk).extent == ""


def test_update_lets_a_document_move_on_only_by_its_status(world: World) -> None:
    adopted = _lagesbild(world, "adopted")
    _refused(lambda: Lagesbild.objects.filter(pk=adopted.pk).update(status="draft"))
    assert Lagesbild.objects.filter(pk=adopted.pk).update(status="superseded") == 1
    signed = make_agreement(world, status="signed")
    _refused(lambda: Agreement.objects.filter(pk=signed.pk).update(title="Annan"))
    assert Agreement.objects.filter(pk=signed.pk).update(status="published") == 1


def test_update_refuses_content_an_adopted_plan_or_signed_agreement_shows(world: World) -> None:
    measure = adopted_plan(world).measures.get()
    goal = measure.goals.get()
    _refused(lambda: Measure.objects.filter(pk=measure.pk).update(title="Ändrad"))
    _refused(lambda: Goal.objects.filter(pk=goal.pk).update(statement="Ändrat"))
    _refused(lambda: Indicator.objects.filter(goal=goal).update(target_value=1))
    _refused(lambda: Activity.objects.filter(measure=measure).update(deadline=date(2030, 1, 1)))
    # Follow-up goes on, as through save().
    assert Activity.objects.filter(measure=measure).update(progress=50) == 1
    agreement = make_agreement(world, status="signed")
    _refused(lambda: Problem.objects.filter(agreements=agreement).update(title="Annat"))
    _refused(lambda: Promise.objects.filter(agreement=agreement).update(text="Annat löfte"))


def test_update_refuses_moving_rows_under_a_frozen_holder(world: World) -> None:
    agreement = make_agreement(world, status="signed")
    frozen_problem = agreement.problems.get()
    loose = Problem.objects.create(partnership=world.a, title="Löst problem")
    cause = Cause.objects.create(problem=loose, description="Lös orsak", kind="social")
    _refused(lambda: Cause.objects.filter(pk=cause.pk).update(problem=frozen_problem))
    assert Cause.objects.get(pk=cause.pk).problem_id == loose.pk


# --------------------------------------------------------------------------- delete()


def test_queryset_delete_refuses_frozen_documents_and_parts(world: World) -> None:
    adopted = _lagesbild(world, "adopted")
    agreement = make_agreement(world, status="signed")
    measure = adopted_plan(world).measures.get()
    _refused(lambda: Lagesbild.objects.filter(pk=adopted.pk).delete())
    _refused(lambda: ActionPlan.objects.filter(partnership=world.a).delete())
    _refused(lambda: Agreement.objects.filter(pk=agreement.pk).delete())
    _refused(lambda: Promise.objects.filter(agreement=agreement).delete())
    _refused(lambda: Party.objects.filter(agreement=agreement).delete())
    _refused(lambda: Measure.objects.filter(pk=measure.pk).delete())
    _refused(lambda: Activity.objects.filter(measure=measure).delete())
    assert Lagesbild.objects.filter(pk=adopted.pk).exists()
    assert Promise.objects.filter(agreement=agreement).exists()


def test_queryset_delete_of_drafts_goes_through(world: World) -> None:
    draft = _lagesbild(world, "draft")
    agreement = make_agreement(world, status="draft")
    Lagesbild.objects.filter(pk=draft.pk).delete()
    Agreement.objects.filter(pk=agreement.pk).delete()
    assert not Lagesbild.objects.filter(pk=draft.pk).exists()
    assert not Agreement.objects.filter(pk=agreement.pk).exists()


def test_only_the_demo_rebuild_discards_frozen_rows(world: World) -> None:
    adopted = _lagesbild(world, "adopted")
    with discarding_frozen():
        Lagesbild.objects.filter(pk=adopted.pk).delete()
    assert not Lagesbild.objects.filter(pk=adopted.pk).exists()
    # Outside the block the freeze holds again.
    again = _lagesbild(world, "adopted")
    _refused(lambda: Lagesbild.objects.filter(pk=again.pk).delete())


# --------------------------------------------------------------------------- bulk_update()


def test_bulk_update_refuses_changed_frozen_rows(world: World) -> None:
    measure = adopted_plan(world).measures.get()
    goal = measure.goals.get()
    goal.statement = "Ändrat"
    _refused(lambda: Goal.objects.bulk_update([goal], ["statement"]))
    activity = measure.activities.get()
    activity.title, activity.progress = "Annat", 30
    _refused(lambda: Activity.objects.bulk_update([activity], ["title"]))
    # The follow-up field alone may be written.
    assert Activity.objects.bulk_update([activity], ["progress"]) == 1
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.title, stored.progress) == ("Byta armaturer", 30)
    adopted = _lagesbild(world, "adopted")
    adopted.title = "Annan"
    _refused(lambda: Lagesbild.objects.bulk_update([adopted], ["title"]))


def test_bulk_update_of_unfrozen_rows_goes_through(world: World) -> None:
    draft = _lagesbild(world, "draft")
    draft.title = "Nytt namn"
    assert Lagesbild.objects.bulk_update([draft], ["title"]) == 1
    assert Lagesbild.objects.get(pk=draft.pk).title == "Nytt namn"


# --------------------------------------------------------------------------- bulk_create()


def test_bulk_create_refuses_rows_under_a_frozen_holder(world: World) -> None:
    measure = adopted_plan(world).measures.get()
    goal = measure.goals.get()
    agreement = make_agreement(world, status="signed")
    problem = agreement.problems.get()
    party = agreement.parties.get()
    _refused(
        lambda: Activity.objects.bulk_create(
            [Activity(measure=measure, title="Ny", owner_organisation=world.kommun)]
        )
    )
    _refused(
        lambda: Indicator.objects.bulk_create([Indicator(goal=goal, name="Ny", frequency="yearly")])
    )
    _refused(
        lambda: Cause.objects.bulk_create([Cause(problem=problem, description="Ny", kind="social")])
    )
    _refused(
        lambda: Promise.objects.bulk_create(
            [Promise(agreement=agreement, year=2026, focus_area="Nytt", text="Nytt löfte")]
        )
    )
    _refused(
        lambda: Signature.objects.bulk_create(
            [Signature(party=party, name="Någon", role="Chef", signed_at=agreement.updated_at)]
        )
    )
    assert measure.activities.count() == 1 and goal.indicators.count() == 1


def test_bulk_create_under_drafts_goes_through(world: World) -> None:
    problem = Problem.objects.create(partnership=world.a, title="Utkastproblem")
    made = Cause.objects.bulk_create(
        [Cause(problem=problem, description=f"Orsak {i}", kind="social") for i in range(3)]
    )
    assert len(made) == 3 and problem.causes.count() == 3
