"""Zero console errors and zero Content-Security-Policy violations (issue 12, "Surprises in the form").

Every e2e test fails on a problem its browser reported (tests/e2e/browser_problems.py, checked by
conftest.py's pytest_runtest_call). These tests show that the watch sees what it must, and walk the
journeys where a walk in Chromium once logged "Applying inline style violates ... style-src 'self'":
the SIRET pre-fill, swapping identifier types (EU VAT among them) and the workspace switches.
Shared helpers come from steps.py; no test module imports another.
"""
import re

from playwright.sync_api import expect

from .steps import activate_account, link_in_mailbox, new_email, sign_in, wait_for_htmx

SIRET = "90110001600012"  # the demo register's ATELIERS DU LAMPADAIRE BLEU


def choose_type(page, value):
    """Returns once the type's fields are swapped in (the previous type's input may still be there
    until then) and listen."""
    page.evaluate("window.__previousIdentifier = document.getElementById('identifier')")
    with page.expect_response(lambda response: response.url.endswith("/type")):
        page.select_option("#identifier_type", value)
    page.wait_for_function(
        "() => { const e = document.getElementById('identifier');"
        " return Boolean(e && e !== window.__previousIdentifier && e['htmx-internal-data']"
        " && e['htmx-internal-data'].initHash); }"
    )


def type_identifier(page, value):
    """Key by key, as a person types; returns once the check of the last key has been answered."""
    page.locator("#identifier").press_sequentially(value[:-1], delay=20)
    with page.expect_response(lambda response: response.url.endswith("/identifiant")):
        page.locator("#identifier").press(value[-1])


def csp_violations(page):
    return page.evaluate("window.__cspViolations")


# --- the watch ------------------------------------------------------------------------------------

def test_the_watch_sees_csp_violations_and_page_errors_in_every_page_of_the_context(js_page, browser_problems):
    page = js_page
    page.goto("/")
    assert csp_violations(page) == []
    page.evaluate("document.querySelector('main').setAttribute('style', 'color: red')")
    page.evaluate("setTimeout(() => { throw new Error('deliberate failure'); })")
    browser_problems.settle()  # both are reported in tasks of their own
    [violation] = csp_violations(page)
    assert violation["directive"] == "style-src-attr" and violation["element"] == "main#main"
    assert any(re.match(r"CSP violation: style-src-attr .* on main#main", item) for item in browser_problems.items)
    assert any(item.startswith("pageerror:") and "deliberate failure" in item for item in browser_problems.items)

    # A page the test opens itself in the same browser is watched too, from its first document.
    other = page.context.new_page()
    other.goto("/conditions-generales")
    other.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>p { color: red }</style>')")
    other.wait_for_timeout(200)
    assert [v["directive"] for v in csp_violations(other)] == ["style-src-elem"]
    assert sum("CSP violation" in item for item in browser_problems.items) == 2

    # What the test provoked on purpose is not held against it.
    assert len(browser_problems.errors()) >= 3
    browser_problems.expect("CSP violation|Applying inline style|deliberate failure")
    assert browser_problems.errors() == []


# --- the journeys ---------------------------------------------------------------------------------

def test_prefill_type_swaps_and_workspace_switches_leave_the_console_clean(js_page, live_server, browser_problems):
    page = js_page
    email = new_email()
    page.goto("/inscription")
    page.fill("#login_email", email)
    page.fill("#login_email_confirm", email)
    page.fill("#first_name", "Alice")
    page.fill("#last_name", "Martin")
    page.check("#accept_terms")

    # The pre-fill, then an EU VAT number, another type, and back to the SIRET's pre-fill.
    choose_type(page, "SIRET")
    type_identifier(page, SIRET)
    expect(page.locator("#company_name")).to_have_value("ATELIERS DU LAMPADAIRE BLEU")
    choose_type(page, "UE_HORS_FRANCE")
    type_identifier(page, "BE0123456749")
    choose_type(page, "HORS_UE")
    choose_type(page, "SIRET")
    page.locator("#identifier").fill(SIRET)
    expect(page.locator("#company_name")).to_have_value("ATELIERS DU LAMPADAIRE BLEU")
    page.set_viewport_size({"width": 360, "height": 800})
    choose_type(page, "UE_HORS_FRANCE")
    type_identifier(page, "DE123456789")
    choose_type(page, "SIRET")
    page.locator("#identifier").fill(SIRET)
    expect(page.locator("#company_name")).to_have_value("ATELIERS DU LAMPADAIRE BLEU")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("#captcha_answer", "PASSED")
    page.locator("#captcha-validate").click()
    expect(page.locator("#captcha-solved")).to_be_visible()
    page.locator("#submit-signup").click()
    expect(page.locator(".email-address")).to_have_text(email)
    assert csp_violations(page) == []

    # Activation from the development mailbox, then sign in.
    activate_account(page, link_in_mailbox(page, email, "/activation/"), js=False)
    sign_in(page, email)

    # The workspace switches: each one saves with htmx and swaps its row.
    page.locator("main a[href*='/espaces-de-travail']").first.click()
    rows = page.locator(".workspace")
    expect(rows.first).to_be_visible()
    for index in range(min(rows.count(), 3)):
        row_id = rows.nth(index).get_attribute("id")
        # By its id: a ":not(:checked)" locator would move on to the other radio once this one is checked.
        radio_id = page.locator(f"#{row_id} input[type=radio]:not(:checked)").first.get_attribute("id")
        with page.expect_response(lambda response: "/espaces-de-travail/" in response.url):
            page.locator(f"#{radio_id}").check()
        expect(page.locator(f"#{radio_id}")).to_be_checked()
        expect(page.locator("#live-region")).not_to_be_empty()
        wait_for_htmx(page, f"#{row_id} form")  # the swapped-in row's switches save again
    page.locator("#features input[type=checkbox]").first.click()
    page.locator("#features button[type=submit]").click()
    expect(page.locator("#live-region")).not_to_be_empty()

    browser_problems.settle()
    assert csp_violations(page) == []
    assert browser_problems.errors() == []
