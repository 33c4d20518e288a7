"""A signed-in user creates a structure or asks to join one. No `request` here (docs/DESIGN.md §1.3).

Each account may be principal manager of MAX_STRUCTURES_PER_ACCOUNT structures, create
STRUCTURE_CREATIONS_PER_HOUR, have MAX_PENDING_ATTACHMENT_REQUESTS awaiting a decision, file
ATTACHMENT_REQUESTS_PER_HOUR, and hold one pending request per structure. The counts are read in the
transaction that writes, after serialise() on the account: a burst of simultaneous requests of one
account runs one at a time and cannot pass a limit.
"""
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from webapp.extensions import db
from webapp.structures.identifiers import identifier_type
from webapp.models import AttachmentRequest, AttachmentStatus, Membership, Role, Structure, StructureEvent, structure_created
from webapp.quotas import HOUR, LimitReached, seconds_until_free, serialise, wait_text
from webapp.structures.lifecycle import find_or_create_structure, take_over, unclaimed
from webapp.structures.manage.attachments import notify_managers


@dataclass
class Outcome:
    kind: str  # "created", "taken_over", "requested", "member" (already), "pending" (already)
    structure: Structure


def relation_to(account, structure):
    """"member", "pending" or None: what ties the account to the structure already."""
    if Membership.of(account, structure):
        return "member"
    if pending_request(account, structure) is not None:
        return "pending"
    return None


def pending_request(account, structure):
    return AttachmentRequest.pending_of(account, structure)


def _serialise(account):
    serialise(f"structures-of-account:{account.id}")


def request_attachment(account, structure):
    """A pending request, unless the account is already a member or already waiting.

    Raises LimitReached when the account has too many requests waiting, or filed too many lately.
    """
    with db.atomic():
        _serialise(account)
        already = relation_to(account, structure)
        if already:
            return Outcome(already, structure)
        _check_attachment_limits(account)
        notify_managers(AttachmentRequest.create(account=account, structure=structure))
    return Outcome("requested", structure)


def create_or_join(account, type_code, identifier, values):
    """A new structure managed by the account, or an attachment request if the identifier is taken; a
    structure whose managers never activated their accounts is taken over instead (lifecycle.take_over).

    find_or_create_structure lets the unique index decide a race: whoever loses it asks to join.
    Raises LimitReached (nothing is created) when the account may not create or ask now.
    """
    with db.atomic():
        _serialise(account)
        taken = _taken(type_code, identifier)
        if taken is None or unclaimed(taken):
            _check_creation_limits(account)
        structure, created = find_or_create_structure(type_code, identifier, values, account)
        if created:
            Membership.create(account=account, structure=structure, role=Role.PRINCIPAL_MANAGER)
            StructureEvent.record(structure, account, "structure_created")
            structure_created.send(structure, account=account)
            return Outcome("created", structure)
        if take_over(structure, account):
            return Outcome("taken_over", structure)  # its managers never activated their accounts
        return request_attachment(account, structure)


def _taken(type_code, identifier):
    """The structure that already has this identifier, or None."""
    if not identifier_type(type_code).takes_identifier:
        return None  # the portal assigns a new identifier: this is always a creation
    return Structure.by_identifier(type_code, identifier)


def _check_creation_limits(account):
    config = current_app.config
    cap = config["MAX_STRUCTURES_PER_ACCOUNT"]
    principal = Membership.select().where(
        (Membership.account == account) & (Membership.role == Role.PRINCIPAL_MANAGER)
    ).count()
    if cap > 0 and principal >= cap:
        raise LimitReached(_(
            "You are already the principal manager of the most structures one account may have (%(max)d). "
            "To create another, first hand over the principal role of one of them to another member.", max=cap))
    created = StructureEvent.select().where(
        (StructureEvent.actor == account) & (StructureEvent.action == "structure_created"))
    wait = seconds_until_free(created, StructureEvent.created_at, config["STRUCTURE_CREATIONS_PER_HOUR"], HOUR)
    if wait:
        raise LimitReached(_(
            "You have reached the limit of structures created in one hour (%(max)d). You can create the "
            "next one in %(wait)s.", max=config["STRUCTURE_CREATIONS_PER_HOUR"], wait=wait_text(wait)), wait)


def _check_attachment_limits(account):
    config = current_app.config
    cap = config["MAX_PENDING_ATTACHMENT_REQUESTS"]
    mine = AttachmentRequest.select().where(AttachmentRequest.account == account)
    if cap > 0 and mine.where(AttachmentRequest.status == AttachmentStatus.PENDING).count() >= cap:
        raise LimitReached(_(
            "You have reached the limit of attachment requests awaiting a decision (%(max)d). You can ask "
            "again once a manager has approved or refused one of them.", max=cap))
    wait = seconds_until_free(mine, AttachmentRequest.created_at, config["ATTACHMENT_REQUESTS_PER_HOUR"], HOUR)
    if wait:
        raise LimitReached(_(
            "You have reached the limit of attachment requests sent in one hour (%(max)d). You can send the "
            "next one in %(wait)s.", max=config["ATTACHMENT_REQUESTS_PER_HOUR"], wait=wait_text(wait)), wait)
