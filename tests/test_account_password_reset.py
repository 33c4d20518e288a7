"""Forgotten password: same answer for any address, the reset link, the secret question, sessions end."""
import re
from datetime import timedelta

import pytest
from test_sign_in import PASSWORD, account, active_alice, csrf, sign_in  # noqa: F401

from webapp.extensions import db
from webapp.models import AccountToken, utcnow
from webapp.credentials import verify_password

NEW = "Battery-Staple-77q"


def forgot(client, email, answered=True):
    """Ask for a reset link; `answered` closes the response as the WSGI server does once it has left,
    which runs the look-up and sends the e-mail."""
    response = client.post("/mot-de-passe-oublie", data={"email": email, "csrf_token": csrf(client)})
    if answered:
        response.close()
    return response


def reset_path(message):
    return re.search(r"http://portal\.test(/mot-de-passe/nouveau/[^\s?]+)", message.body_text).group(1)


def reset_links(outbox):
    return [m for m in outbox() if m.kind == "password_reset"]


@pytest.fixture
def link(app, client, active_alice, outbox):
    assert forgot(client, "Alice@Example.fr ").status_code == 303
    [message] = reset_links(outbox)
    assert message.recipient == "alice@example.fr"
    return reset_path(message)


def reset(client, link, **changes):
    data = {"secret_answer": "  rex ", "password": NEW, "password_confirm": NEW, "csrf_token": csrf(client)}
    data.update(changes)
    return client.post(link + ("&" if "?" in link else "?") + "lang=en", data=data)


def errors(response):
    return dict(re.findall(r'<li><a href="#([^"]+)">[^<]*?: ([^<]*)</a></li>', response.get_data(as_text=True)))


def test_forgot_page_is_linked_and_works_without_js(client):
    body = client.get("/mot-de-passe-oublie?lang=en").get_data(as_text=True)
    assert "Forgotten password" in body and 'name="email"' in body and 'name="csrf_token"' in body


def test_same_answer_for_known_unknown_and_inactive_addresses(app, active_alice, outbox):
    def ask(email):
        client = app.test_client()
        response = forgot(client, email)
        page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
        return response.status_code, response.headers["Location"], re.sub(r'<meta name="csrf-token" content="[^"]+">', "", page)

    known = ask("alice@example.fr")
    assert len(reset_links(outbox)) == 1
    for other in ("nobody@example.fr", "not an address", "ALICE@example.fr"):  # the last one: throttled
        assert ask(other) == known
    assert len(reset_links(outbox)) == 1
    assert "If an active account uses this address, we have sent it a link" in known[2]


def test_inactive_account_gets_no_reset_link(app, client, outbox):
    from test_signup_submit import activation_page, submit

    assert submit(client).status_code == 303
    activation_page(client, outbox()[1])  # the account exists, not activated
    assert forgot(app.test_client(), "alice@example.fr").status_code == 303
    assert reset_links(outbox) == []


def test_empty_address_is_an_error_naming_the_field(client):
    response = client.post("/mot-de-passe-oublie?lang=en", data={"email": "", "csrf_token": csrf(client)})
    assert response.status_code == 422
    assert errors(response) == {"email": "Fill in this field."}


def test_the_reset_email_is_written_and_delivered_once_the_answer_has_left(app, active_alice, outbox):
    client = app.test_client()
    response = forgot(client, "alice@example.fr", answered=False)
    assert response.status_code == 303 and reset_links(outbox) == []  # nothing looked up in the request
    response.close()  # what the WSGI server does once the answer is sent
    [message] = reset_links(outbox)
    assert "valid for 1 hour" in message.body_text
    assert message.sent_at is not None  # the dev mailbox marks it sent


def test_reset_page_asks_the_secret_question(client, link):
    body = client.get(link + "?lang=en").get_data(as_text=True)
    assert "What was the name of your first pet?" in body
    assert 'name="secret_answer"' in body and 'name="password"' in body and 'id="password-rules"' in body


def test_rules_fragment(client, link):
    response = client.post(link + "/regles", data={"password": NEW},
                           headers={"HX-Request": "true", "X-CSRFToken": csrf(client)})
    body = response.get_data(as_text=True)
    assert "<html" not in body and body.count("rule--met") == 4 and "HX-Request" in response.headers["Vary"]


def test_success_changes_the_password_ends_sessions_and_notifies(app, client, link, outbox):
    elsewhere = app.test_client()
    assert sign_in(elsewhere).status_code == 303 and elsewhere.get("/mon-compte").status_code == 200
    response = reset(client, link)
    assert response.status_code == 303 and response.headers["Location"].endswith("/connexion")
    assert "Your password has been changed" in client.get("/connexion?lang=en").get_data(as_text=True)
    assert verify_password(account(app).password_hash, NEW)
    assert elsewhere.get("/mon-compte").status_code == 302  # every session ended
    [notice] = [m for m in outbox() if m.kind == "password_changed"]
    assert notice.recipient == "alice@example.fr" and "reset link" in notice.body_text
    assert reset(client, link).status_code == 410  # single use
    assert sign_in(client, password=PASSWORD).status_code == 422
    assert sign_in(client, password=NEW).status_code == 303


def test_wrong_answers_are_limited_then_the_link_dies(app, client, link):
    for _ in range(app.config["RESET_MAX_ANSWER_ATTEMPTS"] - 1):
        response = reset(client, link, secret_answer="Felix")
        assert response.status_code == 422
        assert errors(response)["secret_answer"].startswith("This answer does not match the one you chose.")
    response = reset(client, link, secret_answer="Felix")
    assert response.status_code == 410 and "Too many wrong answers" in response.get_data(as_text=True)
    assert reset(client, link).status_code == 410  # even with the right answer
    assert verify_password(account(app).password_hash, PASSWORD)


def test_right_answer_with_a_weak_password_costs_no_attempt(app, client, link):
    for _ in range(app.config["RESET_MAX_ANSWER_ATTEMPTS"] + 1):
        response = reset(client, link, password="short", password_confirm="short")
        assert response.status_code == 422 and set(errors(response)) == {"password"}
    assert reset(client, link).status_code == 303


def test_every_error_at_once_and_the_answer_kept(client, link):
    response = reset(client, link, password="alicemartin1", password_confirm="other")
    found = errors(response)
    assert set(found) == {"password", "password_confirm"}
    assert "does not contain your e-mail address or your name" in found["password"]
    assert 'value="  rex "' in response.get_data(as_text=True) or 'value="rex"' in response.get_data(as_text=True)
    assert NEW not in response.get_data(as_text=True)


def test_a_newer_link_cancels_the_older_one(app, client, link, outbox):
    with app.app_context(), db.connection_context():
        for token in AccountToken.select():
            token.created_at -= timedelta(seconds=61)
            token.save()
    forgot(client, "alice@example.fr")
    newer = reset_path(reset_links(outbox)[-1])
    assert newer != link
    assert client.get(link).status_code == 410
    assert client.get(newer).status_code == 200


def test_expired_and_unknown_links(app, client, link):
    with app.app_context(), db.connection_context():
        AccountToken.update(expires_at=utcnow() - timedelta(minutes=1)).where(AccountToken.purpose == "reset").execute()
    response = client.get(link + "?lang=en")
    assert response.status_code == 410 and "has expired" in response.get_data(as_text=True)
    response = client.get("/mot-de-passe/nouveau/nope?lang=en")
    assert response.status_code == 404 and "not recognised" in response.get_data(as_text=True)
    assert client.post("/mot-de-passe/nouveau/nope/regles", data={"csrf_token": csrf(client)}).status_code == 404


def test_an_activation_token_is_not_a_reset_token(app, client, outbox):
    from test_signup_submit import activation_page, submit

    submit(client)
    token = activation_page(client, [m for m in outbox() if m.kind == "activation_link"][0]).rsplit("/", 1)[1]
    assert client.get(f"/mot-de-passe/nouveau/{token}").status_code == 404


@pytest.mark.parametrize("answer", ["", "x" * 500, "\x00\x01", "é" * 50])
def test_any_answer_gets_an_answer(client, link, answer):
    assert reset(client, link, secret_answer=answer).status_code in (422,)


def test_reset_needs_csrf(app, client, link):
    response = client.post(link, data={"secret_answer": "rex", "password": NEW, "password_confirm": NEW})
    assert response.status_code == 400
    assert verify_password(account(app).password_hash, PASSWORD)


def test_account_exists_notice_links_to_the_forgotten_password_page(app, client, active_alice, outbox):
    from test_signup_submit import submit

    assert submit(app.test_client()).status_code == 303
    [notice] = [m for m in outbox() if m.kind == "account_exists"]
    assert "http://portal.test/mot-de-passe-oublie" in notice.body_text
