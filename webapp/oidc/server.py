"""The provider on Authlib's Flask integration: authorization code grant with PKCE and OpenID Connect,
rotating refresh tokens, userinfo, revocation, introspection and RP-initiated logout.

Authlib does the protocol (parameters, client authentication, error formats, ID token encoding);
this module only tells it where things are stored (tokens.py) and what the claims are (claims.py).
"""
import re
import time
from datetime import UTC

from authlib.common.security import generate_token
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import InvalidRequestError, grants
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc6750 import BearerTokenValidator as _BearerTokenValidator
from authlib.oauth2.rfc7009 import RevocationEndpoint as _RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint as _IntrospectionEndpoint
from authlib.oidc.core import UserInfoEndpoint as _UserInfoEndpoint
from authlib.oidc.core.grants import OpenIDCode as _OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint as _EndSessionEndpoint
from flask import current_app, g
from joserfc.jwk import KeySet

from webapp.account.sessions import clear_session
from webapp.oidc import tokens
from webapp.oidc.claims import existing_sub, user_claims
from webapp.oidc.keys import ALGORITHM, published_keys, signing_key
from webapp.oidc.models import AuthorizationCode
from webapp.web.urls import base_url

SCOPES = ("openid", "profile", "email", "structures")
SECRET_METHODS = ["client_secret_basic", "client_secret_post"]
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def issuer():
    return base_url()


def request_signing_key():
    """One key per request, so the `kid` in the header names the key that signed."""
    if "oidc_signing_key" not in g:
        g.oidc_signing_key = signing_key()
    return g.oidc_signing_key


class S256CodeChallenge(CodeChallenge):
    """PKCE: S256 only ("plain" protects nothing), and required from public clients."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if grant.request.client.is_public and not data.get("code_challenge"):
            raise InvalidRequestError("A public client must send a PKCE 'code_challenge' (S256).")
        if data.get("code_challenge") and data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = SECRET_METHODS + ["none"]

    @staticmethod
    def validate_authorization_redirect_uri(request, client):
        # Authlib's own message quotes the URI, and refuses (ValueError) to quote a character RFC 6749
        # forbids in error descriptions: a 500 for a redirect_uri with a quote or an accent.
        redirect_uri = request.payload.redirect_uri
        if not redirect_uri:
            raise InvalidRequestError("Missing 'redirect_uri' in request.")
        if not client.check_redirect_uri(redirect_uri):
            raise InvalidRequestError("This 'redirect_uri' is not registered for this client.")
        return redirect_uri

    def save_authorization_code(self, code, request):
        tokens.save_authorization_code(code, request)

    def query_authorization_code(self, code, client):
        return tokens.spend_code(code, client)

    def delete_authorization_code(self, authorization_code):
        pass  # kept, marked used: a second use must be recognised (and revokes what the first got)

    def authenticate_user(self, authorization_code):
        return tokens.active_account(authorization_code.account_id)


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = SECRET_METHODS + ["none"]
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation

    def authenticate_refresh_token(self, refresh_token):
        return tokens.spend_refresh_token(refresh_token, self.request.client)

    def authenticate_user(self, refresh_token):
        return tokens.active_account(refresh_token.account_id)

    def revoke_old_credential(self, refresh_token):
        pass  # spent when it was authenticated


class OpenIDCode(_OpenIDCode):
    def exists_nonce(self, nonce, request):
        return AuthorizationCode.select().where(
            (AuthorizationCode.client == request.client.id) & (AuthorizationCode.nonce == nonce)
        ).exists()

    def validate_openid_authorization_request(self, grant, redirect_uri):
        nonce = grant.request.payload.data.get("nonce")
        if nonce and (len(nonce) > 255 or CONTROL.search(nonce)):
            raise InvalidRequestError("'nonce' must be at most 255 printable characters.")
        super().validate_openid_authorization_request(grant, redirect_uri)

    def resolve_client_private_key(self, client):
        return request_signing_key()[1]

    def get_client_algorithm(self, client):
        return ALGORITHM

    def get_encode_header(self, client):
        return {"alg": ALGORITHM, "kid": request_signing_key()[0], "typ": "JWT"}

    def get_client_claims(self, client):
        now = int(time.time())
        return {"iss": issuer(), "aud": client.client_id, "iat": now,
                "exp": now + current_app.config["OIDC_ID_TOKEN_SECONDS"]}

    def generate_user_info(self, user, scope):
        return user_claims(user, scope, with_structures=False)  # the list is at userinfo


class BearerTokenValidator(_BearerTokenValidator):
    def authenticate_token(self, token_string):
        return tokens.find_token(token_string) if token_string else None

    def validate_token(self, token, scopes, request):
        if token is not None and token.is_refresh_token:
            token = None  # a refresh token is not a bearer token
        super().validate_token(token, scopes, request)


class UserInfoEndpoint(_UserInfoEndpoint):
    def get_issuer(self):
        return issuer()

    def generate_user_info(self, user, scope):
        return user_claims(user, scope)

    def resolve_private_key(self):
        return request_signing_key()[1]


class RevocationEndpoint(_RevocationEndpoint):
    CLIENT_AUTH_METHODS = SECRET_METHODS

    def query_token(self, token_string, token_type_hint):
        return tokens.find_token(token_string, token_type_hint)

    def revoke_token(self, token, request):
        tokens.revoke_token(token)


class IntrospectionEndpoint(_IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = SECRET_METHODS

    def query_token(self, token_string, token_type_hint):
        return tokens.find_token(token_string, token_type_hint)

    def check_permission(self, token, client, request):
        return token.check_client(client)

    def introspect_token(self, token):
        return {
            "active": True, "client_id": token.client.client_id, "scope": token.scope,
            "token_type": "refresh_token" if token.is_refresh_token else "Bearer",
            "sub": existing_sub(token.account_id), "aud": token.client.client_id, "iss": issuer(),
            "exp": _epoch(token.expires_at), "iat": _epoch(token.issued_at),
        }


def _epoch(naive_utc):
    return int(naive_utc.replace(tzinfo=UTC).timestamp())


class EndSessionEndpoint(_EndSessionEndpoint):
    def get_server_jwks(self):
        return KeySet(published_keys())

    def get_algorithms(self):
        return [ALGORITHM]

    def end_session(self, end_session_request):
        clear_session()


def expires_in(client, grant_type):
    return current_app.config["OIDC_ACCESS_TOKEN_SECONDS"]


def current_server():
    return current_app.extensions["oidc_server"]


def init_server(app):
    """One server per app (tests make many apps): grants and endpoints are registered on it."""
    server = app.extensions["oidc_server"] = AuthorizationServer()
    require_token = ResourceProtector()
    server.init_app(app, query_client=tokens.query_client, save_token=tokens.save_token)
    server.register_token_generator(
        "default", BearerTokenGenerator(lambda **_: generate_token(42), lambda **_: generate_token(48), expires_in)
    )
    server.register_grant(AuthorizationCodeGrant, [OpenIDCode(require_nonce=False), S256CodeChallenge(required=True)])
    server.register_grant(RefreshTokenGrant)
    require_token.register_token_validator(BearerTokenValidator())
    server.register_endpoint(UserInfoEndpoint(resource_protector=require_token))
    server.register_endpoint(RevocationEndpoint)
    server.register_endpoint(IntrospectionEndpoint)
    server.register_endpoint(EndSessionEndpoint)
