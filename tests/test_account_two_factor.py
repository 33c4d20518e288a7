"""Two-step sign-in: e-mailed codes (mandatory or opted in), the authenticator app (TOTP)."""
import re
import time
from datetime import timedelta

import pyotp
import pytest
from factories import PASSWORD, account, codes, csrf, send_code, update_account

from webapp.extensions import db
from webapp.models import SignInCode, utcnow


@pytest.fixture
def mandatory(app):
    app.config["TWO_FACTOR"] = "mandatory"


def signed_in_now(client):
    return client.get("/mon-compte").status_code == 200


def age_codes(app, seconds):
    with app.app_context(), db.connection_context():
        for row in SignInCode.select():
            row.created_at -= timedelta(seconds=seconds)
            row.expires_at -= timedelta(seconds=seconds)
            row.save()


def test_mandatory_asks_an_emailed_code_after_the_password(app, client, active_alice, mandatory, outbox, auth):
    response = auth.sign_in()
    assert response.status_code == 303 and response.headers["Location"] == "/connexion/code"
    assert not signed_in_now(client)  # between the two steps, not signed in
    with client.session_transaction() as session:
        assert "account_id" not in session and session["pending_sign_in"]["account_id"]
    page = client.get("/connexion/code?lang=en").get_data(as_text=True)
    assert "We have sent a 6-digit code to your login address alice@example.fr" in page
    [message] = [m for m in outbox() if m.kind == "sign_in_code"]
    assert message.recipient == "alice@example.fr"
    [code] = codes(outbox)
    with app.app_context(), db.connection_context():
        stored = SignInCode.get()
    assert code not in stored.code_hash and len(stored.code_hash) == 64  # stored hashed
    response = send_code(client, code[:3] + " " + code[3:])
    assert response.status_code == 303 and response.headers["Location"] == "/mon-compte"
    assert signed_in_now(client)


def test_the_code_is_single_use(app, active_alice, mandatory, outbox, auth):
    first = app.test_client()
    auth.sign_in(client=first)
    [code] = codes(outbox)
    with first.session_transaction() as session:
        pending = dict(session["pending_sign_in"])
    assert send_code(first, code).status_code == 303
    thief = app.test_client()
    with thief.session_transaction() as session:
        session["pending_sign_in"] = pending  # a copy of the cookie from between the two steps
    response = send_code(thief, code)
    assert response.status_code == 422 and not signed_in_now(thief)


def test_wrong_codes_are_limited_then_a_new_code_is_needed(app, client, active_alice, mandatory, outbox, auth):
    auth.sign_in()
    [code] = codes(outbox)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(app.config["SIGN_IN_CODE_MAX_ATTEMPTS"] - 1):
        response = send_code(client, wrong)
        assert response.status_code == 422
        assert "This code is not right" in response.get_data(as_text=True)
    response = send_code(client, wrong)
    assert "Too many wrong codes" in response.get_data(as_text=True)
    response = send_code(client, code)  # even the right code is refused now
    assert response.status_code == 422 and "Too many wrong codes" in response.get_data(as_text=True)
    assert not signed_in_now(client)
    age_codes(app, 61)
    client.post("/connexion/code/nouveau", data={"csrf_token": csrf(client, "/connexion/code")})
    new = codes(outbox)[-1]
    assert send_code(client, new).status_code == 303 and signed_in_now(client)


def test_an_expired_code_is_refused(app, client, active_alice, mandatory, outbox, auth):
    auth.sign_in()
    [code] = codes(outbox)
    with app.app_context(), db.connection_context():
        SignInCode.update(expires_at=utcnow() - timedelta(seconds=1)).execute()
    response = send_code(client, code)
    assert response.status_code == 422 and "This code has expired" in response.get_data(as_text=True)


def test_new_code_is_throttled_and_cancels_the_older_one(app, client, active_alice, mandatory, outbox, auth):
    auth.sign_in()
    [old] = codes(outbox)
    response = client.post("/connexion/code/nouveau", data={"csrf_token": csrf(client, "/connexion/code")})
    assert response.status_code == 303 and len(codes(outbox)) == 1  # too soon: nothing sent
    notice = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "A new code is sent unless one was sent less than a minute ago" in notice
    age_codes(app, 61)
    client.post("/connexion/code/nouveau", data={"csrf_token": csrf(client, "/connexion/code")})
    old, new = codes(outbox)
    if old != new:
        assert send_code(client, old).status_code == 422
    assert send_code(client, new).status_code == 303 and signed_in_now(client)


def test_code_page_without_a_pending_sign_in(client):
    response = client.get("/connexion/code")
    assert response.status_code == 303 and response.headers["Location"] == "/connexion"
    assert client.post("/connexion/code/nouveau", data={"csrf_token": csrf(client)}).status_code == 303


def test_pending_sign_in_expires(app, client, active_alice, mandatory, outbox, auth):
    auth.sign_in()
    with client.session_transaction() as session:
        pending = session["pending_sign_in"]
        pending["started"] = int(time.time()) - 3600
        session["pending_sign_in"] = pending
    response = send_code(client, codes(outbox)[0])
    assert response.status_code == 303 and response.headers["Location"] == "/connexion"
    assert not signed_in_now(client)


@pytest.mark.parametrize("code", ["", "abc", "1" * 20, "12345", "\x00\x01", "１２３４５６"])
def test_any_code_input_gets_an_answer(app, client, active_alice, mandatory, code, auth):
    auth.sign_in()
    assert send_code(client, code).status_code == 422


def test_next_survives_the_second_step(app, client, active_alice, mandatory, outbox, auth):
    auth.sign_in(next="/mon-compte/mot-de-passe")
    response = send_code(client, codes(outbox)[0])
    assert response.headers["Location"] == "/mon-compte/mot-de-passe"


def test_optional_mode_signs_in_with_the_password_unless_opted_in(app, client, active_alice, outbox, auth):
    assert app.config["TWO_FACTOR"] == "optional"
    assert auth.sign_in().headers["Location"] == "/mon-compte"
    page = client.get("/mon-compte/double-authentification?lang=en").get_data(as_text=True)
    assert "Ask for a code by e-mail at each sign-in" in page
    token = csrf(client, "/mon-compte/double-authentification")
    assert client.post("/mon-compte/double-authentification/courriel",
                       data={"enable": "1", "csrf_token": token}).status_code == 303
    assert account(app).email_codes_enabled
    client.post("/deconnexion", data={"csrf_token": token})
    assert auth.sign_in().headers["Location"] == "/connexion/code"
    assert send_code(client, codes(outbox)[0]).status_code == 303
    # Turning it off takes the password.
    token = csrf(client, "/mon-compte/double-authentification")
    response = client.post("/mon-compte/double-authentification/courriel?lang=en",
                           data={"enable": "0", "current_password": "nope", "csrf_token": token})
    assert response.status_code == 422 and "This is not your current password" in response.get_data(as_text=True)
    assert account(app).email_codes_enabled
    client.post("/mon-compte/double-authentification/courriel",
                data={"enable": "0", "current_password": PASSWORD, "csrf_token": token})
    assert not account(app).email_codes_enabled


def test_email_opt_in_is_refused_unless_optional(app, client, active_alice, mandatory, outbox, auth):
    auth.sign_in()
    send_code(client, codes(outbox)[0])
    response = client.post("/mon-compte/double-authentification/courriel",
                           data={"enable": "0", "current_password": PASSWORD,
                                 "csrf_token": csrf(client, "/mon-compte")})
    assert response.status_code == 403


def test_off_mode_never_asks_a_code(app, client, active_alice, auth):
    app.config["TWO_FACTOR"] = "off"
    update_account(app, email_codes_enabled=True, totp_secret=pyotp.random_base32())
    assert auth.sign_in().headers["Location"] == "/mon-compte"
    assert "Two-step sign-in" not in client.get("/mon-compte?lang=en").get_data(as_text=True)


def test_an_unknown_mode_is_taken_as_mandatory(app, client, active_alice, auth):
    app.config["TWO_FACTOR"] = "sometimes"
    assert auth.sign_in().headers["Location"] == "/connexion/code"


# --- Authenticator app ---------------------------------------------------------------------------


def set_up_totp(client):
    page = client.get("/mon-compte/double-authentification/application?lang=en").get_data(as_text=True)
    secret = re.search(r'<code class="secret-key">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    assert "otpauth://totp/" in page and 'src="data:image/svg+xml;base64,' in page
    return secret, page


def test_totp_setup_confirms_a_code_before_saving(app, client, active_alice, auth):
    auth.sign_in()
    secret, page = set_up_totp(client)
    assert set_up_totp(client)[0] == secret  # a reload keeps the same secret
    token = csrf(client, "/mon-compte")
    response = client.post("/mon-compte/double-authentification/application?lang=en",
                           data={"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111",
                                 "current_password": PASSWORD, "csrf_token": token})
    assert response.status_code == 422 and "This code is not right" in response.get_data(as_text=True)
    assert account(app).totp_secret is None
    response = client.post("/mon-compte/double-authentification/application",
                           data={"code": pyotp.TOTP(secret).now(), "current_password": PASSWORD,
                                 "csrf_token": token})
    assert response.status_code == 303
    assert account(app).totp_secret == secret


def test_totp_setup_asks_the_current_password(app, client, active_alice, auth):
    auth.sign_in()
    secret, page = set_up_totp(client)
    assert 'name="current_password"' in page and 'autocomplete="current-password"' in page
    token = csrf(client, "/mon-compte")
    code = pyotp.TOTP(secret).now()
    path = "/mon-compte/double-authentification/application?lang=en"
    response = client.post(path, data={"code": code, "csrf_token": token})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#current_password">Current password: Fill in this field.</a>' in body
    response = client.post(path, data={"code": code, "current_password": "Wrong-Horse-42x", "csrf_token": token})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#current_password">Current password: This is not your current password.' in body
    assert f'value="{code}"' in body  # the code typed is kept; only the password is asked again
    assert "This code is not right" not in body  # the code was not even tried
    assert account(app).totp_secret is None and account(app).totp_last_step is None
    assert set_up_totp(client)[0] == secret  # the same key: nothing to scan again
    response = client.post(path, data={"code": code, "current_password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303 and account(app).totp_secret == secret


def test_totp_sign_in_and_a_code_works_once(app, client, active_alice, outbox, auth):
    secret = pyotp.random_base32()
    update_account(app, totp_secret=secret)
    assert auth.sign_in().headers["Location"] == "/connexion/code"
    assert not [m for m in outbox() if m.kind == "sign_in_code"]  # nothing e-mailed for TOTP
    assert "authenticator app" in client.get("/connexion/code?lang=en").get_data(as_text=True)
    totp = pyotp.TOTP(secret)
    code = totp.now()
    assert send_code(client, code).status_code == 303 and signed_in_now(client)
    other = app.test_client()
    assert auth.sign_in(client=other).headers["Location"] == "/connexion/code"
    assert send_code(other, code).status_code == 422  # replayed within its window
    previous = totp.at(time.time() - 30)
    assert send_code(other, previous).status_code == 422  # older than the last one used


def test_totp_accepts_one_step_either_side(app, client, active_alice, auth):
    secret = pyotp.random_base32()
    update_account(app, totp_secret=secret)
    auth.sign_in()
    assert send_code(client, pyotp.TOTP(secret).at(time.time() + 30)).status_code == 303


def test_totp_refuses_codes_two_steps_away(app, client, active_alice, auth):
    secret = pyotp.random_base32()
    update_account(app, totp_secret=secret)
    auth.sign_in()
    totp = pyotp.TOTP(secret)
    far = totp.at(time.time() - 90)
    if far in (totp.now(), totp.at(time.time() - 30), totp.at(time.time() + 30)):
        pytest.skip("code collision")
    assert send_code(client, far).status_code == 422


def test_totp_attempts_are_limited(app, client, active_alice, auth):
    secret = pyotp.random_base32()
    update_account(app, totp_secret=secret)
    auth.sign_in()
    current = {pyotp.TOTP(secret).at(time.time() + d) for d in (-30, 0, 30)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in current)
    for _ in range(app.config["SIGN_IN_CODE_MAX_ATTEMPTS"]):
        send_code(client, wrong)
    response = send_code(client, pyotp.TOTP(secret).now())
    assert response.status_code == 422 and "Too many wrong codes" in response.get_data(as_text=True)


def test_totp_disable_needs_the_password(app, client, active_alice, auth):
    secret = pyotp.random_base32()
    update_account(app, totp_secret=secret)
    auth.sign_in()
    send_code(client, pyotp.TOTP(secret).now())
    token = csrf(client, "/mon-compte")
    response = client.post("/mon-compte/double-authentification/application/desactiver?lang=en",
                           data={"current_password": "Wrong-Horse-42x", "csrf_token": token})
    assert response.status_code == 422
    assert '<a href="#current_password">Current password: This is not your current password.' in response.get_data(as_text=True)
    assert account(app).totp_secret == secret
    response = client.post("/mon-compte/double-authentification/application/desactiver",
                           data={"current_password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303 and account(app).totp_secret is None


def test_two_factor_pages_need_a_signed_in_user(client):
    for path in ("/mon-compte/double-authentification", "/mon-compte/double-authentification/application"):
        response = client.get(path)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]
