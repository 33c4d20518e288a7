"""Fixtures of the OpenID Connect tests: a person with structures, relying parties registered with the
real `flask oidc add-client` command, and a browser-like walk through sign-in and consent."""
import base64
import hashlib
import json
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from webapp.extensions import db
from webapp.models import Account, Membership, OpenedWorkspace, Role, Structure, StructureWorkspace, utcnow
from webapp.credentials import hash_password

PASSWORD = "Correct-Horse-42x"
REDIRECT_URI = "https://rp.example/callback"


def make_person(email="alice@example.fr", first="Alice", last="Martin"):
    return Account.create(
        email=email, first_name=first, last_name=last, contact_email=email, terms_accepted_at=utcnow(),
        password_hash=hash_password(PASSWORD), secret_question="first_pet", secret_answer_hash=hash_password("rex"),
        is_active=True, activated_at=utcnow(), locale="fr",
    )


@pytest.fixture
def person(app):
    """Alice: principal manager of a company (who opened "engagements" and closed "sollicitations_emises",
    a workspace the company does not offer opened too) and user of an association (defaults)."""
    with app.app_context(), db.connection_context():
        alice = make_person()
        company = Structure.create(identifier_type="SIRET", identifier="90110001600012",
                                   company_name="ATELIERS DU LAMPADAIRE BLEU", structure_type="company")
        association = Structure.create(identifier_type="RIDET", identifier="1234567001", label="NOUMEA PECHE")
        managed = Membership.create(account=alice, structure=company, role=Role.PRINCIPAL_MANAGER)
        Membership.create(account=alice, structure=association, role=Role.USER)
        StructureWorkspace.create(structure=company, code="factures_travaux", offered=False)
        for code in ("_chosen", "factures_emises", "engagements", "factures_travaux"):
            OpenedWorkspace.create(membership=managed, code=code)
        return alice.id


def register(runner, *args):
    result = runner.invoke(args=["oidc", "add-client", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])


@pytest.fixture
def rp(runner):
    """A confidential relying party: {"client_id", "client_secret"}."""
    return register(runner, "Plateforme de facturation", "--redirect-uri", REDIRECT_URI,
                    "--redirect-uri", "https://rp.example/other", "--post-logout-redirect-uri", "https://rp.example/bye")


@pytest.fixture
def public_rp(runner):
    return register(runner, "Appli mobile", "--redirect-uri", "org.example.app:/callback", "--public")


def pkce_pair():
    """RFC 7636 §4.1-4.2, by hand: a 43-character verifier and its S256 challenge."""
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def csrf_of(page):
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def sign_in(client, email="alice@example.fr", password=PASSWORD, next_url=None):
    page = client.get("/connexion" + (f"?{urlencode({'next': next_url})}" if next_url else "")).get_data(as_text=True)
    data = {"email": email, "password": password, "csrf_token": csrf_of(page)}
    if next_url:
        data["next"] = next_url
    return client.post("/connexion", data=data)


def authorize_url(client_id, redirect_uri=REDIRECT_URI, scope="openid profile email structures", **extra):
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": scope,
              "state": "st-" + secrets.token_hex(4), "nonce": "n-" + secrets.token_hex(8), **extra}
    return "/oidc/authorize?" + urlencode({k: v for k, v in params.items() if v is not None})


def consent(client, url, decision="allow"):
    """GET the authorization URL (signed in), answer the consent page; the redirect to the client.
    A consent given before is remembered: then the GET itself redirects."""
    page = client.get(url)
    if page.status_code == 302:
        return page
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return client.post(url, data={"csrf_token": csrf_of(page.get_data(as_text=True)), "decision": decision})


def callback_params(response):
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = urlsplit(response.headers["Location"])
    return location, {k: v[0] for k, v in parse_qs(location.query).items()}


def code_for(client, rp_client, **extra):
    """Sign Alice in, consent, and return (code, authorization params) as the relying party receives them."""
    sign_in(client)
    url = authorize_url(rp_client["client_id"], **extra)
    _, params = callback_params(consent(client, url))
    return params["code"], parse_qs(urlsplit(url).query)


def basic_auth(rp_client):
    raw = f"{rp_client['client_id']}:{rp_client['client_secret']}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def exchange(client, rp_client, code, redirect_uri=REDIRECT_URI, **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, **extra}
    return client.post("/oidc/token", data=data, headers=basic_auth(rp_client))
