"""The sign-up flow of issue 2 ("What a user does" 1-7) in real Chromium, with JavaScript on and off.

The steps are steps.py's, shared with the other browser tests.
"""
import re

import pytest
from playwright.sync_api import expect

from .steps import (
    DEMO_ADDRESS,
    DEMO_COMPANY,
    DEMO_SIRET,
    activate_account,
    choose_siret_with_js,
    either,
    expect_prefilled_demo_company,
    fill_personal_information,
    new_email,
    open_signup_from_home,
    read_activation_link,
    sign_in_and_see_structure,
    sign_up_with_js,
)


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
