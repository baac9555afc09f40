from __future__ import annotations

from django.urls import path

from samtrygg.picture import meeting, views

urlpatterns = [
    path("", views.picture, name="picture"),
    path("export/", views.picture_export, name="picture-export"),
    path("map-data/", views.picture_map_data, name="picture-map-data"),
    path("decisions/", meeting.decision_add, name="picture-decision-add"),
    path("decisions/<int:pk>/done/", meeting.decision_done, name="picture-decision-done"),
]
