"""A signed-in user creates a structure or asks to join one. No `request` here (DESIGN.md §1)."""
from dataclasses import dataclass

from ..extensions import db
from ..models import AttachmentRequest, AttachmentStatus, Membership, Role, Structure
from ..oidc import platform_events
from ..signup.service import find_or_create_structure


@dataclass
class Outcome:
    kind: str  # "created", "requested", "member" (already), "pending" (already)
    structure: Structure


def relation_to(account, structure):
    """"member", "pending" or None: what ties the account to the structure already."""
    if Membership.get_or_none((Membership.account == account) & (Membership.structure == structure)):
        return "member"
    if pending_request(account, structure) is not None:
        return "pending"
    return None


def pending_request(account, structure):
    return AttachmentRequest.get_or_none(
        (AttachmentRequest.account == account)
        & (AttachmentRequest.structure == structure)
        & (AttachmentRequest.status == AttachmentStatus.PENDING)
    )


def request_attachment(account, structure):
    """A pending request, unless the account is already a member or already waiting."""
    with db.atomic():
        already = relation_to(account, structure)
        if already:
            return Outcome(already, structure)
        AttachmentRequest.create(account=account, structure=structure)
    return Outcome("requested", structure)


def create_or_join(account, type_code, identifier, values):
    """A new structure managed by the account, or an attachment request if the identifier is taken.

    find_or_create_structure lets the unique index decide a race: whoever loses it asks to join.
    """
    with db.atomic():
        structure, created = find_or_create_structure(type_code, identifier, values, account)
        if created:
            Membership.create(account=account, structure=structure, role=Role.PRINCIPAL_MANAGER)
            platform_events.structure_created(structure, account)
            return Outcome("created", structure)
    return request_attachment(account, structure)
