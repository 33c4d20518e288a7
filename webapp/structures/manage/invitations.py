"""Invitations: a manager invites an address; the link lets its owner join as an approved user.

Only the SHA-256 of the link's token is stored. Accepting is a conditional UPDATE on accepted_at, so
a link works once even when clicked twice at the same moment. Sending is limited per inviting
account, per structure and per address (rows of the last 24 hours, counted in the sending
transaction), and an address has at most one pending invitation per structure. The e-mail's subject
is fixed: what managers typed (the structure's name, their own name) appears in the body only,
quoted and labelled as theirs.
"""
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import JOIN

from webapp.extensions import db
from webapp.mail.outbox import queue_email
from webapp.models import (
    Account,
    AccountToken,
    AttachmentRequest,
    AttachmentStatus,
    Invitation,
    Membership,
    Role,
    StructureEvent,
    utcnow,
)
from webapp.quotas import serialise, wait_text
from webapp.credentials import hash_password, normalise_secret_answer, token_digest
from webapp.web.urls import external_url
from webapp.structures.manage.invitation_limits import check_limits, check_resend, resend_wait

INVITATION_DAYS = 7


class InvitationError(Exception):
    """The invitation cannot be sent or accepted; str(error) is the message for the user."""


def invite(structure, actor, email, locale="fr"):
    """Create the invitation and queue its e-mail. `email` is validated and lower-cased.

    Returns (invitation, resent): `resent` when it replaces a pending invitation old enough to be
    sent again (whose link then stops working). Raises InvitationError, or LimitReached.
    """
    existing = Account.get_or_none(Account.email == email)
    if existing is not None and Membership.select().where(
        (Membership.account == existing) & (Membership.structure == structure)
    ).exists():
        raise InvitationError(_l("This person is already a member of the structure."))
    token = secrets.token_urlsafe(32)
    with db.atomic():
        serialise(f"invitations-by:{actor.id}", f"invitations-of:{structure.id}", f"invitations-to:{email}")
        previous = _pending_for(structure, email)
        if previous is not None:
            check_resend(previous)
        check_limits(structure, actor, email)
        if previous is not None:
            _end(previous)
        invitation = Invitation.create(
            structure=structure, email=email, invited_by=actor, token_hash=token_digest(token),
            expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
        )
        StructureEvent.record(structure, actor, "invitation_resent" if previous else "invitation_sent", email)
        queue_email(
            email, "invitation",
            _l("Invitation to join a structure on %(portal_name)s", portal_name=current_app.config["PORTAL_NAME"]),
            locale=existing.locale if existing else locale, structure=structure, inviter=actor,
            invitation_url=external_url("structures.invitation", token=token), days=INVITATION_DAYS,
        )
    return invitation, previous is not None


def _pending_for(structure, email):
    return (
        Invitation.select()
        .where(
            (Invitation.structure == structure) & (Invitation.email == email)
            & Invitation.accepted_at.is_null() & (Invitation.expires_at > utcnow())
        )
        .order_by(Invitation.created_at.desc())
        .first()
    )


def _end(invitation):
    """The link stops working (it reads as expired); the row stays, and keeps counting in the limits."""
    return (
        Invitation.update(expires_at=utcnow())
        .where((Invitation.id == invitation.id) & Invitation.accepted_at.is_null())
        .execute()
    )


def pending_invitations(structure):
    """Invitations of the structure whose link still works, newest first, with `resend_wait` set."""
    rows = list(
        Invitation.select(Invitation, Account)
        .join(Account, on=(Invitation.invited_by == Account.id), join_type=JOIN.LEFT_OUTER)
        .where(
            (Invitation.structure == structure) & Invitation.accepted_at.is_null()
            & (Invitation.expires_at > utcnow())
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    for row in rows:
        row.resend_wait = resend_wait(row)
        row.resend_wait_text = wait_text(row.resend_wait) if row.resend_wait else ""
    return rows


def cancel_invitation(structure, actor, invitation_id):
    """End a pending invitation of `structure`; its e-mail address, or None when there was none."""
    with db.atomic():
        invitation = Invitation.get_or_none((Invitation.id == invitation_id) & (Invitation.structure == structure))
        if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= utcnow():
            return None
        if not _end(invitation):
            return None
        StructureEvent.record(structure, actor, "invitation_cancelled", invitation.email)
    return invitation.email


def find_invitation(token):
    """Return (Invitation or None, state): "valid", "expired", "used" or "unknown"."""
    invitation = Invitation.get_or_none(Invitation.token_hash == token_digest(token or ""))
    if invitation is None:
        return None, "unknown"
    if invitation.accepted_at is not None:
        return invitation, "used"
    if invitation.expires_at <= utcnow():
        return invitation, "expired"
    return invitation, "valid"


def active_account_for(invitation):
    return Account.get_or_none((Account.email == invitation.email) & (Account.is_active == True))  # noqa: E712


def _consume(invitation, account):
    now = utcnow()
    changed = (
        Invitation.update(accepted_at=now, accepted_by=account)
        .where(
            (Invitation.id == invitation.id)
            & Invitation.accepted_at.is_null()
            & (Invitation.expires_at > now)
        )
        .execute()
    )
    return changed == 1


def _join(invitation, account):
    """Membership as a user (a member keeps their role); a pending request of theirs is settled."""
    structure = invitation.structure
    Membership.get_or_create(account=account, structure=structure, defaults={"role": Role.USER})
    AttachmentRequest.update(
        status=AttachmentStatus.APPROVED, decided_at=utcnow(), decided_by=invitation.invited_by_id,
        reason="invitation",
    ).where(
        (AttachmentRequest.account == account)
        & (AttachmentRequest.structure == structure)
        & (AttachmentRequest.status == AttachmentStatus.PENDING)
    ).execute()
    StructureEvent.record(structure, account, "invitation_accepted", account.email)


def accept_invitation(invitation, account):
    """The signed-in owner of the invited address joins. False when the link was used meanwhile."""
    if account.email != invitation.email:
        raise InvitationError(_l("This invitation was sent to another e-mail address."))
    with db.atomic():
        if not _consume(invitation, account):
            return False
        _join(invitation, account)
    return True


def accept_with_new_account(invitation, first_name, last_name, password, question, answer, locale="fr"):
    """Create an active account for the invited address (the link proved it) straight into the structure.

    A never-activated account with this address (an unfinished sign-up) is completed instead of
    duplicated. Returns the account, or None when the link was used meanwhile.
    """
    now = utcnow()
    with db.atomic() as transaction:
        if active_account_for(invitation) is not None:
            raise InvitationError(_l("An account already uses this address: sign in to accept the invitation."))
        account = Account.get_or_none(Account.email == invitation.email)
        if account is None:
            account = Account(email=invitation.email, contact_email=invitation.email, locale=locale)
        account.first_name, account.last_name = first_name, last_name
        account.password_hash = hash_password(password)
        account.secret_question = question
        account.secret_answer_hash = hash_password(normalise_secret_answer(answer))
        account.terms_accepted_at = now
        account.is_active, account.activated_at = True, now
        account.save()
        if not _consume(invitation, account):
            transaction.rollback()
            return None
        AccountToken.update(used_at=now).where(
            (AccountToken.account == account) & AccountToken.used_at.is_null()
        ).execute()
        _join(invitation, account)
    return account
