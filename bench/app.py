"""The apps the fragment load test serves with gunicorn (never used by the product).

    gunicorn --pythonpath <repo>/bench 'app:create_bench_app()'   # the portal, CSRF off
    gunicorn --pythonpath <repo>/bench 'app:create_bare_app()'    # one bare Flask endpoint

Settings come from the environment: BENCH_DATABASE_URL (the portal's database, demo register
loaded), BENCH_CSRF (default off: a load generator cannot carry a per-session token; a browser can),
BENCH_MAIL_SERVER (default none: e-mails stay in the dev mailbox; MAIL_PORT, MAIL_TIMEOUT_SECONDS and
OUTBOX_DELIVERY are read from the environment by config.py as usual).

The portal app also answers GET /bench/bare with two bytes, through every hook of the portal (session,
database connection, headers, request log): the round trip a page pays for nothing, the browser
benchmark's same-run baseline.
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402


def create_bench_app():
    from webapp import create_app

    app = create_app({
        "DATABASE_URL": os.environ["BENCH_DATABASE_URL"],
        "WTF_CSRF_ENABLED": os.environ.get("BENCH_CSRF", "0") == "1",
        "SIRENE_DEMO": True,
        "CAPTCHA_TEST_MODE": True,
        "MAIL_SERVER": os.environ.get("BENCH_MAIL_SERVER", ""),
        "RATELIMIT_ENABLED": False,
        "PORTAL_ENV": "development",
        "TEMPLATES_AUTO_RELOAD": False,
    })

    @app.get("/bench/bare")
    def bench_bare():
        return "ok"

    return app


def create_bare_app():
    app = Flask("bare")

    @app.post("/bare")
    def bare():
        return '<p class="hint" id="bare">ok</p>'

    return app


def issue_activation_token(app):
    """An account awaiting activation and its token, for the password checklist fragment."""
    from datetime import timedelta

    from webapp.extensions import db
    from webapp.models import Account, utcnow
    from webapp.credentials import issue_token

    with app.app_context(), db.connection_context():
        account, _ = Account.get_or_create(
            email="bench@example.test",
            defaults=dict(first_name="Bench", last_name="Mark", contact_email="bench@example.test",
                          terms_accepted_at=utcnow()),
        )
        return issue_token(account, "activation", timedelta(days=1))
