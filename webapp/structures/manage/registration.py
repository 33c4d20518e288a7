"""A structure declared "being registered" gets its SIRET once it is registered (issue 12, item 7).

Only its principal manager gives it; the SIRET is checked against the business register like a
sign-up's, the register's details may replace the structure's, and the unique index on (type,
identifier) decides between two structures given one SIRET at once. Members, workspaces, requests and
the journal stay: only the identifier (and, if chosen, the details) change.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from webapp.extensions import db
from webapp.models import Role, Structure, StructureEvent
from webapp.structures.check import check_identifier, prefill_values

BEING_REGISTERED = "EN_COURS_IMMATRICULATION"


class SiretRefused(Exception):
    """The SIRET cannot be given; the message says why and what to do (shown on the SIRET field)."""


@dataclass
class RegisterDetails:
    siret: str
    record: object  # webapp.register.record.RegisterRecord
    values: dict  # the structure's columns the register can fill (prefill_values)


def may_give_siret(structure, membership):
    return (structure.identifier_type == BEING_REGISTERED and membership is not None
            and membership.role == Role.PRINCIPAL_MANAGER)


def look_up(raw):
    """The register's details for the typed SIRET; raises SiretRefused with a message that says how to fix."""
    check = check_identifier("SIRET", raw)
    if check.status in ("empty", "invalid", "unknown", "closed"):
        raise SiretRefused(check.message)
    if check.status == "existing":
        raise SiretRefused(_l(
            "Another structure in the portal already has this SIRET: check the number. If that structure is "
            "yours, ask its managers to attach your account to it instead."))
    if check.status == "unavailable":
        raise SiretRefused(_l(
            "The business register cannot be reached right now, so the SIRET cannot be checked: try again "
            "in a few minutes. Nothing has been changed."))
    return RegisterDetails(check.identifier, check.record, prefill_values(check.record))


def give_siret(structure, actor, raw, use_register_details):
    """Give the structure its SIRET (checked again now) and, if asked, the register's details. Returns the
    updated structure; raises SiretRefused (nothing changed)."""
    details = look_up(raw)
    values = {"identifier_type": "SIRET", "identifier": details.siret}
    if use_register_details:
        values.update(details.values)
    if not details.record.is_diffusible:
        values["non_diffusible"] = True  # the register's choice holds whatever the details kept
    try:
        with db.atomic():
            changed = Structure.update(**values).where(
                (Structure.id == structure.id) & (Structure.identifier_type == BEING_REGISTERED)
            ).execute()
            if changed != 1:
                raise SiretRefused(_l("This structure already has its identifier: nothing more to give."))
            StructureEvent.record(
                structure, actor, "siret_given", detail=_detail(structure, details.siret, use_register_details))
    except IntegrityError:
        # Another structure was given (or declared with) this SIRET since the check.
        raise SiretRefused(_l(
            "Another structure in the portal already has this SIRET: check the number. If that structure is "
            "yours, ask its managers to attach your account to it instead.")) from None
    return Structure.get_by_id(structure.id)


def _detail(structure, siret, use_register_details):
    source = "the register's details applied" if use_register_details else "its own details kept"
    return f"{structure.identifier_type} {structure.identifier} -> SIRET {siret}; {source}"


def done_message(structure):
    return _("“%(name)s” now has its SIRET: %(siret)s.", name=structure.public_name, siret=structure.identifier)
