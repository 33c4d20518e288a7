"""The issue's "Bad input and attacks": each answered in the OAuth format or on a portal error page,
never by a redirect to an unregistered address, never by a 500."""
from datetime import timedelta
from urllib.parse import quote

import pytest
from factories import REDIRECT_URI, authorize_url, basic_auth, callback_params, exchange, pkce_pair

from webapp.extensions import db
from webapp.models import utcnow
from webapp.oidc.models import AuthorizationCode, IssuedToken


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("redirect_uri", [
    "https://evil.example/callback",
    "https://rp.example/callback/../../evil",
    "https://rp.example/callback?x=1",
    "https://rp.example/callback/",
    "HTTPS://RP.EXAMPLE/callback",
    "https://rp.example.evil.example/callback",
    'https://rp.example/"é<script>',
    "",
])
def test_unregistered_or_modified_redirect_uri_is_an_error_page_never_a_redirect(client, person, rp, redirect_uri,
                                                                                 auth):
    auth.sign_in()
    response = client.get(authorize_url(rp["client_id"], redirect_uri=redirect_uri or None))
    assert response.status_code == 400 and "Location" not in response.headers
    page = response.get_data(as_text=True)
    assert "invalid_request" in page and "<script>" not in page
    assert client.get(authorize_url(rp["client_id"], redirect_uri=redirect_uri or None) + "&prompt=none").status_code == 400


@pytest.mark.parametrize("client_id", ["unknown-client", "x" * 500, "abc\x00def", "é"])
def test_unknown_client_is_an_error_page(client, person, client_id):
    response = client.get(authorize_url(client_id))
    assert response.status_code == 400 and "Location" not in response.headers
    assert "invalid_client" in response.get_data(as_text=True)


def test_other_bad_requests_go_back_to_the_client_in_the_oauth_format(client, person, rp, auth):
    auth.sign_in()
    for extra, error in [({"response_type": "token"}, "unsupported_response_type"),
                         ({"response_type": 'to"ken'}, "invalid_request"),
                         ({"max_age": "soon"}, "invalid_request"),
                         ({"nonce": "x" * 300}, "invalid_request"),
                         ({"code_challenge": "a" * 43, "code_challenge_method": "plain"}, "invalid_request")]:
        response = client.get(authorize_url(rp["client_id"], **extra))
        if response.status_code == 400:  # a character OAuth cannot quote: the portal's page
            assert error in response.get_data(as_text=True)
            continue
        location, params = callback_params(response)
        assert location.netloc == "rp.example" and params["error"] == error, (extra, params)
        assert params["state"].startswith("st-")


def test_prompt_none_without_session_gives_login_required_to_the_client(client, person, rp):
    for scope in ("openid email", "email"):  # an OAuth-only request too
        location, params = callback_params(client.get(authorize_url(rp["client_id"], prompt="none", scope=scope)))
        assert location.netloc == "rp.example" and params["error"] == "login_required"


def test_prompt_none_without_consent_gives_consent_required(client, person, rp, auth):
    auth.sign_in()
    _, params = callback_params(client.get(authorize_url(rp["client_id"], prompt="none")))
    assert params["error"] == "consent_required"


def test_a_reused_code_is_invalid_grant_and_revokes_what_it_issued(client, person, rp, code_for):
    code, _ = code_for(client, rp)
    tokens = exchange(client, rp, code).get_json()
    assert client.get("/oidc/userinfo", headers=bearer(tokens["access_token"])).status_code == 200
    again = exchange(client, rp, code)
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"
    assert client.get("/oidc/userinfo", headers=bearer(tokens["access_token"])).status_code == 401
    refreshed = client.post("/oidc/token", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
                            headers=basic_auth(rp))
    assert refreshed.get_json()["error"] == "invalid_grant"


def test_an_expired_code_is_invalid_grant(app, client, person, rp, code_for):
    code, _ = code_for(client, rp)
    with app.app_context(), db.connection_context():
        AuthorizationCode.update(expires_at=utcnow() - timedelta(seconds=1)).execute()
    assert exchange(client, rp, code).get_json()["error"] == "invalid_grant"


def test_a_code_for_another_redirect_uri_or_client_is_refused(client, person, rp, public_rp, code_for):
    code, _ = code_for(client, rp)
    assert exchange(client, rp, code, redirect_uri="https://rp.example/other").get_json()["error"] == "invalid_grant"
    code, _ = code_for(client, rp)
    stolen = client.post("/oidc/token", data={"grant_type": "authorization_code", "code": code,
                                              "redirect_uri": REDIRECT_URI, "client_id": public_rp["client_id"]})
    assert stolen.get_json()["error"] in ("invalid_grant", "invalid_request")


def test_a_wrong_pkce_verifier_is_invalid_grant(client, person, rp, code_for):
    verifier, challenge = pkce_pair()
    code, _ = code_for(client, rp, code_challenge=challenge, code_challenge_method="S256")
    other_verifier, _ = pkce_pair()
    response = exchange(client, rp, code, code_verifier=other_verifier)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_grant"
    assert exchange(client, rp, code, code_verifier=verifier).get_json()["error"] == "invalid_grant"  # spent


def test_a_public_client_must_use_pkce(client, person, public_rp, auth):
    auth.sign_in()
    response = client.get(authorize_url(public_rp["client_id"], redirect_uri="org.example.app:/callback"))
    location, params = callback_params(response)
    assert params["error"] == "invalid_request" and "code_challenge" in params["error_description"]


def test_wrong_client_secret_is_invalid_client(client, person, rp, code_for):
    code, _ = code_for(client, rp)
    response = exchange(client, {**rp, "client_secret": "guess"}, code)
    assert response.status_code == 401 and response.get_json()["error"] == "invalid_client"


def test_tampered_expired_and_revoked_tokens_get_401_at_userinfo(app, client, person, rp, code_for):
    code, _ = code_for(client, rp)
    tokens = exchange(client, rp, code).get_json()
    access = tokens["access_token"]
    for headers in (bearer(access[:-1] + ("A" if access[-1] != "A" else "B")), bearer(""), {"Authorization": "Basic x"},
                    {"Authorization": 'Bearer "é'}, {}):
        response = client.get("/oidc/userinfo", headers=headers)
        assert response.status_code in (400, 401), headers
        assert response.get_json()["error"] in ("invalid_token", "missing_authorization", "unsupported_token_type")
    assert client.get("/oidc/userinfo", headers=bearer(tokens["refresh_token"])).status_code == 401
    assert client.get("/oidc/userinfo", headers=bearer(access)).status_code == 200

    revoked = client.post("/oidc/revoke", data={"token": access}, headers=basic_auth(rp))
    assert revoked.status_code == 200
    response = client.get("/oidc/userinfo", headers=bearer(access))
    assert response.status_code == 401 and "invalid_token" in response.headers["WWW-Authenticate"]

    code, _ = code_for(client, rp)
    access = exchange(client, rp, code).get_json()["access_token"]
    with app.app_context(), db.connection_context():
        IssuedToken.update(expires_at=utcnow() - timedelta(seconds=1)).where(IssuedToken.kind == "access").execute()
    assert client.get("/oidc/userinfo", headers=bearer(access)).status_code == 401


def test_refresh_tokens_rotate_and_a_reused_one_revokes_the_grant(client, person, rp, code_for):
    code, _ = code_for(client, rp)
    first = exchange(client, rp, code).get_json()
    refresh = lambda token: client.post("/oidc/token", headers=basic_auth(rp),  # noqa: E731
                                        data={"grant_type": "refresh_token", "refresh_token": token})
    second = refresh(first["refresh_token"]).get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get("/oidc/userinfo", headers=bearer(second["access_token"])).status_code == 200
    reused = refresh(first["refresh_token"])
    assert reused.status_code == 400 and reused.get_json()["error"] == "invalid_grant"
    assert client.get("/oidc/userinfo", headers=bearer(second["access_token"])).status_code == 401
    assert refresh(second["refresh_token"]).get_json()["error"] == "invalid_grant"


def test_revocation_and_introspection_for_confidential_clients(client, person, rp, public_rp, code_for):
    code, _ = code_for(client, rp)
    tokens = exchange(client, rp, code).get_json()
    seen = client.post("/oidc/introspect", data={"token": tokens["access_token"]}, headers=basic_auth(rp)).get_json()
    assert seen["active"] is True and seen["client_id"] == rp["client_id"] and seen["scope"].startswith("openid")
    assert client.post("/oidc/introspect", data={"token": "nonsense"}, headers=basic_auth(rp)).get_json() == {"active": False}
    as_public = client.post("/oidc/introspect", data={"token": tokens["access_token"], "client_id": public_rp["client_id"]})
    assert as_public.status_code in (400, 401) and as_public.get_json()["error"] == "invalid_client"
    # Revoking the refresh token ends the access token of the same grant (RFC 7009 §2.1).
    assert client.post("/oidc/revoke", data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
                       headers=basic_auth(rp)).status_code == 200
    seen = client.post("/oidc/introspect", data={"token": tokens["access_token"]}, headers=basic_auth(rp)).get_json()
    assert seen == {"active": False}


HOSTILE = ["", "\x00", "é", '"', "x" * 5000, "%00", "a b", "{}", "[]"]


@pytest.mark.parametrize("path", ["/oidc/token", "/oidc/revoke", "/oidc/introspect", "/oidc/userinfo"])
def test_machine_endpoints_answer_every_hostile_input_in_the_oauth_format(client, person, rp, path):
    for value in HOSTILE:
        for data in ({"grant_type": value}, {"grant_type": "authorization_code", "code": value},
                     {"grant_type": "refresh_token", "refresh_token": value}, {"token": value, "token_type_hint": value},
                     {"client_id": value, "client_secret": value, "code": value, "grant_type": "authorization_code"}):
            for headers in ({}, basic_auth(rp), {"Authorization": "Basic " + quote(value)}):
                for method in ("POST", "GET"):
                    response = client.open(path, method=method, data=data if method == "POST" else None,
                                           query_string=None if method == "POST" else data, headers=headers)
                    body = response.get_json()  # JSON always; 200 only where RFC 7009/7662 say so
                    assert response.status_code < 500 and body is not None, (path, data, headers)
                    assert "error" in body or (response.status_code == 200 and path in ("/oidc/revoke", "/oidc/introspect"))


def test_authorize_never_answers_500(client, person, rp, auth):
    auth.sign_in()
    for name in ("client_id", "redirect_uri", "scope", "state", "nonce", "prompt", "max_age", "response_type",
                 "code_challenge", "code_challenge_method"):
        for value in HOSTILE:
            url = authorize_url(rp["client_id"]) + f"&{name}={quote(value)}"
            assert client.get(url).status_code < 500, (name, value)
            assert client.post(url, data={"decision": "allow"}).status_code < 500, (name, value)
