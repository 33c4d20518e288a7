"""A relying party written from the specifications (OpenID Connect Core 1.0 §3.1, RFC 6749, RFC 7636,
RFC 7515/7518), not from the library the portal uses: plain HTTP through the test client, PKCE by hand,
the ID token's RS256 signature checked against the published JWKS with `cryptography` primitives."""
import base64
import hashlib
import json
import time
from urllib.parse import urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from factories import REDIRECT_URI, authorize_url, callback_params, consent, exchange, pkce_pair

ISSUER = "http://portal.test"


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_int(text):
    return int.from_bytes(b64url_decode(text), "big")


def verify_id_token(id_token, jwks, client_id, nonce, access_token):
    """OpenID Connect Core §3.1.3.7: signature, iss, aud, exp, iat, nonce; §3.1.3.8 at_hash."""
    header_b64, payload_b64, signature_b64 = id_token.split(".")
    header = json.loads(b64url_decode(header_b64))
    assert header["alg"] == "RS256"
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    assert key["kty"] == "RSA" and "d" not in key  # the private part is never published
    public_key = rsa.RSAPublicNumbers(b64url_int(key["e"]), b64url_int(key["n"])).public_key()
    public_key.verify(b64url_decode(signature_b64), f"{header_b64}.{payload_b64}".encode("ascii"),
                      padding.PKCS1v15(), hashes.SHA256())  # raises InvalidSignature
    claims = json.loads(b64url_decode(payload_b64))
    assert claims["iss"] == ISSUER
    assert claims["aud"] == client_id or client_id in claims["aud"]
    now = time.time()
    assert claims["exp"] > now and claims["iat"] <= now + 5
    assert claims["nonce"] == nonce
    left_half = hashlib.sha256(access_token.encode("ascii")).digest()[:16]
    assert claims["at_hash"] == base64.urlsafe_b64encode(left_half).rstrip(b"=").decode()
    return claims


def discover(client):
    config = client.get("/.well-known/openid-configuration").get_json()
    assert config["issuer"] == ISSUER
    return config


def path_of(url):
    assert url.startswith(ISSUER + "/")
    return urlsplit(url).path


def test_code_flow_with_pkce_verified_id_token_and_structures_claim(client, person, rp, auth):
    config = discover(client)
    assert "S256" in config["code_challenge_methods_supported"]
    verifier, challenge = pkce_pair()
    nonce, state = "nonce-from-the-rp-1234", "state-from-the-rp"
    url = path_of(config["authorization_endpoint"]) + "?" + authorize_url(
        rp["client_id"], nonce=nonce, state=state, code_challenge=challenge, code_challenge_method="S256",
    ).split("?", 1)[1]

    first = client.get(url)  # not signed in: the portal's own sign-in page, and back here afterwards
    assert first.status_code == 302 and "/connexion?next=" in first.headers["Location"]
    signed_in = auth.sign_in(next=url)
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == url
    location, params = callback_params(consent(client, url))
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    assert params["state"] == state and params["iss"] == ISSUER  # RFC 9207

    response = client.post(path_of(config["token_endpoint"]), data={
        "grant_type": "authorization_code", "code": params["code"], "redirect_uri": REDIRECT_URI,
        "client_id": rp["client_id"], "client_secret": rp["client_secret"], "code_verifier": verifier,
    })  # client_secret_post
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    tokens = response.get_json()
    assert tokens["token_type"].lower() == "bearer" and tokens["expires_in"] > 0

    jwks = client.get(path_of(config["jwks_uri"])).get_json()
    claims = verify_id_token(tokens["id_token"], jwks, rp["client_id"], nonce, tokens["access_token"])
    assert claims["email"] == "alice@example.fr" and abs(claims["auth_time"] - time.time()) < 60

    info = client.get(path_of(config["userinfo_endpoint"]),
                      headers={"Authorization": f"Bearer {tokens['access_token']}"}).get_json()
    assert info["sub"] == claims["sub"]  # Core §5.3.2: the same subject
    assert info["name"] == "Alice Martin" and info["email_verified"] is True
    assert info["structures"] == [
        {"identifier_type": "SIRET", "identifier": "90110001600012", "name": "ATELIERS DU LAMPADAIRE BLEU",
         "role": "principal_manager", "workspaces": ["factures_emises", "engagements"]},
        {"identifier_type": "RIDET", "identifier": "1234567001", "name": "NOUMEA PECHE",
         "role": "user", "workspaces": ["sollicitations_emises", "factures_emises"]},
    ]


def test_a_tampered_id_token_fails_the_signature_check(client, person, rp, code_for):
    code, params = code_for(client, rp)
    tokens = exchange(client, rp, code).get_json()
    jwks = client.get("/oidc/jwks").get_json()
    header, payload, signature = tokens["id_token"].split(".")
    claims = json.loads(b64url_decode(payload))
    claims["email"] = "mallory@example.fr"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidSignature):
        verify_id_token(f"{header}.{forged}.{signature}", jwks, rp["client_id"], params["nonce"][0],
                        tokens["access_token"])


def test_public_client_with_pkce_and_scopes_it_asked_for_only(client, person, public_rp, auth):
    verifier, challenge = pkce_pair()
    auth.sign_in()
    url = authorize_url(public_rp["client_id"], redirect_uri="org.example.app:/callback", scope="openid email",
                        nonce="n-public", code_challenge=challenge, code_challenge_method="S256")
    location, params = callback_params(consent(client, url))
    assert location.scheme == "org.example.app"
    response = client.post("/oidc/token", data={
        "grant_type": "authorization_code", "code": params["code"], "redirect_uri": "org.example.app:/callback",
        "client_id": public_rp["client_id"], "code_verifier": verifier,
    })
    assert response.status_code == 200, response.get_json()
    tokens = response.get_json()
    verify_id_token(tokens["id_token"], client.get("/oidc/jwks").get_json(), public_rp["client_id"], "n-public",
                    tokens["access_token"])
    info = client.get("/oidc/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}).get_json()
    assert set(info) == {"sub", "email", "email_verified"}  # no profile, no structures: not asked for
