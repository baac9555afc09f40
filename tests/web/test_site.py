"""Sign-in, throttling, language, security headers and settings from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import PASSWORD, World


def test_passwords_are_hashed_with_argon2_in_the_product() -> None:
    # The suite swaps in a fast hasher per test; the configured product setting is Argon2.
    from samtrygg.web import settings as product_settings

    assert product_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert any("MinimumLength" in v["NAME"] for v in product_settings.AUTH_PASSWORD_VALIDATORS)


def test_sign_in_lands_on_the_partnership_start_page(world: World, client: Any) -> None:
    response = client.post(
        reverse("login"), {"username": "reporter@alfa.test", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("partnership-start", args=["alfa"])
    assert "Alfa" in response.content.decode()


def test_login_is_throttled_after_repeated_failures(world: World, client: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "reporter@alfa.test", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "reporter@alfa.test", "password": PASSWORD})
    assert locked.status_code == 429
    assert "15" in locked.content.decode()


def test_sessions_expire(world: World) -> None:
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_interface_is_swedish_by_default_and_english_on_request(world: World, client: Any) -> None:
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="sv">' in page
    assert "Logga in" in page
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page


def test_security_headers_are_sent(world: World, client: Any) -> None:
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_traceback_reaches_a_user_on_a_missing_page(world: World, client_for: Any) -> None:
    response = client_for("viewer").get("/no-such-partnership/areas/")
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()


def _settings_in_subprocess(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "SAMTRYGG_DEBUG", "DATABASE_URL")
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import samtrygg.web.settings as s; print(s.DATABASES['default']['ENGINE'], s.SECURE)",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_secret_key_is_required_outside_debug() -> None:
    result = _settings_in_subprocess({})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("sqlite:////tmp/samtrygg-settings-test.sqlite3", "django.db.backends.sqlite3"),
        ("postgresql://postgres@127.0.0.1:5432/test", "django.db.backends.postgresql"),
    ],
)
def test_database_url_selects_the_engine(url: str, engine: str) -> None:
    result = _settings_in_subprocess({"SECRET_KEY": "k", "DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == engine
    assert result.stdout.split()[1] == "True"  # production defaults are secure


def test_unsupported_database_url_is_refused_with_a_clear_message() -> None:
    result = _settings_in_subprocess({"SECRET_KEY": "k", "DATABASE_URL": "mysql://x@y/z"})
    assert result.returncode != 0
    assert "is not supported" in result.stderr


def test_bad_boolean_setting_names_the_variable() -> None:
    result = _settings_in_subprocess({"SECRET_KEY": "k", "SAMTRYGG_SECURE": "maybe"})
    assert "SAMTRYGG_SECURE='maybe' is not a yes/no value" in result.stderr


def test_an_english_browser_still_gets_swedish_until_english_is_chosen(
    world: World, client: Any
) -> None:
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="sv">' in page


def _map_settings(env: dict[str, str]) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SAMTRYGG_MAP")}
    code = (
        "import samtrygg.web.settings as s\n"
        "print(s.MAP_TILE_URL); print(s.MAP_TILE_ATTRIBUTION)\n"
        "print(' '.join(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "SECRET_KEY": "k", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_maps_have_a_background_with_attribution_out_of_the_box() -> None:
    url, attribution, img_src = _map_settings({})
    assert url.startswith("https://") and "{z}/{x}/{y}" in url
    assert "OpenStreetMap" in attribution
    assert "https://tile.openstreetmap.org" in img_src.split()


def test_maps_can_run_offline_without_any_outside_request() -> None:
    url, attribution, img_src = _map_settings({"SAMTRYGG_MAP_OFFLINE": "1"})
    assert url == "" and attribution == ""
    assert img_src.split() == ["'self'", "data:"]


def test_a_municipal_tile_server_replaces_the_default_and_its_attribution() -> None:
    url, attribution, img_src = _map_settings(
        {"SAMTRYGG_MAP_TILE_URL": "https://karta.kommun.se/wmts/{z}/{x}/{y}.png"}
    )
    assert url == "https://karta.kommun.se/wmts/{z}/{x}/{y}.png" and attribution == ""
    assert "https://karta.kommun.se" in img_src.split()


def test_a_server_worker_imports_every_view_before_its_first_request(tmp_path: Any) -> None:
    # A worker's first request used to import every URL module and view (0.7 s) while its
    # clients waited; the WSGI module now does it while the worker boots.
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    probe = (
        "import sys; import samtrygg.web.wsgi; "
        "print('samtrygg.public.views' in sys.modules, 'samtrygg.picture.views' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={**clean, "SECRET_KEY": "test-only", "SAMTRYGG_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
