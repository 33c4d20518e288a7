"""Rate limits (Flask-Limiter), per IP and per account, on the endpoints bots hammer.

Counters live in RATELIMIT_STORAGE_URI: "memory://" (one process) by default; with several gunicorn
workers or machines point it at Redis ("redis://host:6379/0") so every worker counts the same hits.
Each limit is a config key holding a Flask-Limiter string ("20/minute;200/hour"), read per request.

A limit keyed by an address must never let an attacker keep the owner out, so those limits count
only what the attacker cannot do for free: a wrong password or code (the view calls count_failure());
they never apply to a browser that signed in to that
address before (the known-device cookie). Reset and activation links have no per-address counter: the
database allows one link per address every RESEND_INTERVAL_SECONDS, and that is all the owner waits.

A limit hit on a form's POST answers that form again, filled in with what was typed and saying when to
retry (page_when_limited); other requests get the 429 page, or its notice above an htmx page.

Behind a reverse proxy the client IP is the proxy's: set TRUST_PROXY_COUNT (the app then wraps itself
in werkzeug's ProxyFix) so limits apply per visitor, not per proxy.
"""
import math
import os
import time
from typing import NamedTuple

from flask import current_app, flash, g, request, session
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from webapp.web.rendering import render, wants_fragment


class Limit(NamedTuple):
    config_key: str
    kind: str = "ip"  # "ip" or "account" (the address the request is about)
    methods: tuple = None  # None: every method
    counts: str = "all"  # "all" requests, or those "marked" by count_failure()
    owner_exempt: bool = False  # not applied to a browser that signed in with the typed address


POST = ("POST",)
# endpoint -> its limits (a plain (config key, kind, methods) tuple is read as a Limit too)
LIMITED_ENDPOINTS = {
    # No per-address limit: a submission creates nothing and looks nothing up (signup/service.py), and an
    # attacker could spend such a limit to refuse the owner. The captcha and the per-IP limit remain.
    "signup.submit": [Limit("RATELIMIT_SIGNUP")],
    "signup.choose_type": [Limit("RATELIMIT_LOOKUP")],
    "signup.check_identifier_fragment": [Limit("RATELIMIT_LOOKUP")],
    "new_structure.create_type": [Limit("RATELIMIT_LOOKUP")],
    "new_structure.create_identifier": [Limit("RATELIMIT_LOOKUP")],
    "new_structure.attach_type": [Limit("RATELIMIT_LOOKUP")],
    "new_structure.attach_identifier": [Limit("RATELIMIT_LOOKUP")],
    "captcha.new": [Limit("RATELIMIT_CAPTCHA")],
    "captcha.validate": [Limit("RATELIMIT_CAPTCHA")],
    "captcha.audio": [Limit("RATELIMIT_CAPTCHA_AUDIO")],
    "account.sign_in": [
        Limit("RATELIMIT_SIGN_IN", "ip", POST, "marked", owner_exempt=True),
        Limit("RATELIMIT_SIGN_IN_ACCOUNT", "account", POST, "marked", owner_exempt=True),
    ],
    "account.sign_in_code": [
        Limit("RATELIMIT_SIGN_IN", "ip", POST, "marked"),
        Limit("RATELIMIT_SIGN_IN_ACCOUNT", "account", POST, "marked"),
    ],
    # Links by e-mail: per IP here, per address in the database (RESEND_INTERVAL_SECONDS).
    "account.forgot_password": [Limit("RATELIMIT_RESET", "ip", POST)],
    "account.reset_password": [Limit("RATELIMIT_RESET", "ip", POST)],
    "signup.resend_link": [Limit("RATELIMIT_RESEND")],
    "account.resend_activation": [Limit("RATELIMIT_RESEND")],
    "account.new_sign_in_code": [Limit("RATELIMIT_RESEND")],
}

DEFAULT_LIMITS = {
    "RATELIMIT_SIGNUP": "20/minute;200/hour",  # the no-JS "show the fields" actions post here too
    "RATELIMIT_LOOKUP": "120/minute;2000/hour",
    "RATELIMIT_CAPTCHA": "30/minute;300/hour",
    "RATELIMIT_CAPTCHA_AUDIO": "10/minute;100/hour",
    "RATELIMIT_SIGN_IN": "30/minute;300/hour",  # wrong passwords or codes from one IP
    # Wrong passwords for one address; short, and never applied to the owner's known browser.
    "RATELIMIT_SIGN_IN_ACCOUNT": "10/minute",
    "RATELIMIT_RESET": "10/minute;60/hour",
    "RATELIMIT_RESEND": "10/minute;60/hour",
}
MARK_FLAG = "rate_limit_marked"
# endpoint -> page(): its form again, filled in as typed, for a limit hit on a whole-page POST
LIMITED_PAGES = {}


def page_when_limited(endpoint):
    """Register the page `endpoint` answers when one of its limits is hit: its form filled in with what
    the request carried (never a bare "too many requests" page that throws the typing away). The page
    renders with status 429; the notice saying when to retry is flashed above it here."""

    def register(page):
        LIMITED_PAGES[endpoint] = page
        return page

    return register


def count_failure():
    """Count this request against the limits that count failures only (a wrong password or code)."""
    g.setdefault(MARK_FLAG, True)


def counted(response):
    return bool(g.get(MARK_FLAG))


def typed_email():
    typed = request.form.get("email") or request.form.get("login_email") or ""
    return " ".join(typed.split()).lower()[:254]


def account_key():
    """The account a request is about: the typed address, or the sign-in waiting for its code."""
    email = typed_email()
    if not email:
        pending = session.get("pending_sign_in") or {}
        if pending.get("account_id"):
            return f"account-id:{pending['account_id']}"
        email = session.get("signup_email") or ""
    return f"account:{email}" if email else f"ip:{get_remote_address()}"


def owner_browser():
    """True when this browser signed in before with the address typed in the form (init_limits's
    `known_browser`, given by the factory: this package does not import the account feature)."""
    email = typed_email()
    known_browser = current_app.extensions.get("limits_known_browser")
    return bool(email) and known_browser is not None and known_browser(email)


def ip_key():
    return f"ip:{get_remote_address()}"


def limit_reader(config_key):
    return lambda: current_app.config.get(config_key) or DEFAULT_LIMITS[config_key]


def init_limits(app, known_browser=None):
    """Create this app's limiter (one per app: tests build many apps) and attach the limits.

    known_browser(email): True when this browser signed in to that address before; such a browser is
    exempt from the limits keyed by the address (the owner is never locked out).
    """
    app.extensions["limits_known_browser"] = known_browser
    for key, value in DEFAULT_LIMITS.items():
        app.config.setdefault(key, os.environ.get(key) or value)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter = Limiter(key_func=ip_key, app=app)
    for endpoint, limits in LIMITED_ENDPOINTS.items():
        view = app.view_functions.get(endpoint)
        if view is None:
            continue
        for limit in (Limit(*given) for given in limits):
            # Decorated limits are checked by the wrapper (not in before_request): install it.
            view = app.view_functions[endpoint] = limiter.limit(
                limit_reader(limit.config_key),
                key_func=account_key if limit.kind == "account" else ip_key,
                methods=list(limit.methods) if limit.methods else None,
                scope=f"{limit.config_key}:{limit.kind}",  # each limit has its own counters
                deduct_when=counted if limit.counts == "marked" else None,
                exempt_when=owner_browser if limit.owner_exempt else None,
            )(view)
    app.register_error_handler(429, lambda error: too_many_requests(limiter))
    app.register_error_handler(413, lambda error: render("errors/413.html", status=413))
    return limiter


def seconds_to_wait(limiter):
    limit = limiter.current_limit
    if limit is None:
        return 60
    return max(1, math.ceil(limit.reset_at - time.time()))


def wait_text(seconds):
    if seconds < 120:
        return _("%(seconds)s s", seconds=seconds)
    return _("%(minutes)s min", minutes=math.ceil(seconds / 60))


def too_many_requests(limiter):
    seconds = seconds_to_wait(limiter)
    page = LIMITED_PAGES.get(request.endpoint)
    if page is not None and request.method == "POST" and not wants_fragment():
        flash(_(
            "Too many attempts in a short time: to protect accounts, this action is paused. Try again in "
            "%(wait)s. What you typed is kept below: send the form again then.", wait=wait_text(seconds),
        ), "error")
        response = page()
        response.status_code = 429
        response.headers["Retry-After"] = str(seconds)
        return response
    response = render("errors/429.html", "rate_limited", status=429, wait=wait_text(seconds))
    response.headers["Retry-After"] = str(seconds)
    if wants_fragment():
        # Keep the form the user was filling in: put the notice at the top of the page instead.
        response.headers["HX-Retarget"] = "#main"
        response.headers["HX-Reswap"] = "afterbegin"
    return response
