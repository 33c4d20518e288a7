"""The known-device cookie: set after a complete sign-in, checked on the server, expires after
KNOWN_DEVICE_DAYS, and dies with a password reset or change."""
import re
from datetime import timedelta

import pytest
from test_account_password_reset import NEW, forgot, reset, reset_path
from test_account_two_factor import codes, send_code
from test_lockout import attempt, failures_until_locked
from test_sign_in import PASSWORD, account, active_alice, csrf, sign_in  # noqa: F401

from webapp.extensions import db
from webapp.models import KnownDevice, utcnow


@pytest.fixture
def app_config(app_config):
    return dict(app_config, LOCKOUT_DELAY_AFTER=2, LOCKOUT_MAX_DELAY_SECONDS=2, LOCKOUT_THRESHOLD=4,
                LOCKOUT_SECONDS=300, TWO_FACTOR="off")


def devices(app):
    with app.app_context(), db.connection_context():
        return list(KnownDevice.select().order_by(KnownDevice.id))


def device_cookie(client):
    cookie = client.get_cookie("known_device")
    return cookie.value if cookie else None


def owner_and_locked_address(app, client):
    """The owner's browser signed in (known), signed out; then an attacker locks the address."""
    assert attempt(client, password=PASSWORD).status_code == 303
    client.post("/deconnexion", data={"csrf_token": csrf(client)})
    attacker = app.test_client()
    failures_until_locked(app, attacker, "alice@example.fr")
    assert attempt(attacker, password=PASSWORD).status_code == 429


def test_the_cookie_is_a_token_stored_hashed_and_expiring_after_the_setting(app, client, active_alice):
    before = utcnow()
    assert sign_in(client).status_code == 303
    token = device_cookie(client)
    [row] = devices(app)
    assert token and token not in row.token_hash and len(row.token_hash) == 64
    assert "alice" not in token and row.account_id == account(app).id
    days = app.config["KNOWN_DEVICE_DAYS"]
    assert timedelta(days=days) <= row.expires_at - before < timedelta(days=days, seconds=5)


def test_the_cookie_max_age_follows_the_setting(app, client, active_alice):
    app.config["KNOWN_DEVICE_DAYS"] = 7
    response = sign_in(client)
    header = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("known_device=")][0]
    assert f"Max-Age={7 * 86400}" in header and "HttpOnly" in header and "SameSite=Lax" in header


def test_a_known_browser_is_not_locked_out(app, client, active_alice):
    owner_and_locked_address(app, client)
    assert attempt(client, password=PASSWORD).status_code == 303


def test_an_expired_device_is_locked_out_like_any_browser(app, client, active_alice):
    owner_and_locked_address(app, client)
    kept = device_cookie(client)
    with app.app_context(), db.connection_context():
        KnownDevice.update(expires_at=utcnow() - timedelta(seconds=1)).execute()
    assert device_cookie(client) == kept  # the browser still sends it: the server refuses it
    assert attempt(client, password=PASSWORD).status_code == 429


def test_a_password_reset_forgets_every_known_browser(app, client, active_alice, outbox):
    owner_and_locked_address(app, client)
    with app.app_context(), db.connection_context():
        from webapp.account.lockout import SignInFailure

        SignInFailure.delete().execute()  # the lock ended; the reset comes from a mailbox elsewhere
    elsewhere = app.test_client()
    forgot(elsewhere, "alice@example.fr")
    [message] = [m for m in outbox() if m.kind == "password_reset"]
    assert reset(elsewhere, reset_path(message)).status_code == 303
    # Every browser is forgotten but the one that completed the reset (the mailbox's owner's).
    assert len(devices(app)) == 1 and elsewhere.get_cookie("known_device") is not None
    attacker = app.test_client()
    failures_until_locked(app, attacker, "alice@example.fr")
    assert attempt(client, password=NEW).status_code == 429  # this browser is no longer known


def test_a_password_change_keeps_this_browser_and_forgets_the_others(app, client, active_alice):
    assert sign_in(client).status_code == 303
    other = app.test_client()
    assert sign_in(other).status_code == 303
    assert len(devices(app)) == 2
    response = client.post("/mon-compte/mot-de-passe", data={
        "current_password": PASSWORD, "password": NEW, "password_confirm": NEW,
        "csrf_token": csrf(client, "/mon-compte")})
    assert response.status_code == 303
    [row] = devices(app)
    from webapp.account.known_devices import token_hash

    assert row.token_hash == token_hash(device_cookie(client))


def test_a_new_sign_in_replaces_the_browsers_token(app, client, active_alice):
    sign_in(client)
    first = device_cookie(client)
    client.post("/deconnexion", data={"csrf_token": csrf(client)})
    sign_in(client)
    assert device_cookie(client) != first and len(devices(app)) == 1


def test_a_cookie_of_the_former_format_is_not_trusted(app, client, active_alice):
    from itsdangerous import URLSafeSerializer

    from webapp.account.lockout import digest

    forged = URLSafeSerializer(app.config["SECRET_KEY"], salt="known-device").dumps(digest("alice@example.fr"))
    client.set_cookie("known_device", forged)
    attacker = app.test_client()
    failures_until_locked(app, attacker, "alice@example.fr")
    assert attempt(client, password=PASSWORD).status_code == 429


def test_the_browser_becomes_known_only_after_the_second_step(app, client, active_alice, outbox):
    app.config["TWO_FACTOR"] = "mandatory"
    assert sign_in(client).headers["Location"] == "/connexion/code"
    assert device_cookie(client) is None and devices(app) == []  # the password alone is not enough
    assert send_code(client, codes(outbox)[0]).status_code == 303
    assert device_cookie(client) and len(devices(app)) == 1


def test_another_accounts_device_does_not_vouch_for_this_address(app, client, active_alice):
    assert sign_in(client).status_code == 303
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", device_cookie(client))
    attacker = app.test_client()
    failures_until_locked(app, attacker, "bob@example.fr")
    assert attempt(client, email="bob@example.fr", password=PASSWORD).status_code == 429
