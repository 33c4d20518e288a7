"""Sign-in lockout per address: growing wait, short lock, owner told by e-mail, no enumeration, and the
owner's own browser never locked out."""
from datetime import timedelta

import pytest
from test_sign_in import PASSWORD, active_alice, csrf  # noqa: F401  (a pytest fixture)

from webapp.account.lockout import SignInFailure
from webapp.extensions import db
from webapp.models import utcnow

WRONG = "Wrong-Horse-42x"
PAUSED = "Too many failed attempts with this address"


@pytest.fixture
def app_config(app_config):
    return dict(app_config, LOCKOUT_DELAY_AFTER=2, LOCKOUT_MAX_DELAY_SECONDS=2, LOCKOUT_THRESHOLD=4,
                LOCKOUT_SECONDS=300, TWO_FACTOR="off")


def attempt(client, email="alice@example.fr", password=WRONG):
    return client.post("/connexion", data={"email": email, "password": password, "csrf_token": csrf(client)})


def let_time_pass(app, **moments):
    """Move the waits into the past, as if the attacker had waited."""
    past = utcnow() - timedelta(seconds=1)
    with app.app_context(), db.connection_context():
        SignInFailure.update({getattr(SignInFailure, k): past for k in moments}).execute()


def failures_until_locked(app, client, email):
    codes = []
    for _ in range(4):
        codes.append(attempt(client, email).status_code)
        let_time_pass(app, next_attempt_at=True)
    return codes


def test_wait_grows_after_a_few_failures_and_even_the_right_password_waits(app, client, active_alice):
    assert [attempt(client).status_code for _ in range(2)] == [422, 422]
    attempt(client)  # third failure: the next attempt must wait
    response = attempt(client, password=PASSWORD)
    assert response.status_code == 429
    assert PAUSED in response.get_data(as_text=True)
    let_time_pass(app, next_attempt_at=True)
    assert attempt(client, password=PASSWORD).status_code == 303
    with app.app_context(), db.connection_context():
        assert SignInFailure.select().count() == 0  # success forgets the failures


def test_lock_at_threshold_mails_the_owner_once_and_ends_soon(app, client, active_alice, outbox):
    attacker = app.test_client()
    assert failures_until_locked(app, attacker, "alice@example.fr") == [422, 422, 422, 422]
    locked = attempt(attacker, password=PASSWORD)
    assert locked.status_code == 429
    body = locked.get_data(as_text=True)
    assert PAUSED in body and "min" in body
    notices = [m for m in outbox() if m.kind == "sign_in_locked"]
    assert len(notices) == 1 and notices[0].recipient == "alice@example.fr"
    assert "/mot-de-passe-oublie" in notices[0].body_text
    assert WRONG not in notices[0].body_text
    let_time_pass(app, next_attempt_at=True, locked_until=True)
    assert attempt(attacker, password=PASSWORD).status_code == 303


def test_unknown_address_answers_exactly_like_a_known_one(app, client, active_alice, outbox):
    known = [attempt(app.test_client(), "alice@example.fr").status_code for _ in range(4)]
    unknown = [attempt(app.test_client(), "nobody@example.fr").status_code for _ in range(4)]
    assert known == unknown
    assert not [m for m in outbox() if m.recipient == "nobody@example.fr"]


def test_owner_browser_that_signed_in_before_is_not_locked_out(app, client, active_alice):
    assert attempt(client, password=PASSWORD).status_code == 303  # the owner's browser, remembered
    client.post("/deconnexion", data={"csrf_token": csrf(client)})
    attacker = app.test_client()
    failures_until_locked(app, attacker, "alice@example.fr")
    assert attempt(attacker, password=PASSWORD).status_code == 429
    assert attempt(client, password=PASSWORD).status_code == 303


def test_no_address_or_password_is_stored(app, client, active_alice):
    attempt(client)
    with app.app_context(), db.connection_context():
        [row] = SignInFailure.select()
    assert "alice" not in row.email_digest and len(row.email_digest) == 64
