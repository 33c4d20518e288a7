"""Home, terms, error pages, language switch, security headers."""
import html
import re
from urllib.parse import urljoin, urlsplit

import pytest
from factories import csrf


def test_home_links_to_sign_up_and_sign_in(client):
    response = client.get("/?lang=en")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="/inscription"' in body and 'href="/connexion"' in body
    assert "Portail e-facturation" in body  # the configured name
    assert "gouv.fr" not in body


def test_portal_name_comes_from_configuration(app, client):
    app.config["PORTAL_NAME"] = "Factures Test"
    assert "<title>Terms of use – Factures Test</title>" in client.get("/conditions-generales?lang=en").get_data(as_text=True)


def test_terms_page(client):
    body = client.get("/conditions-generales?lang=en").get_data(as_text=True)
    assert "<h1>Terms of use</h1>" in body and "Personal data" in body


def test_sign_up_page_links_to_terms(client):
    body = client.get("/inscription?lang=en").get_data(as_text=True)
    assert 'href="/conditions-generales"' in body
    assert "Create my account" in body and 'id="captcha"' in body


def test_404_page(client):
    response = client.get("/no-such-page?lang=en")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Page not found" in body and 'href="/"' in body and "<html" in body


def test_french_by_default_and_english_remembered(client):
    assert '<html lang="fr">' in client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in client.get("/?lang=en").get_data(as_text=True)
    body = client.get("/conditions-generales").get_data(as_text=True)
    assert '<html lang="en">' in body and "<h1>Terms of use</h1>" in body
    assert 'href="?lang=fr"' in body  # the switch back
    assert '<html lang="en">' in client.get("/?lang=xx").get_data(as_text=True)  # unknown: ignored
    assert '<html lang="fr">' in client.get("/?lang=fr").get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/inscription")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "HX-Request" in response.headers["Vary"]


def test_no_inline_script_or_style(client):
    body = client.get("/inscription").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert "<style" not in body and " style=" not in body and "hx-on" not in body


def test_language_switch_keeps_the_other_query_parameters(client):
    body = client.get("/annuaire?q=lampadaire&page=1").get_data(as_text=True)
    assert 'href="?q=lampadaire&amp;page=1&amp;lang=en"' in body


def language_link(body):
    return html.unescape(re.search(r'<a href="([^"]*)" lang="en" hreflang="en">', body).group(1))


# (the address in the browser, the path the server decodes from it)
CRAFTED_PATHS = [
    ("/%5Cevil.example%2Fphish", "/\\evil.example/phish"),
    ("//evil.example/phish", "//evil.example/phish"),
    ("/%2F%2Fevil.example", "//evil.example"),
]


@pytest.mark.parametrize("address, path", CRAFTED_PATHS)
def test_language_link_never_leads_to_another_site(client, address, path):
    """The 404 page of a crafted path used to echo it into the link: href="/\\evil.example/phish?lang=en"."""
    response = client.get("/", environ_overrides={"PATH_INFO": path})
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert language_link(body) == "?lang=en" and "evil.example" not in body
    page = "http://portal.test" + address
    assert urlsplit(urljoin(page, language_link(body))).netloc == "portal.test"
    assert urljoin(page, language_link(body)) == page + "?lang=en"  # the same page, in English


def test_language_switch_on_the_sign_up_page_keeps_what_was_typed(client):
    page = client.get("/inscription").get_data(as_text=True)
    assert 'formaction="/inscription?lang=en"' in page and 'value="language"' in page
    response = client.post(
        "/inscription?lang=en",
        data={"csrf_token": csrf(client, "/"), "action": "language", "first_name": "Jeanne",
              "login_email": "jeanne@example.fr", "identifier_type": "SIRET", "identifier": "9011"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Create an account" in body
    assert 'value="Jeanne"' in body and 'value="jeanne@example.fr"' in body and 'value="9011"' in body
    assert "There is a problem" not in body  # switching language is not a submission
    assert "Créer un compte" in client.get("/inscription?lang=fr").get_data(as_text=True)
