"""End to end in Chromium: the demo relying party (examples/relying_party/app.py, Authlib's Flask client)
signs a person in through the portal — sign-in, consent, back — and shows the claims."""
import importlib.util
import json
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from .axe import assert_accessible
from .seed import PASSWORD, seed_structure_with_request

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "relying_party" / "app.py"


@pytest.fixture
def relying_party(live_server, monkeypatch):
    """The example app on its own loopback port, registered with the portal like `run` does."""
    from webapp.extensions import db
    from webapp.oidc.clients import add_client

    server = make_server("127.0.0.1", 0, None, threaded=True)  # reserve the port first: it is in the redirect URI
    url = f"http://127.0.0.1:{server.server_port}"
    with live_server.app.app_context(), db.connection_context():
        client, secret = add_client("Plateforme de démonstration", [f"{url}/callback"])
    monkeypatch.setenv("RP_CLIENT_ID", client.client_id)
    monkeypatch.setenv("RP_CLIENT_SECRET", secret)
    monkeypatch.setenv("PORTAL_URL", live_server.url)
    spec = importlib.util.spec_from_file_location("demo_relying_party", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    server.app = module.app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    server.server_close()


def sign_in_and_consent(page, relying_party, email, consent=True):
    page.goto(f"{relying_party}/login")
    page.wait_for_url("**/connexion?next=**")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    if consent:
        page.wait_for_url("**/oidc/authorize?**")
        assert page.get_by_role("heading", level=1).inner_text() == "Connexion à Plateforme de démonstration"
        assert_accessible(page, "consent page")
        page.get_by_role("button", name="Autoriser").click()
    page.wait_for_url(f"{relying_party}/")
    return json.loads(page.locator("#claims").inner_text())


def test_a_relying_party_signs_in_through_the_portal(chromium, live_server, relying_party, browser_problems):
    seeded = seed_structure_with_request(live_server.app)
    context = chromium.new_context(locale="fr-FR")
    page = browser_problems.watch(context.new_page())
    claims = sign_in_and_consent(page, relying_party, seeded.manager_email)
    assert claims["id_token"]["email"] == seeded.manager_email
    [structure] = claims["userinfo"]["structures"]
    assert structure == {"identifier_type": "SIRET", "identifier": "90110001600012",
                         "name": "ATELIERS DU LAMPADAIRE BLEU", "role": "principal_manager",
                         "workspaces": ["sollicitations_emises", "factures_emises"]}
    context.close()

    # Another browser: the consent is remembered, so the sign-in form leads straight back to the
    # relying party (POST, 303 to /oidc/authorize, 302 to the client: CSP form-action must allow it).
    context = chromium.new_context(locale="fr-FR")
    page = browser_problems.watch(context.new_page())
    again = sign_in_and_consent(page, relying_party, seeded.manager_email, consent=False)
    assert again["id_token"]["sub"] == claims["id_token"]["sub"]
    context.close()
    assert not [e for e in browser_problems.errors() if live_server.url in e]  # the demo has no favicon
