from __future__ import annotations

from django.urls import path

from samtrygg.incidents import import_views as views
from samtrygg.incidents import place_views

urlpatterns = [
    path("", views.upload, name="incident-import"),
    path("mapping/", views.mapping, name="incident-import-mapping"),
    path("history/", views.history, name="incident-import-history"),
    path("places/", place_views.place_review, name="incident-place-review"),
]
