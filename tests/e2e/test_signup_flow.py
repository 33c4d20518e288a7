"""The sign-up flow of issue 2 ("What a user does" 1-7) in real Chromium, with JavaScript on and off.

Texts are matched in French or English: the French catalogue may not be compiled yet.
"""
import re
import time
import uuid

import pytest
from playwright.sync_api import expect

DEMO_SIRET = "90110001600012"  # open company ATELIERS DU LAMPADAIRE BLEU (webapp/directory/demo/README.md)
DEMO_COMPANY = "ATELIERS DU LAMPADAIRE BLEU"
DEMO_ADDRESS = ("12 BIS AVENUE DES LILAS", "75012", "PARIS")
PASSWORD = "Horizon#Velours42"


def either(french, english, start=False):
    """A regex matching the French text or its English msgid. French typography is tolerated: a space
    also matches a no-break space ("Erreur\u00a0:"), an apostrophe also matches "’"."""
    french = re.escape(french).replace("\\ ", "\\s").replace("'", "['’]")
    pattern = "(?:" + french + "|" + re.escape(english) + ")"
    return re.compile(("^" if start else "") + pattern)


def assert_fits_the_screen(page):
    """The page never scrolls sideways; the message names what sticks out (outside scroll boxes)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow <= 0:
        return
    culprits = page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const scrolls = e => { for (let a = e.parentElement; a; a = a.parentElement) {
              const x = getComputedStyle(a).overflowX; if (x === 'auto' || x === 'scroll') return true; }
            return false; };
          return [...document.body.querySelectorAll('*')]
            .filter(e => e.getBoundingClientRect().right > width + 0.5 && !scrolls(e))
            .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                      (e.className && e.className.baseVal === undefined ? '.' + e.className : ''))
            .slice(0, 8);
        }"""
    )
    width = page.viewport_size["width"]
    raise AssertionError(f"{page.url} scrolls sideways by {overflow}px at {width}px wide: {culprits}")


def new_email():
    return f"e2e-{uuid.uuid4().hex[:10]}@example.fr"


# --- steps shared by the tests -------------------------------------------------------------------

def open_signup_from_home(page):
    page.goto("/")
    page.locator("main").get_by_role("link", name=either("Créer un compte", "Create an account")).click()
    expect(page.locator("h1")).to_have_text(either("Créer un compte", "Create an account"))
    expect(page.locator("#signup-form")).to_be_visible()


def fill_personal_information(page, email, first="Alice", last="Martin"):
    page.fill("#login_email", email)
    page.fill("#login_email_confirm", email)
    page.fill("#first_name", first)
    page.fill("#last_name", last)
    page.fill("#phone", "01 23 45 67 89")
    page.check("#accept_terms")


def expect_prefilled_demo_company(page):
    expect(page.locator("#company_name")).to_have_value(DEMO_COMPANY)
    expect(page.locator("#address_line")).to_have_value(DEMO_ADDRESS[0])
    expect(page.locator("#postcode")).to_have_value(DEMO_ADDRESS[1])
    expect(page.locator("#city")).to_have_value(DEMO_ADDRESS[2])
    expect(page.locator("#country")).to_have_value("FR")
    expect(page.locator("#structure_type")).to_have_value("company")
    expect(page.locator("#identifier-check")).to_contain_text(
        either("n'est pas présente dans le portail", "not yet in the portal")
    )


def choose_siret_with_js(page):
    """Choosing the type swaps in the identifier field with its hint, without a page load."""
    page.evaluate("window.__sameDocument = true")
    page.select_option("#identifier_type", "SIRET")
    identifier = page.locator("#identifier")
    expect(identifier).to_be_visible()
    expect(page.locator("#identifier-hint")).to_have_text(re.compile(r"14 (chiffres|digits)"))
    # A swapped-in input listens once htmx has processed it (after the settle delay); a person takes
    # longer than that to start typing, the test's fill() may not.
    page.wait_for_function(
        "() => { const e = document.getElementById('identifier');"
        " return Boolean(e && e['htmx-internal-data'] && e['htmx-internal-data'].initHash); }"
    )
    assert page.evaluate("window.__sameDocument") is True, "choosing the type reloaded the page"
    return identifier


def open_mailbox(page, email, at_least=1, seconds=10):
    """The dev mailbox of `email`, reloaded like a newcomer would until `at_least` e-mails are there:
    a sign-up's e-mails are written once its answer has been sent, a moment after the page shows."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(f"/dev/mailbox/?to={email}")
        subjects = page.locator(".devmail-list tbody a")
        if subjects.count() >= at_least or time.monotonic() > deadline:
            break
        page.wait_for_timeout(200)
    expect(subjects.first).to_be_visible()
    return subjects


def read_activation_link(page, base_url, email):
    """Open the dev mailbox like a newcomer would and return the activation link of `email`."""
    subjects = open_mailbox(page, email)
    hrefs = [subjects.nth(i).get_attribute("href") for i in range(subjects.count())]
    for href in hrefs:
        page.goto(href)
        link = page.locator('.devmail-body a[href*="/activation/"]')
        if link.count():
            url = link.first.get_attribute("href")
            assert url.startswith(base_url + "/"), f"activation link {url} does not use PORTAL_BASE_URL"
            return url
    raise AssertionError(f"no activation link among the e-mails to {email}")


def activate_account(page, activation_url, js=True):
    page.goto(activation_url)
    expect(page.locator("h1")).to_have_text(either("Activation du compte", "Account activation"))
    rules = page.locator("#password-rules")
    met, unmet = rules.locator(".rule--met"), rules.locator(".rule--unmet")
    if js:
        expect(met).to_have_count(0)
        total = rules.locator("li").count()
        assert total >= 2, "the checklist lists the password rules"
        page.locator("#password").press_sequentially("abcdefgh", delay=20)
        # Not common and no name in it: some rules are met, but not the length nor the variety.
        expect(met).not_to_have_count(0)
        expect(unmet).not_to_have_count(0)
        page.locator("#password").fill(PASSWORD)
        expect(unmet).to_have_count(0)
        expect(met).to_have_count(total)
    else:
        page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.select_option("#secret_question", index=1)
    page.fill("#secret_answer", "Médor")
    page.get_by_role("button", name=either("Soumettre", "Submit")).click()
    expect(page.locator("h1")).to_have_text(either("Se connecter", "Sign in"))


def sign_in_and_see_structure(page, email):
    page.goto("/connexion")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main").get_by_role("button", name=either("Se connecter", "Sign in")).click()
    # The first sign-in after activation: the welcome page (tests/e2e/test_activation_welcome.py), then "Mon compte".
    expect(page.locator("h1")).to_have_text(either("Félicitations ! Votre compte est créé.", "Congratulations! Your account is created."))
    page.locator("main").get_by_role("link", name=either("Aller à « Mon compte »", "Go to “My account”")).click()
    expect(page.locator("h1")).to_have_text(either("Mon compte", "My account"))
    expect(page.locator("main")).to_contain_text(email)
    row = page.locator("main .structure-card", has_text=DEMO_COMPANY)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(DEMO_SIRET)
    expect(row).to_contain_text(either("Gestionnaire principal", "Principal manager"))


def sign_up_with_js(page, email):
    """Steps 1-4 with JavaScript: up to the "check your mailbox" page."""
    open_signup_from_home(page)
    fill_personal_information(page, email)
    identifier = choose_siret_with_js(page)

    # A malformed SIRET gets a precise message, as a fragment (no page load).
    identifier.press_sequentially("1234", delay=20)
    expect(page.locator("#identifier-feedback")).to_contain_text(re.compile(r"14"))
    expect(page.locator("#identifier-feedback")).to_contain_text(re.compile(r"\b4\b"))
    identifier.fill("")
    identifier.press_sequentially("9011000160001X", delay=10)
    expect(page.locator("#identifier-feedback")).to_contain_text(re.compile(r"chiffre|digit", re.I))

    identifier.fill(DEMO_SIRET)
    expect_prefilled_demo_company(page)
    assert page.evaluate("window.__sameDocument") is True, "the identifier check reloaded the page"
    # Still editable: the user's edit stays (no later check overwrites it).
    page.fill("#company_name", DEMO_COMPANY + " SAS")

    submit = page.locator("#submit-signup")
    expect(submit).to_be_disabled()
    page.fill("#captcha_answer", "PASSED")
    page.get_by_role("button", name=either("Valider le captcha", "Validate the captcha")).click()
    expect(page.locator("#captcha-solved")).to_be_visible()
    expect(submit).to_be_enabled()
    expect(page.locator("#live-region")).not_to_be_empty()
    # The validate button is gone with the swap: focus moves on to the next step, not to <body>.
    expect(submit).to_be_focused()
    expect(page.locator("#company_name")).to_have_value(DEMO_COMPANY + " SAS")

    submit.click()
    expect(page.locator("h1")).to_have_text(either("Vérifiez votre messagerie", "Check your mailbox"))
    expect(page.locator(".email-address")).to_have_text(email)


# --- the tests -----------------------------------------------------------------------------------

def test_sign_up_activate_and_sign_in_with_javascript(js_page, live_server):
    email = new_email()
    sign_up_with_js(js_page, email)
    activation_url = read_activation_link(js_page, live_server.url, email)
    activate_account(js_page, activation_url, js=True)
    sign_in_and_see_structure(js_page, email)


@pytest.mark.parametrize("width", [1280, 360])
def test_sign_up_activate_and_sign_in_without_javascript(nojs_page, live_server, width):
    """Also the small-screen pass: at 360 px no page of the journey may scroll sideways."""
    page = nojs_page
    page.set_viewport_size({"width": width, "height": 900})
    email = new_email()
    open_signup_from_home(page)
    assert_fits_the_screen(page)
    fill_personal_information(page, email)

    page.select_option("#identifier_type", "SIRET")
    expect(page.locator("#identifier")).to_have_count(0)
    page.get_by_role("button", name=either("Afficher les champs", "Show the fields")).click()
    expect(page.locator("#identifier-hint")).to_have_text(re.compile(r"14 (chiffres|digits)"))
    expect(page.locator("#first_name")).to_have_value("Alice")  # the re-rendered page keeps values

    check_button = page.get_by_role("button", name=either("Vérifier l'identifiant", "Check the identifier"))
    page.fill("#identifier", "1234")
    check_button.click()
    expect(page.locator("#identifier-feedback")).to_contain_text(re.compile(r"14"))

    page.fill("#identifier", DEMO_SIRET)
    check_button.click()
    expect_prefilled_demo_company(page)
    assert_fits_the_screen(page)

    # No "validate" button without JS: the answer is checked with the form, which is never disabled.
    expect(page.locator("#captcha-validate")).to_be_hidden()
    submit = page.locator("#submit-signup")
    expect(submit).to_be_enabled()
    page.fill("#captcha_answer", "PASSED")
    submit.click()
    expect(page.locator("h1")).to_have_text(either("Vérifiez votre messagerie", "Check your mailbox"))
    expect(page.locator(".email-address")).to_have_text(email)
    assert_fits_the_screen(page)

    activation_url = read_activation_link(page, live_server.url, email)
    assert_fits_the_screen(page)
    activate_account(page, activation_url, js=False)
    assert_fits_the_screen(page)
    sign_in_and_see_structure(page, email)
    assert_fits_the_screen(page)


def test_failed_submit_keeps_values_and_focuses_error_summary(js_page):
    page = js_page
    email = new_email()
    open_signup_from_home(page)
    fill_personal_information(page, email)
    page.fill("#login_email_confirm", "someone-else@example.fr")
    page.fill("#last_name", "")
    page.fill("#contact_email", "contact@example.fr")
    page.check("#survey_consent")
    choose_siret_with_js(page).fill(DEMO_SIRET)
    expect_prefilled_demo_company(page)
    page.fill("#company_name", "LAMPADAIRE BLEU (nom modifié)")
    page.fill("#address_complement_1", "Bâtiment B")
    page.uncheck("#feature_payment_requests")
    page.check("#feature_dume")
    page.fill("#captcha_answer", "PASSED")
    page.get_by_role("button", name=either("Valider le captcha", "Validate the captcha")).click()
    page.locator("#submit-signup").click()

    expect(page).to_have_title(either("Erreur :", "Error:", start=True))
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#login_email_confirm']")).to_have_count(1)
    expect(summary.locator("a[href='#last_name']")).to_have_count(1)
    expect(page.locator("#login_email_confirm-error")).to_be_visible()
    expect(page.locator("#last_name-error")).to_be_visible()
    expect(page.locator("#last_name")).to_have_attribute("aria-invalid", "true")

    kept = {
        "#login_email": email, "#login_email_confirm": "someone-else@example.fr",
        "#first_name": "Alice", "#contact_email": "contact@example.fr",
        "#identifier_type": "SIRET", "#identifier": DEMO_SIRET,
        "#company_name": "LAMPADAIRE BLEU (nom modifié)", "#address_line": DEMO_ADDRESS[0],
        "#address_complement_1": "Bâtiment B", "#postcode": DEMO_ADDRESS[1], "#city": DEMO_ADDRESS[2],
        "#country": "FR", "#structure_type": "company",
    }
    for selector, value in kept.items():
        expect(page.locator(selector)).to_have_value(value)
    expect(page.locator("#accept_terms")).to_be_checked()
    expect(page.locator("#survey_consent")).to_be_checked()
    expect(page.locator("#feature_payment_requests")).not_to_be_checked()
    expect(page.locator("#feature_dume")).to_be_checked()

    # An error link leads to its field.
    summary.locator("a[href='#last_name']").click()
    expect(page.locator("#last_name")).to_be_focused()

    # The validated captcha survives the failed submit: fix the fields and the sign-up goes through.
    page.fill("#login_email_confirm", email)
    page.fill("#last_name", "Martin")
    expect(page.locator("#submit-signup")).to_be_enabled()
    page.locator("#submit-signup").click()
    expect(page.locator("h1")).to_have_text(either("Vérifiez votre messagerie", "Check your mailbox"))


def test_javascript_flow_has_no_console_errors_or_csp_violations(js_page, live_server, browser_problems):
    email = new_email()
    sign_up_with_js(js_page, email)
    activation_url = read_activation_link(js_page, live_server.url, email)
    activate_account(js_page, activation_url, js=True)
    sign_in_and_see_structure(js_page, email)
    assert browser_problems.errors() == []


def test_prefilled_fields_are_not_rebuilt_under_the_user(js_page):
    """Leaving the identifier field checks it again; the pre-filled fields must stay the same DOM
    nodes, or what the user starts typing in them is lost (caret and focus jump)."""
    page = js_page
    open_signup_from_home(page)
    choose_siret_with_js(page).fill(DEMO_SIRET)
    expect_prefilled_demo_company(page)
    page.evaluate("document.getElementById('company_name').dataset.e2eMarker = 'original'")
    with page.expect_response(re.compile(r"/inscription/identifiant$")):
        page.locator("#company_name").click()  # blurs #identifier: its "change" check runs
    page.wait_for_timeout(200)  # let htmx swap and settle
    expect(page.locator("#company_name")).to_be_focused()
    assert page.evaluate("document.getElementById('company_name').dataset.e2eMarker") == "original"
    page.keyboard.press("End")
    page.keyboard.type(" SAS")
    expect(page.locator("#company_name")).to_have_value(DEMO_COMPANY + " SAS")


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_payment_requests_feature_is_checked_when_the_fields_appear(js, js_page, nojs_page):
    """Issue 2, step 1: "Déposer des demandes de paiement" (checked)."""
    page = js_page if js else nojs_page
    open_signup_from_home(page)
    if js:
        choose_siret_with_js(page)
    else:
        page.select_option("#identifier_type", "SIRET")
        page.get_by_role("button", name=either("Afficher les champs", "Show the fields")).click()
    expect(page.locator("#feature_payment_requests")).to_be_checked()
    expect(page.locator("#feature_dume")).not_to_be_checked()


@pytest.mark.parametrize("width", [1280, 360])
def test_signup_page_layout_after_prefill(js_context, live_server, screenshot_dir, width):
    page = js_context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    open_signup_from_home(page)
    fill_personal_information(page, new_email())
    choose_siret_with_js(page).fill(DEMO_SIRET)
    expect_prefilled_demo_company(page)
    page.locator("#company_name").focus()  # the focus style shows in the screenshot

    assert_fits_the_screen(page)
    path = screenshot_dir / f"signup-prefilled-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
