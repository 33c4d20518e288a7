"""Fixtures. The app runs on a temporary SQLite file per test (never :memory:), or on PostgreSQL when
TEST_DATABASE_URL=postgresql://... is set: one throwaway database per session, emptied with
TRUNCATE ... RESTART IDENTITY CASCADE before each test (a fresh CREATE DATABASE per test costs ~0.3 s)."""
import os
import re
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

# Tests read an e-mail right after the request that queued it: the request delivers (inline), unless a
# test asks for the background thread (tests/test_background_delivery.py). Set before config.py loads.
os.environ.setdefault("OUTBOX_DELIVERY", "inline")

from webapp import create_app  # noqa: E402
from webapp.extensions import db
from webapp.models import OutboxMessage

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgresql://", "postgres://"))


def _admin_connection(url):
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
        user=parts.username or "postgres", password=parts.password, dbname=parts.path.lstrip("/") or "postgres",
    )
    connection.autocommit = True
    return connection


@pytest.fixture(scope="session")
def postgres_session_url():
    """A database created for this test session, dropped at its end (the named database is untouched)."""
    if not ON_POSTGRES:
        yield None
        return
    name = f"portal_test_{uuid.uuid4().hex[:10]}"
    admin = _admin_connection(TEST_DATABASE_URL)
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(TEST_DATABASE_URL)
    yield urlunsplit(("postgresql", parts.netloc, "/" + name, "", ""))
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def empty_postgres(url):
    connection = _admin_connection(url)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [row[0] for row in cursor.fetchall()]
        if tables:
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    finally:
        connection.close()


@pytest.fixture
def database_url(tmp_path, postgres_session_url):
    """The URL of an empty database for this test (tables are created by create_app)."""
    if postgres_session_url:
        empty_postgres(postgres_session_url)
        return postgres_session_url
    return f"sqlite:///{tmp_path / 'portal.sqlite3'}"


def close_pool():
    # Each create_app() opens its own pool: close every connection, or PostgreSQL runs out of slots.
    if not db.is_closed():
        db.close()
    pool = db.obj
    if pool is not None and hasattr(pool, "close_all"):
        pool.close_all()


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
def csrf_token(client):
    """The CSRF token of the client's session, read from a page like a browser would."""

    def read():
        page = client.get("/").get_data(as_text=True)
        return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)

    return read


@pytest.fixture
def outbox(app):
    """The e-mails the portal has written, oldest first."""

    def read():
        with app.app_context(), db.connection_context():
            return list(OutboxMessage.select().order_by(OutboxMessage.id))

    return read
