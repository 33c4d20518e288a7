"""Random and hostile values posted to every form and fragment endpoint (hypothesis): never a 500,
every payload rendered escaped, nothing stored that was refused, e-mail headers never injectable, and
bodies above MAX_CONTENT_LENGTH answered with the 413 page."""
import re

import pytest
from factories import csrf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.extensions import db
from webapp.models import Account, AttachmentRequest, OutboxMessage, Structure

MARKER = "<script>alert(1)</script>"
HOSTILE = st.sampled_from([
    MARKER, '"><img src=x onerror=alert(1)>', "'; DROP TABLE account; --", "' OR '1'='1",
    "a@example.fr\r\nBcc: victim@example.org", "x\nSubject: injected", "\x00\x01\x1b[31m", "\u202e\ufeff",
    "é" * 5000, "A" * 100_000, "{{ 7*7 }}", "%(name)s", "../../etc/passwd", "12345678901234",
    "90110001600012", "FR40303265045", "PASSED", "",
])
VALUE = st.one_of(HOSTILE, st.text(max_size=300), st.text(alphabet=st.characters(codec="utf-8"), max_size=50))

ENDPOINTS = {
    "/inscription": ["login_email", "login_email_confirm", "first_name", "last_name", "phone", "contact_email",
                     "identifier_type", "identifier", "company_name", "address_line", "postcode", "city",
                     "country", "structure_type", "captcha_id", "captcha_answer", "action", "accept_terms"],
    "/inscription/type": ["identifier_type", "identifier", "country"],
    "/inscription/identifiant": ["identifier_type", "identifier", "country", "company_name"],
    "/captcha/new": ["captcha_id"],
    "/captcha/validate": ["captcha_id", "captcha_answer"],
    "/connexion": ["email", "password", "next"],
    "/mot-de-passe-oublie": ["email"],
    "/activation/nouveau-lien": ["email"],
    "/activation/not-a-token/regles": ["password"],
    "/connexion/code": ["code"],
}
ALWAYS = {"/inscription": {"action": "create", "accept_terms": "y", "captcha_answer": "PASSED"}}


@pytest.fixture
def session(app, client):
    return app, client, csrf(client, "/")


def counts(app):
    with app.app_context(), db.connection_context():
        return (Account.select().count(), Structure.select().count(), AttachmentRequest.select().count())


def check_no_header_injection(app):
    with app.app_context(), db.connection_context():
        for message in OutboxMessage.select():
            assert not re.search(r"[\r\n]", message.recipient + message.subject)
            assert " " not in message.recipient


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_values_never_break_a_form(session, path, data):
    app, client, token = session
    fields = ENDPOINTS[path]
    values = {name: data.draw(VALUE, label=name) for name in fields}
    values.update(ALWAYS.get(path, {}) if data.draw(st.booleans(), label="keep action") else {})
    htmx = data.draw(st.booleans(), label="htmx")
    headers = {"X-CSRFToken": token, **({"HX-Request": "true"} if htmx else {})}
    before = counts(app)
    response = client.post(path, data=values, headers=headers)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    body = response.get_data(as_text=True)
    assert MARKER not in body and "<img src=x" not in body  # rendered escaped, wherever it shows
    if response.status_code != 303:
        assert counts(app) == before  # a refused form stores nothing
    check_no_header_injection(app)


def test_invalid_utf8_is_not_a_server_error(client):
    token = csrf(client, "/")
    for path in ENDPOINTS:
        response = client.post(path, data=b"email=%FF%FE%80&identifier=%C3%28&csrf_token=" + token.encode(),
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, path


def test_body_above_max_content_length_gets_the_413_page(app, client):
    token = csrf(client, "/")
    huge = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/inscription?lang=en", data={"first_name": huge, "csrf_token": token})
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "Request too large" in body and "<html" in body
    assert counts(app) == (0, 0, 0)
