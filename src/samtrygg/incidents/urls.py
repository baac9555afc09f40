from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("samtrygg.incidents.report_urls")),
    path("import/", include("samtrygg.incidents.import_urls")),
]
