"""HTTP headers every response carries. The CSP needs no 'unsafe-inline': there is no inline code.

`Cache-Control: no-store` on what must never be kept by a browser's or a proxy's cache: every response
to a signed-in person (or one between password and code), every page whose URL carries a token
(activation, password reset, invitation) and the development mailbox. Static files keep their long cache.
"""
from flask import g, request, session

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "style-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ]
)


def must_not_be_stored():
    if request.endpoint == "static":
        return False
    # The session's keys too: a CSRF failure answers before the account is loaded into g.
    if g.get("account") is not None or session.get("sign_in_session") or session.get("pending_sign_in"):
        return True
    rule = request.url_rule.rule if request.url_rule else ""
    return "<token>" in rule or request.blueprint == "devmail"


def add_security_headers(response):
    from flask import current_app

    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if must_not_be_stored():
        headers["Cache-Control"] = "no-store"
    if current_app.config["PORTAL_ENV"] == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
