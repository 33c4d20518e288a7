"""Languages that never switch under the person: a first visit follows Accept-Language; a link in an
e-mail opens in the e-mail's language; signing in keeps the language in use and stores it; the notice
about a sign-up with someone's address is in the owner's language."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from factories import csrf, mails, make_account, submit

from webapp.extensions import db
from webapp.models import Account, AttachmentRequest, Structure
from webapp.structures.manage.attachments import approve_attachment
from webapp.structures.manage.invitations import invite

PASSWORD = "Correct-Horse-42x"
TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
PORTAL_LINK = re.compile(r"http://portal\.test/[^\s<>\"]*")


def language_of(response):
    return re.search(r'<html lang="([a-z]+)">', response.get_data(as_text=True)).group(1)


def browser(app, accept_language):
    """A new browser whose language preference is `accept_language`."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = accept_language
    return client


def make_person(app, email, locale, active=True, **extra):
    """Paul Durand, who accepted the terms on 2026-01-01 (no activation date); returns the id."""
    return make_account(app, email, active, first_name="Paul", last_name="Durand", terms_accepted_at="2026-01-01",
                        activated_at=None, locale=locale, **extra)


def stored_locale(app, email):
    with app.app_context(), db.connection_context():
        return Account.get(Account.email == email).locale


def links_of(message):
    """Every link to the portal in the e-mail, text and HTML versions."""
    return PORTAL_LINK.findall(message.body_text) + PORTAL_LINK.findall(message.body_html)


def assert_links_open_in(message, language):
    links = links_of(message)
    assert links, message.body_text
    for link in links:
        assert parse_qs(urlsplit(link).query)["lang"] == [language], link


def path_of(link):
    parts = urlsplit(link)
    return parts.path + "?" + parts.query


def sign_up(client, lang, email="alice@example.fr"):
    response = submit(client, from_page=f"/inscription?lang={lang}", login_email=email, login_email_confirm=email,
                      phone=None, contact_email=None)
    assert response.status_code == 303


# --- A first visit ---------------------------------------------------------------------------------


@pytest.mark.parametrize("accept_language, expected", [
    ("en-GB,en;q=0.9,fr;q=0.5", "en"),
    ("en-US", "en"),
    ("fr-CA,en;q=0.5", "fr"),
    ("de-DE,de;q=0.9", "fr"),  # a language the portal does not speak: French
    ("de-DE,en-GB;q=0.8,fr;q=0.5", "en"),
    ("*", "fr"),
    ("", "fr"),
])
def test_a_first_visit_follows_the_browsers_language(app, accept_language, expected):
    response = browser(app, accept_language).get("/")
    assert language_of(response) == expected
    assert "Accept-Language" in response.headers["Vary"]  # a cache keeps one copy per language


def test_a_choice_on_the_page_wins_over_the_browser_and_the_browsers_is_not_stored(app):
    client = browser(app, "en-US,en;q=0.9")
    assert language_of(client.get("/inscription")) == "en"
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-FR"
    assert language_of(client.get("/inscription")) == "fr"  # nothing was stored: it follows the browser
    client.get("/?lang=en")
    chosen = client.get("/inscription")
    assert language_of(chosen) == "en" and "Accept-Language" not in chosen.headers.get("Vary", "")


# --- Links in e-mails --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang, other", [("en", "fr-FR,fr;q=0.9"), ("fr", "en-US,en;q=0.9")])
def test_the_sign_up_link_opens_in_the_language_of_the_e_mail(app, lang, other):
    sign_up(app.test_client(), lang)
    [link_mail] = mails(app, "activation_link")
    assert_links_open_in(link_mail, lang)
    [link] = set(PORTAL_LINK.findall(link_mail.body_text))
    # Read on another device whose browser prefers the other language.
    reader = browser(app, other)
    opened = reader.get(path_of(link))
    assert opened.status_code == 303
    activation = reader.get(opened.headers["Location"])
    assert activation.status_code == 200 and language_of(activation) == lang


def test_an_activation_link_sent_again_opens_in_the_accounts_language(app):
    make_person(app, "paul@example.fr", "en", active=False)
    client = browser(app, "fr-FR")
    response = client.post("/activation/nouveau-lien", data={"email": "paul@example.fr",
                                                            "csrf_token": csrf(client, "/connexion")})
    response.close()
    [message] = mails(app, "activation_link")
    assert_links_open_in(message, "en")
    page = browser(app, "fr-FR").get(path_of(PORTAL_LINK.search(message.body_text).group(0)))
    assert page.status_code == 200 and language_of(page) == "en"


def test_the_reset_link_opens_in_the_accounts_language(app):
    make_person(app, "paul@example.fr", "en")
    client = browser(app, "fr-FR")  # asked from a French page: the e-mail is in the account's language
    response = client.post("/mot-de-passe-oublie", data={"email": "paul@example.fr",
                                                         "csrf_token": csrf(client, "/mot-de-passe-oublie")})
    response.close()
    [message] = mails(app, "password_reset")
    assert message.subject == "Choose a new password"
    assert_links_open_in(message, "en")
    reset_link = PORTAL_LINK.search(message.body_text).group(0)
    assert "/mot-de-passe/nouveau/" in reset_link
    page = browser(app, "fr-FR").get(path_of(reset_link))
    assert page.status_code == 200 and language_of(page) == "en"


def test_invitation_and_approval_links_open_in_the_recipients_language(app):
    manager = make_person(app, "ann@example.fr", "fr")
    requester = make_person(app, "zoe@example.fr", "en", active=False)
    with app.app_context(), db.connection_context():
        structure = Structure.create(identifier_type="SIRET", identifier="90110001600012", company_name="ALPHA SARL")
        request_id = AttachmentRequest.create(account=requester, structure=structure).id
        with app.test_request_context("/"):
            invite(structure, Account.get_by_id(manager), "nina@example.fr", locale="en")
            approve_attachment(structure, request_id, Account.get_by_id(manager))
    [invitation] = mails(app, "invitation")
    assert_links_open_in(invitation, "en")
    page = browser(app, "fr-FR").get(path_of(PORTAL_LINK.search(invitation.body_text).group(0)))
    assert page.status_code == 200 and language_of(page) == "en"
    [approval] = mails(app, "attachment_approved")
    assert approval.subject == "Your attachment request was approved"
    assert_links_open_in(approval, "en")
    page = browser(app, "fr-FR").get(path_of(PORTAL_LINK.search(approval.body_text).group(0)))
    assert page.status_code == 200 and language_of(page) == "en" and "/activation/" in page.request.path


# --- Signing in ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("stored, using", [("fr", "en"), ("en", "fr")])
def test_signing_in_keeps_the_language_in_use_and_stores_it(app, stored, using):
    make_person(app, "paul@example.fr", stored)
    client = app.test_client()
    response = client.post("/connexion", data={"email": "paul@example.fr", "password": PASSWORD,
                                               "csrf_token": csrf(client, f"/connexion?lang={using}")})
    assert response.status_code == 303
    assert language_of(client.get(response.headers["Location"])) == using
    assert stored_locale(app, "paul@example.fr") == using
    assert client.post("/deconnexion", data={"csrf_token": csrf(client, "/mon-compte")}).status_code == 303
    assert language_of(client.get("/")) == using  # signing out keeps it too


def test_signing_in_with_the_browsers_language_stores_it(app):
    make_person(app, "paul@example.fr", "fr")
    client = browser(app, "en-US,en;q=0.9")
    response = client.post("/connexion", data={"email": "paul@example.fr", "password": PASSWORD,
                                               "csrf_token": csrf(client, "/connexion")})
    assert response.status_code == 303
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-FR"
    assert language_of(client.get("/mon-compte")) == "en"  # kept in the session now
    assert stored_locale(app, "paul@example.fr") == "en"


def test_the_two_step_sign_in_keeps_the_language_too(app):
    app.config["TWO_FACTOR"] = "mandatory"
    make_person(app, "paul@example.fr", "fr")
    client = app.test_client()
    response = client.post("/connexion", data={"email": "paul@example.fr", "password": PASSWORD,
                                               "csrf_token": csrf(client, "/connexion?lang=en")})
    assert response.headers["Location"].endswith("/connexion/code")
    code_page = client.get("/connexion/code")
    assert language_of(code_page) == "en"
    [message] = mails(app, "sign_in_code")
    code = re.search(r"^(\d{6})$", message.body_text, re.M).group(1)
    response = client.post("/connexion/code", data={"code": code, "csrf_token": TOKEN.search(
        code_page.get_data(as_text=True)).group(1)})
    assert response.status_code == 303
    assert language_of(client.get(response.headers["Location"])) == "en"
    assert stored_locale(app, "paul@example.fr") == "en"


# --- Someone signs up with your address ------------------------------------------------------------------


@pytest.mark.parametrize("owner_locale, page_lang, subject", [
    ("en", "fr", "Someone tried to create an account with your address"),
    ("fr", "en", "Tentative de création de compte avec votre adresse"),
])
def test_the_account_exists_notice_is_in_the_owners_language(app, owner_locale, page_lang, subject):
    make_person(app, "alice@example.fr", owner_locale)
    sign_up(app.test_client(), page_lang)
    [notice] = mails(app, "account_exists")
    assert notice.subject == subject
    assert_links_open_in(notice, owner_locale)
    assert mails(app, "activation_link") == []
