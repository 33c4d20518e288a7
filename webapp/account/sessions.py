"""The signed-in session: who it is, whether it is still valid, where to go after signing in."""
import time
from urllib.parse import urlsplit

from flask import g, session

from ..models import Account
from . import bp

PENDING_KEY = "pending_sign_in"


@bp.before_app_request
def load_signed_in_account():
    """g.account for a valid session; a session older than the last password change or reset ends."""
    g.account = None
    account_id = session.get("account_id")
    if not account_id:
        return
    account = Account.get_or_none(Account.id == account_id)
    if account is None or not account.is_active or session.get("session_version") != account.session_version:
        clear_session()
        return
    g.account = account


def clear_session():
    """Forget everything but the visitor's choice of language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def start_session(account):
    session.clear()  # a fresh session: nothing from before signing in carries over
    session["account_id"] = account.id
    session["session_version"] = account.session_version
    session["lang"] = account.locale


def keep_current_session(account):
    """After a password change: this browser stays signed in, every other session ends."""
    session["session_version"] = account.session_version


def start_pending_sign_in(account, challenge_id, next_url):
    """Between the password and the code: not signed in, only who is signing in and the challenge."""
    clear_session()
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
