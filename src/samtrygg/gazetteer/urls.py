from __future__ import annotations

from django.urls import path

from samtrygg.gazetteer import views

urlpatterns = [
    path("", views.gazetteer_page, name="gazetteer"),
    path("known-places/new/", views.known_place_add, name="gazetteer-place-add"),
    path("search/", views.place_search, name="gazetteer-search"),
]
