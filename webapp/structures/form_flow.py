"""The structure part of a form, shared by every page that has one (sign-up, new structure, attachment).

Each page keeps its own form class, template and URLs; what a fragment does to the form (reset the
identifier on a type change, check it and pre-fill from the register) lives here once.
"""
from dataclasses import dataclass

from flask import request

from webapp.structures.check import PREFILL, check_identifier, prefill_values
from webapp.structures.fields import asked_fields
from webapp.forms import without_control_characters
from webapp.structures.identifiers import identifier_type, vat_country

# The hidden input of #structure-fields that says what the page shows (see fields_shown).
SHOWN_FIELD = "structure_shown"


@dataclass(frozen=True)
class FieldChanges:
    """What an identifier keystroke changed in the structure fields, so the answer carries only that.

    whole: the block changes shape (the "already declared" notice appears or goes): it is sent whole.
    names: form fields whose value the server set (a pre-fill, the country of an EU VAT number) and the
    hidden prefilled_siret; each is sent out of band on its own. Nothing else: the feedback line only.
    """

    whole: bool = False
    names: tuple = ()


def fields_shown(kind, check):
    """What #structure-fields shows for this type and check: "", "existing" (a notice) or "fields"."""
    if kind is None:
        return ""
    return "existing" if check.structure is not None else "fields"


def apply_prefill(form, check, overwrite=True):
    """Pre-fill from the register once per SIRET, so the user's own edits are not overwritten.

    On the final submit (overwrite=False) only empty fields are filled. A new SIRET replaces what
    the previous one pre-filled, so nothing of another company (or a masked value) lingers.
    """
    kind = form.chosen_type()
    if kind is not None and kind.code == "UE_HORS_FRANCE" and check.identifier and not check.is_error:
        form.country.data = form.country_default.data = vat_country(check.identifier)
    if check.status != "found" or form.prefilled_siret.data == check.identifier:
        return
    values = prefill_values(check.record)
    if overwrite and form.prefilled_siret.data:
        for name in PREFILL.values():
            if name not in values:
                getattr(form, name).data = ""
        form.non_diffusible.data = False
    for name, value in values.items():
        field = getattr(form, name)
        if overwrite or not field.data:
            field.data = value
    form.prefilled_siret.data = check.identifier
    form.identifier.data = check.identifier
    if "country" in values:
        form.country_default.data = form.country.data


def apply_feature_defaults(form):
    """The feature boxes take their defaults when the page did not show them yet.

    An unticked box is absent from a POST, like a box that was never shown: the marker
    `features_shown` (rendered with the boxes) tells the two apart.
    """
    if "features_shown" not in request.form:
        form.feature_payment_requests.data = form.feature_payment_requests.default
        form.feature_dume.data = form.feature_dume.default


def type_chosen(form):
    """The identifier type changed: forget the identifier and what it pre-filled; the country becomes
    the new type's default (France, Nouvelle-Calédonie, Polynésie française, or none to choose) unless
    the person chose one. Returns the check."""
    apply_feature_defaults(form)
    kind = form.chosen_type()
    if kind is not None and (form.country.data or "") == (form.country_default.data or ""):
        form.country.data = form.country_default.data = kind.default_country
    form.identifier.data = ""
    form.prefilled_siret.data = ""
    return check_identifier(form.identifier_type.data, "")


def check_changing_no_field(values):
    """The check of a keystroke that cannot change any structure field, else None.

    Most keystrokes (an incomplete or wrong identifier, a SIRET already pre-filled, the same "already
    declared" structure) change nothing but the feedback line: their answer needs no form bound nor
    rendered, only this check. A pre-fill to apply, the country of an EU VAT number, or the
    "already declared" state flipping go the long way (identifier_typed).
    """
    type_code = values.get("identifier_type", "")
    kind = identifier_type(type_code)
    check = check_identifier(type_code, without_control_characters(values.get("identifier", "")))
    if check.status == "found" and values.get("prefilled_siret") != check.identifier:
        return None
    if kind is not None and kind.code == "UE_HORS_FRANCE" and not check.is_error:
        return None
    if values.get(SHOWN_FIELD, "") != fields_shown(kind, check):
        return None
    return check


def identifier_typed(form):
    """The identifier changed: check it and pre-fill from the register. Returns (check, FieldChanges).

    The page sends what its fields block shows (SHOWN_FIELD) and every value as typed; the server
    compares, so an answer to a keystroke that changes nothing is the feedback line alone.
    """
    apply_feature_defaults(form)
    check = check_identifier(form.identifier_type.data, form.identifier.data)
    kind = form.chosen_type()
    names = [name for name in asked_fields(kind) if name != "identifier"] + ["prefilled_siret", "country_default"]
    before = {name: getattr(form, name).data for name in names}
    apply_prefill(form, check)
    if request.form.get(SHOWN_FIELD, "") != fields_shown(kind, check):
        return check, FieldChanges(whole=True)
    changed = tuple(name for name in names if getattr(form, name).data != before[name])
    return check, FieldChanges(names=changed)


def form_submitted(form, final):
    """A whole-form POST (JS off, or the final submit). Returns the check."""
    apply_feature_defaults(form)
    check = check_identifier(form.identifier_type.data, form.identifier.data)
    apply_prefill(form, check, overwrite=not final)
    return check
