"""Two-factor sign-in with a time-based one-time code (TOTP, RFC 6238) from an authenticator app.

docs/domain.md §11 asks for TOTP for all staff. django-otp keeps the devices and checks the codes
(with its own throttling after wrong codes); this module adds the pages and the rule:

- Someone who has switched it on signs in with the password and then the six-digit code; until
  the code is given every page but the code page, sign-out and the language switch sends them
  there (:class:`TwoFactorMiddleware`). Deny by default: a new page needs nothing to be covered.
- With ``SAMTRYGG_REQUIRE_2FA`` on, someone without an authenticator is sent to set one up
  before anything else, and cannot switch it off.
- Setting up gives ten one-time backup codes (django-otp's static tokens), shown once, for
  when the phone is lost; new codes can be made at any time and replace the old ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# Pages a half-signed-in person may reach: the code pages themselves, signing out, the language.
OPEN_URL_NAMES = {
    "two-factor-verify",
    "two-factor-setup",
    "logout",
    "set_language",
    "healthz",
    "login",
}
OPEN_PREFIXES = ("public-",)  # the public pages need no sign-in at all
BACKUP_CODES = 10


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Six-digit code from the app"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
    # At sign-in a backup code is also accepted; when setting up only the app's code is.
    backup_allowed = False

    def clean_code(self) -> str:
        code = "".join((self.cleaned_data.get("code") or "").replace("-", " ").split()).lower()
        if code.isdigit() and len(code) == 6:
            return code
        if self.backup_allowed and len(code) == 8 and code.isalnum():
            return code
        if self.backup_allowed:
            raise forms.ValidationError(
                _("Give the six digits the app shows now, or one of your backup codes.")
            )
        raise forms.ValidationError(_("Give the six digits the app shows now."))


class SignInCodeForm(CodeForm):
    backup_allowed = True


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> str:
    from urllib.parse import urlencode

    return reverse(name) + "?" + urlencode({"next": request.get_full_path()})


class TwoFactorMiddleware:
    """Send signed-in people who still owe a code (or an authenticator) to the right page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if user.is_authenticated and not user.is_verified() and not self._open(request):
            # One query on every request of an unverified person: only the app's device counts
            # (backup codes exist only beside it), as on the code page itself.
            if _confirmed(user) is not None:
                return redirect(_with_next("two-factor-verify", request))
            if settings.SAMTRYGG_REQUIRE_2FA:
                return redirect(_with_next("two-factor-setup", request))
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        if request.path_info.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # a 404 reveals nothing
        name = match.url_name or ""
        return name in OPEN_URL_NAMES or name.startswith(OPEN_PREFIXES)


def _confirmed(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def _backup_device(user: Any) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def new_backup_codes(user: Any) -> list[str]:
    """Replace the user's backup codes with :data:`BACKUP_CODES` new one-time codes."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="backup", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def _backup_codes_page(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    # Shown once: only django-otp's table holds them afterwards, and this page is not cached.
    context = {"codes": [f"{c[:4]}-{c[4:]}" for c in codes], "next": next_url}
    response = render(request, "registration/two_factor_backup_codes.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _check(request: HttpRequest, device: TOTPDevice, form: CodeForm) -> bool:
    """Verify the form's code on ``device``; put the reason on the form when it fails."""
    allowed, data = device.verify_is_allowed()
    if not allowed:
        form.add_error(
            "code",
            _(
                "Too many wrong codes in a row. Wait a minute and try again with the code the "
                "app shows then."
            ),
        )
        return False
    if device.verify_token(form.cleaned_data["code"]):
        return True
    form.add_error(
        "code",
        _("The code is wrong or has expired. Check the time on your phone and try the new code."),
    )
    return False


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the authenticator app."""
    user: Any = request.user
    device = _confirmed(user)
    if device is None:
        return redirect(_with_next("two-factor-setup", request))
    if user.is_verified():
        return redirect(_safe_next(request))
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if code.isdigit():
            used: Any = device if _check(request, device, form) else None
        else:
            used = _check_backup(user, form)
        if used is not None:
            otp_login(request, used)
            if isinstance(used, StaticDevice):
                left = used.token_set.count()
                messages.warning(
                    request,
                    _(
                        "You signed in with a backup code; %(n)d are left. Make new ones under "
                        "Two-factor sign-in when few remain."
                    )
                    % {"n": left},
                )
            return redirect(_safe_next(request))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "next": _safe_next(request)}
    return render(request, "registration/two_factor_verify.html", context, status=status)


def _check_backup(user: Any, form: CodeForm) -> StaticDevice | None:
    """The backup-code device if the form's code is one of the user's unused codes."""
    device = _backup_device(user)
    if device is not None and not device.verify_is_allowed()[0]:
        form.add_error("code", _("Too many wrong codes in a row. Wait a minute and try again."))
        return None
    if device is not None and device.verify_token(form.cleaned_data["code"]):
        return device
    form.add_error("code", _("This backup code is not valid, or it has been used already."))
    return None


def _qr_svg(url: str) -> str:
    # segno writes the QR code itself as SVG (no image service, works offline); its output
    # holds only the encoded otpauth URL as path data, so it is safe to inline.
    svg = segno.make(url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=_("QR code for the authenticator app")
    )
    return mark_safe(svg)  # noqa: S308 - markup made by segno from our own URL


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Switch two-factor sign-in on: scan the QR code, then confirm with one code."""
    user: Any = request.user
    if _confirmed(user) is not None:
        if not user.is_verified():
            return redirect(_with_next("two-factor-verify", request))
        backup = _backup_device(user)
        context: dict[str, Any] = {
            "enabled": True,
            "required": settings.SAMTRYGG_REQUIRE_2FA,
            "backup_left": backup.token_set.count() if backup else 0,
        }
        return render(request, "registration/two_factor_setup.html", context)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Samtrygg", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check(request, device, form):
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        messages.success(
            request, _("Two-factor sign-in is on. Next time you sign in, the app's code is asked.")
        )
        return _backup_codes_page(request, new_backup_codes(user), _safe_next(request))
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    context = {
        "enabled": False,
        "form": form,
        "qr": _qr_svg(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _safe_next(request),
        "required": settings.SAMTRYGG_REQUIRE_2FA,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/two_factor_setup.html", context, status=status)


@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    """Switch two-factor sign-in off (not allowed where it is required); needs a current code."""
    user: Any = request.user
    device = _confirmed(user)
    if settings.SAMTRYGG_REQUIRE_2FA:
        messages.error(
            request, _("Two-factor sign-in is required here and cannot be switched off.")
        )
        return redirect("two-factor-setup")
    if device is None:
        return redirect("two-factor-setup")
    form = CodeForm(request.POST)
    if form.is_valid() and _check(request, device, form):
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        messages.success(request, _("Two-factor sign-in is off."))
        return redirect("two-factor-setup")
    backup = _backup_device(user)
    context = {
        "enabled": True,
        "required": False,
        "disable_form": form,
        "backup_left": backup.token_set.count() if backup else 0,
    }
    return render(request, "registration/two_factor_setup.html", context, status=400)


@login_required
@require_POST
def backup_codes(request: HttpRequest) -> HttpResponse:
    """Make new backup codes (the old ones stop working); only in a session verified by a code."""
    user: Any = request.user
    if _confirmed(user) is None:
        return redirect("two-factor-setup")
    if not user.is_verified():
        return redirect(_with_next("two-factor-verify", request))
    return _backup_codes_page(request, new_backup_codes(user), reverse("two-factor-setup"))
