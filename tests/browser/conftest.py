"""Browser tests: Playwright driving Debian's Chromium against the live test server.

They skip, naming the missing piece, where /usr/bin/chromium (or SAMTRYGG_CHROMIUM) is absent.
Each page visited is also checked with axe-core for serious accessibility violations.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("SAMTRYGG_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls in the tests are still
# synchronous and safe, so Django's async guard is lifted for the browser tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # One xdist worker runs all browser tests: one browser, less memory.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("SAMTRYGG_REQUIRE_BROWSER"):
            pytest.fail(
                f"Chromium is missing at {CHROMIUM}, and this run requires the browser tests"
            )
        pytest.skip(f"Chromium is missing at {CHROMIUM}: install Debian's 'chromium' package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="sv-SE", base_url=live_server.url)
    context.set_default_timeout(15000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def bworld(transactional_db: Any, settings: Any) -> Any:
    """The personas, committed so that the live server sees them."""
    from tests.conftest import build_world

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()


def check_accessibility(page: Any) -> None:
    """Fail on serious or critical axe-core violations on the current page."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error

    # A click on a link only starts the navigation: axe must read the page that arrives, not the
    # one being torn down (its document is then null, or its context destroyed mid-run).
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            results = Axe().run(page)
            break
        except Error as error:
            if attempt == 2 or not _torn_down(str(error)):
                raise
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not serious, f"Accessibility violations on {page.url}: {serious}"


def _torn_down(message: str) -> bool:
    """Whether an evaluation failed because the page navigated away while it ran."""
    return any(
        sign in message
        for sign in (
            "Execution context was destroyed",
            "reading 'documentElement'",
            "navigation",
        )
    )


def sign_in(page: Any, email: str) -> None:
    from tests.conftest import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    # Wait for the answer to the submit, not for the login page that is already loaded.
    with page.expect_navigation():
        page.get_by_role("button", name="Logga in").click()
