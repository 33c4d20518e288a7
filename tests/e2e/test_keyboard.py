"""The sign-up and the activation with the keyboard alone (JavaScript on): Tab, typing, Space, arrows, Enter.

Each control is reached with Tab from the previous one (never clicked nor focused by script), and
each focused control must show a visible focus indicator.
"""
import re

from factories import PASSWORD
from playwright.sync_api import expect

from .steps import DEMO_COMPANY, DEMO_SIRET, either, new_email, read_activation_link

MAX_TABS = 40

FOCUS_VISIBLE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return false;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return outline || (s.boxShadow && s.boxShadow !== 'none');
}"""


def active_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page, element_id, backwards=False):
    """Press Tab until the element with this id has the focus; fails if it is never reached."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        current = active_id(page)
        seen.append(current or page.evaluate("document.activeElement.tagName"))
        if current == element_id:
            assert page.evaluate(FOCUS_VISIBLE), f"#{element_id} has the focus but shows no focus indicator"
            return
    raise AssertionError(f"#{element_id} not reached with Tab; focus went through {seen}")


def type_into(page, element_id, text):
    tab_to(page, element_id)
    page.keyboard.type(text, delay=5)


def test_sign_up_and_activate_with_the_keyboard_alone(js_page, live_server):
    page = js_page
    email = new_email()
    page.goto("/")
    tab_to(page, "")  # the skip link comes first
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    signup_link = page.locator(".site-nav a[href='/inscription']")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("el => el === document.activeElement", signup_link.element_handle()):
            break
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(either("Créer un compte", "Create an account"))

    type_into(page, "login_email", email)
    type_into(page, "login_email_confirm", email)
    type_into(page, "first_name", "Alice")
    type_into(page, "last_name", "Martin")
    type_into(page, "phone", "0123456789")
    tab_to(page, "accept_terms")
    page.keyboard.press("Space")
    expect(page.locator("#accept_terms")).to_be_checked()

    tab_to(page, "identifier_type")
    page.keyboard.press("ArrowDown")  # the first type: SIRET
    expect(page.locator("#identifier_type")).to_have_value("SIRET")
    expect(page.locator("#identifier-hint")).to_have_text(re.compile(r"14 (chiffres|digits)"))
    expect(page.locator("#identifier_type")).to_be_focused()  # the swap did not steal the focus
    type_into(page, "identifier", DEMO_SIRET)
    expect(page.locator("#company_name")).to_have_value(DEMO_COMPANY)
    expect(page.locator("#identifier")).to_be_focused()

    type_into(page, "captcha_answer", "PASSED")
    tab_to(page, "captcha-validate")
    page.keyboard.press("Enter")
    expect(page.locator("#captcha-solved")).to_be_visible()
    expect(page.locator("#submit-signup")).to_be_focused()
    assert page.evaluate(FOCUS_VISIBLE), "the submit button shows no focus indicator"
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(either("Vérifiez votre messagerie", "Check your mailbox"))

    activation_url = read_activation_link(page, live_server.url, email)
    page.goto(activation_url)
    type_into(page, "password", PASSWORD)
    expect(page.locator("#password-rules .rule--unmet")).to_have_count(0)
    type_into(page, "password_confirm", PASSWORD)
    tab_to(page, "secret_question")
    page.keyboard.press("ArrowDown")
    type_into(page, "secret_answer", "Medor")
    page.keyboard.press("Enter")  # Enter in a text field submits its form
    expect(page.locator("h1")).to_have_text(either("Se connecter", "Sign in"))


def test_failed_sign_up_moves_the_focus_to_the_error_summary_and_its_links_to_the_fields(js_page, live_server):
    page = js_page
    page.goto("/inscription")
    type_into(page, "captcha_answer", "PASSED")
    tab_to(page, "captcha-validate")
    page.keyboard.press("Enter")
    expect(page.locator("#submit-signup")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_title(either("Erreur :", "Error:", start=True))
    expect(page.locator("#error-summary")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the first error's link
    expect(page.locator("#login_email")).to_be_focused()
