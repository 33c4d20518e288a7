"""In real Chromium: the survey consent the sign-up promised can be withdrawn from "Mon compte", and
given again; each change is confirmed at the top of the page and dated in its section (axe on both)."""
from playwright.sync_api import expect

from webapp.credentials import hash_password
from webapp.extensions import db
from webapp.models import Account, utcnow


EMAIL = "ines@example.fr"
PASSWORD = "Horizon#Velours42"


def test_withdraw_then_give_the_survey_consent(axe, js_page, live_server, browser_problems):
    with live_server.app.app_context(), db.connection_context():
        Account.create(email=EMAIL, first_name="Inès", last_name="Moreau", contact_email=EMAIL,
                       terms_accepted_at=utcnow(), password_hash=hash_password(PASSWORD), is_active=True,
                       activated_at=utcnow(), survey_consent=True, survey_consent_at=utcnow())
    page = js_page
    page.goto("/connexion")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url("**/mon-compte**")
    page.goto("/mon-compte")
    section = page.locator("#surveys")
    expect(section.get_by_role("heading", name="Enquêtes de satisfaction")).to_be_visible()
    expect(section).to_contain_text("Consentement donné le")

    section.get_by_role("button", name="Retirer mon consentement aux enquêtes").click()
    expect(page.locator("main .notice--success")).to_contain_text("Votre consentement est retiré")
    expect(section).to_contain_text("Vous ne recevez pas d'enquêtes de satisfaction sur le portail.")
    expect(section).to_contain_text("Consentement retiré le")
    axe.assert_accessible(page, "My account, consent withdrawn")

    section.get_by_role("button", name="J'accepte de recevoir les enquêtes de satisfaction").click()
    expect(page.locator("main .notice--success")).to_contain_text("Votre consentement est enregistré")
    expect(section.get_by_role("button", name="Retirer mon consentement aux enquêtes")).to_be_visible()
    axe.assert_accessible(page, "My account, consent given")
    with live_server.app.app_context(), db.connection_context():
        account = Account.get(Account.email == EMAIL)
        assert account.survey_consent and account.survey_withdrawn_at is not None
    assert browser_problems.errors() == []
