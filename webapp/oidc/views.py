"""The provider's machine-facing endpoints: discovery, keys, token, userinfo, revocation,
introspection. Each answers errors in the OAuth format (JSON body, `error` and `error_description`),
as Authlib writes them; none takes a session cookie, so none needs a CSRF token."""
import logging
from functools import wraps

from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6750 import InvalidTokenError
from flask import jsonify, url_for

from webapp.extensions import csrf
from webapp.oidc import bp
from webapp.oidc.claims import SCOPE_CLAIMS
from webapp.oidc.keys import ALGORITHM, jwks
from webapp.oidc.server import SCOPES, SECRET_METHODS, current_server, issuer

BOTH = ["GET", "POST"]  # a wrong method still gets an OAuth error from Authlib, not an HTML page
log = logging.getLogger(__name__)


def oauth_format(error_class):
    """Authlib 1.9 raises ValueError on a few malformed inputs ("Authorization: Basic " with nothing
    after it, an error description quoting a character RFC 6749 forbids): answer them as OAuth errors."""
    def decorate(view):
        @wraps(view)
        def wrapped():
            try:
                return view()
            except ValueError as error:
                log.info("Malformed OAuth request at %s: %s", view.__name__, error)
                return current_server().handle_error_response(None, error_class())
        return wrapped
    return decorate


def endpoint_url(endpoint):
    return issuer() + url_for(endpoint)


def public_json(payload):
    response = jsonify(payload)
    response.headers["Access-Control-Allow-Origin"] = "*"  # browsers' relying parties read these
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/.well-known/openid-configuration")
def discovery():
    claims = sorted({claim for names in SCOPE_CLAIMS.values() for claim in names}
                    | {"iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash"})
    return public_json({
        "issuer": issuer(),
        "authorization_endpoint": endpoint_url("oidc.authorize"),
        "token_endpoint": endpoint_url("oidc.token"),
        "userinfo_endpoint": endpoint_url("oidc.userinfo"),
        "jwks_uri": endpoint_url("oidc.keys"),
        "end_session_endpoint": endpoint_url("oidc.end_session"),
        "revocation_endpoint": endpoint_url("oidc.revoke"),
        "introspection_endpoint": endpoint_url("oidc.introspect"),
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [ALGORITHM],
        "token_endpoint_auth_methods_supported": SECRET_METHODS + ["none"],
        "revocation_endpoint_auth_methods_supported": SECRET_METHODS,
        "introspection_endpoint_auth_methods_supported": SECRET_METHODS,
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": claims,
        "prompt_values_supported": ["none", "login", "consent"],
        "ui_locales_supported": ["fr", "en"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "authorization_response_iss_parameter_supported": True,
    })


@bp.get("/oidc/jwks")
def keys():
    return public_json(jwks())


@bp.route("/oidc/token", methods=BOTH)
@csrf.exempt
@oauth_format(InvalidRequestError)
def token():
    return current_server().create_token_response()


@bp.route("/oidc/userinfo", methods=BOTH)
@csrf.exempt
@oauth_format(InvalidTokenError)
def userinfo():
    response = current_server().create_endpoint_response("userinfo")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/oidc/revoke", methods=BOTH)
@csrf.exempt
@oauth_format(InvalidRequestError)
def revoke():
    return current_server().create_endpoint_response("revocation")


@bp.route("/oidc/introspect", methods=BOTH)
@csrf.exempt
@oauth_format(InvalidRequestError)
def introspect():
    return current_server().create_endpoint_response("introspection")
