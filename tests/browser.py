"""Browser test support (a pytest plugin, registered in the root conftest.py).

Tests marked `@pytest.mark.browser` drive Debian's Chromium through Playwright's sync API against
pytest-django's `live_server`, and use `transactional_db` so that the server thread sees their data.

Fixtures: `browser` (one headless Chromium per session), `page` (a fresh context and page per test).
Helpers: `sign_in(page, live_server, username, password)` through the real login form, and
`assert_accessible(page)`, which injects axe-core and fails on serious or critical violations.
"""

import os
from urllib.parse import urljoin

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run beside one
# unless told it is safe (the tests' own ORM calls happen between browser steps, never inside them).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"needs Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # wait for the page after the login form (the current page answers at once, before it has gone)
    page.wait_for_url(lambda url: "/login/" not in url, timeout=15_000)


def axe_violations(page) -> list[dict]:
    """Run axe-core on the current page and answer its violations, of every impact.

    The page is first let settle: the pointer moved off the links it last clicked and every CSS
    transition finished, so that colour contrast is measured on the page as it rests (on a loaded
    machine axe otherwise catches a link halfway through its hover transition)."""
    page.mouse.move(0, 0)
    page.wait_for_load_state()
    page.wait_for_function(
        "() => document.getAnimations().every((a) => a.playState !== 'running'"
        " || a.effect.getComputedTiming().endTime === Infinity)"
    )
    # From the portal's own static files: the Content-Security-Policy refuses an inline copy.
    page.add_script_tag(url=urljoin(page.url, "/static/vendor/axe-core/axe.min.js"))
    return page.evaluate("async () => (await axe.run(document)).violations")


def assert_accessible(page, impacts=("serious", "critical")) -> None:
    """Fail listing every axe-core violation of the given impacts (all of them with impacts=None)."""
    bad = [v for v in axe_violations(page) if impacts is None or v.get("impact") in impacts]
    if bad:
        lines = [f"{page.url}: {len(bad)} accessibility violation(s)"]
        for violation in bad:
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({targets})")
        pytest.fail("\n".join(lines), pytrace=False)
