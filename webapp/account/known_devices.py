"""Known browsers: one that completed a sign-in to an account is not locked out by failures from elsewhere.

The cookie holds a random token; the KnownDevice row (by the token's SHA-256) says which account it
vouches for and until when (KNOWN_DEVICE_DAYS after that sign-in). The server decides, not the cookie's
max-age: a copied or kept cookie stops working when its row expires, and a password reset or change
deletes the account's rows, so a browser an intruder signed in with is forgotten too.
"""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request

from webapp.extensions import db
from webapp.models import Account, KnownDevice, utcnow

DEVICE_COOKIE = "known_device"


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def device_lifetime():
    return timedelta(days=current_app.config["KNOWN_DEVICE_DAYS"])


def current_device():
    """The live KnownDevice row (with its account) of this browser's cookie, or None."""
    token = request.cookies.get(DEVICE_COOKIE, "")
    if not token or len(token) > 100:
        return None
    return (
        KnownDevice.select(KnownDevice, Account)
        .join(Account)
        .where((KnownDevice.token_hash == token_hash(token)) & (KnownDevice.expires_at > utcnow()))
        .first()
    )


def known_device(email):
    """True if this browser completed a sign-in to the account with this address and is still known."""
    device = current_device()
    return device is not None and device.account.email == (email or "").strip().lower()


def remember_device(response, account):
    """After a complete sign-in: a new token for this browser (the old one, and expired rows, go)."""
    now = utcnow()
    old = request.cookies.get(DEVICE_COOKIE, "")
    token = secrets.token_urlsafe(32)
    with db.atomic():
        stale = (KnownDevice.account == account) & (KnownDevice.expires_at <= now)
        if old and len(old) <= 100:
            stale |= KnownDevice.token_hash == token_hash(old)
        KnownDevice.delete().where(stale).execute()
        KnownDevice.create(token_hash=token_hash(token), account=account, created_at=now,
                           expires_at=now + device_lifetime())
    response.set_cookie(
        DEVICE_COOKIE, token, max_age=int(device_lifetime().total_seconds()), httponly=True,
        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def forget_devices(account_id, keep_hash=None):
    """Every known browser of the account is forgotten (but keep_hash: the one that made the change)."""
    query = KnownDevice.account == account_id
    if keep_hash:
        query &= KnownDevice.token_hash != keep_hash
    return KnownDevice.delete().where(query).execute()


def current_device_hash():
    token = request.cookies.get(DEVICE_COOKIE, "")
    return token_hash(token) if token and len(token) <= 100 else None
