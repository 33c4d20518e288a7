"""The steps the browser tests share: a newcomer's sign-up, the dev mailbox, the activation, signing in.

Texts are matched in French or English (`either`): the French catalogue may not be compiled yet.
Data written straight into the database are tests/factories.py's; the fixtures are conftest.py's.
"""
import re
import time
import uuid

from factories import PASSWORD
from playwright.sync_api import expect

DEMO_SIRET = "90110001600012"  # open company ATELIERS DU LAMPADAIRE BLEU (webapp/register/demo/README.md)
DEMO_COMPANY = "ATELIERS DU LAMPADAIRE BLEU"
DEMO_ADDRESS = ("12 BIS AVENUE DES LILAS", "75012", "PARIS")


def either(french, english, start=False):
    """A regex matching the French text or its English msgid. French typography is tolerated: a space
    also matches a no-break space ("Erreur\u00a0:"), an apostrophe also matches "’"."""
    french = re.escape(french).replace("\\ ", "\\s").replace("'", "['’]")
    pattern = "(?:" + french + "|" + re.escape(english) + ")"
    return re.compile(("^" if start else "") + pattern)


def new_email():
    return f"e2e-{uuid.uuid4().hex[:10]}@example.fr"


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


def wait_for_htmx(page, selector):
    """Returns once the element `selector` (swapped in) has been processed by htmx: then it listens."""
    page.wait_for_function(
        "(selector) => { const e = document.querySelector(selector);"
        " return Boolean(e && e['htmx-internal-data'] && e['htmx-internal-data'].initHash); }",
        arg=selector,
    )


def assert_no_sideways_scroll(page, where):
    sizes = page.evaluate("({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})")
    assert sizes["scroll"] <= sizes["inner"], f"{where}: the page scrolls sideways {sizes}"


def choose_siret_with_js(page):
    """Choosing the type swaps in the identifier field with its hint, without a page load."""
    page.evaluate("window.__sameDocument = true")
    page.select_option("#identifier_type", "SIRET")
    identifier = page.locator("#identifier")
    expect(identifier).to_be_visible()
    expect(page.locator("#identifier-hint")).to_have_text(re.compile(r"14 (chiffres|digits)"))
    # A swapped-in input listens once htmx has processed it (after the settle delay); a person takes
    # longer than that to start typing, the test's fill() may not.
    wait_for_htmx(page, "#identifier")
    assert page.evaluate("window.__sameDocument") is True, "choosing the type reloaded the page"
    return identifier


def open_mailbox(page, email, at_least=1, seconds=30):
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


def link_in_mailbox(page, email, path, seconds=30):
    """The first link to `path` in the dev mailbox of `email`. The e-mails of a sign-up are written once
    its answer has left: look again, as a person would, until one is there."""
    deadline = time.monotonic() + seconds
    while True:
        subjects = open_mailbox(page, email, seconds=max(0.0, deadline - time.monotonic()))
        for href in [subjects.nth(i).get_attribute("href") for i in range(subjects.count())]:
            page.goto(href)
            found = page.locator(f'.devmail-body a[href*="{path}"]')
            if found.count():
                return found.first.get_attribute("href")
        assert time.monotonic() < deadline, f"no e-mail with a link to {path} for {email}"
        page.wait_for_timeout(250)


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


def sign_in(page, email, password=PASSWORD):
    """Sign in with the password (outside production TWO_FACTOR is "optional", off until the user turns
    it on): the page lands on "Mon compte", which names the address."""
    page.goto("/connexion")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("main").get_by_role("button", name=either("Se connecter", "Sign in")).click()
    expect(page).to_have_url(re.compile(r"/mon-compte(/bienvenue)?$"))  # not /connexion/code
    if page.url.endswith("/mon-compte/bienvenue"):  # the first sign-in after activation: the welcome page
        page.locator("main").get_by_role("link", name=either("Aller à « Mon compte »", "Go to “My account”")).click()
    expect(page.locator("h1")).to_have_text(either("Mon compte", "My account"))
    expect(page.locator("main")).to_contain_text(email)


def sign_in_and_see_structure(page, email):
    """Sign in, then "Mon compte" lists the demo company with its principal manager."""
    sign_in(page, email)
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
