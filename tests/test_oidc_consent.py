"""Sign-in before authorization (two-step included), the consent page, prompt and max_age, and
"Authorised applications" in "My account"."""
import re
import time

import pytest
from factories import authorize_url, callback_params, consent, csrf_in, exchange, make_account

from webapp.extensions import db
from webapp.models import Account
from webapp.oidc.models import Consent


def test_consent_page_lists_what_the_client_receives_in_french_and_english(client, person, rp, auth):
    auth.sign_in(language="fr")
    page = client.get(authorize_url(rp["client_id"])).get_data(as_text=True)
    assert "Plateforme de facturation" in page and "Autoriser" in page and "Refuser" in page
    assert "Les structures auxquelles vous appartenez" in page
    english = client.get(authorize_url(rp["client_id"], scope="openid email") + "&lang=en").get_data(as_text=True)
    assert "Your login e-mail address" in english and "structures you belong to" not in english
    assert "<script>" not in english and 'style="' not in english


def test_consent_is_remembered_until_withdrawn_in_my_account(app, client, person, rp, code_for):
    code, _ = code_for(client, rp)
    tokens = exchange(client, rp, code).get_json()
    location, params = callback_params(client.get(authorize_url(rp["client_id"])))  # no page this time
    assert "code" in params
    assert client.get(authorize_url(rp["client_id"], prompt="consent")).status_code == 200  # asked again

    page = client.get("/mon-compte").get_data(as_text=True)
    assert 'href="/mon-compte/applications"' in page and "Applications autorisées" in page
    page = client.get("/mon-compte/applications").get_data(as_text=True)
    assert "Plateforme de facturation" in page
    with app.app_context(), db.connection_context():
        consent_id = Consent.get().id
    response = client.post(f"/mon-compte/applications/{consent_id}/retirer", data={"csrf_token": csrf_in(page)})
    assert response.status_code == 303
    page = client.get("/mon-compte/applications").get_data(as_text=True)
    assert "Plateforme de facturation n&#39;a plus accès à votre compte." in page
    assert "Vous n'avez autorisé aucune application." in page
    assert client.get("/oidc/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}).status_code == 401
    assert client.get(authorize_url(rp["client_id"])).status_code == 200  # the consent page again
    with app.app_context(), db.connection_context():
        assert Consent.select().count() == 0


def test_someone_else_cannot_withdraw_a_consent(app, client, person, rp, auth, code_for):
    code_for(client, rp)
    make_account(app, "bob@example.fr", first_name="Bob", last_name="Durand", locale="fr", secret_answer="rex")
    with app.app_context(), db.connection_context():
        consent_id = Consent.get().id
    other = app.test_client()
    auth.sign_in("bob@example.fr", client=other)
    page = other.get("/mon-compte/applications").get_data(as_text=True)
    other.post(f"/mon-compte/applications/{consent_id}/retirer", data={"csrf_token": csrf_in(page)})
    with app.app_context(), db.connection_context():
        assert Consent.select().count() == 1


def test_deny_sends_access_denied_to_the_client(client, person, rp, auth):
    auth.sign_in()
    _, params = callback_params(consent(client, authorize_url(rp["client_id"]), decision="deny"))
    assert params["error"] == "access_denied" and "code" not in params


def test_consent_form_needs_its_csrf_token(client, person, rp, auth):
    auth.sign_in()
    response = client.post(authorize_url(rp["client_id"]), data={"decision": "allow"})
    assert response.status_code == 400 and "Location" not in response.headers


def test_prompt_login_and_max_age_ask_for_the_password_again(client, person, rp, auth, code_for):
    code_for(client, rp)
    response = client.get(authorize_url(rp["client_id"], prompt="login"))
    assert "/connexion?next=" in response.headers["Location"] and "prompt" not in response.headers["Location"]
    assert client.get("/mon-compte").status_code == 302  # the portal session ended
    auth.sign_in()
    with client.session_transaction() as session:
        session["oidc_auth_time"] = int(time.time()) - 120
    response = client.get(authorize_url(rp["client_id"], max_age="60"))
    assert "/connexion?next=" in response.headers["Location"]
    auth.sign_in()
    _, params = callback_params(client.get(authorize_url(rp["client_id"], max_age="60")))
    assert "code" in params


def test_two_step_sign_in_comes_before_the_authorization(app, client, person, rp, outbox, auth):
    with app.app_context(), db.connection_context():
        Account.update(email_codes_enabled=True).execute()
    url = authorize_url(rp["client_id"])
    response = auth.sign_in(next=url)
    assert response.headers["Location"].endswith("/connexion/code")
    page = client.get("/connexion/code")
    assert "form-action 'self' https://rp.example" in page.headers["Content-Security-Policy"]
    [message] = [m for m in outbox() if m.kind == "sign_in_code"]
    code = re.search(r"^(\d{6})$", message.body_text, re.M).group(1)
    response = client.post("/connexion/code", data={"code": code, "csrf_token": csrf_in(page.get_data(as_text=True))})
    assert response.status_code == 303 and response.headers["Location"] == url
    assert client.get(url).status_code == 200  # the consent page


@pytest.mark.parametrize("endpoint", ["/connexion?next={url}", "{url}"])
def test_forms_leading_to_a_client_may_post_there_and_no_other(client, person, rp, endpoint, auth):
    url = authorize_url(rp["client_id"])
    if endpoint == "{url}":
        auth.sign_in()
    from urllib.parse import quote

    csp = client.get(endpoint.format(url=quote(url, safe="") if "next" in endpoint else url)).headers["Content-Security-Policy"]
    assert "form-action 'self' https://rp.example;" in csp
    assert "form-action 'self';" in client.get("/connexion?next=/mon-compte").headers["Content-Security-Policy"]
    forged = authorize_url(rp["client_id"], redirect_uri="https://evil.example/callback")
    assert "evil" not in client.get("/connexion?next=" + quote(forged, safe="")).headers["Content-Security-Policy"]
