from __future__ import annotations

from django.urls import path

from samtrygg.areas import views

urlpatterns = [
    path("", views.area_list, name="area-list"),
    path("areas.geojson", views.area_geojson, name="area-geojson"),
    path("municipalities/", views.municipality_select, name="area-municipalities"),
    path("import/", views.area_import, name="area-import"),
    path("draw/", views.area_draw, name="area-draw"),
    path("<int:pk>/delete/", views.area_delete, name="area-delete"),
]
