"""The structure part of a form (sign-up, new structure, attachment, profile): fields, their order, their rules."""
import re
from functools import lru_cache

import pyuca
from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import Length, Optional

from webapp.forms import CleanTextMeta, check_email, check_phone, select_choices
from webapp.structures.widgets import CachedOptionsSelect
from webapp.structures.identifiers import EU_COUNTRIES, IDENTIFIER_TYPES, identifier_type, vat_country

STRUCTURE_TYPES = (
    ("company", _l("Company")),
    ("individual", _l("Individual entrepreneur")),
    ("association", _l("Association")),
    ("public", _l("Public body")),
)


# Two-letter codes CLDR names that are not countries: groupings, pseudo-locales (XA, XB) and
# ISO 3166 "exceptionally reserved" codes (AC, CP, DG, EA, IC, TA, CQ).
NOT_COUNTRIES = frozenset("ZZ EU EZ UN QO XA XB AC CP DG EA IC TA CQ".split())
# Parts of EU member states that CLDR lists on their own: never "outside the EU".
EU_TERRITORIES = frozenset("GF GP MQ RE YT MF AX".split())


def country_choices(outside_eu_only=False):
    return [("", _l("Choose a country"))] + list(_countries(str(get_locale()), outside_eu_only))


def country_select_choices(outside_eu_only=False):
    """The country select's options, built once per language (a form is bound on every keystroke)."""
    return _country_select_choices(str(get_locale()), outside_eu_only)


@lru_cache(maxsize=16)
def _country_select_choices(locale, outside_eu_only):
    return tuple(select_choices(country_choices(outside_eu_only)))


@lru_cache(maxsize=1)
def _collator():
    return pyuca.Collator()  # the Unicode Collation Algorithm: É sorts with E, Î with I


@lru_cache(maxsize=16)
def _countries(locale, outside_eu_only):
    """(code, name) of every country, sorted by name as a reader of `locale` expects (collation, not
    code points: in French Égypte and États-Unis come among the E, not after Zimbabwe)."""
    names = Locale.parse(locale).territories
    codes = [c for c in names if len(c) == 2 and c.isalpha() and c not in NOT_COUNTRIES]
    if outside_eu_only:
        codes = [c for c in codes if c not in EU_COUNTRIES and c not in EU_TERRITORIES]
    key = _collator().sort_key
    return tuple(sorted(((c, names[c]) for c in codes), key=lambda p: key(p[1])))


# The structure fields in the order every page shows them, grouped as the form groups them (form field
# names). The one definition of that order: the structure macro (templates/components/structure.html,
# through StructureFields.field_groups), the forms' error summaries, the read-only profile and
# drop_unasked_fields follow it. Which fields a type asks for, and which it requires: identifiers.py.
STRUCTURE_FIELD_GROUPS = (
    ("identifier", ("identifier_type", "identifier")),
    ("details", ("structure_type", "company_name", "person_last_name", "person_first_name", "label",
                 "structure_email", "structure_phone")),
    ("address", ("address_line", "address_complement_1", "address_complement_2", "postcode", "city", "country")),
    ("publication", ("non_diffusible",)),
)
STRUCTURE_FIELD_ORDER = tuple(name for _group, names in STRUCTURE_FIELD_GROUPS for name in names)
# Those a type that does not ask for them gets emptied (the country keeps the type's default).
TEXT_STRUCTURE_FIELDS = tuple(
    name for name in STRUCTURE_FIELD_ORDER if name not in ("identifier_type", "country", "non_diffusible")
)


class StructureFields:
    """Mixed into a FlaskForm. Structure fields are checked by validate_structure(), per identifier type."""

    Meta = CleanTextMeta

    identifier_type = SelectField(_l("Identifier type"), validate_choice=False)
    identifier = StringField(_l("Identifier"), validators=[Optional(), Length(max=40)])
    prefilled_siret = HiddenField()
    # The country the portal last set (a type's default, the register, an EU VAT prefix): while the
    # country still equals it, the person has not chosen one, and a type change may set another.
    country_default = HiddenField()
    structure_type = SelectField(_l("Structure type"), validate_choice=False)
    company_name = StringField(_l("Company name"), validators=[Optional(), Length(max=200)])
    label = StringField(_l("Structure label"), validators=[Optional(), Length(max=200)])
    person_last_name = StringField(_l("Last name of the person"), validators=[Optional(), Length(max=100)])
    person_first_name = StringField(_l("First name of the person"), validators=[Optional(), Length(max=100)])
    structure_email = StringField(_l("Structure e-mail address"), validators=[Optional(), Length(max=254)])
    structure_phone = StringField(_l("Structure phone"), validators=[Optional(), Length(max=32)])
    address_line = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    address_complement_1 = StringField(_l("Address line 2"), validators=[Optional(), Length(max=200)])
    address_complement_2 = StringField(_l("Address line 3"), validators=[Optional(), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=20)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    country = SelectField(_l("Country"), validate_choice=False, widget=CachedOptionsSelect())
    non_diffusible = BooleanField(_l("Not for publication (non-diffusible)"))
    feature_payment_requests = BooleanField(_l("Submit payment requests"), default=True)
    feature_dume = BooleanField(_l("Create and/or consult DUME"))

    def setup_structure_choices(self):
        self.identifier_type.choices = select_choices(
            [("", _l("Choose an identifier type"))] + [(t.code, t.label) for t in IDENTIFIER_TYPES]
        )
        self.structure_type.choices = select_choices([("", _l("Choose a structure type"))] + list(STRUCTURE_TYPES))
        kind = self.chosen_type()
        self.country.choices = country_select_choices(outside_eu_only=kind is not None and kind.code == "HORS_UE")
        if kind and not self.country.data:
            self.country.data = self.country_default.data = kind.default_country

    def drop_unasked_fields(self):
        """Forget values (and errors) of structure fields the chosen type does not show: forged or stale."""
        asked = asked_fields(self.chosen_type())
        for name in TEXT_STRUCTURE_FIELDS:
            if name not in asked:
                self[name].data = ""
                self[name].errors = []

    def chosen_type(self):
        return identifier_type(self.identifier_type.data or "")

    def field_groups(self, kind):
        """[(group, [(field, required)])]: the fields `kind` asks for after its identifier, in page order."""
        asked = asked_fields(kind)
        required = {form_field_name(name) for name in kind.required}
        groups = []
        for group, names in STRUCTURE_FIELD_GROUPS:
            if group == "identifier":
                continue
            shown = [(self[name], name in required) for name in names if name in asked]
            if shown:
                groups.append((group, shown))
        return groups

    def structure_values(self):
        """The structure's columns from the form, for the fields its type asks for."""
        kind = self.chosen_type()
        values = {}
        for column in kind.fields:
            field = getattr(self, form_field_name(column))
            if isinstance(field, BooleanField):
                values[column] = bool(field.data)
            else:  # a field absent from the POST has data None: store "", never "None"/"False"
                values[column] = (field.data or "").strip()
        if kind.fixed_structure_type:
            values["structure_type"] = kind.fixed_structure_type
        values["feature_payment_requests"] = bool(self.feature_payment_requests.data)
        values["feature_dume"] = bool(self.feature_dume.data)
        return values


def form_field_name(field_name):
    return {"email": "structure_email", "phone": "structure_phone"}.get(field_name, field_name)


def asked_fields(kind):
    """Form field names of the structure fields `kind` shows (its identifier included); none without a type."""
    asked = {form_field_name(name) for name in (kind.fields if kind else ())}
    if kind and kind.takes_identifier:
        asked.add("identifier")
    if kind and kind.fixed_structure_type:
        asked.discard("structure_type")
    return asked


def in_page_order(columns):
    """Structure columns (model names, as in IdentifierType.fields) sorted in STRUCTURE_FIELD_ORDER."""
    return sorted(columns, key=lambda column: STRUCTURE_FIELD_ORDER.index(form_field_name(column)))


def validate_structure(form, check):
    """Add errors to the structure fields of `form`. `check` is the IdentifierCheck of its identifier."""
    kind = form.chosen_type()
    if kind is None:
        form.identifier_type.errors.append(_l("Choose the type of identifier of your structure."))
        return
    if check.message and check.is_error:
        form.identifier.errors.append(check.message)
        return
    if check.structure is not None:
        return  # an attachment request: the structure's fields are not asked
    form.drop_unasked_fields()
    _validate_country(form, kind)  # first: the country of an EU VAT number comes from its prefix
    for field_name in kind.required:
        field = getattr(form, form_field_name(field_name))
        if not (field.data or "").strip():
            field.errors.append(_l("Fill in this field."))
    if form.structure_type.data and form.structure_type.data not in dict(STRUCTURE_TYPES):
        form.structure_type.errors.append(_l("Choose a structure type from the list."))
    country = form.country.data or "FR"
    if form.structure_email.data and not form.structure_email.errors:
        form.structure_email.data, error = check_email(form.structure_email.data.strip())
        if error:
            form.structure_email.errors.append(error)
    if form.structure_phone.data and not form.structure_phone.errors:
        form.structure_phone.data, error = check_phone(form.structure_phone.data, country)
        if error:
            form.structure_phone.errors.append(error)
    postcode = (form.postcode.data or "").strip()
    if postcode and country == "FR" and not re.fullmatch(r"\d{5}", postcode):
        form.postcode.errors.append(_l("A French postcode has 5 digits, for example 75001."))


def _validate_country(form, kind):
    code = form.country.data or ""
    if kind.code == "UE_HORS_FRANCE" and (form.identifier.data or "").strip():
        # The country of an EU VAT number is its prefix, whatever was chosen.
        form.country.data = code = vat_country(form.identifier.data.strip().upper())
    if not code:
        return
    if code not in dict(country_choices()):
        form.country.errors.append(_l("Choose a country from the list."))
    elif kind.code == "HORS_UE" and code in EU_COUNTRIES:
        form.country.errors.append(_l("A structure outside the EU cannot be in an EU country: choose another type or country."))

