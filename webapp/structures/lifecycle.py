"""A structure comes into the portal: found by its identifier, or created (with an assigned identifier
for the types the portal numbers itself), or taken over when only never-activated accounts hold it.
Sign-up confirmations and "create a structure" both use it."""
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from webapp.account.unactivated import discard_unactivated_account
from webapp.extensions import db
from webapp.mail.outbox import queue_email
from webapp.models import (
    Account, AttachmentRequest, AttachmentStatus, Membership, Role, Structure, StructureEvent,
)
from webapp.quotas import serialise
from webapp.structures.identifiers import assign_identifier, identifier_type
from webapp.web.urls import external_url


def find_or_create_structure(type_code, identifier, values, account):
    """Return (structure, created). A unique index decides races between simultaneous sign-ups."""
    kind = identifier_type(type_code)
    if kind.takes_identifier:
        found = Structure.by_identifier(type_code, identifier)
        if found is not None:
            return found, False
    for attempt in range(5):
        # A sign-up's assigned identifier was shown in its summary: kept unless taken meanwhile.
        keep = kind.takes_identifier or (attempt == 0 and identifier)
        number = identifier if keep else assign_identifier(type_code)
        try:
            with db.atomic():
                return Structure.create(identifier_type=type_code, identifier=number, **values), True
        except IntegrityError:
            if kind.takes_identifier:
                return Structure.get(
                    (Structure.identifier_type == type_code) & (Structure.identifier == number)
                ), False
    raise RuntimeError("could not assign a free identifier")


def unclaimed(structure):
    """True when nobody who ever activated an account belongs to the structure (its managers never
    finished signing up: a mistyped address, a link a mail scanner opened): it must not block its owner."""
    claimed = (
        Membership.select(Membership.id)
        .join(Account, on=(Membership.account == Account.id))
        .where((Membership.structure == structure) & ((Account.is_active == True) | Account.activated_at.is_null(False)))  # noqa: E712
    )
    return not claimed.exists()


def take_over(structure, account):
    """`account` becomes the principal manager of an unclaimed structure; the never-activated accounts that
    managed it go (with their pending requests), each address told why. Call it inside a transaction.
    Returns False, changing nothing, when the structure is claimed (someone activated meanwhile).

    Two takeovers of one structure run one after the other (the lock): the second finds the first's
    account, never activated yet, and replaces it, as the last opened of two sign-ups of one address does.
    """
    serialise(f"structure-takeover:{structure.id}")
    if not unclaimed(structure):
        return False
    stale = [
        m.account for m in Membership.select().where(
            (Membership.structure == structure) & Membership.role.in_(Role.MANAGERS) & (Membership.account != account))
    ]
    # A no-op write on the rows: an activation committed before it shows in the count, one after it waits.
    still = Account.update(is_active=False).where(
        Account.id.in_([old.id for old in stale]) & (Account.is_active == False)  # noqa: E712
        & Account.activated_at.is_null()).execute() if stale else 0
    if still != len(stale):
        return False
    AttachmentRequest.delete().where(
        (AttachmentRequest.account == account) & (AttachmentRequest.structure == structure)
        & (AttachmentRequest.status == AttachmentStatus.PENDING)).execute()
    Membership.create(account=account, structure=structure, role=Role.PRINCIPAL_MANAGER)
    for old in stale:
        queue_email(
            old.email, "signup_replaced", _l("Your sign-up was replaced by another one"), locale=old.locale,
            account=old, structure=structure, signup_url=external_url("signup.signup_page"),
        )
        discard_unactivated_account(old, detail="never activated: the structure was taken over")
    StructureEvent.record(structure, account, "principal_appointed", account.email,
                          f"took over the structure: {len(stale)} manager(s) had never activated their account")
    return True
