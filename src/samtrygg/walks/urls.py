from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from samtrygg.walks import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.walk_list, name="walk-list"),
    path("new/", views.walk_edit, name="walk-create"),
    path("<int:pk>/", views.walk_detail, name="walk-detail"),
    path("<int:pk>/edit/", views.walk_edit, name="walk-edit"),
    path("<int:pk>/protocol/", views.walk_protocol, name="walk-protocol"),
    path("<int:pk>/points/new/", views.observation_add, name="walk-observation-add"),
    path(
        "<int:pk>/points/<int:observation>/action/",
        views.action_edit,
        name="walk-action-edit",
    ),
    path(
        "<int:pk>/points/<int:observation>/photo.jpg",
        views.observation_photo,
        name="walk-photo",
    ),
]
