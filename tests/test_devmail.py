import pytest

from webapp.extensions import db
from webapp.mail.outbox import queue_email

SIGN_IN = "http://portal.test/connexion"
RESET = "http://portal.test/mot-de-passe-oublie"


@pytest.fixture
def messages(app):
    with app.app_context(), db.connection_context(), db.atomic():
        first = queue_email("marie@example.org", "account_exists", "An account already exists",
                            locale="en", sign_in_url=SIGN_IN, reset_url=RESET)
        second = queue_email("paul@example.org", "account_exists", "<b>Second</b> e-mail",
                             locale="en", sign_in_url=SIGN_IN, reset_url=RESET)
    return first, second


def test_list_shows_messages_newest_first(client, messages):
    response = client.get("/dev/mailbox/?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Development mailbox: e-mails are not really sent" in page
    assert "marie@example.org" in page and "paul@example.org" in page
    assert page.index("paul@example.org") < page.index("marie@example.org")
    assert "&lt;b&gt;Second&lt;/b&gt; e-mail" in page  # escaped, never markup
    assert f'href="/dev/mailbox/{messages[0].id}"' in page
    assert "Queued" in page


def test_list_filters_by_recipient(client, messages):
    page = client.get("/dev/mailbox/?lang=en&to=Marie@Example.org").get_data(as_text=True)
    assert "marie@example.org" in page
    assert "paul@example.org" not in page


def test_message_page_shows_text_with_links(client, messages):
    first = messages[0]
    response = client.get(f"/dev/mailbox/{first.id}?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Development mailbox: e-mails are not really sent" in page
    assert "An account already exists" in page
    assert f'<a href="{SIGN_IN}?lang=en"' in page
    assert f'<a href="{RESET}?lang=en"' in page
    assert f'href="/dev/mailbox/{first.id}/html"' in page


def test_html_version_is_its_own_document_with_a_strict_csp(client, messages):
    response = client.get(f"/dev/mailbox/{messages[0].id}/html")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith("<!doctype html>")
    assert f'href="{SIGN_IN}?lang=en"' in page
    assert "style-src 'self'" in client.get("/dev/mailbox/").headers["Content-Security-Policy"]


def test_unknown_message_is_404(client, messages):
    assert client.get("/dev/mailbox/999999").status_code == 404
    assert client.get("/dev/mailbox/999999/html").status_code == 404


def test_mailbox_refuses_to_answer_in_production(app, client, messages):
    app.config["PORTAL_ENV"] = "production"
    assert client.get("/dev/mailbox/").status_code == 404
    assert client.get(f"/dev/mailbox/{messages[0].id}").status_code == 404
