"""Sign-in lockout per address: growing wait, short lock, owner told by e-mail, no enumeration, and the
owner's own browser never locked out."""
import pytest
from factories import PASSWORD, WRONG_PASSWORD, failures_until_locked, let_time_pass

from webapp.account.lockout import SignInFailure
from webapp.extensions import db

PAUSED = "Too many failed attempts with this address"


@pytest.fixture
def app_config(app_config):
    return dict(app_config, LOCKOUT_DELAY_AFTER=2, LOCKOUT_MAX_DELAY_SECONDS=2, LOCKOUT_THRESHOLD=4,
                LOCKOUT_SECONDS=300, TWO_FACTOR="off")


def test_wait_grows_after_a_few_failures_and_even_the_right_password_waits(app, client, active_alice, auth):
    assert [auth.sign_in(password=WRONG_PASSWORD).status_code for _ in range(2)] == [422, 422]
    auth.sign_in(password=WRONG_PASSWORD)  # third failure: the next attempt must wait
    response = auth.sign_in(password=PASSWORD)
    assert response.status_code == 429
    assert PAUSED in response.get_data(as_text=True)
    let_time_pass(app, next_attempt_at=True)
    assert auth.sign_in(password=PASSWORD).status_code == 303
    with app.app_context(), db.connection_context():
        assert SignInFailure.select().count() == 0  # success forgets the failures


def test_lock_at_threshold_mails_the_owner_once_and_ends_soon(app, client, active_alice, outbox, auth):
    attacker = app.test_client()
    assert failures_until_locked(app, auth, attacker, "alice@example.fr") == [422, 422, 422, 422]
    locked = auth.sign_in(client=attacker, password=PASSWORD)
    assert locked.status_code == 429
    body = locked.get_data(as_text=True)
    assert PAUSED in body and "min" in body
    notices = [m for m in outbox() if m.kind == "sign_in_locked"]
    assert len(notices) == 1 and notices[0].recipient == "alice@example.fr"
    assert "/mot-de-passe-oublie" in notices[0].body_text
    assert WRONG_PASSWORD not in notices[0].body_text
    let_time_pass(app, next_attempt_at=True, locked_until=True)
    assert auth.sign_in(client=attacker, password=PASSWORD).status_code == 303


def test_unknown_address_answers_exactly_like_a_known_one(app, client, active_alice, outbox, auth):
    known = [auth.sign_in("alice@example.fr", WRONG_PASSWORD, client=app.test_client()).status_code
             for _ in range(4)]
    unknown = [auth.sign_in("nobody@example.fr", WRONG_PASSWORD, client=app.test_client()).status_code
               for _ in range(4)]
    assert known == unknown
    assert not [m for m in outbox() if m.recipient == "nobody@example.fr"]


def test_owner_browser_that_signed_in_before_is_not_locked_out(app, client, active_alice, auth):
    assert auth.sign_in(password=PASSWORD).status_code == 303  # the owner's browser, remembered
    auth.sign_out()
    attacker = app.test_client()
    failures_until_locked(app, auth, attacker, "alice@example.fr")
    assert auth.sign_in(client=attacker, password=PASSWORD).status_code == 429
    assert auth.sign_in(password=PASSWORD).status_code == 303


def test_no_address_or_password_is_stored(app, client, active_alice, auth):
    auth.sign_in(password=WRONG_PASSWORD)
    with app.app_context(), db.connection_context():
        [row] = SignInFailure.select()
    assert "alice" not in row.email_digest and len(row.email_digest) == 64
