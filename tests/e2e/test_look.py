"""Closer to the guides (issue 12), in Chromium: the sign-up page in two columns at desktop widths and
one on phones, the GOV.UK / DSFR patterns people know (error borders on every kind of control, a
postcode field sized to a postcode, a search box that looks like one, summary lists whose columns line
up), nothing wider than a 360 px screen, and the footer's pages, which pass axe.

Shared helpers come from tests/factories.py and steps.py; no test module imports another.
"""
import re

import pytest
from factories import add_member, make_account, make_structure
from playwright.sync_api import expect

from webapp.models import Role

from .steps import sign_in, wait_for_htmx

FOOTER_PAGES = ["/aide", "/accessibilite", "/mentions-legales", "/donnees-personnelles", "/conditions-generales"]
ERROR_RED = "rgb(179, 38, 30)"  # --color-error


def sideways_overflow(page):
    """How far the page scrolls sideways, and what sticks out (outside boxes that scroll themselves)."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const scrolls = e => { for (let a = e.parentElement; a; a = a.parentElement) {
              const x = getComputedStyle(a).overflowX; if (x === 'auto' || x === 'scroll') return true; }
            return false; };
          const culprits = [...document.body.querySelectorAll('*')]
            .filter(e => e.getBoundingClientRect().right > width + 0.5 && !scrolls(e))
            .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')).slice(0, 6);
          return [document.documentElement.scrollWidth - width, culprits];
        }"""
    )


def assert_fits(page, where):
    overflow, culprits = sideways_overflow(page)
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px at {page.viewport_size['width']}px: {culprits}"


def box(page, selector):
    return page.locator(selector).bounding_box()


def fieldsets(page):
    personal = page.locator("fieldset", has=page.locator("#login_email")).bounding_box()
    structure = page.locator("fieldset", has=page.locator("#identifier_type")).bounding_box()
    return personal, structure


def prefill_siret(page, siret="90110002400016"):
    """The demo register's BOULANGERIE IMAGINAIRE DU COIN, 69003 LYON."""
    page.select_option("#identifier_type", "SIRET")
    wait_for_htmx(page, "#identifier")
    page.locator("#identifier").fill(siret)
    expect(page.locator("#company_name")).to_have_value("BOULANGERIE IMAGINAIRE DU COIN")


def make_manager(app, email="look@example.fr"):
    """An active account, principal manager of a structure, written straight into the database."""
    account_id = make_account(app, email, first_name="Léa", last_name="Lambert", secret_answer="medor", locale="fr")
    structure_id = make_structure(app, "ATELIERS DU LAMPADAIRE BLEU", "90110001600012",
                                  address_line="12 BIS AVENUE DES LILAS", postcode="75012", city="PARIS")
    add_member(app, account_id, structure_id, Role.PRINCIPAL_MANAGER)
    return email


# --- (a) the sign-up page's columns --------------------------------------------------------------

@pytest.mark.parametrize("width", [1280, 1100])
def test_personal_information_sits_beside_the_structure_at_desktop_widths(js_page, width):
    page = js_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/inscription")
    personal, structure = fieldsets(page)
    assert structure["x"] >= personal["x"] + personal["width"], "the structure's column is right of the person's"
    assert abs(structure["y"] - personal["y"]) < 2, "both columns start at the same height"
    prefill_siret(page)  # the swapped-in fields stay in their column
    personal, structure = fieldsets(page)
    assert structure["x"] >= personal["x"] + personal["width"]
    for selector in ("#company_name", "#postcode", "#country"):
        field = box(page, selector)
        assert structure["x"] <= field["x"] and field["x"] + field["width"] <= structure["x"] + structure["width"]
    captcha = page.locator("fieldset", has=page.locator("#captcha")).bounding_box()
    assert captcha["y"] >= max(personal["y"] + personal["height"], structure["y"] + structure["height"])
    assert_fits(page, "the sign-up page")


@pytest.mark.parametrize("width", [1024, 360])
def test_one_column_below_desktop_widths(js_page, width):
    page = js_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/inscription")
    personal, structure = fieldsets(page)
    assert structure["y"] >= personal["y"] + personal["height"], "the structure comes after the person"
    assert abs(structure["x"] - personal["x"]) < 2
    assert_fits(page, "the sign-up page")
    prefill_siret(page)
    assert_fits(page, "the sign-up page, pre-filled")


def test_the_sign_up_page_at_360_px_with_every_error_shown(nojs_page):
    page = nojs_page
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/inscription")
    page.select_option("#identifier_type", "SIRET")
    page.locator("button[value='type']").click()
    page.fill("#identifier", "90110002400016")
    page.locator("button[value='check']").click()
    expect(page.locator("#company_name")).to_have_value("BOULANGERIE IMAGINAIRE DU COIN")
    page.fill("#postcode", "")
    page.locator("#submit-signup").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#postcode-group")).to_have_class(re.compile("field--error"))
    assert_fits(page, "the sign-up page with errors")


# --- (b) GOV.UK / DSFR patterns ------------------------------------------------------------------

def test_every_kind_of_control_shows_its_error(js_page):
    """Inside a field in error, and on its own with aria-invalid (the requests table's reason)."""
    page = js_page
    page.goto("/inscription")
    page.evaluate(
        """() => {
          const kinds = ['<input type="text">', '<input type="email">', '<input type="tel">', '<input>',
                         '<input type="search">', '<input type="password">', '<select><option>a</option></select>',
                         '<textarea></textarea>'];
          const box = document.createElement('div');
          box.id = 'error-kinds';
          box.innerHTML = kinds.map((k, i) =>
              `<div class="field field--error"><label for="k${i}">k${i}</label>${k.replace(/^<(\\w+)/, `<$1 id="k${i}"`)}</div>`
            ).join('') +
            '<div class="field field--checkbox field--error"><input type="checkbox" id="kc"><label for="kc">c</label></div>' +
            '<label for="ka">a</label><input type="text" id="ka" aria-invalid="true">' +
            '<label for="kb">b</label><input type="checkbox" id="kb" aria-invalid="true">';
          document.querySelector('main').appendChild(box);
        }"""
    )
    styles = page.evaluate(
        """() => [...document.querySelectorAll('#error-kinds input, #error-kinds select, #error-kinds textarea')]
             .map(e => { const s = getComputedStyle(e);
               return [e.id, e.type, s.borderTopColor, s.borderTopWidth, s.outlineColor, s.outlineStyle]; })"""
    )
    for element_id, kind, border, border_width, outline, outline_style in styles:
        if kind == "checkbox":
            assert (outline, outline_style) == (ERROR_RED, "solid"), (element_id, kind)
        else:
            assert (border, border_width) == (ERROR_RED, "2px"), (element_id, kind, border)
    # Focus keeps its own ring on a checkbox in error.
    page.focus("#kc")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.getElementById('kc')).outlineColor") != ERROR_RED


def test_the_sign_up_errors_show_on_text_fields_selects_and_checkboxes(js_page):
    page = js_page
    page.goto("/inscription")
    prefill_siret(page)
    page.fill("#postcode", "")
    page.select_option("#structure_type", "")
    page.fill("#captcha_answer", "PASSED")
    page.locator("#captcha-validate").click()
    expect(page.locator("#submit-signup")).to_be_enabled()
    page.locator("#submit-signup").click()
    expect(page.locator("#error-summary")).to_be_visible()
    colour = "(selector) => getComputedStyle(document.querySelector(selector)).borderTopColor"
    for selector in ("#login_email", "#postcode", "#structure_type"):
        assert page.evaluate(colour, selector) == ERROR_RED, selector
    assert page.evaluate("getComputedStyle(document.querySelector('#accept_terms')).outlineColor") == ERROR_RED
    # The red bar indents a field in error: its control keeps the right edge of the others.
    email, phone = box(page, "#login_email"), box(page, "#phone")
    assert abs((email["x"] + email["width"]) - (phone["x"] + phone["width"])) < 1


def test_the_postcode_field_is_sized_to_a_postcode(js_page):
    page = js_page
    page.goto("/inscription")
    prefill_siret(page)
    postcode, city = box(page, "#postcode"), box(page, "#city")
    assert 90 <= postcode["width"] <= 180 < city["width"]
    page.fill("#postcode", "12345-6789")  # the longest common format is readable whole
    assert page.evaluate("(e => e.scrollWidth <= e.clientWidth)(document.getElementById('postcode'))")


@pytest.mark.parametrize("javascript", [True, False])
def test_the_directory_search_box_looks_like_a_search_box(js_page, nojs_page, live_server, javascript):
    make_manager(live_server.app)  # one structure in the directory
    page = js_page if javascript else nojs_page
    page.goto("/annuaire")
    search = page.locator("#directory-q")
    style = search.evaluate("e => { const s = getComputedStyle(e); return [s.backgroundImage, s.paddingLeft, s.borderTopWidth]; }")
    assert style[0].startswith("url(") and float(style[1].rstrip("px")) >= 30 and style[2] == "2px"
    assert search.bounding_box()["width"] >= 250
    if not javascript:  # the button sits beside the field, at its height
        field, button = search.bounding_box(), page.get_by_role("button", name=re.compile("Rechercher|Search")).bounding_box()
        assert button["x"] > field["x"] + field["width"]
        assert abs((field["y"] + field["height"]) - (button["y"] + button["height"])) < 1
    expect(page.locator(".directory-item").first).to_be_visible()
    page.set_viewport_size({"width": 360, "height": 800})
    assert_fits(page, "the directory")


def test_summary_lists_line_up(js_page, live_server):
    page = js_page
    sign_in(page, make_manager(live_server.app))
    lists = page.locator("main > section > .summary-list")  # "My details", "Security"
    assert lists.count() >= 2
    values = [lists.nth(i).locator("dd").first.bounding_box()["x"] for i in range(lists.count())]
    assert max(values) - min(values) < 1, f"the values of the lists start at {values}"
    page.set_viewport_size({"width": 360, "height": 800})
    assert_fits(page, "My account")
    term, value = page.locator(".summary-list dt").first.bounding_box(), page.locator(".summary-list dd").first.bounding_box()
    assert value["y"] >= term["y"] + term["height"] - 1, "on a phone the value goes under its term"


# --- (c) the footer's pages -----------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_footer_pages_pass_axe_and_fit_a_phone(js_page, axe, lang):
    page = js_page
    problems = {}
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/?lang={lang}")
        footer_links = page.locator("footer nav a")
        assert [footer_links.nth(i).get_attribute("href") for i in range(footer_links.count())] == FOOTER_PAGES
        for url in FOOTER_PAGES:
            page.goto(url)
            found = axe.violations(page)
            if found:
                problems[f"{url} at {width}px"] = found
            assert_fits(page, url)
    assert not problems, problems


def test_the_help_page_is_reached_from_any_page_and_gives_the_contact(js_page):
    page = js_page
    page.goto("/inscription")
    page.locator("footer").get_by_role("link", name="Besoin d'aide\u00a0?").click()
    expect(page.locator("h1")).to_have_text("Besoin d'aide\u00a0?")
    expect(page.locator("#contact + p a[href^='mailto:']")).to_have_text("support@portal.localhost")
