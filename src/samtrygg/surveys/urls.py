from __future__ import annotations

from django.urls import path

from samtrygg.surveys import own_views, views

urlpatterns = [
    path("", views.survey_list, name="surveys-list"),
    path("import/", views.survey_import, name="surveys-import"),
    path("<int:pk>/", views.survey_results, name="surveys-results"),
    path("<int:pk>/delete/", views.survey_delete, name="surveys-delete"),
    path("own/new/", own_views.questionnaire_edit, name="surveys-own-create"),
    path("own/<int:pk>/", own_views.questionnaire_detail, name="surveys-own-detail"),
    path("own/<int:pk>/edit/", own_views.questionnaire_edit, name="surveys-own-edit"),
    path("own/<int:pk>/paper/", own_views.questionnaire_paper, name="surveys-own-paper"),
    path("own/<int:pk>/enter/", own_views.questionnaire_enter, name="surveys-own-enter"),
    path("own/<int:pk>/delete/", own_views.questionnaire_delete, name="surveys-own-delete"),
]
