"""Opening a held sign-up's link: the owner of the mailbox turns it into an account (service.py's rule 3).

The link works until it expires, also after it was opened: a mail scanner that opens links before the
person does must not use it up. Opened again, it gives a new activation link while the account still
waits for its password.
"""
from dataclasses import dataclass

from peewee import IntegrityError

from webapp.extensions import db
from webapp.models import (
    Account, AttachmentRequest, AttachmentStatus, Membership, Role, Structure, structure_created, utcnow,
)
from webapp.credentials import token_digest
from webapp.signup.models import HeldSignup
from webapp.signup.service import payload_of
from webapp.account.activation import new_activation_token
from webapp.account.unactivated import discard_unactivated_account
from webapp.structures.lifecycle import find_or_create_structure, take_over
from webapp.structures.manage.attachments import notify_managers


@dataclass
class Opened:
    kind: str  # "activate", "attachment_requested", "account_active", "invalid"
    structure: Structure = None
    activation_token: str = ""
    state: str = ""  # for "invalid": "unknown", "expired" or "used"


def find_held(token):
    """(HeldSignup or None, state): state is "valid", "expired" or "unknown"."""
    held = HeldSignup.get_or_none(HeldSignup.token_hash == token_digest(token or ""))
    if held is None:
        return None, "unknown"
    if held.expires_at is None or held.expires_at <= utcnow():
        return held, "expired"
    return held, "valid"


def open_held(held):
    """What the valid link of `held` leads to; creates the account on the first opening."""
    for _attempt in range(2):  # two links of one address opened at once: the loser tries again
        try:
            with db.atomic():
                if held.confirmed_at is None and claim(held):
                    return create_account(held)
                return reopen(HeldSignup.get_by_id(held.id))
        except IntegrityError:
            held = HeldSignup.get_by_id(held.id)
    return Opened("invalid", state="used")


def claim(held):
    """Mark `held` confirmed; False when another request confirmed it first."""
    changed = HeldSignup.update(confirmed_at=utcnow()).where(
        (HeldSignup.id == held.id) & HeldSignup.confirmed_at.is_null()
    ).execute()
    return changed == 1


def create_account(held):
    payload = payload_of(held)
    if not payload["structure"] and not existing_structure(payload):
        # An attachment sign-up holds no structure details: the structure left the portal meanwhile.
        return Opened("invalid", state="structure_gone")
    existing = Account.get_or_none(Account.email == held.email)
    if existing is not None and existing.is_active:
        HeldSignup.update(account=existing).where(HeldSignup.id == held.id).execute()
        return Opened("account_active")
    if existing is not None:
        # The owner of the mailbox chose this sign-up.
        discard_unactivated_account(existing, detail="never activated: replaced by a later sign-up of the address")
    consent_at = held.created_at if payload["personal"].get("survey_consent") else None  # ticked on the form
    account = Account.create(
        terms_accepted_at=held.created_at, survey_consent_at=consent_at, locale=held.locale, **payload["personal"]
    )
    HeldSignup.update(account=account).where(HeldSignup.id == held.id).execute()
    structure, created = find_or_create_structure(payload["type"], payload["identifier"], payload["structure"], account)
    if created:
        Membership.create(account=account, structure=structure, role=Role.PRINCIPAL_MANAGER)
        structure_created.send(structure, account=account)
        return Opened("activate", structure, new_activation_token(account))
    if take_over(structure, account):  # its managers never activated: a mistyped address, say
        return Opened("activate", structure, new_activation_token(account))
    notify_managers(AttachmentRequest.create(account=account, structure=structure))
    return Opened("attachment_requested", structure)


def existing_structure(payload):
    return Structure.by_identifier(payload["type"], payload["identifier"])


def reopen(held):
    """The link opened again: where its account stands now."""
    account = held.account
    if account is None:  # replaced by another of the address's sign-ups, or deleted
        return Opened("invalid", state="used")
    if account.is_active:
        return Opened("account_active")
    waiting = (
        AttachmentRequest.select()
        .where((AttachmentRequest.account == account) & (AttachmentRequest.status == AttachmentStatus.PENDING))
        .first()
    )
    if waiting is not None:
        return Opened("attachment_requested", waiting.structure)
    return Opened("activate", activation_token=new_activation_token(account))
