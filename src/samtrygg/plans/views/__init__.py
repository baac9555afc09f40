"""Pages from the lägesbild's problems to an adopted action plan (Brå's steps after the
lägesbild, whose own pages are in :mod:`samtrygg.lagesbild.views`).

Who does what: coordinators (and the superuser) create, edit and adopt; analysts edit drafts of
the lägesbild, problems, causes, goals, indicators, measures and activities but do not adopt;
viewers read everything but drafts of documents; reporters read adopted documents only. Every
change is recorded in the change log; adopted documents are frozen (409 on any edit).

One module per section of the site; this package gathers the views for ``plans/urls.py``.
"""

from __future__ import annotations

from samtrygg.plans.views.actionplans import (
    actionplan_adopt,
    actionplan_create,
    actionplan_detail,
    actionplan_edit,
    actionplan_export,
    actionplan_list,
    actionplan_new_version,
    linked_violations,
)
from samtrygg.plans.views.goals import (
    goal_add,
    goal_delete,
    goal_edit,
    indicator_add,
    indicator_delete,
    indicator_edit,
    indicator_value_add,
)
from samtrygg.plans.views.measures import (
    activity_add,
    activity_delete,
    activity_edit,
    measure_create,
    measure_delete,
    measure_detail,
    measure_edit,
    measure_list,
)
from samtrygg.plans.views.overview import change_log, plans_home
from samtrygg.plans.views.problems import (
    cause_add,
    cause_delete,
    cause_edit,
    evidence_add,
    problem_create,
    problem_detail,
    problem_edit,
    problem_list,
)

__all__ = [
    "actionplan_adopt",
    "actionplan_create",
    "actionplan_detail",
    "actionplan_edit",
    "actionplan_export",
    "actionplan_list",
    "actionplan_new_version",
    "activity_add",
    "activity_delete",
    "activity_edit",
    "cause_add",
    "cause_delete",
    "cause_edit",
    "change_log",
    "evidence_add",
    "goal_add",
    "goal_delete",
    "goal_edit",
    "indicator_add",
    "indicator_delete",
    "indicator_edit",
    "indicator_value_add",
    "linked_violations",
    "measure_create",
    "measure_delete",
    "measure_detail",
    "measure_edit",
    "measure_list",
    "plans_home",
    "problem_create",
    "problem_detail",
    "problem_edit",
    "problem_list",
]
