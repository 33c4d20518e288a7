"""Forgotten password: a single-use link by e-mail, the secret question, a new password."""
from flask import current_app
from flask_babel import lazy_gettext as _l

from webapp.extensions import db
from webapp.mail.outbox import queue_email
from webapp.models import Account, AccountToken, SignInCode, utcnow
from webapp.credentials import (
    consume_token,
    find_token,
    hash_password,
    hours,
    issue_token,
    normalise_secret_answer,
    verify_password,
)
from webapp.account.password_check import forget_wrong_answers
from webapp.account.known_devices import forget_devices
from webapp.account.service import find_account, issued_recently
from webapp.account.sign_in_sessions import revoke_account_sessions
from webapp.web.urls import external_url

PURPOSE = "reset"


def reset_url(token):
    return external_url("account.reset_password", token=token)


def forgot_password_url():
    return external_url("account.forgot_password")


def request_password_reset(email):
    """Queue a reset link for an active account with this address, at most once an interval.

    Called after the answer has left (views_reset.forgot_password): its work never shows in the answer.
    """
    account = find_account(email)
    if account is not None and account.is_active and not issued_recently(account, PURPOSE):
        lifetime = current_app.config["RESET_TOKEN_HOURS"]
        with db.atomic():
            token = issue_token(account, PURPOSE, hours(lifetime))
            queue_email(
                account.email, "password_reset", _l("Choose a new password"), locale=account.locale,
                account=account, reset_url=reset_url(token), lifetime_hours=lifetime,
            )


def reset_state(token):
    """(AccountToken or None, state); state is valid, expired, used or unknown."""
    record, state = find_token(token, PURPOSE)
    if state == "valid" and not record.account.is_active:
        return record, "unknown"
    return record, state


def check_secret_answer(record, answer):
    """"ok", "wrong" or "dead" (too many wrong answers: the link no longer works)."""
    limit = current_app.config["RESET_MAX_ANSWER_ATTEMPTS"]
    # Count first, so simultaneous guesses cannot go past the limit; a right answer is refunded.
    counted = AccountToken.update(attempts=AccountToken.attempts + 1).where(
        (AccountToken.id == record.id) & (AccountToken.attempts < limit) & AccountToken.used_at.is_null()
    ).execute()
    if not counted:
        consume_token(record)
        return "dead"
    account = record.account
    if verify_password(account.secret_answer_hash, normalise_secret_answer(answer)):
        AccountToken.update(attempts=AccountToken.attempts - 1).where(AccountToken.id == record.id).execute()
        return "ok"
    attempts = AccountToken.get_by_id(record.id).attempts
    if attempts >= limit:
        consume_token(record)
        return "dead"
    return "wrong"


def complete_reset(record, password):
    """Set the new password; end every session, forget every known browser and remove the authenticator
    app (whoever reset may not hold the phone: the owner sets it up again). False if the link was used
    meanwhile."""
    with db.atomic():
        if not consume_token(record):
            return False
        removed = record.account.totp_secret is not None
        account = set_password_ending_sessions(record.account_id, password, remove_authenticator=True)
        queue_password_changed(account, reset=True, authenticator_removed=removed)
        forget_wrong_answers(account.id)  # the new password owes nothing to the old one's wrong guesses
    return True


def set_password_ending_sessions(account_id, password, keep_session_id=None, keep_device_hash=None,
                                 remove_authenticator=False):
    """Store the new password; every session, known browser and pending second step of the account
    ends, but the session and browser of whoever changed it from "My account" (keep_*)."""
    values = {Account.password_hash: hash_password(password)}
    if remove_authenticator:
        values.update({Account.totp_secret: None, Account.totp_last_step: None})
    Account.update(values).where(Account.id == account_id).execute()
    revoke_account_sessions(account_id, keep_id=keep_session_id)
    forget_devices(account_id, keep_hash=keep_device_hash)
    SignInCode.update(used_at=utcnow()).where(
        (SignInCode.account == account_id) & SignInCode.used_at.is_null()
    ).execute()
    return Account.get_by_id(account_id)


def queue_password_changed(account, reset=False, authenticator_removed=False):
    queue_email(
        account.email, "password_changed", _l("Your password has been changed"), locale=account.locale,
        account=account, reset=reset, authenticator_removed=authenticator_removed,
        forgot_url=forgot_password_url(),
    )
