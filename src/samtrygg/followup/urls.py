from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from samtrygg.followup import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="followup-dashboard"),
    path("indicators/<int:pk>/note/", views.note_add, name="followup-note"),
    path("report/", views.report, name="followup-report"),
    path("arshjul/", views.arshjul, name="followup-arshjul"),
    path("activities/mine/", views.activity_mine, name="activity-mine"),
    path("activities/<int:pk>/progress/", views.activity_progress, name="activity-progress"),
]
