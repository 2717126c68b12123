"""A live Chromium driven by Playwright against the live server (tests/conftest.py)."""
import shutil

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.fail("Debian's chromium is needed for browser tests: apt-get install -y chromium")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page; the test fails if the page logs any console error."""
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    errors = []

    def console(msg):
        # A refused request (409, 422...) is the page's expected answer to show, not a page error.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource: the server responded with a status of 4"):
            errors.append(msg.text)

    page.on("console", console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"console errors: {errors}"


@pytest.fixture
def sign_in(page):
    from tests.conftest import PASSWORD

    def sign_in(username="eddie", password=PASSWORD):
        page.goto("/login")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/login" not in url)

    return sign_in
