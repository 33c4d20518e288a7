"""Signing in, "My account", signing out."""
import re

import pytest
from test_signup_submit import activation_page, submit

from webapp.extensions import db
from webapp.models import Account
from webapp.credentials import hash_password

PASSWORD = "Correct-Horse-42x"


def csrf(client, path="/?lang=en"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def sign_in(client, email="alice@example.fr", password=PASSWORD):
    return client.post("/connexion", data={"email": email, "password": password, "csrf_token": csrf(client)})


@pytest.fixture
def active_alice(app, client, outbox):
    assert submit(client).status_code == 303
    link = activation_page(client, [m for m in outbox() if m.kind == "activation_link"][0])
    response = client.post(link, data={"password": PASSWORD, "password_confirm": PASSWORD,
                                       "secret_question": "first_pet", "secret_answer": "Rex",
                                       "csrf_token": csrf(client)})
    assert response.status_code == 303
    # Welcomed already: her sign-ins land on "My account" (the first one after activation lands on
    # the welcome page: tests/test_activation_welcome.py).
    with app.app_context(), db.connection_context():
        Account.update(welcome_pending=False).execute()


def test_wrong_password(client, active_alice):
    response = sign_in(client, password="Wrong-Horse-42x")
    assert response.status_code == 422
    assert "Wrong e-mail address or password, or account not activated yet." in response.get_data(as_text=True)
    assert client.get("/mon-compte").status_code == 302


def test_unknown_address_gets_the_same_message(client):
    response = sign_in(client, email="nobody@example.fr")
    assert response.status_code == 422
    assert "Wrong e-mail address or password, or account not activated yet." in response.get_data(as_text=True)


def test_inactive_account_cannot_sign_in(app, client, outbox):
    assert submit(client).status_code == 303
    activation_page(client, outbox()[1])  # the account exists once the e-mailed link is opened
    with app.app_context(), db.connection_context():
        Account.update(password_hash=hash_password(PASSWORD)).execute()  # a password, but not active
    response = sign_in(client)
    assert response.status_code == 422
    assert "/connexion" in client.get("/mon-compte").headers["Location"]


def test_success_lands_on_my_account_then_sign_out(app, client, active_alice, outbox):
    # A second structure the account asked to join, still pending.
    other = app.test_client()
    assert submit(other, login_email="bob@example.fr", login_email_confirm="bob@example.fr",
                  identifier_type="RIDET", identifier="1234567001", country="NC", postcode="98800",
                  company_name="NOUMEA PECHE").status_code == 303
    activation_page(other, [m for m in outbox() if m.recipient == "bob@example.fr"][1])
    with app.app_context(), db.connection_context():
        from webapp.models import AttachmentRequest, Structure

        alice = Account.get(Account.email == "alice@example.fr")
        AttachmentRequest.create(account=alice, structure=Structure.get(Structure.identifier == "1234567001"))

    response = sign_in(client, email=" Alice@Example.fr ")
    assert response.status_code == 303 and response.headers["Location"].endswith("/mon-compte")
    body = client.get("/mon-compte?lang=en").get_data(as_text=True)
    assert "My account" in body and "Alice Martin" in body and "alice@example.fr" in body
    assert "What was the name of your first pet?" in body
    cards = [" ".join(re.sub(r"<[^>]+>", " ", card).split())
             for card in re.findall(r'<li class="structure-card">(.*?)</dl>', body, re.S)]
    assert "ATELIERS DU LAMPADAIRE BLEU Identifier 90110001600012 Role Principal manager Status Active" in cards
    assert ("NOUMEA PECHE Identifier 1234567001 Role User Status Attachment request awaiting a manager's approval"
            in cards)
    assert "Sign out" in body

    response = client.post("/deconnexion", data={"csrf_token": csrf(client, "/mon-compte")})
    assert response.status_code == 303
    assert "You are signed out." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get("/mon-compte").status_code == 302


def test_sign_out_needs_csrf(client, active_alice):
    assert sign_in(client).status_code == 303
    assert client.post("/deconnexion").status_code == 400
    assert client.get("/mon-compte").status_code == 200


# --- Helpers the test_account_*.py files share ------------------------------------------------------


def account(app, email="alice@example.fr"):
    with app.app_context(), db.connection_context():
        return Account.get(Account.email == email)


def update_account(app, email="alice@example.fr", **values):
    with app.app_context(), db.connection_context():
        Account.update(**values).where(Account.email == email).execute()


def signed_in(app, client, active_alice):
    assert sign_in(client).status_code == 303
    return client


# --- "next", sessions ---------------------------------------------------------------------------------


def test_my_account_asks_to_sign_in_then_comes_back(client, active_alice):
    response = client.get("/mon-compte/coordonnees")
    assert response.status_code == 302
    assert "/connexion?next=/mon-compte/coordonnees" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/mon-compte/coordonnees"' in page
    response = client.post("/connexion", data={"email": "alice@example.fr", "password": PASSWORD,
                                               "next": "/mon-compte/coordonnees", "csrf_token": csrf(client)})
    assert response.status_code == 303 and response.headers["Location"] == "/mon-compte/coordonnees"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "http:/evil", "javascript:alert(1)",
    "evil", " /mon-compte",
])
def test_next_never_leaves_the_site(client, active_alice, target):
    page = client.get("/connexion", query_string={"next": target}).get_data(as_text=True)
    next_inputs = re.findall(r'<input[^>]*name="next"[^>]*>', page)
    assert next_inputs and not any("evil" in tag or "javascript" in tag for tag in next_inputs)
    response = client.post("/connexion", data={"email": "alice@example.fr", "password": PASSWORD,
                                               "next": target, "csrf_token": csrf(client)})
    assert response.status_code == 303 and response.headers["Location"] == "/mon-compte"


def test_a_cookie_from_before_server_side_sessions_is_not_signed_in(app, client, active_alice):
    with client.session_transaction() as session:
        session.update(account_id=account(app).id, session_version=1)  # the former cookie's content
    assert client.get("/mon-compte").status_code == 302
    with client.session_transaction() as session:
        assert "account_id" not in session


def test_sign_in_form_errors_name_the_fields(client):
    response = client.post("/connexion?lang=en", data={"email": "", "password": "", "csrf_token": csrf(client)})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#email">Login e-mail address: Fill in this field.</a>' in body
    assert '<a href="#password">Password: Fill in this field.</a>' in body


def test_sign_in_page_links_to_forgotten_password(client):
    body = client.get("/connexion?lang=en").get_data(as_text=True)
    assert 'href="/mot-de-passe-oublie"' in body and "Forgot your password?" in body


def switch_language(client, path, lang):
    """A click on the page's own language switch: the browser sends the page as Referer."""
    return client.get(f"{path}?lang={lang}", headers={"Referer": f"http://localhost{path}", "Sec-Fetch-Site": "same-origin"})


def test_a_language_switch_becomes_the_language_of_the_accounts_emails(app, client, active_alice):
    assert sign_in(client).status_code == 303
    switch_language(client, "/mon-compte", "en")
    assert account(app).locale == "en"
    switch_language(client, "/mon-compte", "fr")
    assert account(app).locale == "fr"
