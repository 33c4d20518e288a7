"""What an identifier tells us: its format, the register's record, an existing structure."""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.register import RegisterUnavailable, get_register
from webapp.structures.identifiers import identifier_type
from webapp.structures.lifecycle import unclaimed
from webapp.models import Structure

# Record fields -> form fields they pre-fill.
PREFILL = {
    "name": "company_name",
    "usual_name": "label",
    "address_line": "address_line",
    "address_complement": "address_complement_1",
    "postcode": "postcode",
    "city": "city",
    "country": "country",
    "structure_type": "structure_type",
}


@dataclass
class IdentifierCheck:
    status: str  # no_type, empty, invalid, unknown, closed, found, existing, valid, unavailable, no_identifier
    identifier: str = ""
    message: str = ""
    record: object = None
    structure: Structure = None
    notes: list = field(default_factory=list)

    @property
    def is_error(self):
        return self.status in ("empty", "invalid", "unknown", "closed")


def existing_structure(type_code, identifier):
    return Structure.by_identifier(type_code, identifier)


def check_identifier(type_code, raw):
    kind = identifier_type(type_code)
    if not type_code:
        return IdentifierCheck("no_type")  # nothing chosen yet: nothing to say
    if kind is None:
        return IdentifierCheck("invalid", message=_l("Choose the type of identifier of your structure."))
    if not kind.takes_identifier:
        return IdentifierCheck("no_identifier")
    if not (raw or "").strip():
        return IdentifierCheck("empty", message=kind.validate("")[1])
    identifier, error = kind.validate(raw)
    if error:
        return IdentifierCheck("invalid", identifier, error)
    structure = existing_structure(type_code, identifier)
    if structure is not None and unclaimed(structure):
        return IdentifierCheck(
            "existing",
            identifier,
            _(
                "This structure is already declared in the portal as “%(name)s”, by an account that was "
                "never activated. Your sign-up takes it over: you will be its principal manager.",
                name=structure.name_for_outsiders,  # a non-diffusible structure is not named to outsiders
            ),
            structure=structure,
        )
    if structure is not None:
        return IdentifierCheck(
            "existing",
            identifier,
            # Plain gettext, at request time: a lazy string is trusted as HTML, and the name is typed text.
            _(
                "This structure is already declared in the portal as “%(name)s”. Your sign-up will "
                "become an attachment request that the structure's managers must approve.",
                name=structure.name_for_outsiders,
            ),
            structure=structure,
        )
    if not kind.looked_up:
        return IdentifierCheck("valid", identifier)
    return _check_register(identifier)


def _check_register(siret):
    try:
        record = get_register().lookup_siret(siret)
    except RegisterUnavailable:
        return IdentifierCheck(
            "unavailable",
            siret,
            _l("The business register cannot be reached right now: type your structure's details below."),
        )
    if record is None:
        return IdentifierCheck(
            "unknown",
            siret,
            _l("No establishment with this SIRET is in the business register: check the number."),
        )
    if not record.is_open:
        return IdentifierCheck(
            "closed",
            siret,
            _l("This establishment is closed in the business register: enter the SIRET of an open establishment."),
            record=record,
        )
    check = IdentifierCheck(
        "found",
        siret,
        _l("This structure is not yet in the portal: check the pre-filled information."),
        record=record,
    )
    if record.masked_fields or not record.is_diffusible:
        check.notes.append(
            _l(
                "This structure is not for publication: the register hides some of its details, "
                "so type the empty fields yourself."
            )
        )
    return check


def prefill_values(record):
    """Form values from a register record; masked ([ND]) fields are left empty for the user to type."""
    values = {}
    for attribute, form_field in PREFILL.items():
        if attribute in record.masked_fields:
            continue
        value = getattr(record, attribute, "") or ""
        if value:
            values[form_field] = value
    if not record.is_diffusible:
        values["non_diffusible"] = True
    return values
