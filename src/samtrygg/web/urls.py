"""URL configuration. Fixed prefixes come before the partnership slug that catches the rest."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from samtrygg.web import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("samtrygg.accounts.urls")),
    path("admin/", admin.site.urls),
    path("p/", include("samtrygg.public.urls")),
    path("s/", include("samtrygg.surveys.public_urls")),
    # Under the partnership prefix, before the partnership catch-all below.
    path("<slug:slug>/reference/", include("samtrygg.reference.urls")),
    path("<slug:slug>/walks/", include("samtrygg.walks.urls")),
    path("<slug:slug>/dialogues/", include("samtrygg.dialogues.urls")),
    path("<slug:slug>/surveys/", include("samtrygg.surveys.urls")),
    path("<slug:slug>/gazetteer/", include("samtrygg.gazetteer.urls")),
    path("", include("samtrygg.partnerships.urls")),
]

handler403 = "samtrygg.web.views.permission_denied"
handler404 = "samtrygg.web.views.page_not_found"
handler500 = "samtrygg.web.views.server_error"
