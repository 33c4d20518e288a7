"""Let the portal's forms lead back to a registered relying party.

Chromium applies the page's CSP `form-action` to every redirect that follows a form submission: the
consent form (POST, then 302 to the client) and the sign-in forms on the way to an authorization
(POST, 303 to /oidc/authorize, 302 to the client) would be blocked by `form-action 'self'`. On those
pages only, and only for a redirect URI registered by the operator, its origin is added.
"""
from urllib.parse import parse_qs, urlsplit

from flask import request, session, url_for

from webapp.web.headers import CONTENT_SECURITY_POLICY
from webapp.oidc import bp
from webapp.oidc.models import OAuthClient
from webapp.oidc.tokens import query_client

SIGN_IN_ENDPOINTS = ("account.sign_in", "account.sign_in_code")


def source_of(uri):
    """The CSP source expression for a registered URI: its origin, or its private-use scheme."""
    parts = urlsplit(uri)
    if parts.scheme in ("http", "https"):
        return f"{parts.scheme}://{parts.netloc}"
    return f"{parts.scheme}:"


def authorization_target(params):
    client = query_client((params.get("client_id") or [""])[0])
    redirect_uri = (params.get("redirect_uri") or [""])[0]
    if client is not None and client.check_redirect_uri(redirect_uri):
        return redirect_uri
    return None


def pending_next():
    if request.endpoint == "account.sign_in":
        return request.values.get("next")
    pending = session.get("pending_sign_in")
    return pending.get("next") if isinstance(pending, dict) else None


def form_target():
    if request.endpoint == "oidc.authorize":
        return authorization_target(request.args.to_dict(flat=False))
    if request.endpoint in SIGN_IN_ENDPOINTS:
        parts = urlsplit(pending_next() or "")
        if parts.path == url_for("oidc.authorize"):
            return authorization_target(parse_qs(parts.query))
    if request.endpoint == "oidc.end_session":
        uri = request.values.get("post_logout_redirect_uri") or ""
        if uri and any(uri in client.logout_uris for client in OAuthClient.select()):
            return uri
    return None


@bp.after_app_request
def allow_form_to_client(response):
    if response.mimetype != "text/html" or response.status_code == 413 or request.endpoint not in (
        "oidc.authorize", "oidc.end_session", *SIGN_IN_ENDPOINTS
    ):
        return response  # a 413's body was never read: asking for its form would raise again
    target = form_target()
    if target:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", f"form-action 'self' {source_of(target)}"
        )
    return response
