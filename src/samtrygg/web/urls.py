"""URL configuration. Fixed prefixes come before the partnership slug that catches the rest."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from samtrygg.web import passwords, twofactor, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", twofactor.setup, name="two-factor-setup"),
    path("accounts/two-factor/code/", twofactor.verify, name="two-factor-verify"),
    path("accounts/two-factor/off/", twofactor.disable, name="two-factor-disable"),
    path(
        "accounts/two-factor/backup-codes/", twofactor.backup_codes, name="two-factor-backup-codes"
    ),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        passwords.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("p/", include("samtrygg.public.urls")),
    # Under the partnership prefix, before the partnership catch-all below.
    path("<slug:slug>/reference/", include("samtrygg.reference.urls")),
    path("<slug:slug>/gazetteer/", include("samtrygg.gazetteer.urls")),
    path("", include("samtrygg.partnerships.urls")),
]

handler403 = "samtrygg.web.views.permission_denied"
handler404 = "samtrygg.web.views.page_not_found"
handler500 = "samtrygg.web.views.server_error"
