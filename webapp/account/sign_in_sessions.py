"""Signed-in sessions kept on the server, so that signing out really ends them.

The signed Flask session cookie carries a random token; the SignInSession row (found by the token's
SHA-256) says whose session it is and whether it still holds: not revoked (sign-out, password change or
reset), used within SESSION_IDLE_MINUTES, begun less than SESSION_MAX_HOURS ago. A copy of the cookie
taken before sign-out therefore opens nothing afterwards. No `request` in here: the callers pass what
they read from it.
"""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app

from webapp.models import Account, SignInSession, utcnow

TOUCH_INTERVAL = timedelta(minutes=1)  # last_seen_at is written at most this often, not per request


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def user_agent_hash(user_agent):
    return hashlib.sha256((user_agent or "").encode("utf-8", "replace")).hexdigest()


def idle_limit():
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def absolute_limit():
    return timedelta(hours=current_app.config["SESSION_MAX_HOURS"])


def open_session(account, user_agent):
    """A new session row for this account; returns the token for the cookie. Ended rows are cleared."""
    now = utcnow()
    SignInSession.delete().where(
        (SignInSession.account == account)
        & (SignInSession.revoked_at.is_null(False) | (SignInSession.created_at < now - absolute_limit()))
    ).execute()
    token = secrets.token_urlsafe(32)
    SignInSession.create(
        token_hash=token_hash(token), account=account, user_agent_hash=user_agent_hash(user_agent),
        created_at=now, last_seen_at=now,
    )
    return token


def find_session(token):
    """The session row with its account (one indexed query), or None."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    return (
        SignInSession.select(SignInSession, Account)
        .join(Account)
        .where(SignInSession.token_hash == token_hash(token))
        .first()
    )


def session_state(record, user_agent, now=None):
    """"live", "revoked", "idle" or "expired" (past the absolute lifetime)."""
    now = now or utcnow()
    if record.revoked_at is not None or not record.account.is_active:
        return "revoked"
    if record.user_agent_hash != user_agent_hash(user_agent):
        return "revoked"  # the cookie turned up in another browser
    if now - record.created_at > absolute_limit():
        return "expired"
    if now - record.last_seen_at > idle_limit():
        return "idle"
    return "live"


def touch(record, now=None):
    """Note the activity, at most once a minute: no write on most requests."""
    now = now or utcnow()
    if now - record.last_seen_at >= TOUCH_INTERVAL:
        SignInSession.update(last_seen_at=now).where(SignInSession.id == record.id).execute()
        record.last_seen_at = now


def revoke(record_id):
    SignInSession.update(revoked_at=utcnow()).where(
        (SignInSession.id == record_id) & SignInSession.revoked_at.is_null()
    ).execute()


def revoke_account_sessions(account_id, keep_id=None):
    """End every session of the account (but keep_id, the browser that made the change)."""
    query = (SignInSession.account == account_id) & SignInSession.revoked_at.is_null()
    if keep_id is not None:
        query &= SignInSession.id != keep_id
    return SignInSession.update(revoked_at=utcnow()).where(query).execute()
