"""A limit never throws work away: a form POST that hits one gets its page back, filled in as typed,
saying when to retry; and failed sign-ups with one address never lock that address out."""
import html
import re

import pytest
from factories import from_ip

from webapp import create_app
from webapp.extensions import db
from webapp.signup.models import HeldSignup
from webapp.web.limits import LIMITED_ENDPOINTS, Limit

TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture
def limited_app(app_config):
    app = create_app(dict(app_config, RATELIMIT_ENABLED=True, RATELIMIT_SIGNUP="2/minute",
                          RATELIMIT_SIGN_IN="2/minute", RATELIMIT_RESET="1/minute"))
    yield app
    if not db.is_closed():
        db.close()


def open_signup(client, lang="en"):
    page = client.get(f"/inscription?lang={lang}").get_data(as_text=True)
    return TOKEN.search(page).group(1), re.search(r'name="captcha_id" value="([^"]+)"', page).group(1)


def signup_form(token, captcha_id, **changes):
    data = {
        "login_email": "alice@example.fr", "login_email_confirm": "alice@example.fr",
        "first_name": "Alice", "last_name": "Martin", "phone": "01 23 45 67 89", "contact_email": "",
        "accept_terms": "y", "survey_consent": "y", "identifier_type": "SIRET", "identifier": "90110001600012",
        "structure_type": "company", "company_name": "MES ATELIERS À MOI", "label": "Atelier bleu",
        "address_line": "12 BIS AVENUE DES LILAS", "postcode": "75012", "city": "PARIS", "country": "FR",
        "features_shown": "1", "feature_payment_requests": "y", "captcha_answer": "PASSED", "action": "create",
        "csrf_token": token, "captcha_id": captcha_id,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def shown_value(body, name):
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', body)
    found = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    return html.unescape(found.group(1)) if found else None


def checked(body, name):
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', body)
    return tag is not None and " checked" in tag.group(0)


def held_count(app):
    with app.app_context(), db.connection_context():
        return HeldSignup.select().count()


def assert_says_when_to_retry(response):
    body = html.unescape(response.get_data(as_text=True))
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= 60
    shown = int(re.search(r"Try again in (\d+) s\. What you typed is kept below: send the form again then\.", body).group(1))
    assert abs(shown - seconds) <= 1
    assert "<title>Error: " in body
    return body


def test_the_sign_up_page_comes_back_with_everything_typed_and_when_to_retry(limited_app):
    client = from_ip(limited_app, "10.1.0.1")
    token, captcha_id = open_signup(client)
    # Two submissions with a mistake (the terms unticked): each answers the form with the error.
    for _ in range(2):
        response = client.post("/inscription", data=signup_form(token, captcha_id, accept_terms=None))
        assert response.status_code == 422
    response = client.post("/inscription", data=signup_form(token, captcha_id))
    assert response.status_code == 429
    body = assert_says_when_to_retry(response)
    assert '<form method="post" action="/inscription"' in body
    for name, typed in (("login_email", "alice@example.fr"), ("login_email_confirm", "alice@example.fr"),
                        ("first_name", "Alice"), ("last_name", "Martin"), ("phone", "01 23 45 67 89"),
                        ("identifier", "90110001600012"), ("company_name", "MES ATELIERS À MOI"),
                        ("label", "Atelier bleu"), ("address_line", "12 BIS AVENUE DES LILAS"),
                        ("postcode", "75012"), ("city", "PARIS"), ("captcha_id", captcha_id)):
        assert shown_value(body, name) == typed, name
    assert checked(body, "accept_terms") and checked(body, "survey_consent")
    assert held_count(limited_app) == 0  # nothing was taken from the limited request
    # The answer is a whole page, in the page's language.
    french = client.post("/inscription?lang=fr", data=signup_form(token, captcha_id))
    assert french.status_code == 429
    assert "Votre saisie est conservée ci-dessous" in html.unescape(french.get_data(as_text=True))


def test_failed_sign_ups_with_one_address_do_not_lock_it_out(limited_app):
    # No limit of the sign-up is keyed by the address: only the per-IP one, and the captcha.
    assert all(Limit(*given).kind == "ip" for given in LIMITED_ENDPOINTS["signup.submit"])
    for i in range(3):
        client = from_ip(limited_app, f"10.1.1.{i}")
        token, captcha_id = open_signup(client)
        statuses = [client.post("/inscription", data=signup_form(token, captcha_id, login_email_confirm="typo@example.fr")
                                ).status_code for _ in range(3)]
        assert statuses == [422, 422, 429]
    owner = from_ip(limited_app, "10.1.2.1")
    token, captcha_id = open_signup(owner)
    response = owner.post("/inscription", data=signup_form(token, captcha_id))
    response.close()
    assert response.status_code == 303 and held_count(limited_app) == 1


def sign_in_wrongly(client, email, next_url=""):
    token = TOKEN.search(client.get("/connexion?lang=en").get_data(as_text=True)).group(1)
    return client.post("/connexion", data={"email": email, "password": "Wrong-Horse-42x", "next": next_url,
                                           "csrf_token": token})


def test_the_sign_in_page_comes_back_with_the_address(limited_app):
    client = from_ip(limited_app, "10.1.3.1")
    assert [sign_in_wrongly(client, "alice@example.fr").status_code for _ in range(2)] == [422, 422]
    response = sign_in_wrongly(client, "alice@example.fr", next_url="/mon-compte/donnees")
    assert response.status_code == 429
    body = assert_says_when_to_retry(response)
    assert shown_value(body, "email") == "alice@example.fr" and not shown_value(body, "password")
    assert shown_value(body, "next") == "/mon-compte/donnees"
    # A next address that is not this site's is not carried on.
    assert shown_value(sign_in_wrongly(client, "alice@example.fr", next_url="https://evil.example/").get_data(as_text=True),
                 "next") == ""


def test_the_forgotten_password_page_comes_back_with_the_address(limited_app):
    client = from_ip(limited_app, "10.1.4.1")
    token = TOKEN.search(client.get("/mot-de-passe-oublie?lang=en").get_data(as_text=True)).group(1)
    first = client.post("/mot-de-passe-oublie", data={"email": "bob@example.fr", "csrf_token": token})
    first.close()
    assert first.status_code == 303
    response = client.post("/mot-de-passe-oublie", data={"email": "bob@example.fr", "csrf_token": token})
    assert response.status_code == 429
    body = assert_says_when_to_retry(response)
    assert shown_value(body, "email") == "bob@example.fr"


def test_reading_a_page_is_never_answered_with_the_form_page(limited_app):
    """GET is not limited; the registered pages are for POSTs only (a GET would have nothing typed)."""
    client = from_ip(limited_app, "10.1.5.1")
    assert all(client.get("/inscription").status_code == 200 for _ in range(4))
