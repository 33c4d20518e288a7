"""Wrong current passwords in "My account" are throttled per account: a growing wait, a short lock and an
e-mail to the owner, on every form that asks for it; signing in is never affected."""
import re
from datetime import timedelta

import pytest
from factories import NEW_PASSWORD, PASSWORD, WRONG_PASSWORD, account, csrf, forgot, reset, reset_path

from webapp.account.lockout import SignInFailure, claim_attempt
from webapp.account.password_check import counter_key
from webapp.credentials import verify_password
from webapp.extensions import db
from webapp.models import utcnow

WAIT = "Too many wrong passwords: try again in"
NOT_CURRENT = "This is not your current password."


@pytest.fixture
def app_config(app_config):
    return dict(app_config, LOCKOUT_DELAY_AFTER=2, LOCKOUT_MAX_DELAY_SECONDS=2, LOCKOUT_THRESHOLD=4,
                LOCKOUT_SECONDS=300, TWO_FACTOR="optional")


@pytest.fixture
def alice(client, active_alice, auth):
    assert auth.sign_in().status_code == 303
    return client


def send_form(client, path, **data):
    return client.post(path + "?lang=en", data=dict(data, csrf_token=csrf(client)))


FORMS = {
    "secret question": ("/mon-compte/question-secrete", {"secret_question": "first_school", "secret_answer": "Jaures"}),
    "password change": ("/mon-compte/mot-de-passe", {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}),
    "account deletion": ("/mon-compte/donnees/suppression", {"confirm": "y"}),
    "e-mailed codes off": ("/mon-compte/double-authentification/courriel", {"enable": "0"}),
}


def submit_form(client, form, password):
    path, data = FORMS[form]
    return send_form(client, path, current_password=password, **data)


def field_error(response):
    """The error shown for the current password (the summary names the field)."""
    return dict(re.findall(r'<li><a href="#([^"]+)">[^<]*?: ([^<]*)</a></li>', response.get_data(as_text=True))).get(
        "current_password", "")


def counter(app, account_id):
    with app.app_context(), db.connection_context():
        return SignInFailure.get_or_none(SignInFailure.email_digest == counter_key(account_id))


def wait_out(app, lock=False):
    past = utcnow() - timedelta(seconds=1)
    moments = {SignInFailure.next_attempt_at: past}
    if lock:
        moments[SignInFailure.locked_until] = past
    with app.app_context(), db.connection_context():
        SignInFailure.update(moments).execute()


def test_wrong_answers_make_the_next_one_wait_and_the_right_one_is_not_even_checked(app, alice):
    first, second = (submit_form(alice, "secret question", WRONG_PASSWORD) for _ in range(2))
    assert first.status_code == second.status_code == 422
    assert NOT_CURRENT in field_error(first)
    third = submit_form(alice, "secret question", WRONG_PASSWORD)  # past LOCKOUT_DELAY_AFTER: the next one waits
    assert NOT_CURRENT in field_error(third)
    waiting = submit_form(alice, "secret question", PASSWORD)
    assert waiting.status_code == 422 and WAIT in field_error(waiting)
    assert "Forgotten password" in field_error(waiting)
    assert account(app).secret_question == "first_pet"  # nothing changed
    wait_out(app)
    assert submit_form(alice, "secret question", PASSWORD).status_code == 303
    assert account(app).secret_question == "first_school"
    assert counter(app, account(app).id) is None  # the right password forgets the wrong ones


@pytest.mark.parametrize("form", FORMS)
def test_every_form_asking_the_current_password_is_throttled(app, alice, form):
    with app.app_context(), db.connection_context():
        from webapp.models import Account

        Account.update(email_codes_enabled=True).execute()
    for _ in range(3):
        assert NOT_CURRENT in field_error(submit_form(alice, form, WRONG_PASSWORD))
    response = submit_form(alice, form, PASSWORD)
    assert response.status_code == 422 and WAIT in field_error(response)
    assert counter(app, account(app).id).failures == 3


def test_the_forms_share_one_counter_per_account(app, alice):
    for form in FORMS:
        submit_form(alice, form, WRONG_PASSWORD)
        wait_out(app)
    assert counter(app, account(app).id).failures == 4 and counter(app, account(app).id).locked_until


def test_lock_mails_the_owner_once_and_never_stops_signing_in(app, client, alice, outbox, auth):
    for _ in range(4):
        submit_form(alice, "password change", WRONG_PASSWORD)
        wait_out(app)
    locked = submit_form(alice, "password change", PASSWORD)
    assert WAIT in field_error(locked) and "min" in field_error(locked)
    assert verify_password(account(app).password_hash, PASSWORD)
    notices = [m for m in outbox() if m.kind == "password_check_locked"]
    assert len(notices) == 1 and notices[0].recipient == "alice@example.fr" and notices[0].sent_at
    assert "/mot-de-passe-oublie" in notices[0].body_text and WRONG_PASSWORD not in notices[0].body_text
    assert "Signing in is not affected" in notices[0].body_text
    # Signing in, from this browser or a new one, is untouched by this counter.
    alice.post("/deconnexion", data={"csrf_token": csrf(alice)})
    assert auth.sign_in(client=alice).status_code == 303
    assert auth.sign_in(client=app.test_client()).status_code == 303
    # The lock is short: once it has passed, the right password is accepted.
    wait_out(app, lock=True)
    assert submit_form(alice, "password change", PASSWORD).status_code == 303


def test_a_password_reset_clears_the_counter(app, alice, outbox, auth):
    for _ in range(4):
        submit_form(alice, "secret question", WRONG_PASSWORD)
        wait_out(app)
    assert counter(app, account(app).id).locked_until is not None
    stranger = app.test_client()
    forgot(stranger, "alice@example.fr")
    [message] = [m for m in outbox() if m.kind == "password_reset"]
    assert reset(stranger, reset_path(message)).status_code == 303
    assert counter(app, account(app).id) is None
    assert auth.sign_in(client=stranger, password=NEW_PASSWORD).status_code == 303
    assert submit_form(stranger, "secret question", NEW_PASSWORD).status_code == 303


def test_simultaneous_guesses_cannot_pass_the_wait_together(app):
    """An attempt holds the counter until it is counted or forgotten: a second one at once must wait."""
    with app.test_request_context(), db.connection_context():
        key = counter_key(999)
        assert claim_attempt(key) == 0
        assert claim_attempt(key) > 0
