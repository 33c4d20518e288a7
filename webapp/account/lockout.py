"""Sign-in lockout per address: a growing wait after a few failures, then a short lock, and an e-mail.

Keyed by the typed address, not by the account, so an unknown address behaves exactly like a known one
(no enumeration). The delay is not a sleep: an attempt that comes before its time is refused without
checking the password, so a bot never holds a worker. The lock is short (LOCKOUT_SECONDS), and a
browser that signed in to the account before, or completed a password reset (a signed "known device"
cookie), is not locked out: an attacker elsewhere cannot keep the owner out. The per-address rate
limit of limits.py spares that browser too.
"""
import hashlib
import math
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, IntegerField, IntegrityError

from webapp.extensions import db
from webapp.models import Account, BaseModel, utcnow
from webapp.account.known_devices import known_device
from webapp.web.urls import external_url


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
    return seconds_to_wait(digest(email))


def record_failure(email):
    """Count a wrong password for this address; lock it and e-mail the owner at the threshold."""
    if count_failure(digest(email)):
        tell_owner(email)


def clear_failures(email):
    forget_failures(digest(email))


# The mechanism, for any key (a sign-in address here, an account's current-password checks in
# password_check.py): LOCKOUT_DELAY_AFTER free failures, then a growing wait, and at LOCKOUT_THRESHOLD
# failures within LOCKOUT_WINDOW_SECONDS a lock of LOCKOUT_SECONDS. Never longer: nobody is locked out
# for good.

def seconds_to_wait(key):
    record = SignInFailure.get_or_none(SignInFailure.email_digest == key)
    if record is None:
        return 0
    now = utcnow()
    if record.locked_until and record.locked_until > now:
        return seconds_until(record.locked_until)
    if record.next_attempt_at > now:
        return seconds_until(record.next_attempt_at)
    return 0


def _record(key, now):
    try:
        with db.atomic():
            SignInFailure.create(email_digest=key, failures=0, first_failure_at=now, next_attempt_at=now)
    except IntegrityError:
        pass


def claim_attempt(key, hold_seconds=10):
    """Seconds to wait, or 0 and the attempt is this caller's: until count_failure() or
    forget_failures(), simultaneous attempts for the key wait (they cannot race past the delays)."""
    now = utcnow()
    _record(key, now)
    free = (SignInFailure.email_digest == key) & (SignInFailure.next_attempt_at <= now) & (
        SignInFailure.locked_until.is_null() | (SignInFailure.locked_until <= now)
    )
    claimed = SignInFailure.update(next_attempt_at=now + timedelta(seconds=hold_seconds)).where(free).execute()
    return 0 if claimed else seconds_to_wait(key) or 1


def count_failure(key):
    """Count a failure for the key and set its next wait; True when this failure starts the lock."""
    cfg = current_app.config
    now = utcnow()
    with db.atomic():
        _record(key, now)
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
    return newly_locked


def forget_failures(key):
    SignInFailure.delete().where(SignInFailure.email_digest == key).execute()


def tell_owner(email):
    from webapp.mail.outbox import queue_email

    account = Account.get_or_none(Account.email == " ".join((email or "").split()).lower())
    if account is None or not account.is_active:
        return
    queue_email(
        account.email, "sign_in_locked", _l("Sign-in to your account paused after failed attempts"),
        locale=account.locale, account=account,
        minutes=math.ceil(current_app.config["LOCKOUT_SECONDS"] / 60),
        reset_url=external_url("account.forgot_password"),
    )
