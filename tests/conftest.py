"""The app of a test and what every test may ask for: `app`, `client`, `runner`, `outbox`.

The other fixtures live in tests/fixtures/ (loaded below); plain helpers in tests/factories.py. A test
module takes fixtures as parameters and imports only from factories, never from another test module.
"""
import os

import pytest

# Tests read an e-mail right after the request that queued it: the request delivers (inline), unless a
# test asks for the background thread (tests/test_background_delivery.py). Set before config.py loads.
os.environ.setdefault("OUTBOX_DELIVERY", "inline")

from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import OutboxMessage  # noqa: E402

pytest.register_assert_rewrite("factories", "fixtures")  # their asserts explain a failure like a test's

pytest_plugins = [
    "fixtures.database",  # database_url, postgres_session_url
    "fixtures.auth",  # auth (sign in / out), active_alice, reset_link
    "fixtures.structures",  # requests_world, members_world
    "fixtures.smtp",  # smtp_server, smtputf8_server
    "fixtures.register",  # register_db, fake_api
    "fixtures.oidc",  # person, rp, public_rp, code_for
    "fixtures.hostile",  # hostile_app, hostile_portal
]


@pytest.fixture
def app_config(database_url):
    return {
        "TESTING": True,
        "PORTAL_ENV": "development",  # explicit: an unset PORTAL_ENV is production
        "DATABASE_URL": database_url,
        "CAPTCHA_TEST_MODE": True,
        "SIRENE_DEMO": True,
        "MAIL_SERVER": "",
        "PORTAL_BASE_URL": "http://portal.test",
        "RATELIMIT_ENABLED": False,
    }


@pytest.fixture
def app(app_config):
    from fixtures.database import close_pool

    app = create_app(app_config)
    yield app
    close_pool()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app):
    """The e-mails the portal has written, oldest first."""

    def read():
        with app.app_context(), db.connection_context():
            return list(OutboxMessage.select().order_by(OutboxMessage.id))

    return read
