"""The portal with JavaScript off, in real Chromium: a founder signs up, activates and signs in; a second
person asks to join the same structure; the founder approves the request at /structures/<id>/demandes;
the newcomer activates the account from the approval e-mail and signs in. No htmx, no portal.js.
"""
import re

from playwright.sync_api import expect

from .test_signup_flow import (
    DEMO_COMPANY,
    DEMO_SIRET,
    PASSWORD,
    activate_account,
    either,
    fill_personal_information,
    new_email,
    read_activation_link,
    sign_in_and_see_structure,
)


def sign_up_without_js(page, email, first="Alice", last="Martin"):
    page.goto("/inscription")
    fill_personal_information(page, email, first, last)
    page.select_option("#identifier_type", "SIRET")
    page.get_by_role("button", name=either("Afficher les champs", "Show the fields")).click()
    expect(page.locator("#first_name")).to_have_value(first)
    page.fill("#identifier", DEMO_SIRET)
    page.get_by_role("button", name=either("Vérifier l'identifiant", "Check the identifier")).click()
    expect(page.locator("#identifier-feedback")).to_be_visible()
    page.fill("#captcha_answer", "PASSED")
    page.locator("#submit-signup").click()
    expect(page.locator("h1")).to_have_text(either("Vérifiez votre messagerie", "Check your mailbox"))


def sign_in(page, email):
    page.goto("/connexion")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main").get_by_role("button", name=either("Se connecter", "Sign in")).click()
    page.wait_for_url(re.compile(r"/mon-compte"))
    if page.url.endswith("/mon-compte/bienvenue"):  # the first sign-in after activation: the welcome page
        page.locator("main").get_by_role("link", name=either("Aller à « Mon compte »", "Go to “My account”")).click()
    expect(page.locator("h1")).to_have_text(either("Mon compte", "My account"))


def sign_out(page):
    page.locator(".site-nav").get_by_role("button", name=either("Se déconnecter", "Sign out")).click()


def test_sign_up_approval_and_sign_in_without_javascript(nojs_page, live_server):
    page = nojs_page
    assert page.evaluate("typeof htmx") == "undefined"  # evaluate runs out of the page's own scripts

    founder = new_email()
    sign_up_without_js(page, founder)
    activate_account(page, read_activation_link(page, live_server.url, founder), js=False)
    sign_in_and_see_structure(page, founder)
    sign_out(page)

    newcomer = new_email()
    sign_up_without_js(page, newcomer, "Bruno", "Durand")
    expect(page.locator("main")).to_contain_text(
        either("Votre inscription est une demande de rattachement", "Your sign-up is an attachment request"))
    # The managers see the request once the newcomer has opened the link sent to the address.
    page.goto(read_activation_link(page, live_server.url, newcomer))
    expect(page.locator("h1")).to_have_text(either("Demande de rattachement envoyée", "Attachment request sent"))

    sign_in(page, founder)
    page.locator("main .structure-card", has_text=DEMO_COMPANY).get_by_role(
        "link", name=either("Gérer", "Manage")).click()
    expect(page).to_have_url(re.compile(r"/structures/\d+/demandes$"))
    row = page.locator("#requests-table tbody tr.request", has_text=newcomer)
    expect(row).to_have_count(1)

    # Nothing selected: the page comes back with an error summary, focusable, and "Erreur :" first.
    page.get_by_role("button", name=either("Valider les demandes sélectionnées", "Approve the selected requests")).click()
    expect(page).to_have_title(either("Erreur :", "Error:", start=True))
    expect(page.locator("#requests-errors")).to_be_visible()

    row.get_by_role("button", name=either("Valider", "Approve", start=True)).click()
    expect(page.locator(".notice--success")).to_contain_text(
        either("est désormais utilisateur de la structure", "is now a user of the structure"))
    expect(page.locator("#requests-table tbody tr.request")).to_have_count(0)
    sign_out(page)

    activate_account(page, read_activation_link(page, live_server.url, newcomer), js=False)
    sign_in(page, newcomer)
    card = page.locator("main .structure-card", has_text=DEMO_COMPANY)
    expect(card).to_contain_text(either("Utilisateur", "User"))
