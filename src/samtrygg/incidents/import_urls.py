from __future__ import annotations

from django.urls import path

from samtrygg.incidents import import_views as views
from samtrygg.incidents import value_views

urlpatterns = [
    path("", views.upload, name="incident-import"),
    path("mapping/", views.mapping, name="incident-import-mapping"),
    path("history/", views.history, name="incident-import-history"),
    path("values/", value_views.values, name="incident-import-values"),
    path(
        "template/<int:organisation>.<str:fmt>",
        value_views.template,
        name="incident-import-template",
    ),
]
