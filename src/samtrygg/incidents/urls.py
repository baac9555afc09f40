"""The incidents' pages under /<slug>/incidents/: the EST report form, the incident pages, the
category code list and the web import of incident files."""

from __future__ import annotations

from django.urls import path

from samtrygg.incidents import correction_views, import_views, place_views, value_views, views

urlpatterns = [
    path("", views.incident_list, name="incident-list"),
    path("report/", views.incident_report, name="incident-report"),
    path("<int:pk>/", views.incident_detail, name="incident-detail"),
    path("<int:pk>/correct/", correction_views.incident_correct, name="incident-correct"),
    path("<int:pk>/withdraw/", correction_views.incident_withdraw, name="incident-withdraw"),
    path("<int:pk>/restore/", correction_views.incident_restore, name="incident-restore"),
    path("access-log/", views.access_log, name="incidents-access-log"),
    path("categories/", views.category_list, name="category-list"),
    path("categories/new/", views.category_create, name="category-create"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category-edit"),
    path("categories/<int:pk>/retire/", views.category_retire, name="category-retire"),
    # The web import of incident files.
    path("import/", import_views.upload, name="incident-import"),
    path("import/mapping/", import_views.mapping, name="incident-import-mapping"),
    path("import/history/", import_views.history, name="incident-import-history"),
    path("import/values/", value_views.values, name="incident-import-values"),
    path("import/places/", place_views.place_review, name="incident-place-review"),
    path(
        "import/template/<int:organisation>.<str:fmt>",
        value_views.template,
        name="incident-import-template",
    ),
]
