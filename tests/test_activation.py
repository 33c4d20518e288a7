"""The activation link: password rules, the secret question, used and expired links, resending."""
import re
from datetime import timedelta

import pytest
from factories import PASSWORD, activate, activation_page, activation_path, csrf, rows, submit

from webapp.credentials import normalise_secret_answer, verify_password
from webapp.extensions import db
from webapp.models import Account, AccountToken, utcnow

HX = {"HX-Request": "true"}


@pytest.fixture
def link(client, outbox):
    assert submit(client).status_code == 303
    [message] = [m for m in outbox() if m.kind == "activation_link"]
    return activation_page(client, message)  # the sign-up's link creates the account, then this page


def errors(response):
    return dict(re.findall(r'<li><a href="#([^"]+)">[^<]*?: ([^<]*)</a></li>', response.get_data(as_text=True)))


def test_link_opens_the_activation_form(client, link):
    body = client.get(link).get_data(as_text=True)
    assert "Account activation" in body and "alice@example.fr" in body
    assert 'name="password"' in body and 'name="secret_question"' in body and 'name="secret_answer"' in body


def test_rules_fragment_shows_met_and_unmet(client, link):
    headers = dict(HX, **{"X-CSRFToken": csrf(client)})
    response = client.post(link + "/regles", data={"password": "abcdefghijkl"}, headers=headers)
    body = response.get_data(as_text=True)
    assert "<html" not in body and "HX-Request" in response.headers["Vary"]
    met = re.findall(r'rule--met">.*?</span>\s*([^<]+)<', body, re.S)
    unmet = re.findall(r'rule--unmet">.*?</span>\s*([^<]+)<', body, re.S)
    assert [m.strip() for m in met] == ["At least 12 characters", "Not a common password",
                                        "Does not contain your e-mail address or your name"]
    assert [u.strip() for u in unmet] == ["At least 3 kinds among upper case, lower case, digits and special characters"]
    body = client.post(link + "/regles", data={"password": PASSWORD}, headers=headers).get_data(as_text=True)
    assert body.count("rule--met") == 4 and "rule--unmet" not in body


def test_weak_password_is_refused_naming_the_rules(app, client, link):
    response = activate(client, link, password="alicemartin1", password_confirm="alicemartin1")
    assert response.status_code == 422
    message = errors(response)["password"]
    assert message.startswith("Your password does not follow the rules:")
    assert "at least 3 kinds" in message and "does not contain your e-mail address or your name" in message
    assert not rows(app, Account)[0].is_active


def test_common_password_is_refused(client, link):
    response = activate(client, link, password="Password1234!", password_confirm="Password1234!")
    assert errors(response)["password"] == "Your password does not follow the rules: not a common password."


def test_every_error_at_once(client, link):
    response = activate(client, link, password="short", password_confirm="other", secret_question="evil",
                        secret_answer="")
    found = errors(response)
    assert set(found) == {"password", "password_confirm", "secret_question", "secret_answer"}
    assert "at least 12 characters" in found["password"]


def test_mismatched_confirmation(app, client, link):
    response = activate(client, link, password_confirm=PASSWORD + "!")
    assert response.status_code == 422
    assert errors(response) == {"password_confirm": "The two passwords differ: type the same password twice."}
    assert not rows(app, Account)[0].is_active


def test_success_activates_and_the_link_is_then_used(app, client, link):
    response = activate(client, link, secret_answer="  Rex  the Dog ")
    assert response.status_code == 303 and response.headers["Location"].endswith("/connexion")
    assert "Your account is active" in client.get(response.headers["Location"]).get_data(as_text=True)
    [account] = rows(app, Account)
    assert account.is_active and account.activated_at is not None
    assert account.password_hash.startswith("$argon2id$") and verify_password(account.password_hash, PASSWORD)
    assert account.secret_question == "first_pet"
    assert account.secret_answer_hash.startswith("$argon2id$") and "Rex" not in account.secret_answer_hash
    assert verify_password(account.secret_answer_hash, normalise_secret_answer("rex the dog"))
    again = client.get(link)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)


def test_expired_link_says_so_and_offers_a_new_one(app, client, link):
    with app.app_context(), db.connection_context():
        AccountToken.update(expires_at=utcnow() - timedelta(minutes=1)).execute()
    response = client.get(link)
    body = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "The activation link has expired" in body and "Send me a new link" in body
    assert activate(client, link).status_code == 410
    assert not rows(app, Account)[0].is_active


def test_unknown_link(client):
    response = client.get("/activation/not-a-token?lang=en")
    assert response.status_code == 404 and "This link is not recognised" in response.get_data(as_text=True)


def age_links(app, seconds=61):
    """Make every link older, as if the resend interval had passed."""
    with app.app_context(), db.connection_context():
        for token in AccountToken.select():
            token.created_at -= timedelta(seconds=seconds)
            token.save()


def answered(response):
    """Close the response, as the WSGI server does once the answer has left: the deferred work runs."""
    response.close()
    return response


def resend(client, email="alice@example.fr"):
    return answered(client.post("/activation/nouveau-lien", data={"email": email, "csrf_token": csrf(client)}))


def test_resend_issues_a_new_link_and_the_old_one_stops_working(app, client, link, outbox):
    age_links(app)
    before = len(outbox())
    response = answered(client.post("/activation/nouveau-lien", data={"email": "ALICE@example.fr",
                                                                     "csrf_token": csrf(client)}))
    assert response.status_code == 303
    assert "a new link has been sent" in client.get(response.headers["Location"]).get_data(as_text=True)
    [message] = outbox()[before:]
    assert message.kind == "activation_link" and message.recipient == "alice@example.fr"
    assert activation_path(message) != link
    assert client.get(link).status_code == 410
    assert client.get(activation_path(message)).status_code == 200


def test_resend_answers_identically_for_an_unknown_address(app, outbox):
    def resend(email):
        client = app.test_client()
        response = answered(client.post("/activation/nouveau-lien", data={"email": email, "csrf_token": csrf(client)}))
        return response.status_code, response.headers["Location"], client.get(response.headers["Location"]).get_data(as_text=True)

    signup_client = app.test_client()
    assert submit(signup_client).status_code == 303
    activation_page(signup_client, outbox()[1])  # the account exists once its sign-up link is opened
    age_links(app)
    before = len(outbox())
    known = resend("alice@example.fr")
    after_known = len(outbox())
    unknown = resend("nobody@example.fr")
    assert after_known == before + 1 and len(outbox()) == after_known
    strip = lambda page: re.sub(r'value="[^"]{20,}"|<meta name="csrf-token" content="[^"]+">', "", page)  # noqa: E731
    assert known[:2] == unknown[:2] and strip(known[2]) == strip(unknown[2])


def test_resend_is_throttled_per_address_not_per_session(app, client, link, outbox):
    """A fresh session (no cookie) does not get round the interval: it is checked in the database."""
    before = len(outbox())
    first = resend(app.test_client())  # the sign-up's link is younger than RESEND_INTERVAL_SECONDS
    assert first.status_code == 303 and len(outbox()) == before
    assert client.get(link).status_code == 200  # the link still works
    age_links(app)
    assert resend(app.test_client()).status_code == 303 and len(outbox()) == before + 1
    again = resend(app.test_client())
    assert again.status_code == 303 and len(outbox()) == before + 1
    body = app.test_client().get(again.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "Sign in" in body


def test_resend_from_the_expired_link_page(app, client, link, outbox):
    with app.app_context(), db.connection_context():
        AccountToken.update(expires_at=utcnow() - timedelta(minutes=1),
                            created_at=utcnow() - timedelta(hours=25)).execute()
    page = client.get(link).get_data(as_text=True)
    assert 'action="/activation/nouveau-lien"' in page
    before = len(outbox())
    response = resend(client)
    assert response.status_code == 303
    [message] = outbox()[before:]
    assert client.get(activation_path(message)).status_code == 200


def test_resend_from_the_check_mail_page_uses_the_signup_address(app, client, link, outbox):
    page = client.get("/inscription/verifiez-votre-messagerie?lang=en")
    assert 'action="/inscription/nouveau-lien"' in page.get_data(as_text=True)
    age_links(app)
    before = len(outbox())
    response = client.post("/inscription/nouveau-lien", data={"csrf_token": csrf(client)})
    response.close()  # the link is queued once the answer has left
    assert response.status_code == 303 and "a new link has been sent" in client.get(
        response.headers["Location"]).get_data(as_text=True)
    [message] = outbox()[before:]
    assert message.recipient == "alice@example.fr" and message.kind == "activation_link"
    assert client.get(link).status_code == 410  # the account's newer link replaced it
    assert client.get(activation_path(message)).status_code == 200


def test_resend_needs_csrf(client, link, outbox):
    before = len(outbox())
    assert client.post("/activation/nouveau-lien", data={"email": "alice@example.fr"}).status_code == 400
    assert len(outbox()) == before


@pytest.mark.parametrize("email", ["", "x" * 400, "\x00bad@example.fr", "alice@example.fr\r\nBcc: x@y.z"])
def test_resend_accepts_any_input_without_error(client, email):
    assert resend(client, email).status_code == 303
