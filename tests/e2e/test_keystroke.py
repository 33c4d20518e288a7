"""The identifier answers as the person types (issue 11), in Chromium: a complete SIRET is looked up on
its last digit, partial input brings back the feedback line only, and what the person typed in a field
while a lookup was in flight is never overwritten by its answer."""
import re
import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

DEMO_SIRET = "90110001600012"  # ATELIERS DU LAMPADAIRE BLEU, in the demo register (webapp/register/demo/)
DEMO_COMPANY = "ATELIERS DU LAMPADAIRE BLEU"
IDENTIFIER_URL = re.compile(r"/inscription/identifiant$")


def open_siret_field(page):
    page.goto("/inscription")
    page.select_option("#identifier_type", "SIRET")
    expect(page.locator("#identifier")).to_be_visible()
    # htmx listens on a swapped-in input once it has processed it (after the settle delay).
    page.wait_for_function("() => { const e = document.getElementById('identifier');"
                           " return e && e['htmx-internal-data'] && e['htmx-internal-data'].initHash; }")
    return page.locator("#identifier")


def identifier_answers(page):
    """Decoded sizes and bodies of the identifier answers, in order of arrival."""
    answers = []
    page.on("response", lambda r: answers.append(r.body()) if IDENTIFIER_URL.search(r.url) else None)
    return answers


def test_partial_input_brings_back_a_small_answer_and_the_last_digit_prefills_at_once(js_page):
    page = js_page
    identifier = open_siret_field(page)
    answers = identifier_answers(page)
    identifier.click()
    for digit in DEMO_SIRET[:9]:  # slower than the pause: every key gets an answer
        page.keyboard.press(digit)
        page.wait_for_timeout(450)
    expect(page.locator("#identifier-check")).to_contain_text(re.compile(r"14 (chiffres|digits)"))
    partial = list(answers)
    assert partial, "a pause in typing asks the server"
    assert all(len(body) < 1024 for body in partial), [len(body) for body in partial]
    assert all(b"hx-swap-oob" not in body for body in partial)

    page.keyboard.type(DEMO_SIRET[9:-1], delay=60)
    started = time.monotonic()
    with page.expect_response(IDENTIFIER_URL):
        page.keyboard.press(DEMO_SIRET[-1])  # the 14th digit: no pause to wait for
    assert time.monotonic() - started < 0.3 + 2.0  # well under the old 500 ms pause plus a loaded machine
    expect(page.locator("#company_name")).to_have_value(DEMO_COMPANY)
    expect(page.locator("#postcode")).to_have_value("75012")
    expect(page.locator("#identifier-busy-text")).to_have_text("")  # the status was cleared


def test_a_value_typed_while_the_lookup_is_in_flight_is_kept(js_page):
    page = js_page
    identifier = open_siret_field(page)
    held = []  # the lookup's request, held until the person has typed in another field

    identifier.fill(DEMO_SIRET[:-1])
    page.wait_for_timeout(600)  # the partial input's answer came and went
    def hold(route):  # the first only: leaving the identifier field checks it again, that one goes through
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route(IDENTIFIER_URL, hold)
    identifier.press(DEMO_SIRET[-1])
    page.wait_for_function("() => document.getElementById('identifier-busy').classList.contains('htmx-request')")
    expect(page.locator("#identifier-busy-text")).to_have_text(re.compile(r"identifiant|identifier"))
    page.locator("#company_name").fill("MA SOCIETE")  # typed after the request left
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#postcode")).to_have_value("75012")  # the answer arrived and was swapped in
    expect(page.locator("#company_name")).to_have_value("MA SOCIETE")  # the person's value won
    expect(page.locator("#identifier-busy-text")).to_have_text("")


def test_an_identifier_of_no_fixed_length_is_checked_after_a_pause(js_page):
    page = js_page
    page.goto("/inscription")
    page.select_option("#identifier_type", "HORS_UE")
    expect(page.locator("#identifier")).to_be_visible()
    page.wait_for_function("() => { const e = document.getElementById('identifier');"
                           " return e && e['htmx-internal-data'] && e['htmx-internal-data'].initHash; }")
    with page.expect_response(IDENTIFIER_URL):
        page.locator("#identifier").press_sequentially("AB_12", delay=40)  # no blur: only the pause asks
    expect(page.locator("#identifier-check")).to_contain_text(re.compile(r"lettres|letters"))
