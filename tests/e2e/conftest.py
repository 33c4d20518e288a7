"""End-to-end fixtures: the real app served on loopback, driven by Debian's Chromium through Playwright.

The browser is never downloaded: Playwright launches /usr/bin/chromium (override with env CHROMIUM).
Without it the tests are skipped, unless E2E_REQUIRE_BROWSER=1 (set by .ci/run): then they fail.

Fixture names avoid pytest-playwright's (`playwright`, `browser`, `context`, `page`) so that plugin,
when installed, neither interferes nor gets used.
"""
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from factories import make_account
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


@pytest.fixture
def new_context(chromium, live_server):
    """new_context(**options): another browser context (a browser of its own: cookies, storage) on the
    live server, in French; the caller closes it."""

    def new_context(**options):
        context = chromium.new_context(base_url=live_server.url, locale="fr-FR", **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        return context

    return new_context


@pytest.fixture
def browser_problems():
    return BrowserProblems()


@pytest.fixture
def js_context(new_context):
    context = new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def js_page(js_context, browser_problems):
    """A page with JavaScript on; `browser_problems` watches it and every page of its context."""
    return browser_problems.watch(js_context.new_page())


@pytest.fixture
def nojs_context(new_context):
    context = new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
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


class Axe:
    """axe-core (bundled by axe-playwright-python) run inside a page: every violation fails the test.

    The engine is injected through the DevTools protocol, so the Content-Security-Policy (no inline
    script) does not block it, and it works with JavaScript off as well."""

    # WCAG 2.0/2.1/2.2 A and AA (what RGAA requires) plus axe's best practices.
    OPTIONS = {
        "resultTypes": ["violations"],
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    }

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe as Engine

        self.engine = Engine()

    def violations(self, page, context=None):
        """A readable list of axe violations on the page as it is now (empty when it passes)."""
        results = self.engine.run(page, context=context, options=self.OPTIONS)
        found = []
        for violation in results.response.get("violations", []):
            targets = [", ".join(map(str, node["target"])) for node in violation["nodes"]][:5]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
        return found

    def assert_accessible(self, page, where=""):
        found = self.violations(page)
        assert not found, f"axe violations on {where or page.url}:\n  " + "\n  ".join(found)


@pytest.fixture(scope="session")
def axe():
    """axe.violations(page) / axe.assert_accessible(page, where): axe-core's verdict on a page."""
    return Axe()


@dataclass
class Seeded:
    manager_email: str
    requester_email: str
    structure_id: int
    request_id: int
    activation_token: str
    reset_token: str


@pytest.fixture
def seeded(live_server):
    """Written straight into the live server's database, for tests that start after sign-up: an active
    principal manager (portal administrator too), a structure, a pending request of an account never
    activated, and the tokens of an activation link and of a reset link."""
    from webapp.account.password_reset import PURPOSE as RESET_PURPOSE
    from webapp.credentials import hours, issue_token
    from webapp.extensions import db
    from webapp.models import Account, AttachmentRequest, Membership, Role, Structure

    app = live_server.app
    people = dict(secret_answer="medor", locale="fr")
    manager = make_account(app, "manager@example.fr", first_name="Alice", last_name="Martin", is_admin=True, **people)
    requester = make_account(app, "bruno@example.fr", active=False, first_name="Bruno", last_name="Durand", **people)
    newcomer = make_account(app, "newcomer@example.fr", active=False, first_name="Chloé", last_name="Petit", **people)
    with app.app_context(), db.connection_context():
        structure = Structure.create(
            identifier_type="SIRET", identifier="90110001600012", company_name="ATELIERS DU LAMPADAIRE BLEU",
            address_line="12 BIS AVENUE DES LILAS", postcode="75012", city="PARIS", structure_type="company",
        )
        Membership.create(account=manager, structure=structure, role=Role.PRINCIPAL_MANAGER)
        attachment = AttachmentRequest.create(account=requester, structure=structure)
        return Seeded(
            "manager@example.fr", "bruno@example.fr", structure.id, attachment.id,
            issue_token(Account.get_by_id(newcomer), "activation", hours(24)),
            issue_token(Account.get_by_id(manager), RESET_PURPOSE, hours(1)),
        )
