from __future__ import annotations

from django.urls import path

from samtrygg.plans import views

urlpatterns = [
    path("", views.plans_home, name="plans-home"),
    path("changes/", views.change_log, name="plans-changes"),
    path("problems/", views.problem_list, name="problem-list"),
    path("problems/new/", views.problem_create, name="problem-create"),
    path("problems/<int:pk>/", views.problem_detail, name="problem-detail"),
    path("problems/<int:pk>/edit/", views.problem_edit, name="problem-edit"),
    path("problems/<int:pk>/causes/new/", views.cause_add, name="cause-add"),
    path("problems/<int:pk>/goals/new/", views.goal_add, name="goal-add"),
    path("causes/<int:pk>/edit/", views.cause_edit, name="cause-edit"),
    path("causes/<int:pk>/delete/", views.cause_delete, name="cause-delete"),
    path("causes/<int:pk>/evidence/new/", views.evidence_add, name="evidence-add"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal-edit"),
    path("goals/<int:pk>/delete/", views.goal_delete, name="goal-delete"),
    path("goals/<int:pk>/indicators/new/", views.indicator_add, name="indicator-add"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator-edit"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="indicator-delete"),
    path(
        "indicators/<int:pk>/values/new/",
        views.indicator_value_add,
        name="indicator-value-add",
    ),
    path("measures/", views.measure_list, name="measure-list"),
    path("measures/new/", views.measure_create, name="measure-create"),
    path("measures/<int:pk>/", views.measure_detail, name="measure-detail"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure-edit"),
    path("measures/<int:pk>/delete/", views.measure_delete, name="measure-delete"),
    path("measures/<int:pk>/activities/new/", views.activity_add, name="activity-add"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity-delete"),
    path("actionplans/", views.actionplan_list, name="actionplan-list"),
    path("actionplans/new/", views.actionplan_create, name="actionplan-create"),
    path("actionplans/<int:pk>/", views.actionplan_detail, name="actionplan-detail"),
    path("actionplans/<int:pk>/edit/", views.actionplan_edit, name="actionplan-edit"),
    path("actionplans/<int:pk>/export/", views.actionplan_export, name="actionplan-export"),
    path("actionplans/<int:pk>/adopt/", views.actionplan_adopt, name="actionplan-adopt"),
    path(
        "actionplans/<int:pk>/new-version/",
        views.actionplan_new_version,
        name="actionplan-new-version",
    ),
]
