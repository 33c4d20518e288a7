"""`Cache-Control: no-store` on every response to a signed-in person, between password and code, on
every page whose URL carries a token, and in the development mailbox; static files keep their cache."""
import re

import pytest
from factories import csrf, submit

from webapp.extensions import db
from webapp.models import Account, Membership

TOKEN_PAGES = ["/activation/not-a-token", "/mot-de-passe/nouveau/not-a-token", "/invitation/not-a-token"]


def signed_in_pages(app, structure_id):
    """Every GET page the app has, with the signed-in person's structure in the ids it asks for."""
    paths = []
    adapter = app.url_map.bind("portal.test")
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint.startswith("devmail."):
            continue
        values = {}
        for name in rule.arguments:
            if name.endswith("structure_id"):
                values[name] = structure_id
            elif name == "token":
                values[name] = "not-a-token"
            else:
                break
        else:
            paths.append(adapter.build(rule.endpoint, values))
    return paths


def test_every_page_of_a_signed_in_person_is_no_store(app, client, active_alice, auth):
    assert auth.sign_in().status_code == 303
    with app.app_context(), db.connection_context():
        structure_id = Membership.get(Membership.account == Account.get(Account.email == "alice@example.fr")).structure_id
    paths = signed_in_pages(app, structure_id) + ["/no-such-page", "/mon-compte?lang=en"]
    assert "/mon-compte" in paths and len(paths) > 20
    for path in paths:
        response = client.get(path)
        assert response.headers.get("Cache-Control") == "no-store", (path, response.status_code)
    fragment = client.post("/inscription/type", data={"identifier_type": "SIRET"},
                           headers={"HX-Request": "true", "X-CSRFToken": csrf(client)})
    assert fragment.status_code == 200 and fragment.headers["Cache-Control"] == "no-store"
    refused = client.post("/inscription/type", headers={"HX-Request": "true"})  # CSRF fails before g.account
    assert refused.status_code == 400 and refused.headers["Cache-Control"] == "no-store"


def test_static_files_keep_their_long_cache_when_signed_in(client, active_alice, auth):
    assert auth.sign_in().status_code == 303
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers["Cache-Control"] and "max-age=" in response.headers["Cache-Control"]


def test_the_code_step_is_no_store(app, client, active_alice, auth):
    app.config["TWO_FACTOR"] = "mandatory"
    assert auth.sign_in().headers["Location"] == "/connexion/code"
    assert client.get("/connexion/code").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", TOKEN_PAGES)
def test_token_pages_are_no_store_for_anyone(client, path):
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_a_live_activation_page_is_no_store(client, outbox):
    response = submit(client)
    assert response.status_code == 303
    [message] = [m for m in outbox() if m.kind == "activation_link"]
    link = re.search(r"http://portal\.test(/inscription/activation/[\w-]+)", message.body_text).group(1)
    opened = client.get(link)  # the e-mailed link creates the account, then leads to the password page
    assert opened.status_code == 303 and opened.headers["Cache-Control"] == "no-store"
    response = client.get(opened.headers["Location"])
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_dev_mailbox_is_no_store(client):
    assert client.get("/dev/mailbox/").headers["Cache-Control"] == "no-store"


def test_anonymous_public_pages_are_left_to_the_browser(client):
    assert "Cache-Control" not in client.get("/").headers
