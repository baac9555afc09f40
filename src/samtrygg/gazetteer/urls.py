from __future__ import annotations

from django.urls import path

from samtrygg.gazetteer import views

urlpatterns = [
    path("", views.gazetteer_page, name="gazetteer"),
    path("known-places/new/", views.known_place_add, name="gazetteer-place-add"),
    path("search/", views.place_search, name="gazetteer-search"),
    path("known-places/<int:pk>/edit/", views.known_place_edit, name="gazetteer-place-edit"),
    path("known-places/<int:pk>/delete/", views.known_place_delete, name="gazetteer-place-delete"),
    path("placed/<int:pk>/edit/", views.placed_name_edit, name="gazetteer-placed-edit"),
    path("placed/<int:pk>/delete/", views.placed_name_delete, name="gazetteer-placed-delete"),
]
