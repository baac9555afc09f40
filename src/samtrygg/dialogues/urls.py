from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from samtrygg.dialogues import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dialogue_list, name="dialogue-list"),
    path("new/", views.dialogue_edit, name="dialogue-create"),
    path("<int:pk>/", views.dialogue_detail, name="dialogue-detail"),
    path("<int:pk>/edit/", views.dialogue_edit, name="dialogue-edit"),
]
