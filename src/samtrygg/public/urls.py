"""The public page, mounted at ``/p/``: only the partnership slug, never ids of internal objects."""

from __future__ import annotations

from django.urls import path

from samtrygg.public import views

urlpatterns = [
    path("<slug:slug>/", views.public_page, name="public-page"),
    path("<slug:slug>/map.geojson", views.public_map_data, name="public-map-data"),
]
