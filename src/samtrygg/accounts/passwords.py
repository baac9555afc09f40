"""Password reset by e-mail, with the product's pages and links to the address the site runs on."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from samtrygg.partnerships.links import site_url


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for an e-mail address and send a one-time link if it belongs to an account.

    The page says the same whether or not the address is known, so it cannot be used to find
    out who has an account.
    """

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: Any) -> HttpResponse:
        self.extra_email_context = {"base_url": site_url(self.request)}
        return super().form_valid(form)
