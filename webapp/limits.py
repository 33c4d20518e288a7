"""Rate limits (Flask-Limiter), per IP and per account, on the endpoints bots hammer.

Counters live in RATELIMIT_STORAGE_URI: "memory://" (one process) by default; with several gunicorn
workers or machines point it at Redis ("redis://host:6379/0") so every worker counts the same hits.
Each limit is a config key holding a Flask-Limiter string ("20/minute;200/hour"), read per request.

Behind a reverse proxy the client IP is the proxy's: wrap the app in werkzeug's ProxyFix
(PROXY_FIX_X_FOR=1) so limits apply per visitor, not per proxy.
"""
import math
import os
import time

from flask import current_app, request, session
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from .rendering import render, wants_fragment

# endpoint -> [(config key of the limit, "ip" or "account", methods or None for all)]
LIMITED_ENDPOINTS = {
    "signup.submit": [("RATELIMIT_SIGNUP", "ip", None), ("RATELIMIT_SIGNUP_ACCOUNT", "account", None)],
    "signup.choose_type": [("RATELIMIT_LOOKUP", "ip", None)],
    "signup.check_identifier_fragment": [("RATELIMIT_LOOKUP", "ip", None)],
    "new_structure.create_type": [("RATELIMIT_LOOKUP", "ip", None)],
    "new_structure.create_identifier": [("RATELIMIT_LOOKUP", "ip", None)],
    "new_structure.attach_type": [("RATELIMIT_LOOKUP", "ip", None)],
    "new_structure.attach_identifier": [("RATELIMIT_LOOKUP", "ip", None)],
    "captcha.new": [("RATELIMIT_CAPTCHA", "ip", None)],
    "captcha.validate": [("RATELIMIT_CAPTCHA", "ip", None)],
    "captcha.audio": [("RATELIMIT_CAPTCHA_AUDIO", "ip", None)],
    "account.sign_in": [("RATELIMIT_SIGN_IN", "ip", ["POST"]), ("RATELIMIT_SIGN_IN_ACCOUNT", "account", ["POST"])],
    "account.sign_in_code": [("RATELIMIT_SIGN_IN", "ip", ["POST"]), ("RATELIMIT_SIGN_IN_ACCOUNT", "account", ["POST"])],
    "account.forgot_password": [("RATELIMIT_RESET", "ip", ["POST"]), ("RATELIMIT_RESET_ACCOUNT", "account", ["POST"])],
    "account.reset_password": [("RATELIMIT_RESET", "ip", ["POST"])],
    "signup.resend_link": [("RATELIMIT_RESEND", "ip", None)],  # per address: the database throttle
    "account.resend_activation": [("RATELIMIT_RESEND", "ip", None), ("RATELIMIT_RESEND_ACCOUNT", "account", None)],
    "account.new_sign_in_code": [("RATELIMIT_RESEND", "ip", None), ("RATELIMIT_RESEND_ACCOUNT", "account", None)],
}

DEFAULT_LIMITS = {
    "RATELIMIT_SIGNUP": "20/minute;200/hour",  # the no-JS "show the fields" actions post here too
    "RATELIMIT_SIGNUP_ACCOUNT": "5/hour",
    "RATELIMIT_LOOKUP": "120/minute;2000/hour",
    "RATELIMIT_CAPTCHA": "30/minute;300/hour",
    "RATELIMIT_CAPTCHA_AUDIO": "10/minute;100/hour",
    "RATELIMIT_SIGN_IN": "30/minute;300/hour",
    # Short on purpose: a per-account limit is also a way to lock the owner out (lockout.py caps that).
    "RATELIMIT_SIGN_IN_ACCOUNT": "10/minute",
    "RATELIMIT_RESET": "10/minute;60/hour",
    "RATELIMIT_RESET_ACCOUNT": "5/hour",
    "RATELIMIT_RESEND": "10/minute;60/hour",
    "RATELIMIT_RESEND_ACCOUNT": "5/hour",
}


def account_key():
    """The account a request is about: the typed address, or the sign-in waiting for its code."""
    typed = request.form.get("email") or request.form.get("login_email") or ""
    email = " ".join(typed.split()).lower()[:254]
    if not email:
        pending = session.get("pending_sign_in") or {}
        if pending.get("account_id"):
            return f"account-id:{pending['account_id']}"
        email = session.get("signup_email") or ""
    return f"account:{email}" if email else f"ip:{get_remote_address()}"


def ip_key():
    return f"ip:{get_remote_address()}"


def limit_reader(config_key):
    return lambda: current_app.config.get(config_key) or DEFAULT_LIMITS[config_key]


def init_limits(app):
    """Create this app's limiter (one per app: tests build many apps) and attach the limits."""
    for key, value in DEFAULT_LIMITS.items():
        app.config.setdefault(key, os.environ.get(key) or value)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter = Limiter(key_func=ip_key, app=app)
    for endpoint, limits in LIMITED_ENDPOINTS.items():
        view = app.view_functions.get(endpoint)
        if view is None:
            continue
        for config_key, kind, methods in limits:
            # Decorated limits are checked by the wrapper (not in before_request): install it.
            view = app.view_functions[endpoint] = limiter.limit(
                limit_reader(config_key),
                key_func=account_key if kind == "account" else ip_key,
                methods=methods,
                scope=f"{config_key}:{kind}",  # each limit has its own counters
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
    response = render("errors/429.html", "rate_limited", status=429, wait=wait_text(seconds))
    response.headers["Retry-After"] = str(seconds)
    if wants_fragment():
        # Keep the form the user was filling in: put the notice at the top of the page instead.
        response.headers["HX-Retarget"] = "#main"
        response.headers["HX-Reswap"] = "afterbegin"
    return response
