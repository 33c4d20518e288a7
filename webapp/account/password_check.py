"""The current password asked by "My account" (password change, secret question, account deletion,
two-step sign-in settings), throttled per account like sign-in (lockout.py): a growing wait after a
few wrong answers, a short lock at LOCKOUT_THRESHOLD with an e-mail to the owner. Its own counter:
signing in is never affected, and a password reset clears it.
"""
import hashlib
import math

from flask import current_app
from flask_babel import lazy_gettext as _l

from webapp.extensions import db
from webapp.mail.outbox import deliver_after_commit, queue_email
from webapp.credentials import verify_password
from webapp.account.lockout import claim_attempt, count_failure, forget_failures
from webapp.web.urls import external_url


def counter_key(account_id):
    return hashlib.sha256(f"current-password:{account_id}".encode()).hexdigest()


def check_current_password(account, password):
    """(right, wait): (True, 0); (False, 0) for a wrong password; (False, seconds) while it must wait,
    in which case the password was not checked."""
    key = counter_key(account.id)
    wait = claim_attempt(key)
    if wait:
        return False, wait
    if verify_password(account.password_hash, password or ""):
        forget_failures(key)
        return True, 0
    if count_failure(key):
        tell_owner(account)
    return False, 0


def forget_wrong_answers(account_id):
    forget_failures(counter_key(account_id))


def tell_owner(account):
    with db.atomic():
        queue_email(
            account.email, "password_check_locked", _l("Changes to your account paused after wrong passwords"),
            locale=account.locale, account=account,
            minutes=math.ceil(current_app.config["LOCKOUT_SECONDS"] / 60),
            reset_url=external_url("account.forgot_password"),
        )
    deliver_after_commit()
