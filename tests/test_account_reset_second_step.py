"""A password reset and the second sign-in step: the authenticator app is removed (the owner sets it up
again), and a second step begun before the reset cannot be finished after it."""
import pyotp
import pytest
from factories import NEW_PASSWORD, PASSWORD, account, codes, reset, send_code, update_account

REMOVED_NOTICE = "Your authenticator app was removed from your account"
REMOVED_MAIL = "The authenticator app was removed from your account"


def test_a_reset_removes_the_authenticator_and_says_so(app, client, reset_link, outbox, auth):
    secret = pyotp.random_base32()
    update_account(app, totp_secret=secret, totp_last_step=1)
    page = client.get(reset_link + "?lang=en").get_data(as_text=True)
    assert "Choosing a new password removes the authenticator app from your account" in page
    response = reset(client, reset_link)
    assert response.status_code == 303
    assert (account(app).totp_secret, account(app).totp_last_step) == (None, None)
    notices = client.get("/connexion?lang=en").get_data(as_text=True)
    assert REMOVED_NOTICE in notices
    [mail] = [m for m in outbox() if m.kind == "password_changed"]
    assert REMOVED_MAIL in mail.body_text and REMOVED_MAIL in mail.body_html
    # Two-step sign-in is optional here and the app is gone: the new password signs in, and the
    # owner can set an app up again.
    assert auth.sign_in(password=NEW_PASSWORD).headers["Location"] == "/mon-compte"
    assert client.get("/mon-compte/double-authentification/application").status_code == 200


def test_when_two_step_is_mandatory_the_code_comes_by_email_after_a_reset(app, client, reset_link, outbox, auth):
    app.config["TWO_FACTOR"] = "mandatory"
    update_account(app, totp_secret=pyotp.random_base32())
    assert reset(client, reset_link).status_code == 303
    assert auth.sign_in(password=NEW_PASSWORD).headers["Location"] == "/connexion/code"
    assert send_code(client, codes(outbox)[-1]).status_code == 303


def test_without_an_authenticator_the_reset_does_not_mention_it(app, client, reset_link, outbox):
    assert "removes the authenticator app" not in client.get(reset_link + "?lang=en").get_data(as_text=True)
    reset(client, reset_link)
    assert REMOVED_NOTICE not in client.get("/connexion?lang=en").get_data(as_text=True)
    [mail] = [m for m in outbox() if m.kind == "password_changed"]
    assert REMOVED_MAIL not in mail.body_text
    assert "\n\n\n" not in mail.body_text


@pytest.mark.parametrize("method", ["email", "totp"])
def test_a_second_step_begun_before_the_reset_cannot_be_finished_after(app, client, reset_link, outbox, method, auth):
    app.config["TWO_FACTOR"] = "mandatory"
    secret = pyotp.random_base32()
    if method == "totp":
        update_account(app, totp_secret=secret)
    intruder = app.test_client()  # knew the old password
    assert auth.sign_in(client=intruder, password=PASSWORD).headers["Location"] == "/connexion/code"
    assert reset(client, reset_link).status_code == 303
    code = codes(outbox)[-1] if method == "email" else pyotp.TOTP(secret).now()
    response = send_code(intruder, code)
    assert response.status_code == 422 and "expired" in response.get_data(as_text=True)
    assert intruder.get("/mon-compte").status_code == 302
