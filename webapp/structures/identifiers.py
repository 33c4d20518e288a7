"""The identifier types of a structure: label, format hint, validation, and the fields each reveals."""
import re
import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from stdnum import exceptions as stdnum_errors
from stdnum.ch import uid as ch_uid
from stdnum.eu import vat as eu_vat
from stdnum.fr import siret as fr_siret

ADDRESS_FIELDS = (
    "address_line",
    "address_complement_1",
    "address_complement_2",
    "postcode",
    "city",
    "country",
)
COMPANY_FIELDS = ("structure_type", "company_name", "label", "email", "phone")
PERSON_FIELDS = ("person_last_name", "person_first_name", "label", "email", "phone")

# EU member states by ISO code; VAT numbers of Greece start with EL.
EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
VAT_PREFIX_TO_COUNTRY = {"EL": "GR"}


@dataclass(frozen=True)
class IdentifierType:
    code: str
    label: str
    hint: str
    fields: tuple  # structure fields (model columns) it asks for, shown in fields.STRUCTURE_FIELD_ORDER
    required: tuple  # those of `fields` that are mandatory
    takes_identifier: bool = True
    looked_up: bool = False  # checked against the business register
    default_country: str = "FR"
    fixed_structure_type: str = ""
    complete_length: int = 0  # characters of a complete identifier: checked at once, without a pause

    def validate(self, raw, country=""):
        """Return (normalised identifier, error message or None)."""
        return VALIDATORS[self.code](raw.strip() if raw else "", country)


def _required_company():
    return ("structure_type", "company_name", "address_line", "postcode", "city", "country")


IDENTIFIER_TYPES = (
    IdentifierType(
        "SIRET", _l("SIRET"), _l("14 digits"),
        COMPANY_FIELDS + ADDRESS_FIELDS + ("non_diffusible",), _required_company(),
        looked_up=True, complete_length=14,
    ),
    IdentifierType(
        "UE_HORS_FRANCE", _l("European structure outside France"),
        _l("EU VAT number starting with the country code, for example DE123456789"),
        COMPANY_FIELDS + ADDRESS_FIELDS + ("non_diffusible",), _required_company(),
        default_country="",
    ),
    IdentifierType(
        "HORS_UE", _l("Structure outside the EU"),
        _l("Up to 18 letters or digits, as issued in the structure's country; spaces, dots and hyphens "
           "are ignored, for example CHE-116.281.710"),
        COMPANY_FIELDS + ADDRESS_FIELDS + ("non_diffusible",), _required_company(),
        default_country="",
    ),
    IdentifierType(
        "RIDET", _l("Structure with a RIDET"),
        _l("10 digits: the 7-digit RID then the 3-digit establishment number"),
        COMPANY_FIELDS + ADDRESS_FIELDS + ("non_diffusible",), _required_company(),
        default_country="NC", complete_length=10,
    ),
    IdentifierType(
        "TAHITI", _l("Structure with a TAHITI number"),
        _l("9 characters: a letter or a digit, then 8 digits"),
        COMPANY_FIELDS + ADDRESS_FIELDS + ("non_diffusible",), _required_company(),
        default_country="PF", complete_length=9,
    ),
    IdentifierType(
        "EN_COURS_IMMATRICULATION", _l("Being registered"),
        _l("No identifier yet: the portal assigns one"),
        COMPANY_FIELDS + ADDRESS_FIELDS + ("non_diffusible",), _required_company(),
        takes_identifier=False,
    ),
    IdentifierType(
        "PARTICULIER", _l("Private person"),
        _l("No identifier: the portal assigns one"),
        PERSON_FIELDS + ADDRESS_FIELDS,
        ("person_last_name", "person_first_name", "address_line", "postcode", "city", "country"),
        takes_identifier=False, fixed_structure_type="private_person",
    ),
)
BY_CODE = {t.code: t for t in IDENTIFIER_TYPES}


def identifier_type(code):
    return BY_CODE.get(code)


def _validate_siret(value, country):
    value = re.sub(r"[\s.]", "", value)
    if not value:
        return value, _l("Enter the SIRET: 14 digits.")
    if not value.isdigit():
        return value, _l("A SIRET contains digits only: remove letters and other characters.")
    if len(value) != 14:
        return value, _l("A SIRET has 14 digits; you typed %(count)s.", count=len(value))
    try:
        return fr_siret.validate(value), None
    except stdnum_errors.ValidationError:
        return value, _l("This SIRET's check digit is wrong: check each digit against your records.")


def vat_country(number):
    prefix = number[:2].upper()
    return VAT_PREFIX_TO_COUNTRY.get(prefix, prefix)


def _validate_eu_vat(value, country):
    # eu_vat.compact() raises on a prefix it does not know: clean the same way without it.
    value = re.sub(r"[\s.\-/]", "", value).upper()
    if not value:
        return value, _l("Enter the EU VAT number, starting with the country code.")
    code = vat_country(value)
    if code == "FR":
        return value, _l("A French structure signs up with its SIRET: choose the SIRET type.")
    if code not in EU_COUNTRIES:
        return value, _l("The number must start with the code of an EU member state, for example DE.")
    try:
        return eu_vat.validate(value), None
    except stdnum_errors.InvalidLength:
        return value, _l("This VAT number does not have the length used in that country.")
    except stdnum_errors.ValidationError:
        return value, _l("This VAT number is not valid: check its digits.")


def _validate_outside_eu(value, country):
    """National formats keep their separators on paper (Swiss UID CHE-116.281.710, US EIN 12-3456789):
    stored without them, so one structure is one identifier however it was typed."""
    value = re.sub(r"[\s.\-/]", "", value).upper()
    if not value:
        return value, _l("Enter the structure's identifier.")
    if not re.fullmatch(r"[A-Z0-9]+", value):
        return value, _l("Use letters and digits only (spaces, dots and hyphens are ignored).")
    if len(value) > 18:
        return value, _l("The identifier has at most 18 letters or digits; you typed %(count)s.", count=len(value))
    if value.startswith("CHE") and len(value) == 12 and value[3:].isdigit() and not ch_uid.is_valid(value):
        return value, _l("This Swiss UID's check digit is wrong: check each digit (CHE-123.456.789).")
    return value, None


def _validate_ridet(value, country):
    value = re.sub(r"[\s.]", "", value)
    if not value:
        return value, _l("Enter the RIDET: 10 digits.")
    if not value.isdigit():
        return value, _l("A RIDET contains digits only.")
    if len(value) != 10:
        return value, _l("A RIDET has 10 digits (7 for the RID, 3 for the establishment); you typed %(count)s.", count=len(value))
    return value, None


def _validate_tahiti(value, country):
    value = re.sub(r"\s", "", value).upper()
    if not value:
        return value, _l("Enter the TAHITI number: 9 characters.")
    if len(value) != 9:
        return value, _l("A TAHITI number has 9 characters; you typed %(count)s.", count=len(value))
    if not re.fullmatch(r"[A-Z0-9][0-9]{8}", value):
        return value, _l("A TAHITI number is a letter or a digit followed by 8 digits.")
    return value, None


def _no_identifier(value, country):
    return "", None


VALIDATORS = {
    "SIRET": _validate_siret,
    "UE_HORS_FRANCE": _validate_eu_vat,
    "HORS_UE": _validate_outside_eu,
    "RIDET": _validate_ridet,
    "TAHITI": _validate_tahiti,
    "EN_COURS_IMMATRICULATION": _no_identifier,
    "PARTICULIER": _no_identifier,
}


def assign_identifier(code):
    """The identifier the portal gives a structure that has none."""
    prefix = {"EN_COURS_IMMATRICULATION": "ECI", "PARTICULIER": "PAR"}[code]
    return prefix + "".join(secrets.choice("0123456789") for _ in range(11))
