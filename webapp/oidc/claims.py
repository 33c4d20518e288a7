"""What a relying party learns about a person, scope by scope (OpenID Connect Core §5.4)."""
import secrets

from peewee import IntegrityError

from webapp.extensions import db
from webapp.models import Membership, Structure
from webapp.structures.workspaces.service import workspace_states
from webapp.oidc.models import Subject

SCOPE_CLAIMS = {
    "openid": ("sub",),
    "profile": ("name", "given_name", "family_name", "locale"),
    "email": ("email", "email_verified"),
    "structures": ("structures",),
}


def sub_for(account):
    """The account's subject identifier, made on first use and never given to another account."""
    found = Subject.get_or_none(Subject.account == account.id)
    if found is not None:
        return found.sub
    try:
        with db.atomic():
            return Subject.create(account=account.id, sub=secrets.token_urlsafe(16)).sub
    except IntegrityError:  # another request made it at the same moment
        return Subject.get(Subject.account == account.id).sub


def existing_sub(account_id):
    found = Subject.get_or_none(Subject.account == account_id)
    return found.sub if found else None


def structure_name(structure):
    if structure.identifier_type == "PARTICULIER":
        person = f"{structure.person_first_name} {structure.person_last_name}".strip()
        return structure.label or person or structure.identifier
    return structure.label or structure.company_name or structure.identifier


def structure_summary(structure):
    return {
        "identifier_type": structure.identifier_type,
        "identifier": structure.identifier,
        "name": structure_name(structure),
    }


def structures_claim(account):
    """Each structure the person belongs to, their role, and the workspaces they opened there."""
    memberships = (
        Membership.select(Membership, Structure)
        .join(Structure, on=(Membership.structure == Structure.id))
        .where(Membership.account == account.id)
        .order_by(Membership.id)
    )
    claim = []
    for membership in memberships:
        states = workspace_states(membership.structure, membership)
        claim.append({
            **structure_summary(membership.structure),
            "role": membership.role,
            "workspaces": [state.code for state in states if state.opened],
        })
    return claim


def user_claims(account, scope, with_structures=True):
    scopes = set((scope or "").split())
    claims = {"sub": sub_for(account)}
    if "profile" in scopes:
        claims.update(
            name=account.full_name, given_name=account.first_name, family_name=account.last_name,
            locale=account.locale,
        )
    if "email" in scopes:
        # The login address was proved by the activation (or invitation) link.
        claims.update(email=account.email, email_verified=bool(account.is_active))
    if "structures" in scopes and with_structures:
        claims["structures"] = structures_claim(account)
    return claims
