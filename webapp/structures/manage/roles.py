"""Members of a structure and their roles; a structure always keeps a principal manager.

The "another principal remains" check sits inside the UPDATE/DELETE statement itself, so two
principals demoting each other at the same moment cannot leave the structure without one.
"""
from flask_babel import lazy_gettext as _l
from peewee import fn

from webapp.extensions import db
from webapp.models import Account, Membership, Role, Structure, StructureEvent

ROLE_LABELS = {
    Role.PRINCIPAL_MANAGER: _l("Principal manager"),
    Role.SECONDARY_MANAGER: _l("Secondary manager"),
    Role.USER: _l("User"),
}


class RoleError(Exception):
    """A rule refused the change; str(error) is the message for the user."""


def members_of(structure):
    order = {Role.PRINCIPAL_MANAGER: 0, Role.SECONDARY_MANAGER: 1, Role.USER: 2}
    members = list(
        Membership.select(Membership, Account)
        .join(Account, on=(Membership.account == Account.id))
        .where(Membership.structure == structure)
    )
    return sorted(members, key=lambda m: (order.get(m.role, 3), m.account.last_name.lower(), m.id))


def member_of(structure, membership_id):
    """The membership if it belongs to `structure`, else None: ids from URLs are not trusted."""
    return Membership.get_or_none((Membership.id == membership_id) & (Membership.structure == structure))


def is_principal(actor_membership, actor):
    return bool(actor and actor.is_admin) or (
        actor_membership is not None and actor_membership.role == Role.PRINCIPAL_MANAGER
    )


def _other_principals(membership):
    # Correlated subquery: evaluated by the database within the same statement.
    Other = Membership.alias()
    return (
        Other.select(fn.COUNT(Other.id))
        .where(
            (Other.structure == membership.structure_id)
            & (Other.role == Role.PRINCIPAL_MANAGER)
            & (Other.id != membership.id)
        )
    )


def _set_role(membership, role):
    """Change the role; a principal loses it only while another principal remains. Returns bool."""
    query = Membership.update(role=role).where(Membership.id == membership.id)
    if membership.role == Role.PRINCIPAL_MANAGER and role != Role.PRINCIPAL_MANAGER:
        query = query.where(_other_principals(membership) >= 1)
    return query.execute() == 1


def change_role(structure, actor, actor_membership, target, role):
    """Name or remove a secondary manager, or name another principal manager."""
    if role not in ROLE_LABELS:
        raise RoleError(_l("Choose a role from the list."))
    touches_principal = Role.PRINCIPAL_MANAGER in (role, target.role)
    if touches_principal and not is_principal(actor_membership, actor):
        raise RoleError(_l("Only a principal manager can name or demote a principal manager."))
    if target.role == role:
        return target
    with db.atomic():
        if not _set_role(target, role):
            raise RoleError(_l("A structure needs a principal manager: name another principal manager first."))
        StructureEvent.record(structure, actor, "role_changed", target.account.email, f"{target.role} -> {role}")
    target.role = role
    return target


def transfer_principal(structure, actor, actor_membership, target):
    """The target becomes principal manager; the acting principal becomes a secondary manager."""
    if actor_membership is None or actor_membership.role != Role.PRINCIPAL_MANAGER:
        raise RoleError(_l("Only a principal manager can transfer the principal role."))
    if target.id == actor_membership.id:
        raise RoleError(_l("Choose another member to transfer the principal role to."))
    with db.atomic():
        Membership.update(role=Role.PRINCIPAL_MANAGER).where(Membership.id == target.id).execute()
        StructureEvent.record(structure, actor, "role_changed", target.account.email, f"{target.role} -> {Role.PRINCIPAL_MANAGER}")
        if not _set_role(actor_membership, Role.SECONDARY_MANAGER):
            raise RoleError(_l("A structure needs a principal manager: name another principal manager first."))
        StructureEvent.record(structure, actor, "role_changed", actor.email,
                     f"{Role.PRINCIPAL_MANAGER} -> {Role.SECONDARY_MANAGER}")


def detach_member(structure, actor, actor_membership, target):
    """Remove a member from the structure (a member leaving is the same with target = themself)."""
    leaving = actor_membership is not None and target.id == actor_membership.id
    if target.role == Role.PRINCIPAL_MANAGER and not leaving and not is_principal(actor_membership, actor):
        raise RoleError(_l("Only a principal manager can detach a principal manager."))
    with db.atomic():
        query = Membership.delete().where(Membership.id == target.id)
        if target.role == Role.PRINCIPAL_MANAGER:
            query = query.where(_other_principals(target) >= 1)
        if query.execute() != 1:
            raise RoleError(_l("A structure needs a principal manager: name another principal manager before leaving."))
        StructureEvent.record(structure, actor, "member_left" if leaving else "member_detached", target.account.email)


def structures_without_manager():
    managed = Membership.select(Membership.structure).where(Membership.role.in_(Role.MANAGERS))
    return list(Structure.select().where(Structure.id.not_in(managed)).order_by(Structure.id))


def find_structures(text):
    """Structures whose identifier is `text` (spaces ignored), for the administrator's search."""
    compact = "".join((text or "").split()).upper()
    if not compact:
        return []
    return list(Structure.select().where(fn.UPPER(Structure.identifier) == compact).order_by(Structure.id))


def appoint_principal(structure, actor, account):
    """A portal administrator names `account` (active) principal manager of `structure`."""
    if account is None or not account.is_active:
        raise RoleError(_l("No active account uses this address."))
    with db.atomic():
        membership, created = Membership.get_or_create(
            account=account, structure=structure, defaults={"role": Role.PRINCIPAL_MANAGER}
        )
        if not created:
            Membership.update(role=Role.PRINCIPAL_MANAGER).where(Membership.id == membership.id).execute()
        StructureEvent.record(structure, actor, "principal_appointed", account.email, "by portal administrator")
    return membership
