import re

import pytest

from webapp import create_app
from webapp.extensions import db
from webapp.models import OutboxMessage


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
            "CAPTCHA_TEST_MODE": True,
            "SIRENE_DEMO": True,
            "MAIL_SERVER": "",
            "PORTAL_BASE_URL": "http://portal.test",
            "RATELIMIT_ENABLED": False,
        }
    )
    yield app
    if not db.is_closed():
        db.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def csrf_token(client):
    """The CSRF token of the client's session, read from a page like a browser would."""

    def read():
        page = client.get("/").get_data(as_text=True)
        return re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)

    return read


@pytest.fixture
def outbox(app):
    """The e-mails the portal has written, oldest first."""

    def read():
        with app.app_context(), db.connection_context():
            return list(OutboxMessage.select().order_by(OutboxMessage.id))

    return read
