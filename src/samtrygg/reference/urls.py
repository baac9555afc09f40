from __future__ import annotations

from django.urls import path

from samtrygg.reference import views

urlpatterns = [
    path("", views.series_list, name="reference-list"),
    path("import/", views.series_import, name="reference-import"),
    path("<int:pk>/delete/", views.series_delete, name="reference-delete"),
]
