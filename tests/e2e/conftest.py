"""End-to-end fixtures: the real app served on loopback, driven by Debian's Chromium through Playwright.

The browser is never downloaded: Playwright launches /usr/bin/chromium (override with env CHROMIUM).
Without it the tests are skipped, unless E2E_REQUIRE_BROWSER=1 (set by .ci/run): then they fail.

Fixture names avoid pytest-playwright's (`playwright`, `browser`, `context`, `page`) so that plugin,
when installed, neither interferes nor gets used.
"""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the suite may run as root (CI containers)
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def require_browser():
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return
    message = f"Chromium not found at {CHROMIUM}: install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("E2E_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (E2E_REQUIRE_BROWSER=1, so this is an error, not a skip)", pytrace=False)
    pytest.skip(message)


class LiveServer:
    """The app from create_app() in a background thread, on 127.0.0.1 and a free port."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        app.config["PORTAL_BASE_URL"] = self.url  # links in e-mails point back here
        self.thread = threading.Thread(target=self.server.serve_forever, name="e2e-live-server", daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.server.server_close()


@pytest.fixture
def live_server(tmp_path):
    """A fresh app and database per test: a SIRET declared by one test does not turn the next
    test's sign-up into an attachment request. create_app() takes a fraction of a second."""
    from webapp import create_app
    from webapp.extensions import db

    database = tmp_path / "portal.sqlite3"
    app = create_app(
        {
            "TESTING": True,
            "PORTAL_ENV": "development",  # the dev mailbox; an unset PORTAL_ENV is production
            "DATABASE_URL": f"sqlite:///{database}",
            "CAPTCHA_TEST_MODE": True,
            "SIRENE_DEMO": True,
            "SIRENE_PROVIDER": "local",  # the demo register; never a remote API
            "MAIL_SERVER": "",  # e-mails land in the dev mailbox page
            "RATELIMIT_ENABLED": False,
            "TEMPLATES_AUTO_RELOAD": False,
        }
    )
    server = LiveServer(app).start()
    yield server
    server.stop()
    if not db.is_closed():
        db.close()


@pytest.fixture(scope="session")
def chromium():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


from .browser_problems import BrowserProblems  # noqa: E402


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test that passed fails if its browser reported a problem it did not expect
    (`browser_problems.expect(pattern)`): console errors, CSP violations, page errors."""
    result = yield
    problems = item.funcargs.get("browser_problems")
    if problems is not None:
        problems.settle()
        errors = problems.errors()
        if errors:
            pytest.fail("the browser reported problems:\n  " + "\n  ".join(errors), pytrace=False)
    return result


def new_context(chromium, live_server, **options):
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR", **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def browser_problems():
    return BrowserProblems()


@pytest.fixture
def js_context(chromium, live_server):
    context = new_context(chromium, live_server, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def js_page(js_context, browser_problems):
    """A page with JavaScript on; `browser_problems` watches it and every page of its context."""
    return browser_problems.watch(js_context.new_page())


@pytest.fixture
def nojs_context(chromium, live_server):
    context = new_context(
        chromium, live_server, java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    yield context
    context.close()


@pytest.fixture
def nojs_page(nojs_context, browser_problems):
    return browser_problems.watch(nojs_context.new_page())


@pytest.fixture
def screenshot_dir(tmp_path_factory):
    """Screenshots go to a temporary directory (printed with -s), never into the repository."""
    directory = Path(os.environ.get("E2E_SCREENSHOT_DIR") or tmp_path_factory.mktemp("screenshots"))
    directory.mkdir(parents=True, exist_ok=True)
    return directory
