from __future__ import annotations

from django.urls import path

from samtrygg.lagesbild import views

# Under the plans section of a partnership (partnerships/urls.py), as before the app was split.
urlpatterns = [
    path("lagesbild/", views.lagesbild_list, name="lagesbild-list"),
    path("lagesbild/new/", views.lagesbild_start, name="lagesbild-start"),
    path("lagesbild/<int:pk>/", views.lagesbild_detail, name="lagesbild-detail"),
    path("lagesbild/<int:pk>/edit/", views.lagesbild_edit, name="lagesbild-edit"),
    path("lagesbild/<int:pk>/status/", views.lagesbild_status, name="lagesbild-status"),
    path("lagesbild/<int:pk>/adopt/", views.lagesbild_adopt, name="lagesbild-adopt"),
    path(
        "lagesbild/<int:pk>/new-version/",
        views.lagesbild_new_version,
        name="lagesbild-new-version",
    ),
    path("lagesbild/<int:pk>/diff/", views.lagesbild_diff, name="lagesbild-diff"),
    path("lagesbild/<int:pk>/print/", views.lagesbild_print, name="lagesbild-print"),
    path("lagesbild/<int:pk>/export/", views.lagesbild_export, name="lagesbild-export"),
    path("lagesbild/<int:pk>/sources/new/", views.source_add, name="source-add"),
    path("lagesbild/<int:pk>/sources/<int:sid>/", views.source_edit, name="source-edit"),
    path(
        "lagesbild/<int:pk>/sources/<int:sid>/delete/",
        views.source_delete,
        name="source-delete",
    ),
]
