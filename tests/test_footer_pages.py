"""The footer's pages (issue 12, "Closer to the guides"): help, accessibility statement, legal notice,
personal data, terms; every page links to them, and they name the operator from the settings."""
import html

import pytest
from factories import page_text, text_of

FOOTER_PAGES = {
    "/aide": ("Need help?", "Besoin d'aide\u00a0?"),
    "/accessibilite": ("Accessibility statement", "Déclaration d'accessibilité"),
    "/mentions-legales": ("Legal notice", "Mentions légales"),
    "/donnees-personnelles": ("Personal data", "Données personnelles"),
    "/conditions-generales": ("Terms of use", "Conditions d'utilisation"),
}


def footer_of(response):
    body = response.get_data(as_text=True)
    return body[body.index('<footer class="site-footer">'):]


@pytest.mark.parametrize("url", sorted(FOOTER_PAGES))
def test_each_footer_page_opens_in_french_and_english(client, url):
    english, french = FOOTER_PAGES[url]
    response = client.get(url + "?lang=fr")
    assert response.status_code == 200
    assert f"<h1>{french}</h1>" in page_text(response)
    assert f"<title>{french} – Portail e-facturation</title>" in page_text(response)
    response = client.get(url + "?lang=en")
    assert f"<h1>{english}</h1>" in page_text(response)


@pytest.mark.parametrize("url", ["/", "/inscription", "/connexion", "/annuaire", "/no-such-page"])
def test_every_page_links_to_the_footer_pages(client, url):
    footer = footer_of(client.get(url + "?lang=fr"))
    assert '<nav aria-label="À propos du portail">' in html.unescape(footer)
    for page in FOOTER_PAGES:
        assert f'href="{page}"' in footer, (url, page)


def test_the_operator_comes_from_the_settings(app, client):
    app.config.update(
        OPERATOR_NAME="Factures & Co SAS", OPERATOR_ADDRESS="3 rue des Lilas, 69003 Lyon",
        SUPPORT_EMAIL="aide@factures.example", SUPPORT_PHONE="04 00 00 00 00",
        DATA_PROTECTION_EMAIL="dpo@factures.example", HOSTING_PROVIDER="Hébergeur Exemple, 1 quai Est, Lille",
    )
    legal = text_of(client.get("/mentions-legales?lang=en"))
    assert "Portail e-facturation is published by Factures & Co SAS." in legal
    assert "3 rue des Lilas, 69003 Lyon" in legal and "04 00 00 00 00" in legal
    assert "The portal is hosted by Hébergeur Exemple, 1 quai Est, Lille." in legal
    assert "is not a government website" in legal
    help_page = client.get("/aide?lang=en").get_data(as_text=True)
    assert 'href="mailto:aide@factures.example"' in help_page
    assert 'href="tel:0400000000"' in help_page
    privacy = client.get("/donnees-personnelles?lang=en").get_data(as_text=True)
    assert 'href="mailto:dpo@factures.example"' in privacy
    assert "The controller of your data is Factures &amp; Co SAS, which runs the portal." in privacy
    assert 'href="mailto:aide@factures.example"' in client.get("/accessibilite?lang=en").get_data(as_text=True)
    footer = html.unescape(footer_of(client.get("/?lang=fr")))
    assert "Portail e-facturation est exploité par Factures & Co SAS." in footer


def test_without_operator_settings_the_pages_still_name_someone(app, client):
    """The defaults: the operator is the portal's name, it hosts itself, the support address answers
    questions about data too; no empty line, no phone."""
    app.config.update(PORTAL_NAME="Factures Test", SUPPORT_EMAIL="support@factures.test")
    legal = text_of(client.get("/mentions-legales?lang=en"))
    assert "Factures Test is published by Factures Test." in legal
    assert "The portal is hosted by Factures Test." in legal
    assert "Address" not in legal and "Phone" not in legal
    assert 'href="mailto:support@factures.test"' in client.get("/donnees-personnelles?lang=en").get_data(as_text=True)
    help_page = client.get("/aide?lang=en").get_data(as_text=True)
    assert 'href="mailto:support@factures.test"' in help_page and "tel:" not in help_page
    assert "is run by" not in footer_of(client.get("/?lang=en"))  # no operator named: no line


def test_counts_in_the_footer_pages_are_plural_forms(app, client):
    app.config.update(ACTIVATION_TOKEN_HOURS=1, KNOWN_DEVICE_DAYS=1)
    assert "dans un délai de 1 heure." in text_of(client.get("/aide?lang=fr"))
    privacy = text_of(client.get("/donnees-personnelles?lang=fr"))
    assert "dans un délai de 1 heure\u00a0;" in privacy and "pendant 1 jour un navigateur" in privacy
    app.config.update(ACTIVATION_TOKEN_HOURS=24, KNOWN_DEVICE_DAYS=30)
    assert "within 24 hours." in text_of(client.get("/aide?lang=en"))
    assert "pendant 30 jours un navigateur" in text_of(client.get("/donnees-personnelles?lang=fr"))


@pytest.mark.parametrize("status, wording", [
    ("not_audited", "n'a pas encore fait l'objet d'un audit"),
    ("partial", "est partiellement conforme"),
    ("full", "est totalement conforme"),
])
def test_the_accessibility_statement_says_the_configured_status(app, client, status, wording):
    app.config["ACCESSIBILITY_STATUS"] = status
    text = text_of(client.get("/accessibilite?lang=fr"))
    assert wording in text
    assert "Défenseur des droits" in text


def test_an_unknown_accessibility_status_refuses_to_start(app_config):
    from config import ConfigurationError
    from webapp import create_app

    with pytest.raises(ConfigurationError, match="ACCESSIBILITY_STATUS"):
        create_app({**app_config, "ACCESSIBILITY_STATUS": "compliant"})


@pytest.mark.parametrize("name, french, english", [
    ("Portail e-facturation", "Bienvenue sur le Portail e-facturation", "Welcome to Portail e-facturation"),
    ("Factures Test", "Bienvenue sur le portail Factures Test", "Welcome to the Factures Test portal"),
])
def test_the_welcome_reads_right_whatever_the_name(app, client, name, french, english):
    app.config["PORTAL_NAME"] = name
    assert f"<h1>{french}</h1>" in client.get("/?lang=fr").get_data(as_text=True)
    assert f"<h1>{english}</h1>" in client.get("/?lang=en").get_data(as_text=True)


def test_the_terms_link_to_the_personal_data_page(client):
    assert 'href="/donnees-personnelles"' in client.get("/conditions-generales").get_data(as_text=True)
