"""Accounts that were never activated: created when a sign-up's link was opened (or a request approved), they
wait for a password. One that never gets it must not block anyone:

- a later sign-up with the same address replaces it (signup/confirmation.py);
- a later sign-up or creation with the identifier of a structure that only such accounts manage takes the
  structure over (structures/lifecycle.py, take_over);
- once its activation link has expired (ACTIVATION_TOKEN_HOURS) and it waits for no manager's decision,
  purge_unactivated() deletes it, with the structures only it belonged to: `flask accounts
  purge-unactivated` from cron, and the background delivery thread once an hour (the factory registers it).

Only models here: the account room never imports the structure features.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import fn

from webapp.credentials import hours
from webapp.extensions import db
from webapp.mail.outbox import queue_email
from webapp.models import (
    Account,
    AccountToken,
    AttachmentRequest,
    AttachmentStatus,
    Membership,
    StructureEvent,
    account_deleted,
    structure_deleted,
    utcnow,
)
from webapp.quotas import serialise
from webapp.web.urls import base_url

PURGE_EVERY_SECONDS = 3600  # the background thread's period


def never_activated(account):
    return not account.is_active and account.activated_at is None


def discard_unactivated_account(account, drop_requests=False, detail="never activated"):
    """Delete a never-activated account, with the structures only it belonged to; inside a transaction.

    A structure it leaves to others keeps a journal line ("account_deleted"). A structure with nobody else
    but with other people's requests waiting is kept (a sign-up with its identifier takes it over), unless
    `drop_requests`: then it goes too, and each of those people is told. Returns the structures deleted.
    """
    deleted = []
    for membership in list(Membership.select().where(Membership.account == account)):
        structure = membership.structure
        others = Membership.select().where((Membership.structure == structure) & (Membership.account != account))
        if others.exists():
            StructureEvent.record(structure, None, "account_deleted", account.email, detail)
            continue
        waiting = list(AttachmentRequest.select().where(
            (AttachmentRequest.structure == structure) & (AttachmentRequest.status == AttachmentStatus.PENDING)
            & (AttachmentRequest.account != account)))
        if waiting and not drop_requests:
            continue
        for request in waiting:
            _tell_request_dropped(request.account, structure)
        structure_deleted.send(structure)
        structure.delete_instance(recursive=True)
        deleted.append(structure)
    account_deleted.send(account)
    account.delete_instance(recursive=True)
    return deleted


def _tell_request_dropped(requester, structure):
    queue_email(
        requester.email, "attachment_request_dropped", _l("Your attachment request could not be decided"),
        locale=requester.locale, account=requester, structure=structure, portal_url=base_url() + "/",
    )


def expired_unactivated(now=None):
    """Never-activated accounts older than an activation link, with no link still valid, waiting for no
    manager's decision (their link comes with the approval)."""
    now = now or utcnow()
    live_link = AccountToken.select(AccountToken.id).where(
        (AccountToken.account == Account.id) & (AccountToken.purpose == "activation")
        & AccountToken.used_at.is_null() & (AccountToken.expires_at > now))
    waiting = AttachmentRequest.select(AttachmentRequest.id).where(
        (AttachmentRequest.account == Account.id) & (AttachmentRequest.status == AttachmentStatus.PENDING))
    return Account.select().where(
        (Account.is_active == False)  # noqa: E712  (peewee expression)
        & Account.activated_at.is_null()
        & (Account.created_at <= now - hours(current_app.config["ACTIVATION_TOKEN_HOURS"]))
        & ~fn.EXISTS(live_link) & ~fn.EXISTS(waiting)
    )


def purge_unactivated(now=None):
    """Delete the expired never-activated accounts and the structures only they hold.

    One transaction per account, re-checked under a lock on it: several processes may run this at once
    (each web process's background thread, cron) and each account goes once. Returns (accounts,
    structures) deleted.
    """
    now = now or utcnow()
    ids = [account.id for account in expired_unactivated(now).select(Account.id)]
    accounts = structures = 0
    for account_id in ids:
        with db.atomic():
            serialise(f"unactivated-account:{account_id}")
            account = expired_unactivated(now).where(Account.id == account_id).first()
            if account is None:
                continue  # activated, given a new link, or deleted meanwhile
            structures += len(discard_unactivated_account(
                account, drop_requests=True, detail="never activated: the activation link expired"))
            accounts += 1
    return accounts, structures


def purge_job():
    """The background thread's run (mail/delivery.py add_periodic_job): e-mails need a request context."""
    with current_app.test_request_context("/"):
        purge_unactivated()
