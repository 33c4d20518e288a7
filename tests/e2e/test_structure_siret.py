"""Issue 12, dead end 7, in Chromium at 1280 and 360 px: the principal manager of a structure "being registered"
gives it its SIRET from the structure's profile; every state of the page passes axe and fits the screen."""
import re

import pytest
from playwright.sync_api import expect


PASSWORD = "Horizon#Velours42"
SIRET = "90110002400016"  # BOULANGERIE IMAGINAIRE DU COIN in the demo register
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


def seed(app):
    from webapp.credentials import hash_password
    from webapp.extensions import db
    from webapp.models import Account, Membership, Role, Structure, utcnow

    with app.app_context(), db.connection_context():
        manager = Account.create(
            email="paula@example.fr", first_name="Paula", last_name="Martin", contact_email="paula@example.fr",
            terms_accepted_at=utcnow(), password_hash=hash_password(PASSWORD), is_active=True,
            activated_at=utcnow(), locale="fr",
        )
        structure = Structure.create(
            identifier_type="EN_COURS_IMMATRICULATION", identifier="ECI12345678901", company_name="BOULANGERIE DU COIN",
            structure_type="company", address_line="4 RUE DU FOURNIL", postcode="69003", city="LYON",
        )
        Membership.create(account=manager, structure=structure, role=Role.PRINCIPAL_MANAGER)
        return structure.id


def fits(page, where):
    sizes = page.evaluate("({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})")
    assert sizes["scroll"] <= sizes["inner"], f"{where}: the page scrolls sideways {sizes}"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_principal_manager_gives_the_siret(chromium, live_server, browser_problems, axe, viewport):
    structure_id = seed(live_server.app)
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR", viewport=VIEWPORTS[viewport])
    context.set_default_timeout(10_000)
    try:
        page = browser_problems.watch(context.new_page())
        page.goto("/connexion")
        page.fill("#email", "paula@example.fr")
        page.fill("#password", PASSWORD)
        page.locator("#password").press("Enter")
        page.wait_for_url("**/mon-compte**")

        page.goto(f"/structures/{structure_id}/fiche")
        page.get_by_role("link", name=re.compile("Renseigner le SIRET de la structure|Give the structure its SIRET")).click()
        expect(page.locator("h1")).to_have_text(re.compile("Renseigner le SIRET|Give the structure its SIRET"))
        fits(page, f"{viewport}: SIRET page")
        axe.assert_accessible(page, f"SIRET page, {viewport}")

        page.get_by_label("SIRET").fill("9011000240")
        page.get_by_role("button", name=re.compile("Vérifier ce SIRET|Check this SIRET")).click()
        expect(page.locator("#error-summary")).to_contain_text(re.compile("14 chiffres|14 digits"))
        expect(page.get_by_label("SIRET")).to_have_value("9011000240")
        fits(page, f"{viewport}: SIRET error")
        axe.assert_accessible(page, f"SIRET error, {viewport}")

        page.get_by_label("SIRET").fill(SIRET)
        page.get_by_role("button", name=re.compile("Vérifier ce SIRET|Check this SIRET")).click()
        expect(page.locator("main table")).to_contain_text("BOULANGERIE IMAGINAIRE DU COIN")
        fits(page, f"{viewport}: register details")
        axe.assert_accessible(page, f"SIRET register details, {viewport}")

        confirm = page.get_by_role("button", name=re.compile("Attribuer ce SIRET|Give the structure this SIRET"))
        confirm.click()
        expect(page.locator("#error-summary")).to_contain_text(re.compile("Choisissez|Choose"))
        axe.assert_accessible(page, f"SIRET choice missing, {viewport}")

        page.get_by_label(re.compile("Reprendre les informations du répertoire|Use the business register")).check()
        page.get_by_role("button", name=re.compile("Attribuer ce SIRET|Give the structure this SIRET")).click()
        expect(page).to_have_url(re.compile(rf"/structures/{structure_id}/fiche$"))
        expect(page.locator(".notice--success")).to_contain_text(SIRET)
        expect(page.locator("main .summary-list").first).to_contain_text(SIRET)
        axe.assert_accessible(page, f"profile after the SIRET, {viewport}")
    finally:
        context.close()
    # A form returned with its errors answers 422, which Chromium logs: expected, nothing else is.
    expected = re.compile(r"Failed to load resource: the server responded with a status of 422 .*/siret\]$")
    assert [e for e in browser_problems.errors() if not expected.search(e)] == []
