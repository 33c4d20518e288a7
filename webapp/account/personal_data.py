"""An account owner's personal data: the export they can download, and deleting the account.

A structure always keeps a principal manager: the last principal of a structure with other members
hands over first (on the members page); a structure whose only member is the account goes with it.
Structure events stay (their actor becomes NULL, actor_email keeps who did it).
"""
from flask_babel import lazy_gettext as _l
from peewee import fn

from webapp.extensions import db
from webapp.mail.outbox import queue_email
from webapp.models import (
    AttachmentRequest,
    Invitation,
    Membership,
    OpenedWorkspace,
    Role,
    Structure,
    StructureEvent,
    account_deleted,
    structure_deleted,
    utcnow,
)

ACCOUNT_FIELDS = (
    "email", "first_name", "last_name", "phone", "contact_email", "survey_consent", "survey_consent_at",
    "survey_withdrawn_at", "terms_accepted_at", "secret_question", "is_active", "is_admin", "email_codes_enabled",
    "locale", "created_at", "activated_at",
)
NOT_EXPORTED = {
    "password_hash": "exists, not exported (a one-way hash of your password)",
    "secret_answer_hash": "exists, not exported (a one-way hash of your secret answer)",
    "totp_secret": "exists, not exported (the key of your authenticator app)",
}


def _when(value):
    return value.isoformat(timespec="seconds") if value else None


def _structure(structure):
    return {
        "id": structure.id, "identifier_type": structure.identifier_type, "identifier": structure.identifier,
        "name": structure.label or structure.company_name or structure.identifier,
    }


def export_personal_data(account):
    """Everything the portal stores about the account, except hashes and secrets (named, not given)."""
    details = {name: getattr(account, name) for name in ACCOUNT_FIELDS}
    details = {k: _when(v) if k.endswith("_at") else v for k, v in details.items()}
    details["authenticator_app_configured"] = bool(account.totp_secret)
    not_exported = {k: v for k, v in NOT_EXPORTED.items() if getattr(account, k)}
    memberships = []
    for m in Membership.select().where(Membership.account == account).order_by(Membership.id):
        opened = OpenedWorkspace.select().where(OpenedWorkspace.membership == m).order_by(OpenedWorkspace.id)
        memberships.append({
            "structure": _structure(m.structure), "role": m.role, "since": _when(m.created_at),
            "opened_workspaces": [{"code": o.code, "opened_at": _when(o.opened_at)} for o in opened],
        })
    requests = [
        {"structure": _structure(r.structure), "status": r.status, "created_at": _when(r.created_at),
         "decided_at": _when(r.decided_at), "reason": r.reason, "reminded_at": _when(r.reminded_at)}
        for r in AttachmentRequest.select().where(AttachmentRequest.account == account).order_by(AttachmentRequest.id)
    ]
    events = StructureEvent.select().where(
        (StructureEvent.actor == account) | (StructureEvent.actor_email == account.email)
        | (StructureEvent.subject_email == account.email)
    ).order_by(StructureEvent.id)
    invitations = Invitation.select().where(Invitation.invited_by == account).order_by(Invitation.id)
    return {
        "exported_at": _when(utcnow()),
        "account": details,
        "not_exported": not_exported,
        "memberships": memberships,
        "attachment_requests": requests,
        "structure_events": [
            {"structure": _structure(e.structure), "action": e.action, "actor_email": e.actor_email,
             "subject_email": e.subject_email, "detail": e.detail, "created_at": _when(e.created_at)}
            for e in events
        ],
        "invitations_sent": [
            {"structure": _structure(i.structure), "email": i.email, "created_at": _when(i.created_at),
             "expires_at": _when(i.expires_at), "accepted_at": _when(i.accepted_at)}
            for i in invitations
        ],
    }


class DeletionBlocked(Exception):
    """The account is the last principal manager of these structures, which have other members."""

    def __init__(self, structures):
        super().__init__("hand over first")
        self.structures = structures


def _count(structure, account, role=None):
    query = Membership.select(fn.COUNT(Membership.id)).where(
        (Membership.structure == structure) & (Membership.account != account)
    )
    if role:
        query = query.where(Membership.role == role)
    return query.scalar()


def deletion_plan(account):
    """(structures that block the deletion, structures deleted with the account, structures left)."""
    blocking, going, left = [], [], []
    for m in Membership.select().where(Membership.account == account).order_by(Membership.id):
        if _count(m.structure, account) == 0:
            going.append(m.structure)
        elif m.role == Role.PRINCIPAL_MANAGER and _count(m.structure, account, Role.PRINCIPAL_MANAGER) == 0:
            blocking.append(m.structure)
        else:
            left.append(m.structure)
    return blocking, going, left


def _alone_in(structure, account):
    Other = Membership.alias()
    return ~fn.EXISTS(Other.select(Other.id).where((Other.structure == structure.id) & (Other.account != account)))


def _another_principal(structure, account):
    Other = Membership.alias()
    return fn.EXISTS(Other.select(Other.id).where(
        (Other.structure == structure.id) & (Other.account != account) & (Other.role == Role.PRINCIPAL_MANAGER)
    ))


def delete_account(account):
    """Delete the account in one transaction; raises DeletionBlocked. Returns the structures deleted with it.

    The conditions sit inside the DELETE statements, so a member approved or a principal demoted at the
    same moment cannot leave a structure without a principal manager.
    """
    with db.atomic():
        blocking, going, left = deletion_plan(account)
        if blocking:
            raise DeletionBlocked(blocking)
        for structure in going:
            if Structure.delete().where((Structure.id == structure.id) & _alone_in(structure, account)).execute() != 1:
                raise DeletionBlocked([structure])
            structure_deleted.send(structure)
        for structure in left:
            query = Membership.delete().where((Membership.structure == structure) & (Membership.account == account))
            query = query.where(_another_principal(structure, account) | (Membership.role != Role.PRINCIPAL_MANAGER))
            if query.execute() != 1:
                raise DeletionBlocked([structure])
            StructureEvent.record(structure, account, "account_deleted", account.email)
        queue_email(
            account.email, "account_deleted", _l("Your account has been deleted"), locale=account.locale,
            account=account, structures=going,
        )
        account_deleted.send(account)
        type(account).delete().where(type(account).id == account.id).execute()  # the rest cascades
    return going
