"""Activation, sign-in and resending the activation link."""
from datetime import timedelta

from flask import current_app

from webapp.extensions import db
from webapp.models import Account, AccountToken, AttachmentRequest, AttachmentStatus, Membership, utcnow
from webapp.credentials import (
    consume_token,
    find_token,
    hash_password,
    normalise_secret_answer,
    password_problems,
    verify_password,
)

def activation_state(token):
    """Return (AccountToken or None, state); state is valid, expired, used or unknown."""
    return find_token(token, "activation")


def activate_account(record, password, question, answer):
    """Set the password and secret question; False if the link was used meanwhile."""
    with db.atomic():
        if not consume_token(record):
            return False
        account = record.account
        account.password_hash = hash_password(password)
        account.secret_question = question
        account.secret_answer_hash = hash_password(normalise_secret_answer(answer))
        account.is_active = True
        account.activated_at = utcnow()
        account.welcome_pending = True  # the first sign-in shows the welcome page (views_welcome.py)
        account.save()
    return True


def policy_problems_for(account, password):
    return password_problems(password, account.email, (account.first_name, account.last_name))


def authenticate(email, password):
    """The active account for these credentials, or None. Costs one argon2 check either way."""
    account = Account.get_or_none(Account.email == (email or "").strip().lower())
    if account is None or not account.is_active:
        verify_password(None, password or "")
        return None
    return account if verify_password(account.password_hash, password or "") else None


def has_structure(account):
    """True when the account belongs to a structure or waits for an answer to join one."""
    return (
        Membership.select().where(Membership.account == account).exists()
        or AttachmentRequest.select().where(
            (AttachmentRequest.account == account) & (AttachmentRequest.status == AttachmentStatus.PENDING)
        ).exists()
    )


def take_welcome(account):
    """True once after activation (Account.welcome_pending), then never again, whatever the browser."""
    changed = Account.update(welcome_pending=False).where(
        (Account.id == account.id) & (Account.welcome_pending == True)  # noqa: E712
    ).execute()
    account.welcome_pending = False
    return changed == 1


def account_overview(account):
    memberships = (
        Membership.select(Membership, Membership.structure)
        .where(Membership.account == account)
        .order_by(Membership.created_at)
    )
    pending = AttachmentRequest.select().where(
        (AttachmentRequest.account == account)
        & (AttachmentRequest.status == AttachmentStatus.PENDING)
    )
    return list(memberships), list(pending)


def can_resend_activation(account):
    """Only a not-yet-active account that is not waiting for a manager's approval gets a link."""
    if account is None or account.is_active:
        return False
    waiting = AttachmentRequest.select().where(
        (AttachmentRequest.account == account)
        & (AttachmentRequest.status == AttachmentStatus.PENDING)
    ).exists()
    return not waiting


def issued_recently(account, purpose):
    """True while the account's latest link of this purpose is younger than RESEND_INTERVAL_SECONDS.

    Checked in the database, per address: a new browser session does not reset it.
    """
    latest = (
        AccountToken.select(AccountToken.created_at)
        .where((AccountToken.account == account) & (AccountToken.purpose == purpose))
        .order_by(AccountToken.created_at.desc())
        .first()
    )
    interval = timedelta(seconds=current_app.config["RESEND_INTERVAL_SECONDS"])
    return latest is not None and utcnow() - latest.created_at < interval


def find_account(email):
    return Account.get_or_none(Account.email == (email or "").strip().lower()[:254])
