"""Signing in and out, the password and two-factor sign-in (under /accounts/)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from samtrygg.accounts import passwords, twofactor, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", twofactor.setup, name="two-factor-setup"),
    path("two-factor/code/", twofactor.verify, name="two-factor-verify"),
    path("two-factor/off/", twofactor.disable, name="two-factor-disable"),
    path("two-factor/backup-codes/", twofactor.backup_codes, name="two-factor-backup-codes"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
