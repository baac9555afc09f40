"""The EST report form, incident pages and the category code list (under /<slug>/incidents/)."""

from __future__ import annotations

from django.urls import path

from samtrygg.incidents import views

urlpatterns = [
    path("", views.incident_list, name="incident-list"),
    path("report/", views.incident_report, name="incident-report"),
    path("<int:pk>/", views.incident_detail, name="incident-detail"),
    path("access-log/", views.access_log, name="incidents-access-log"),
    path("categories/", views.category_list, name="category-list"),
    path("categories/new/", views.category_create, name="category-create"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category-edit"),
    path("categories/<int:pk>/retire/", views.category_retire, name="category-retire"),
]
