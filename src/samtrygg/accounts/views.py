"""The sign-in page; the two-factor pages are in :mod:`samtrygg.accounts.twofactor`."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from samtrygg.accounts.forms import SignInForm


class LoginView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True
