"""The known-device cookie: set after a complete sign-in, checked on the server, expires after
KNOWN_DEVICE_DAYS, and dies with a password reset or change."""
import re
from datetime import timedelta

import pytest
from factories import (
    NEW_PASSWORD,
    PASSWORD,
    account,
    codes,
    csrf,
    failures_until_locked,
    forgot,
    reset,
    reset_path,
    send_code,
)

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


def owner_and_locked_address(app, auth):
    """The owner's browser signed in (known), signed out; then an attacker locks the address."""
    assert auth.sign_in(password=PASSWORD).status_code == 303
    auth.sign_out()
    attacker = app.test_client()
    failures_until_locked(app, auth, attacker, "alice@example.fr")
    assert auth.sign_in(client=attacker, password=PASSWORD).status_code == 429


def test_the_cookie_is_a_token_stored_hashed_and_expiring_after_the_setting(app, client, active_alice, auth):
    before = utcnow()
    assert auth.sign_in().status_code == 303
    token = device_cookie(client)
    [row] = devices(app)
    assert token and token not in row.token_hash and len(row.token_hash) == 64
    assert "alice" not in token and row.account_id == account(app).id
    days = app.config["KNOWN_DEVICE_DAYS"]
    assert timedelta(days=days) <= row.expires_at - before < timedelta(days=days, seconds=5)


def test_the_cookie_max_age_follows_the_setting(app, client, active_alice, auth):
    app.config["KNOWN_DEVICE_DAYS"] = 7
    response = auth.sign_in()
    header = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("known_device=")][0]
    assert f"Max-Age={7 * 86400}" in header and "HttpOnly" in header and "SameSite=Lax" in header


def test_a_known_browser_is_not_locked_out(app, client, active_alice, auth):
    owner_and_locked_address(app, auth)
    assert auth.sign_in(password=PASSWORD).status_code == 303


def test_an_expired_device_is_locked_out_like_any_browser(app, client, active_alice, auth):
    owner_and_locked_address(app, auth)
    kept = device_cookie(client)
    with app.app_context(), db.connection_context():
        KnownDevice.update(expires_at=utcnow() - timedelta(seconds=1)).execute()
    assert device_cookie(client) == kept  # the browser still sends it: the server refuses it
    assert auth.sign_in(password=PASSWORD).status_code == 429


def test_a_password_reset_forgets_every_known_browser(app, client, active_alice, outbox, auth):
    owner_and_locked_address(app, auth)
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
    failures_until_locked(app, auth, attacker, "alice@example.fr")
    assert auth.sign_in(password=NEW_PASSWORD).status_code == 429  # this browser is no longer known


def test_a_password_change_keeps_this_browser_and_forgets_the_others(app, client, active_alice, auth):
    assert auth.sign_in().status_code == 303
    other = app.test_client()
    assert auth.sign_in(client=other).status_code == 303
    assert len(devices(app)) == 2
    response = client.post("/mon-compte/mot-de-passe", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD,
        "csrf_token": csrf(client, "/mon-compte")})
    assert response.status_code == 303
    [row] = devices(app)
    from webapp.account.known_devices import token_hash

    assert row.token_hash == token_hash(device_cookie(client))


def test_a_new_sign_in_replaces_the_browsers_token(app, client, active_alice, auth):
    auth.sign_in()
    first = device_cookie(client)
    auth.sign_out()
    auth.sign_in()
    assert device_cookie(client) != first and len(devices(app)) == 1


def test_a_cookie_of_the_former_format_is_not_trusted(app, client, active_alice, auth):
    from itsdangerous import URLSafeSerializer

    from webapp.account.lockout import digest

    forged = URLSafeSerializer(app.config["SECRET_KEY"], salt="known-device").dumps(digest("alice@example.fr"))
    client.set_cookie("known_device", forged)
    attacker = app.test_client()
    failures_until_locked(app, auth, attacker, "alice@example.fr")
    assert auth.sign_in(password=PASSWORD).status_code == 429


def test_the_browser_becomes_known_only_after_the_second_step(app, client, active_alice, outbox, auth):
    app.config["TWO_FACTOR"] = "mandatory"
    assert auth.sign_in().headers["Location"] == "/connexion/code"
    assert device_cookie(client) is None and devices(app) == []  # the password alone is not enough
    assert send_code(client, codes(outbox)[0]).status_code == 303
    assert device_cookie(client) and len(devices(app)) == 1


def test_another_accounts_device_does_not_vouch_for_this_address(app, client, active_alice, auth):
    assert auth.sign_in().status_code == 303
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", device_cookie(client))
    attacker = app.test_client()
    failures_until_locked(app, auth, attacker, "bob@example.fr")
    assert auth.sign_in("bob@example.fr").status_code == 429
