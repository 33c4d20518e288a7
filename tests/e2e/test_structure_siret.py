"""Issue 12, dead end 7, in Chromium at 1280 and 360 px: the principal manager of a structure "being registered"
gives it its SIRET from the structure's profile; every state of the page passes axe and fits the screen."""
import re

import pytest
from factories import add_member, make_account, make_structure
from playwright.sync_api import expect

from webapp.models import Role

from .steps import assert_no_sideways_scroll, sign_in

SIRET = "90110002400016"  # BOULANGERIE IMAGINAIRE DU COIN in the demo register
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


def seed(app):
    manager = make_account(app, "paula@example.fr", first_name="Paula", last_name="Martin", locale="fr")
    structure = make_structure(app, "BOULANGERIE DU COIN", "ECI12345678901", "EN_COURS_IMMATRICULATION",
                               address_line="4 RUE DU FOURNIL", postcode="69003", city="LYON")
    add_member(app, manager, structure, Role.PRINCIPAL_MANAGER)
    return structure


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_principal_manager_gives_the_siret(chromium, live_server, browser_problems, axe, viewport):
    structure_id = seed(live_server.app)
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR", viewport=VIEWPORTS[viewport])
    context.set_default_timeout(10_000)
    try:
        page = browser_problems.watch(context.new_page())
        sign_in(page, "paula@example.fr")

        page.goto(f"/structures/{structure_id}/fiche")
        page.get_by_role("link", name=re.compile("Renseigner le SIRET de la structure|Give the structure its SIRET")).click()
        expect(page.locator("h1")).to_have_text(re.compile("Renseigner le SIRET|Give the structure its SIRET"))
        assert_no_sideways_scroll(page, f"{viewport}: SIRET page")
        axe.assert_accessible(page, f"SIRET page, {viewport}")

        page.get_by_label("SIRET").fill("9011000240")
        page.get_by_role("button", name=re.compile("Vérifier ce SIRET|Check this SIRET")).click()
        expect(page.locator("#error-summary")).to_contain_text(re.compile("14 chiffres|14 digits"))
        expect(page.get_by_label("SIRET")).to_have_value("9011000240")
        assert_no_sideways_scroll(page, f"{viewport}: SIRET error")
        axe.assert_accessible(page, f"SIRET error, {viewport}")

        page.get_by_label("SIRET").fill(SIRET)
        page.get_by_role("button", name=re.compile("Vérifier ce SIRET|Check this SIRET")).click()
        expect(page.locator("main table")).to_contain_text("BOULANGERIE IMAGINAIRE DU COIN")
        assert_no_sideways_scroll(page, f"{viewport}: register details")
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
