"""Signing an agreement: what exactly is signed, and how the signer confirms who they are.

What is signed is the agreement's content, not a file: title, version, registry number,
period, the text sections, the problems, goals and citizen promises (with their activities and
indicators) and the parties with their signatories. :func:`content_sha256` hashes a canonical
JSON form of it; the signing page shows the checksum, the signature stores it, and a signature
is refused when the content changed between showing and signing.

How the signer confirms is a *signing backend*. The default asks for the signer's password,
and also for a code from their authenticator app when they have set up two-factor sign-in. A
municipality with an e-signature service (BankID, Freja eID …) plugs it in by naming a class
in ``SAMTRYGG_SIGNING_BACKEND`` that has the same two methods as
:class:`PasswordConfirmation`; docs/signing.md describes the contract.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Protocol

from django import forms
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device

from samtrygg.agreements.models import Agreement


def content_sha256(agreement: Agreement) -> str:
    """The SHA-256 (hex) of what a signature on ``agreement`` confirms."""
    content: dict[str, Any] = {
        "title": agreement.title,
        "version": agreement.version,
        "registry_number": agreement.diarienummer,
        "period": [agreement.period_start.isoformat(), agreement.period_end.isoformat()],
        "follow_up_date": agreement.follow_up_date.isoformat()
        if agreement.follow_up_date
        else None,
        "background": agreement.background,
        "causes": agreement.causes,
        "documentation": agreement.documentation,
        "follow_up": agreement.follow_up,
        "problems": sorted(p.title for p in agreement.problems.all()),
        "goals": sorted(g.statement for g in agreement.goals.all()),
        "promises": [
            {
                "year": p.year,
                "focus_area": p.focus_area,
                "text": p.text,
                "activities": sorted(a.title for a in p.activities.all()),
                "indicators": sorted(i.name for i in p.indicators.all()),
            }
            for p in agreement.promises.order_by("year", "pk")
        ],
        "parties": [
            {
                "organisation": party.organisation.name,
                "role": party.signatory_role,
                "signatory": party.signatory.get_full_name() if party.signatory else None,
            }
            for party in agreement.parties.select_related("organisation", "signatory")
        ],
    }
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class SigningBackend(Protocol):
    """How a signer confirms who they are at the moment of signing."""

    def form(self, user: Any, data: Any = None) -> forms.Form:
        """The fields the signing page asks for (bound to ``data`` when posted)."""

    def confirm(self, user: Any, form: forms.Form) -> str:
        """Check the valid form; return a short name of the method used, e.g. "password"."""


class _PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.two_factor = user_has_device(user)
        if not self.two_factor:
            del self.fields["otp_token"]
        else:
            self.fields["otp_token"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "password" in data and not self.user.check_password(data["password"]):
            raise forms.ValidationError(
                _("The password is not right. Give the password you sign in with.")
            )
        token = data.get("otp_token")
        if self.two_factor and token and match_token(self.user, token) is None:
            raise forms.ValidationError(
                _("The code is not right or has expired. Give the code your app shows now.")
            )
        return data


class PasswordConfirmation:
    """The default: the signer's password, and their authenticator code if they have one."""

    def form(self, user: Any, data: Any = None) -> forms.Form:
        return _PasswordForm(data, user=user)

    def confirm(self, user: Any, form: forms.Form) -> str:
        return "password+totp" if getattr(form, "two_factor", False) else "password"


def signing_backend() -> SigningBackend:
    """The configured backend (``SAMTRYGG_SIGNING_BACKEND``), or password confirmation."""
    path = getattr(settings, "SAMTRYGG_SIGNING_BACKEND", "")
    backend: SigningBackend = import_string(path)() if path else PasswordConfirmation()
    return backend
