"""Every page each role reaches fits a 390 × 844 phone and speaks Swedish.

The demo partnership (organisations, accounts, areas, synthetic incidents, plans, agreement) is
loaded into the test database; each demo account then walks every page it can reach by links
from its start page and from the public page, one page per URL shape (ids folded). The page may
not scroll sideways (wide tables may scroll inside their own box), and its visible text may not
contain common English words (addresses and file names aside): English left in a Swedish page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility

PHONE = {"width": 390, "height": 844}
# Downloads, sign-out and the language switch are not pages to measure.
NOT_A_PAGE = re.compile(
    r"(\.(csv|docx|pdf|geojson|json|xlsx)$|[?&]format=|/export|/download|logout|/admin/|setlang)"
)
# An element is out of bounds when it reaches past the viewport without a scrolling ancestor.
OVERFLOW = """() => {
  const clipped = (e) => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(e))
    .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + e.className);
  return [document.documentElement.scrollWidth, wide];
}"""


# Words that are English and not Swedish; a hit means an untranslated text.
ENGLISH = re.compile(
    r"\b(the|and|with|your|you|this|that|of|is|are|for|has|have|none|yes|no such|select|choose|"
    r"save|delete|cancel|file|row|rows|column|blank|created|updated|signed)\b",
    re.I,
)
URLISH = re.compile(r"\S*[/@]\S*|\S+\.(?:csv|xlsx|json|geojson|gpkg|docx|pdf)\b", re.I)


def _english(text: str) -> list[str]:
    lines = (URLISH.sub(" ", line) for line in text.splitlines())
    return [line.strip()[:80] for line in lines if ENGLISH.search(line)]


def _shape(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/N", path.split("?")[0].split("#")[0])


@pytest.fixture
def demo(transactional_db: Any, settings: Any) -> Any:
    """The demo partnership with a smaller number of synthetic incidents."""
    from samtrygg.demo.incidents import load_demo_incidents
    from samtrygg.demo.partnership import load_demo
    from samtrygg.demo.plans import load_demo_plans

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    partnership = load_demo()
    load_demo_incidents(partnership, n=1500)
    load_demo_plans(partnership)
    return partnership


def _sign_in(page: Any, email: str) -> None:
    from samtrygg.demo.partnership import DEMO_PASSWORD

    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def _walk(page: Any, slug: str, limit: int = 90) -> tuple[int, list[str]]:
    """Visit every page shape reachable by links; return the count and the pages that overflow."""
    queue, seen, problems = [f"/{slug}/", f"/p/{slug}/"], set(), []
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if _shape(url) in seen:
            continue
        seen.add(_shape(url))
        response = page.goto(url)
        page.wait_for_load_state()
        status = response.status if response else 0
        width, wide = page.evaluate(OVERFLOW)
        if status >= 500 or width > PHONE["width"]:
            problems.append(f"{url}: status {status}, page {width} px wide ({wide})")
        english = _english(page.evaluate("document.body.innerText"))
        if english:
            problems.append(f"{url}: English on a Swedish page: {english[:3]}")
        for href in page.eval_on_selector_all("a[href]", "a => a.map(e => e.getAttribute('href'))"):
            inside = href.startswith((f"/{slug}/", f"/p/{slug}/"))
            if inside and "#" not in href and not NOT_A_PAGE.search(href):
                queue.append(href)
    return len(seen), problems


@pytest.mark.parametrize(
    "email",
    [
        "samordnare@demo.samtrygg.example",
        "analytiker@demo.samtrygg.example",
        "skola@demo.samtrygg.example",
        "politiker@demo.samtrygg.example",
    ],
)
def test_every_page_a_role_reaches_fits_a_phone_and_speaks_swedish(
    browser: Any, live_server: Any, demo: Any, email: str
) -> None:
    context = browser.new_context(locale="sv-SE", base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(30000)
    page = context.new_page()
    try:
        _sign_in(page, email)
        visited, problems = _walk(page, demo.slug)
    finally:
        context.close()
    assert visited >= 10, f"{email} reached only {visited} pages"
    assert not problems, "\n".join(problems)


def test_the_public_page_fits_a_phone_for_a_resident(
    browser: Any, live_server: Any, demo: Any
) -> None:
    context = browser.new_context(locale="sv-SE", base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"/p/{demo.slug}/")
        width, wide = page.evaluate(OVERFLOW)
    finally:
        context.close()
    assert width <= PHONE["width"], wide


def test_the_menu_folds_away_on_a_phone_and_opens_with_its_button(
    browser: Any, live_server: Any, demo: Any
) -> None:
    context = browser.new_context(locale="sv-SE", base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    try:
        _sign_in(page, "samordnare@demo.samtrygg.example")
        page.goto(f"/{demo.slug}/")
        menu = page.locator("#site-menu")
        button = page.get_by_role("button", name="Meny")
        expect(menu).not_to_be_visible()
        header = page.locator(".site-header").bounding_box()
        # Folded, the header is one line: the page starts high on the screen.
        assert header["height"] < 0.15 * PHONE["height"]
        button.click()
        assert menu.is_visible() and button.get_attribute("aria-expanded") == "true"
        with page.expect_navigation():
            page.get_by_role("link", name="Händelser").click()
        expect(page).to_have_url(re.compile(re.escape(f"/{demo.slug}/incidents/") + "$"))
        check_accessibility(page)
    finally:
        context.close()


def test_the_menu_stays_open_on_a_desktop(browser: Any, live_server: Any, demo: Any) -> None:
    context = browser.new_context(
        locale="sv-SE", base_url=live_server.url, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    try:
        _sign_in(page, "samordnare@demo.samtrygg.example")
        page.goto(f"/{demo.slug}/")
        expect(page.locator("#site-menu")).to_be_visible()
        expect(page.get_by_role("button", name="Meny")).not_to_be_visible()
    finally:
        context.close()
