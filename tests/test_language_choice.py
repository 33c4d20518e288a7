"""?lang= shows a page in a language; only the signed-in user's own click on the page's language switch
changes the language stored for their e-mails, never a link from another site."""
import pytest
from factories import account, csrf, forgot, switch_language

from webapp.extensions import db
from webapp.models import Account


@pytest.fixture
def alice(app, client, active_alice, auth):
    """Alice, signed in on the English page, her e-mails in French (as if she had chosen it before:
    signing in stores the page's language, so the choice is written after)."""
    assert auth.sign_in().status_code == 303
    with app.app_context(), db.connection_context():
        Account.update(locale="fr").execute()
    return client


@pytest.mark.parametrize("headers", [
    {"Referer": "https://evil.example/phish", "Sec-Fetch-Site": "cross-site"},  # a link on another site
    {"Sec-Fetch-Site": "cross-site"},  # the same, with the Referer stripped
    {"Sec-Fetch-Site": "none"},  # typed or bookmarked
    {},  # no Referer, no Fetch Metadata
    {"Referer": "http://localhost/mon-compte", "Sec-Fetch-Site": "same-site"},  # a sibling subdomain
    {"Referer": "http://localhost/mon-compte", "Sec-Fetch-Site": "cross-site"},  # whatever the Referer says
    {"Referer": "http://localhost/connexion", "Sec-Fetch-Site": "same-origin"},  # e.g. a crafted ?next= after sign-in
    {"Referer": "http://evil.example/mon-compte"},  # an older browser, another site's page of that name
])
def test_a_link_from_elsewhere_shows_the_language_but_does_not_store_it(app, alice, headers):
    page = alice.get("/mon-compte?lang=en", headers=headers)
    assert page.status_code == 200 and '<html lang="en">' in page.get_data(as_text=True)
    assert account(app).locale == "fr"


def test_the_pages_own_switch_stores_it_and_later_e_mails_follow(app, alice, outbox):
    switch_language(alice, "/mon-compte", "en")
    assert account(app).locale == "en"
    # An older browser without Fetch Metadata still sends the page as Referer.
    alice.get("/mon-compte?lang=fr", headers={"Referer": "http://localhost/mon-compte?lang=en"})
    assert account(app).locale == "fr"
    switch_language(alice, "/mon-compte/coordonnees", "en")
    alice.post("/deconnexion", data={"csrf_token": csrf(alice)})
    forgot(app.test_client(), "alice@example.fr")
    [reset] = [m for m in outbox() if m.kind == "password_reset"]
    assert reset.subject == "Choose a new password"


def test_a_post_with_lang_does_not_store_it(app, alice):
    alice.post("/mon-compte/coordonnees?lang=en", headers={"Referer": "http://localhost/mon-compte/coordonnees",
                                                            "Sec-Fetch-Site": "same-origin"},
               data={"csrf_token": csrf(alice, "/mon-compte")})
    assert account(app).locale == "fr"
