"""In real Chromium, from the e-mailed link on: activation, the sign-in page with the address already
filled in, then "Félicitations ! Votre compte est créé" with the guide's two choices and its warning,
each leading somewhere (no dead end); axe on the new page, no sideways scroll at 360 px, no console
error or Content-Security-Policy violation.

The sign-up itself is posted with Flask's test client (the sign-up journey has its own tests): the
person's part starts at the mailbox."""
import re

import pytest
from playwright.sync_api import expect
from factories import submit


EMAIL = "camille@example.fr"
PASSWORD = "Horizon#Velours42"


def sign_up(app):
    response = submit(app.test_client(), from_page="/inscription?lang=fr", login_email=EMAIL,
                      login_email_confirm=EMAIL, first_name="Camille", last_name="Roux", phone=None,
                      contact_email=None)
    assert response.status_code == 303


def link_from_the_mailbox(page):
    page.goto(f"/dev/mailbox/?to={EMAIL}")
    subjects = page.locator(".devmail-list tbody a")
    for href in [subjects.nth(i).get_attribute("href") for i in range(subjects.count())]:
        page.goto(href)
        link = page.locator('.devmail-body a[href*="/activation/"]')
        if link.count():
            return link.first.get_attribute("href")
    raise AssertionError(f"no activation link among the e-mails to {EMAIL}")


def assert_fits(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("width", [1280, 360])
def test_activation_then_prefilled_sign_in_then_the_welcome_page(axe, js_page, live_server, browser_problems, width):
    page = js_page
    page.set_viewport_size({"width": width, "height": 900})
    sign_up(live_server.app)
    link = link_from_the_mailbox(page)
    assert "lang=fr" in link  # the e-mail was French: its link opens the portal in French

    page.goto(link)
    expect(page.locator("h1")).to_have_text("Activation du compte")
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.select_option("#secret_question", index=1)
    page.fill("#secret_answer", "Médor")
    page.get_by_role("button", name="Soumettre").click()

    # The sign-in page: the address is there, the cursor waits in the password field.
    expect(page.locator("h1")).to_have_text("Se connecter")
    assert "@" not in page.url and "camille" not in page.url
    expect(page.locator("main")).to_contain_text("Votre compte est actif. Connectez-vous avec votre nouveau mot de passe.")
    expect(page.locator("#email")).to_have_value(EMAIL)
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_have_text("Félicitations\u00a0! Votre compte est créé.")
    expect(page).to_have_title(re.compile(r"^Félicitations"))
    main = page.locator("main")
    expect(main).to_contain_text("et non au client public auquel vous adressez vos factures")
    expect(main).to_contain_text("ATELIERS DU LAMPADAIRE BLEU")
    expect(main.get_by_role("heading", name="Créer une nouvelle structure")).to_be_visible()
    expect(main.get_by_role("heading", name="Rattacher mon compte à une structure")).to_be_visible()
    axe.assert_accessible(page, "welcome page")
    assert_fits(page)

    # Every way out leads somewhere.
    main.get_by_role("link", name="Créer une nouvelle structure").click()
    expect(page.locator("h1")).to_have_text("Créer une nouvelle structure")
    page.go_back()
    main.get_by_role("link", name="Demander un rattachement à une structure").click()
    expect(page.locator("h1")).to_have_text("Rattacher mon compte à une structure")
    page.go_back()
    main.get_by_role("link", name="Aller à «\u00a0Mon compte\u00a0»").click()
    expect(page.locator("h1")).to_have_text("Mon compte")
    assert browser_problems.errors() == []
