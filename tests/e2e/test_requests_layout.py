"""Issue 12, dead end 1: "Demandes de rattachement" in Chromium at 1280 px and 360 px, JavaScript on and off.

Every column and control is on screen without scrolling sideways (at 360 px each request is a card),
and the outcome of "Valider" / "Refuser" appears above the table, in a status region that takes the
focus: visible where the person is looking, and read out by a screen reader. axe finds nothing.
"""
import re

import pytest
from factories import add_member, add_request, make_account, make_structure
from playwright.sync_api import expect

from webapp.models import Role

from .steps import assert_no_sideways_scroll, sign_in

MANAGER = "manager@example.fr"
# Long names and addresses, as people have them: they must wrap, never push the page sideways.
REQUESTERS = (
    ("Marie-Christine", "Delacroix-Fontaine", "marie-christine.delacroix-fontaine@entreprise-exemple-longue.fr"),
    ("Jean", "Dupont", "jean.dupont@example.fr"),
)
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}
APPROVED = re.compile(r"(est désormais utilisateur de la structure|is now a user of the structure)")
REFUSED = re.compile(r"(a été refusée|was refused)")


def seed(app):
    """An active principal manager of a structure, and two people waiting for a decision."""
    def person(email, first, last, active):
        return make_account(app, email, active, first_name=first, last_name=last,
                            contact_email=email.replace("@", ".contact@"), locale="fr")

    structure = make_structure(app, "ATELIERS DU LAMPADAIRE BLEU", "90110001600012",
                               address_line="12 BIS AVENUE DES LILAS", postcode="75012", city="PARIS")
    add_member(app, person(MANAGER, "Alice", "Martin", True), structure, Role.PRINCIPAL_MANAGER)
    for first, last, email in REQUESTERS:
        add_request(app, person(email, first, last, False), structure)
    return structure


def assert_on_screen(page, locator, where):
    """The element, scrolled to, lies wholly inside the viewport."""
    # scrollIntoViewIfNeeded leaves an element that is partly visible where it is: bring it wholly in.
    locator.evaluate("element => element.scrollIntoView({block: 'nearest', inline: 'nearest'})")
    box = locator.bounding_box()
    view = page.evaluate("({width: window.innerWidth, height: window.innerHeight})")
    assert box is not None, f"{where}: not rendered"
    assert box["x"] >= 0 and box["x"] + box["width"] <= view["width"] + 0.5, f"{where}: cut off sideways {box} in {view}"
    assert box["y"] >= 0 and box["y"] + box["height"] <= view["height"] + 0.5, f"{where}: off screen {box} in {view}"


def assert_every_control_on_screen(page, where):
    # No box inside the region scrolls or clips sideways either (the old table sat in a scrolling box).
    clipped = page.evaluate("""() => [...document.querySelectorAll('#requests *')]
      .filter(e => !['INPUT', 'TEXTAREA'].includes(e.tagName) && e.getBoundingClientRect().width > 1
                   && getComputedStyle(e).overflowX !== 'visible'
                   && e.scrollWidth > e.clientWidth + 1)
      .map(e => e.tagName + '.' + e.className)""")
    assert clipped == [], f"{where}: boxes that scroll or clip sideways: {clipped}"
    table = page.locator("#requests-table")
    controls = page.locator("#requests button, #requests input:not([type=hidden]), #requests textarea")
    assert controls.count() >= 2 * 4 + 3, f"{where}: controls missing"
    for index in range(controls.count()):
        control = controls.nth(index)
        name = control.get_attribute("name") or control.inner_text()
        assert_on_screen(page, control, f"{where}, control {name!r}")
    for text in ("Date de la demande", "Décision"):
        if page.viewport_size["width"] >= 1000:
            assert_on_screen(page, table.locator("th", has_text=text), f"{where}, column {text!r}")
        else:  # stacked: each card names its cells
            assert_on_screen(page, table.locator("tr.request").first.locator(".request__label", has_text=text),
                             f"{where}, label {text!r}")
    for _first, _last, email in REQUESTERS:
        assert_on_screen(page, table.locator("tr.request", has_text=email), f"{where}, row of {email}")


def assert_accessible_as_shown(axe, chromium, page, where, javascript):
    """axe on the page as it is now. axe needs JavaScript: a page shown without it is copied, as
    rendered, into a page of its own origin whose scripts are blocked, so the DOM stays the no-JS one."""
    if javascript:
        axe.assert_accessible(page, where)
        return
    html, url = page.content(), page.url
    copy_context = chromium.new_context(viewport=page.viewport_size, locale="fr-FR")
    try:
        copy = copy_context.new_page()
        copy.route(re.compile(r"\.js(\?.*)?$"), lambda route: route.abort())
        copy.route(url, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html))
        copy.goto(url)
        assert copy.evaluate("document.documentElement.classList.contains('js')") is False
        axe.assert_accessible(copy, where)
    finally:
        copy_context.close()


def assert_announced(page, pattern, where):
    """The outcome is visible above the table, a status region, and has the focus (so it is read out)."""
    status = page.locator("#requests-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_contain_text(pattern)
    expect(status).to_be_focused()
    assert_on_screen(page, status, f"{where}, status")
    # Above the table (gone once no request waits: then above the sentence that says so).
    above = page.evaluate("""() => {
      const status = document.getElementById('requests-status');
      const next = document.getElementById('requests-table') || status.parentElement.lastElementChild;
      return next !== status && status.getBoundingClientRect().bottom <= next.getBoundingClientRect().top;
    }""")
    assert above, f"{where}: the outcome is not above the table"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_requests_fit_the_screen_and_decisions_are_announced(chromium, live_server, browser_problems, axe, viewport,
                                                             javascript):
    structure_id = seed(live_server.app)
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR", viewport=VIEWPORTS[viewport],
                                   java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    try:
        page = browser_problems.watch(context.new_page())
        sign_in(page, MANAGER)
        page.goto(f"/structures/{structure_id}/demandes")
        where = f"{viewport}, {'JS' if javascript else 'no JS'}"
        expect(page.locator("h1")).to_have_text(re.compile("Demandes de rattachement|Attachment requests"))
        expect(page.locator("#requests-table tr.request")).to_have_count(2)
        assert_no_sideways_scroll(page, where)
        assert_every_control_on_screen(page, where)
        assert_accessible_as_shown(axe, chromium, page, f"requests, {where}", javascript)

        if javascript:
            page.evaluate("window.__sameDocument = true")
        first = page.locator("#requests-table tr.request", has_text=REQUESTERS[0][2])
        first.get_by_role("button", name=re.compile("^(Valider|Approve)")).click()
        assert_announced(page, APPROVED, f"{where}, after Valider")
        if javascript:
            assert page.evaluate("window.__sameDocument") is True, "Valider reloaded the page instead of htmx"
        assert_no_sideways_scroll(page, f"{where}, after Valider")
        assert_accessible_as_shown(axe, chromium, page, f"requests after Valider, {where}", javascript)

        second = page.locator("#requests-table tr.request:not(.request--decided)", has_text=REQUESTERS[1][2])
        second.get_by_label(re.compile("Motif du refus|Reason for the refusal")).fill("Personne inconnue chez nous")
        second.get_by_role("button", name=re.compile("^(Refuser|Refuse)$")).click()
        assert_announced(page, REFUSED, f"{where}, after Refuser")
        assert_no_sideways_scroll(page, f"{where}, after Refuser")
        assert_accessible_as_shown(axe, chromium, page, f"requests after Refuser, {where}", javascript)
    finally:
        context.close()
    assert browser_problems.errors() == []
