"""Issue 3 in real Chromium, JavaScript on: a second person signs up into a structure that already
exists and confirms the address from the e-mailed link, the principal manager approves the request in
the browser, the newcomer activates the account from the approval e-mail, signs in and opens a workspace.

The sign-up steps of the first person are steps.py's, shared with test_signup_flow.py.
Texts are matched in French or English: the French catalogue may not be compiled yet.
"""
import re

from playwright.sync_api import expect

from .steps import (
    DEMO_COMPANY,
    DEMO_SIRET,
    activate_account,
    choose_siret_with_js,
    either,
    fill_personal_information,
    new_email,
    open_mailbox,
    open_signup_from_home,
    read_activation_link,
    sign_in,
    sign_in_and_see_structure,
    sign_up_with_js,
)

SECOND_PERSON = ("Bruno", "Durand")
MANAGE = either("Gérer", "Manage")
APPROVE = either("Valider", "Approve", start=True)


# --- steps --------------------------------------------------------------------------------------

def sign_up_into_existing_structure_with_js(page, email, contact_email):
    """The sign-up page with a SIRET already in the portal: no structure fields, an attachment request."""
    open_signup_from_home(page)
    fill_personal_information(page, email, *SECOND_PERSON)
    page.fill("#contact_email", contact_email)
    identifier = choose_siret_with_js(page)
    identifier.fill(DEMO_SIRET)
    feedback = page.locator("#identifier-feedback")
    expect(feedback).to_contain_text(either("déjà déclarée dans le portail", "already declared in the portal"))
    expect(feedback).to_contain_text(either("demande de rattachement", "attachment request"))
    expect(page.locator("#structure-fields")).to_contain_text(
        either("elle existe déjà dans le portail", "the structure already exists in the portal")
    )
    expect(page.locator("#company_name")).to_have_count(0)
    assert page.evaluate("window.__sameDocument") is True, "the identifier check reloaded the page"

    page.fill("#captcha_answer", "PASSED")
    page.get_by_role("button", name=either("Valider le captcha", "Validate the captcha")).click()
    submit = page.locator("#submit-signup")
    expect(submit).to_be_enabled()
    submit.click()
    expect(page.locator("h1")).to_have_text(either("Vérifiez votre messagerie", "Check your mailbox"))
    expect(page.locator(".email-address")).to_have_text(email)
    expect(page.locator("main")).to_contain_text(
        either("Votre inscription est une demande de rattachement", "Your sign-up is an attachment request")
    )
    expect(page.get_by_role("button", name=either("Renvoyer le lien", "Send the link again"))).to_have_count(1)


def read_mailbox(page, email, at_least=1):
    """The e-mails to `email` in the dev mailbox, oldest first: subject, text, activation links."""
    subjects = open_mailbox(page, email, at_least)
    hrefs = [subjects.nth(i).get_attribute("href") for i in range(subjects.count())]
    messages = []
    for href in reversed(hrefs):  # the list is newest first
        page.goto(href)
        body = page.locator(".devmail-body")
        links = body.locator('a[href*="/activation/"]')
        messages.append({
            "subject": page.locator("h1").inner_text(),
            "text": body.inner_text(),
            "activation": [links.nth(i).get_attribute("href") for i in range(links.count())],
        })
    return messages


def open_my_account(page):
    page.locator(".site-nav").get_by_role("link", name=either("Mon compte", "My account")).click()
    expect(page.locator("h1")).to_have_text(either("Mon compte", "My account"))


def approve_request(page, name, email, contact_email):
    """From "Mon compte", the manage link of the structure, then "Valider" on the requester's row."""
    open_my_account(page)
    card = page.locator("main .structure-card", has_text=DEMO_COMPANY)
    expect(card).to_contain_text(re.compile(r"(demandes en attente|pending requests)\s*:\s*1\b"))
    card.get_by_role("link", name=MANAGE).click()
    expect(page.locator("h1")).to_have_text(either("Demandes de rattachement", "Attachment requests"))
    expect(page.locator("main .lead")).to_contain_text(DEMO_SIRET)

    rows = page.locator("#requests-table tbody tr.request")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_contain_text(name)
    expect(row).to_contain_text(email)
    expect(row).to_contain_text(contact_email)
    expect(row).to_contain_text(re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}"))

    page.evaluate("window.__sameDocument = true")
    row.get_by_role("button", name=APPROVE).click()
    done = page.locator("#requests-table tbody tr.request--decided")
    expect(done).to_have_count(1)
    expect(page.locator("#requests-status")).to_contain_text(  # above the table, focused (issue 12)
        either("est désormais utilisateur de la structure", "is now a user of the structure")
    )
    assert page.evaluate("window.__sameDocument") is True, "approving reloaded the page instead of htmx"

    page.reload()
    expect(page.locator("#requests-table tbody tr.request")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(
        either("Aucune demande de rattachement n'est en attente", "No attachment request is waiting")
    )


def term(scope, name):
    """The <dd> that follows the <dt> named `name` in a summary list."""
    return scope.locator("dt", has_text=name).locator("xpath=following-sibling::dd[1]")


def see_structure_as_user(page):
    card = page.locator("main .structure-card", has_text=DEMO_COMPANY)
    expect(card).to_have_count(1)
    expect(card).to_contain_text(DEMO_SIRET)
    expect(term(card, either("Rôle", "Role", start=True))).to_have_text(either("Utilisateur", "User"))
    expect(term(card, either("Statut", "Status", start=True))).to_have_text(either("Actif", "Active"))
    expect(card.get_by_role("link", name=MANAGE)).to_have_count(0)  # a user does not manage
    return card


def choice(page, code, value):
    return page.locator(f"#workspace-{code} input[name='opened'][value='{value}']")


def open_a_workspace(page, card):
    card.get_by_role("link", name=either("Mes espaces de travail", "My workspaces")).click()
    expect(page.locator("h1")).to_have_text(either("Mes espaces de travail", "My workspaces"))
    expect(page.locator("main .lead")).to_contain_text(DEMO_SIRET)
    # Defaults: "Sollicitations émises" and "Factures émises" open; "Engagements" closed but offered.
    expect(page.locator("#workspace-sollicitations_emises h2")).to_have_text(
        either("Sollicitations émises", "Requests sent")
    )
    expect(choice(page, "sollicitations_emises", "yes")).to_be_checked()
    expect(choice(page, "factures_emises", "yes")).to_be_checked()
    expect(page.locator("#workspace-engagements h2")).to_have_text(either("Engagements", "Commitments"))
    expect(choice(page, "engagements", "no")).to_be_checked()
    # A user does not choose what the structure offers, and the no-JS "Save" button stays hidden.
    expect(page.locator("input[name='offered']")).to_have_count(0)
    expect(page.locator("#workspace-engagements button[type='submit']")).to_be_hidden()

    page.evaluate("window.__sameDocument = true")
    with page.expect_response(re.compile(r"/espaces-de-travail/engagements/ouverture$")) as answer:
        page.locator("#workspace-engagements").get_by_role("radio", name=either("Oui", "Yes")).check()
    assert answer.value.status == 200, f"saving the choice answered {answer.value.status}"
    expect(page.locator("#live-region")).to_contain_text(
        either("L'espace de travail « Engagements » est ouvert", "The workspace “Commitments” is open")
    )
    expect(choice(page, "engagements", "yes")).to_be_checked()
    # The confirmation is also seen where the person clicked, not only heard.
    expect(page.locator("#workspace-engagements .workspace__saved")).to_be_visible()
    expect(page.locator("#workspace-engagements .workspace__saved")).to_contain_text(
        either("L'espace de travail « Engagements » est ouvert", "The workspace “Commitments” is open")
    )
    assert page.evaluate("window.__sameDocument") is True, "the toggle reloaded the page instead of htmx"

    page.reload()
    expect(choice(page, "engagements", "yes")).to_be_checked()
    expect(choice(page, "sollicitations_emises", "yes")).to_be_checked()
    expect(choice(page, "factures_emises", "yes")).to_be_checked()
    expect(choice(page, "factures_travaux", "no")).to_be_checked()


# --- the test ------------------------------------------------------------------------------------

def test_second_person_joins_after_manager_approval(new_context, live_server, js_page, browser_problems):
    config = live_server.app.config
    assert config["PORTAL_ENV"] != "production"
    assert config["TWO_FACTOR"] == "optional", "outside production two-step sign-in defaults to optional"

    # Person A creates the structure: its principal manager.
    manager = js_page
    manager_email = new_email()
    sign_up_with_js(manager, manager_email)
    activate_account(manager, read_activation_link(manager, live_server.url, manager_email), js=True)
    sign_in_and_see_structure(manager, manager_email)
    two_step = term(manager, either("Connexion en deux étapes", "Two-step sign-in"))
    expect(two_step).to_contain_text(either("Désactivée", "Off"))

    # Person B, in another browser, signs up with the same SIRET: an attachment request.
    context_b = new_context(viewport={"width": 1280, "height": 900})
    try:
        newcomer = browser_problems.watch(context_b.new_page())
        email_b, contact_b = new_email(), new_email()
        name_b = " ".join(SECOND_PERSON)
        sign_up_into_existing_structure_with_js(newcomer, email_b, contact_b)

        summary, confirmation = read_mailbox(newcomer, email_b, at_least=2)
        assert re.search(either("Récapitulatif de votre inscription", "Your sign-up: summary"), summary["subject"])
        assert re.search(either("demande de rattachement", "attachment request"), summary["text"])
        assert summary["activation"] == []
        # B confirms the address: only then does the request reach the managers.
        assert re.search(either("Confirmez votre demande de rattachement", "Confirm your attachment request"),
                         confirmation["subject"])
        [link] = confirmation["activation"]
        assert link.startswith(live_server.url + "/inscription/activation/")
        newcomer.goto(link)
        expect(newcomer.locator("h1")).to_have_text(either("Demande de rattachement envoyée", "Attachment request sent"))
        expect(newcomer.locator("main")).to_contain_text(DEMO_COMPANY)

        # A approves in the browser.
        approve_request(manager, name_b, email_b, contact_b)

        # B's approval e-mail carries the activation link.
        messages = read_mailbox(newcomer, email_b, at_least=3)
        assert len(messages) == 3, [m["subject"] for m in messages]
        approval = messages[-1]
        assert re.search(either("validé votre demande de rattachement", "approved your attachment request"),
                         approval["text"])
        assert len(approval["activation"]) == 1, approval["text"]
        assert approval["activation"][0].startswith(live_server.url + "/activation/")

        activate_account(newcomer, approval["activation"][0], js=True)
        sign_in(newcomer, email_b)
        card = see_structure_as_user(newcomer)
        open_a_workspace(newcomer, card)
    finally:
        context_b.close()

    assert browser_problems.errors() == []
