""""My account": changing the password."""
import re

import pytest
from factories import PASSWORD, account, csrf

from webapp.credentials import verify_password

NEW = "Battery-Staple-77q"


@pytest.fixture
def alice(client, active_alice, auth):
    assert auth.sign_in().status_code == 303
    return client


def change(client, **changes):
    data = {"current_password": PASSWORD, "password": NEW, "password_confirm": NEW, "csrf_token": csrf(client)}
    data.update(changes)
    return client.post("/mon-compte/mot-de-passe?lang=en", data=data)


def errors(response):
    return dict(re.findall(r'<li><a href="#([^"]+)">[^<]*?: ([^<]*)</a></li>', response.get_data(as_text=True)))


def test_page_has_the_live_checklist(alice):
    body = alice.get("/mon-compte/mot-de-passe?lang=en").get_data(as_text=True)
    assert 'id="password-rules"' in body and 'hx-post="/mon-compte/mot-de-passe/regles"' in body


def test_rules_fragment(alice):
    response = alice.post("/mon-compte/mot-de-passe/regles?lang=en", data={"password": "alice-martin"},
                          headers={"HX-Request": "true", "X-CSRFToken": csrf(alice)})
    body = response.get_data(as_text=True)
    assert "<html" not in body and "HX-Request" in response.headers["Vary"]
    assert "rule--unmet" in body and "Does not contain your e-mail address or your name" in body


def test_success_keeps_this_session_ends_the_others_and_notifies(app, alice, outbox, auth):
    other = app.test_client()
    assert auth.sign_in(client=other).status_code == 303
    response = change(alice)
    assert response.status_code == 303 and response.headers["Location"] == "/mon-compte"
    assert "Your password has been changed." in alice.get("/mon-compte?lang=en").get_data(as_text=True)
    assert alice.get("/mon-compte").status_code == 200  # this session goes on
    assert other.get("/mon-compte").status_code == 302  # the other one ended
    assert verify_password(account(app).password_hash, NEW)
    [notice] = [m for m in outbox() if m.kind == "password_changed"]
    assert notice.recipient == "alice@example.fr" and notice.sent_at is not None
    assert "My account" in notice.body_text


def test_wrong_current_password_and_weak_new_one_at_once(app, alice):
    response = change(alice, current_password="Wrong-Horse-42x", password="password", password_confirm="x")
    assert response.status_code == 422
    found = errors(response)
    assert list(found) == ["current_password", "password", "password_confirm"]
    assert found["current_password"] == "This is not your current password. Type the password you sign in with."
    assert found["password"].startswith("Your password does not follow the rules:")
    body = response.get_data(as_text=True)
    assert "Wrong-Horse-42x" not in body and 'value="password"' not in body  # passwords never come back
    assert verify_password(account(app).password_hash, PASSWORD)


def test_missing_fields(alice):
    found = errors(change(alice, current_password="", password="", password_confirm=""))
    assert found == {"current_password": "Fill in this field.", "password": "Fill in this field.",
                     "password_confirm": "Fill in this field."}


def test_needs_csrf_and_sign_in(app, alice):
    assert alice.post("/mon-compte/mot-de-passe", data={"current_password": PASSWORD, "password": NEW,
                                                       "password_confirm": NEW}).status_code == 400
    anonymous = app.test_client()
    assert anonymous.get("/mon-compte/mot-de-passe").status_code == 302
    assert anonymous.post("/mon-compte/mot-de-passe/regles", data={"csrf_token": csrf(anonymous)}).status_code == 302
    assert verify_password(account(app).password_hash, PASSWORD)


@pytest.mark.parametrize("password", ["\x00" * 20, "é" * 200, " " * 12])
def test_odd_passwords_never_fail(alice, password):
    assert change(alice, password=password, password_confirm=password).status_code in (303, 422)
