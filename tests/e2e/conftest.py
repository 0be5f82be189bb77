"""End-to-end harness: the app (CSRF on) served on a real port, driven by Debian's Chromium via Playwright.

Records are created with the shared factory fixtures (`make_board`, `make_user`, ...), which write to the
same database the live server reads.
"""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.support.accounts import CHEAP_HASHING, PASSWORD
from tracker import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
HERE = Path(__file__).parent
# How long Playwright waits for a page, an element or an expectation: minutes, never seconds, since CI machines
# are shared and slow at times (a test that passes waits only as long as the page needs).
WAIT_MS = 120_000
ARTIFACTS = HERE / "artifacts"


def pytest_collection_modifyitems(items):
    """Mark every test in this folder `e2e` (so `-m "not e2e"` leaves them out)."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell in teardown whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def live_server(database_url, tmp_path):
    """The application with CSRF on, served in a background thread; yields its base URL."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "e2e", "WTF_CSRF_ENABLED": True,
                      "UPLOAD_FOLDER": str(tmp_path / "uploads"), **CHEAP_HASHING})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()
    app.extensions["engine"].dispose()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (skipped without Chromium, except on CI where that fails)."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser):
    """Open fresh browser contexts (Vietnamese locale, 1280x900); all are closed after the test."""
    contexts = []

    def open_context():
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(WAIT_MS)
        context.set_default_navigation_timeout(WAIT_MS)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(request, new_context):
    """A page in a new context; on failure a full-page screenshot goes to tests/e2e/artifacts/<test>.png."""
    page = new_context().new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot of the current page: screenshot("cluster-year") -> artifacts/cluster-year.png."""
    def take(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path
    return take


@pytest.fixture
def log_in(page, live_server):
    """Log in through the login form: log_in("thuky"), with the shared test password unless one is given.

    With `wait=True` it returns once the browser has left the login page.
    """
    def do(username: str, password: str = PASSWORD, wait: bool = True) -> None:
        page.goto(f"{live_server}/auth/login")
        page.locator("#username").fill(username)
        page.locator("#password").fill(password)
        page.locator("form:has(#password) button[type=submit]").click()
        if wait:
            page.wait_for_url(lambda url: "/auth/login" not in url)
    return do
