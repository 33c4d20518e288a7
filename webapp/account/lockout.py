"""Sign-in lockout per address: a growing wait after a few failures, then a short lock, and an e-mail.

Keyed by the typed address, not by the account, so an unknown address behaves exactly like a known one
(no enumeration). The delay is not a sleep: an attempt that comes before its time is refused without
checking the password, so a bot never holds a worker. The lock is short (LOCKOUT_SECONDS), and a
browser that signed in to the account before (a signed "known device" cookie) is not locked out: an
attacker elsewhere cannot keep the owner out.
"""
import hashlib
import math
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, IntegerField, IntegrityError

from ..extensions import db
from ..models import Account, BaseModel, utcnow
from .known_devices import known_device


class SignInFailure(BaseModel):
    email_digest = CharField(max_length=64, unique=True)  # sha256 of the address: no address stored
    failures = IntegerField(default=0)
    first_failure_at = DateTimeField(default=utcnow)
    next_attempt_at = DateTimeField(default=utcnow)  # an attempt before this is refused unchecked
    locked_until = DateTimeField(null=True)


LOCKOUT_MODELS = [SignInFailure]


def digest(email):
    return hashlib.sha256(" ".join((email or "").split()).lower().encode()).hexdigest()


def seconds_until(moment):
    return max(1, math.ceil((moment - utcnow()).total_seconds()))


def wait_before_attempt(email):
    """Seconds to wait before this address may try a password again, or 0."""
    if known_device(email):
        return 0
    record = SignInFailure.get_or_none(SignInFailure.email_digest == digest(email))
    if record is None:
        return 0
    now = utcnow()
    if record.locked_until and record.locked_until > now:
        return seconds_until(record.locked_until)
    if record.next_attempt_at > now:
        return seconds_until(record.next_attempt_at)
    return 0


def record_failure(email):
    """Count a wrong password for this address; lock it and e-mail the owner at the threshold."""
    cfg = current_app.config
    key, now = digest(email), utcnow()
    with db.atomic():
        try:
            with db.atomic():
                SignInFailure.create(email_digest=key, failures=0, first_failure_at=now)
        except IntegrityError:
            pass
        record = SignInFailure.get(SignInFailure.email_digest == key)
        if record.first_failure_at < now - timedelta(seconds=cfg["LOCKOUT_WINDOW_SECONDS"]):
            record.failures, record.first_failure_at, record.locked_until = 0, now, None
        record.failures += 1
        extra = record.failures - cfg["LOCKOUT_DELAY_AFTER"]
        delay = min(2 ** (extra - 1), cfg["LOCKOUT_MAX_DELAY_SECONDS"]) if extra > 0 else 0
        record.next_attempt_at = now + timedelta(seconds=delay)
        newly_locked = record.failures == cfg["LOCKOUT_THRESHOLD"]
        if newly_locked:
            record.locked_until = now + timedelta(seconds=cfg["LOCKOUT_SECONDS"])
        record.save()
        if newly_locked:
            tell_owner(email)


def clear_failures(email):
    SignInFailure.delete().where(SignInFailure.email_digest == digest(email)).execute()


def tell_owner(email):
    from ..mail import queue_email

    account = Account.get_or_none(Account.email == " ".join((email or "").split()).lower())
    if account is None or not account.is_active:
        return
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    queue_email(
        account.email, "sign_in_locked", _l("Sign-in to your account paused after failed attempts"),
        locale=account.locale, account=account,
        minutes=math.ceil(current_app.config["LOCKOUT_SECONDS"] / 60),
        reset_url=base + url_for("account.forgot_password"),
    )
