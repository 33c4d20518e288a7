"""In real Chromium: a link from another site with ?lang= shows the page in that language but leaves the
language of the account's e-mails alone; a click on the page's own language switch stores it."""
import re

from playwright.sync_api import expect

from webapp.extensions import db
from webapp.models import Account

from .seed import PASSWORD, account

EMAIL = "lea@example.fr"
ELSEWHERE = "http://elsewhere.test/"


def stored_language(app):
    with app.app_context(), db.connection_context():
        return Account.get(Account.email == EMAIL).locale


def test_only_the_pages_own_language_switch_changes_the_e_mail_language(js_context, js_page, live_server):
    app = live_server.app
    with app.app_context(), db.connection_context():
        account(EMAIL, "Léa", "Petit")
    assert stored_language(app) == "fr"
    page = js_page
    page.goto("/connexion")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("^(Se connecter|Sign in)$")).click()
    expect(page.locator("h1")).to_have_text("Rattachez votre compte à une structure")  # no structure: the choices

    # Another site links to the portal with ?lang=en: the page is in English, nothing is stored.
    link = f'<!doctype html><title>x</title><a id="go" href="{live_server.url}/mon-compte?lang=en">go</a>'
    js_context.route(ELSEWHERE + "**", lambda route: route.fulfill(content_type="text/html", body=link))
    page.goto(ELSEWHERE)
    page.click("#go")
    expect(page.locator("h1")).to_have_text("My account")  # signed in: the session came along
    assert stored_language(app) == "fr"

    # Typed in the address bar: the same.
    page.goto(live_server.url + "/mon-compte?lang=fr")
    page.goto(live_server.url + "/mon-compte?lang=en")
    expect(page.locator("h1")).to_have_text("My account")
    assert stored_language(app) == "fr"

    # The user's own click on the switch of the page.
    page.locator('header a[hreflang="fr"]').click()
    expect(page.locator("h1")).to_have_text("Mon compte")
    page.locator('header a[hreflang="en"]').click()
    expect(page.locator("h1")).to_have_text("My account")
    assert stored_language(app) == "en"
