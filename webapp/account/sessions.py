"""The signed-in session: who it is, whether it is still valid, where to go after signing in.

The cookie holds only a random token (SESSION_KEY); the session itself is a row on the server
(sign_in_sessions.py), checked on every request and revoked at sign-out.
"""
import time
from urllib.parse import urlsplit

from flask import current_app, flash, g, request, session
from flask_babel import get_locale, ngettext

from webapp.account import bp
from webapp.account.known_devices import current_device_hash
from webapp.account.sign_in_sessions import find_session, open_session, revoke, session_state, touch

PENDING_KEY = "pending_sign_in"
SESSION_KEY = "sign_in_session"
SIGN_IN_EMAIL_KEY = "sign_in_email"  # the address just activated here: the sign-in page fills it in
WELCOME_KEY = "welcome"  # this session began with the first sign-in after activation


def user_agent():
    return request.headers.get("User-Agent", "")


@bp.before_app_request
def load_signed_in_account():
    """g.account for a live session; a revoked, idle or too old one ends here."""
    g.account = g.sign_in_session = None
    token = session.get(SESSION_KEY)
    if not token:
        if "account_id" in session:  # a cookie from before server-side sessions
            clear_session()
        return
    record = find_session(token)
    state = session_state(record, user_agent()) if record is not None else "revoked"
    if state != "live":
        if record is not None and state in ("idle", "expired"):
            revoke(record.id)
        clear_session()
        if state in ("idle", "expired"):
            flash(session_ended_message(state), "info")
        return
    touch(record)
    g.account, g.sign_in_session = record.account, record


def session_ended_message(state):
    cfg = current_app.config
    if state == "idle":
        return ngettext(
            "You were signed out after %(num)d minute without activity. Sign in again to go on.",
            "You were signed out after %(num)d minutes without activity. Sign in again to go on.",
            cfg["SESSION_IDLE_MINUTES"],
        )
    return ngettext(
        "Your session has reached its maximum length of %(num)d hour. Sign in again to go on.",
        "Your session has reached its maximum length of %(num)d hours. Sign in again to go on.",
        cfg["SESSION_MAX_HOURS"],
    )


def clear_session():
    """Forget everything but the visitor's choice of language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def start_session(account):
    """Sign `account` in on this browser, in the language of the page it signed in on, which becomes the
    account's own (its e-mails' language): signing in never switches the language under the person."""
    language = str(get_locale())
    end_session()  # a browser signed in already (maybe as someone else) leaves that session for good
    session.clear()  # a fresh session: nothing from before signing in carries over
    session[SESSION_KEY] = open_session(account, user_agent())
    session["lang"] = language
    if account.locale != language:
        type(account).update(locale=language).where(type(account).id == account.id).execute()
        account.locale = language


def end_session():
    """Sign-out: the server forgets the session, so a copy of the cookie opens nothing."""
    record = g.get("sign_in_session")
    if record is not None:
        revoke(record.id)
    clear_session()


def current_browser():
    """What a password change from this browser keeps: its session and its known-device cookie."""
    record = g.get("sign_in_session")
    return {"keep_session_id": record.id if record is not None else None,
            "keep_device_hash": current_device_hash()}


def start_pending_sign_in(account, challenge_id, next_url):
    """Between the password and the code: not signed in, only who is signing in and the challenge."""
    end_session()  # a session this browser still had ends on the server too
    session[PENDING_KEY] = {
        "account_id": account.id,
        "challenge_id": challenge_id,
        "next": next_url,
        "started": int(time.time()),
    }


def pending_sign_in(max_age_seconds):
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("started", 0) > max_age_seconds:
        return None
    return pending


def safe_next(url):
    """A relative path on this site, or None: never a redirect to another site."""
    if not url or not isinstance(url, str) or len(url) > 2000:
        return None
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in url):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    return url
