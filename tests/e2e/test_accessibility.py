"""axe-core in Chromium on every page of the portal and on the sign-up page after each kind of swap.

Any violation of WCAG 2.x A/AA or of axe's best practices fails the test. Pages without a URL
parameter are found in the app's url_map, so a new page is checked without editing this file; a new
page with a parameter must be added to PARAMETERISED (the guard test says so).
"""
import re

import pytest
from playwright.sync_api import expect

from .steps import DEMO_SIRET, either, fill_personal_information, new_email, sign_in

ND_SIRET = "90110012300016"  # non-diffusible unit of the demo register
NOT_PAGES = {"static", "captcha.image", "captcha.audio", "devmail.message_html", "health.healthz"}  # not HTML pages
NOT_PAGES |= {"oidc.discovery", "oidc.keys", "oidc.token", "oidc.userinfo", "oidc.revoke", "oidc.introspect"}  # OAuth JSON


def parameterised_pages(seeded, live_server):
    """Pages whose URL takes a parameter, with the seeded records that fill it."""
    sid = seeded.structure_id
    return {
        "account.activate": f"/activation/{seeded.activation_token}",
        "account.reset_password": f"/mot-de-passe/nouveau/{seeded.reset_token}",
        "workspaces.workspaces_page": f"/structures/{sid}/espaces-de-travail",
        "workspaces.profile": f"/structures/{sid}/fiche",
        "structures.requests": f"/structures/{sid}/demandes",
        "structures.members": f"/structures/{sid}/membres",
        # A SIRET structure has its identifier: 404 here; its states are checked in test_structure_siret.py.
        "structures.give_siret_page": f"/structures/{sid}/siret",
        "structures.admin_structure": f"/administration/structures/{sid}",
        "structures.invitation": "/invitation/not-a-token",
        "signup.open_link": "/inscription/activation/not-a-token",  # the invalid-link page and its form
        "devmail.message": "/dev/mailbox/1",
        "styleguide.state": "/styleguide/etat/8",
    }


def page_urls(live_server, seeded):
    """(endpoint, url) of every page a GET can open, signed-in pages included."""
    known = parameterised_pages(seeded, live_server)
    urls, missing = [], []
    for rule in live_server.app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        if rule.arguments:
            if rule.endpoint in known:
                urls.append((rule.endpoint, known[rule.endpoint]))
            else:
                missing.append(rule.rule)
        else:
            urls.append((rule.endpoint, rule.rule))
    assert not missing, f"pages with parameters not covered by the axe test, add them to parameterised_pages: {missing}"
    return sorted(set(urls), key=lambda item: item[1])


@pytest.fixture
def seeded(seeded, live_server):
    """conftest.py's records, and an e-mail in the dev mailbox (its page needs one message to show)."""
    from webapp.extensions import db
    from webapp.models import OutboxMessage

    with live_server.app.app_context(), db.connection_context():
        if not OutboxMessage.select().exists():
            from webapp.mail.outbox import queue_email
            from webapp.models import Account

            account = Account.get(Account.email == seeded.manager_email)
            queue_email(account.email, "password_changed", "Password changed", locale="fr", account=account)
    return seeded


# The styleguide's captcha is a stand-in whose image answers 404 (webapp/styleguide.py).
STYLEGUIDE_CAPTCHA = r"response 404: GET \S+/captcha/styleguide-sample\.png$"


def test_every_page_passes_axe(js_page, live_server, seeded, browser_problems, axe):
    browser_problems.expect(STYLEGUIDE_CAPTCHA)
    page = js_page
    problems = {}
    for lang in ("fr", "en"):
        page.context.clear_cookies()
        page.goto(f"/?lang={lang}")
        sign_in(page, seeded.manager_email)
        anonymous = {"account.activate", "account.reset_password", "structures.invitation",
                     "account.sign_in", "account.forgot_password", "account.forgot_password_sent"}
        for endpoint, url in page_urls(live_server, seeded):
            if endpoint in anonymous:
                continue
            page.goto(url)
            found = axe.violations(page)
            if found:
                problems[f"{lang} {url}"] = found
        page.goto("/this-page-does-not-exist")
        problems.update({f"{lang} 404": v for v in [axe.violations(page)] if v})
        page.locator(".site-nav").get_by_role("button").click()  # sign out
        for endpoint, url in page_urls(live_server, seeded):
            if endpoint in anonymous or not url.startswith(("/structures", "/mon-compte", "/administration")):
                page.goto(url)
                found = axe.violations(page)
                if found:
                    problems[f"{lang} anonymous {url}"] = found
    assert not problems, "axe violations:\n" + "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in problems.items())


def test_failed_submits_pass_axe_and_focus_the_error_summary(js_page, live_server, seeded, axe):
    page = js_page
    checks = [
        ("/connexion", "main form button[type=submit]"),
        ("/mot-de-passe-oublie", "main form button[type=submit]"),
        (f"/activation/{seeded.activation_token}", "main form button[type=submit]"),
    ]
    for url, button in checks:
        page.goto(url)
        page.locator(button).last.click()
        expect(page).to_have_title(either("Erreur :", "Error:", start=True))
        expect(page.locator(".error-summary").first).to_be_focused()
        axe.assert_accessible(page, f"failed submit of {url}")


def test_signup_page_passes_axe_after_each_swap(js_page, live_server, axe):
    page = js_page
    page.goto("/inscription")
    axe.assert_accessible(page, "sign-up page, empty")

    # Failed submit (the button is usable once the captcha is validated; JS off posts it anyway).
    page.fill("#captcha_answer", "PASSED")
    page.get_by_role("button", name=either("Valider le captcha", "Validate the captcha")).click()
    expect(page.locator("#captcha-solved")).to_be_visible()
    axe.assert_accessible(page, "captcha validated")
    page.locator("#submit-signup").click()
    expect(page).to_have_title(either("Erreur :", "Error:", start=True))
    expect(page.locator("#error-summary")).to_be_focused()
    axe.assert_accessible(page, "failed submit")

    for code in ("SIRET", "UE_HORS_FRANCE", "HORS_UE", "RIDET", "TAHITI", "EN_COURS_IMMATRICULATION", "PARTICULIER"):
        page.select_option("#identifier_type", code)
        page.wait_for_load_state("networkidle")
        axe.assert_accessible(page, f"type {code} chosen")

    page.select_option("#identifier_type", "SIRET")
    expect(page.locator("#identifier")).to_be_visible()
    page.wait_for_load_state("networkidle")  # the swapped-in input listens once htmx has settled
    page.locator("#identifier").press_sequentially("1234", delay=10)
    expect(page.locator("#identifier-feedback")).to_contain_text(re.compile(r"14"))
    axe.assert_accessible(page, "malformed SIRET")

    page.locator("#identifier").fill(DEMO_SIRET)
    expect(page.locator("#company_name")).to_have_value(re.compile("LAMPADAIRE"))
    axe.assert_accessible(page, "prefilled from the register")

    page.locator("#identifier").fill(ND_SIRET)
    expect(page.locator("#identifier-check")).to_contain_text(re.compile("diffus", re.I))
    axe.assert_accessible(page, "non-diffusible unit")


def test_signup_page_passes_axe_for_captcha_swaps_and_declared_structure(js_page, live_server, seeded, axe):
    page = js_page
    page.goto("/inscription")
    page.fill("#captcha_answer", "000000")
    page.get_by_role("button", name=either("Valider le captcha", "Validate the captcha")).click()
    expect(page.locator("#captcha_answer-error")).to_be_visible()
    expect(page.locator("#captcha_answer")).to_be_focused()
    axe.assert_accessible(page, "wrong captcha answer")
    page.locator("#captcha-new").click()
    expect(page.locator("#captcha_answer-error")).to_have_count(0)
    axe.assert_accessible(page, "new captcha image")

    fill_personal_information(page, new_email())
    page.select_option("#identifier_type", "SIRET")
    expect(page.locator("#identifier-hint")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.locator("#identifier").fill(DEMO_SIRET)  # declared by the seed
    expect(page.locator("#identifier-feedback")).to_contain_text(
        either("déjà déclarée dans le portail", "already declared in the portal"))
    axe.assert_accessible(page, "structure already declared")


def test_password_rules_and_requests_swaps_pass_axe(js_page, live_server, seeded, axe):
    page = js_page
    page.goto(f"/activation/{seeded.activation_token}")
    rules = page.locator("#password-rules")
    page.locator("#password").press_sequentially("abcdefgh", delay=10)
    expect(rules.locator(".rule--met")).not_to_have_count(0)
    axe.assert_accessible(page, "password rules partly met")
    page.locator("#password").fill("Horizon#Velours42")
    expect(rules.locator(".rule--unmet")).to_have_count(0)
    axe.assert_accessible(page, "password rules all met")

    sign_in(page, seeded.manager_email)
    page.goto(f"/structures/{seeded.structure_id}/demandes")
    page.locator("main").get_by_role("button", name=either("Valider les demandes sélectionnées", "Approve the selected requests")).click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe.assert_accessible(page, "requests: nothing selected")
    page.locator(f"#request-{seeded.request_id}").get_by_role("button").first.click()
    expect(page.locator(f"#request-{seeded.request_id}")).to_have_class(re.compile("request--decided"))
    axe.assert_accessible(page, "requests: approved in place")


def test_every_styleguide_state_passes_axe(js_page, live_server, browser_problems, axe):
    """The styleguide renders the sign-up page in each state: errors, prefill, captcha validated..."""
    browser_problems.expect(STYLEGUIDE_CAPTCHA)
    page = js_page
    page.goto("/styleguide/")
    count = page.locator("#states li a").count()
    assert count >= 10
    problems = {}
    for number in range(1, count + 1):
        page.goto(f"/styleguide/etat/{number}")
        found = axe.violations(page)
        if found:
            problems[number] = found
    assert not problems, f"axe violations in styleguide states: {problems}"
