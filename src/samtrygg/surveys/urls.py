from __future__ import annotations

from django.urls import path

from samtrygg.surveys import views

urlpatterns = [
    path("", views.survey_list, name="surveys-list"),
    path("import/", views.survey_import, name="surveys-import"),
    path("<int:pk>/", views.survey_results, name="surveys-results"),
    path("<int:pk>/delete/", views.survey_delete, name="surveys-delete"),
]
