"""render() and wants_fragment() (webapp/web/rendering.py) through real routes: an htmx request gets the
named block alone; a plain request, a boosted one (hx-boost follows a link or a form as a whole page) and a
history-restore one (htmx fetches a page missing from its history cache, to put back whole) get the page."""
import pytest
from factories import csrf, make_structure

PLAIN = {}
HTMX = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
HISTORY_RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}

REQUESTS = pytest.mark.parametrize("headers, whole_page", [
    (PLAIN, True), (HTMX, False), (BOOSTED, True), (HISTORY_RESTORE, True),
], ids=["plain", "htmx", "boosted", "history-restore"])


def check(response, whole_page):
    """The answer is the whole page (base layout) or the fragment alone; its body."""
    body = response.get_data(as_text=True)
    assert response.status_code == 200, body[:500]
    assert "HX-Request" in response.headers["Vary"]  # one URL, two answers: caches must tell them apart
    layout = ("<html", '<meta name="csrf-token"', '<main id="main"')
    if whole_page:
        assert body.lstrip().lower().startswith("<!doctype html>")
        assert all(part in body for part in layout), [part for part in layout if part not in body]
    else:
        assert not any(part in body for part in layout), [part for part in layout if part in body]
    return body


@REQUESTS
def test_the_directory_search(app, client, headers, whole_page):
    make_structure(app, "BOULANGERIE IMAGINAIRE", "90110002400016", city="LYON")
    response = client.get("/annuaire", query_string={"q": "boulangerie", "lang": "en"}, headers=headers)
    body = check(response, whole_page)
    assert "BOULANGERIE IMAGINAIRE" in body
    assert ('<input type="search"' in body) is whole_page  # the search form is the page's, not the results'


@REQUESTS
def test_the_sign_up_identifier_check(client, headers, whole_page):
    token = csrf(client)
    data = {"identifier_type": "SIRET", "identifier": "90110008100016", "csrf_token": token}
    body = check(client.post("/inscription/identifiant", data=data, headers=headers), whole_page)
    assert "not yet in the portal" in body  # the register's answer for this SIRET, in either answer
    assert ('id="signup-form"' in body) is whole_page
