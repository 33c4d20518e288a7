"""Form helpers every feature uses: text without control characters, choices, e-mail and phone checks."""
import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.fields.choices import SelectChoice

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def without_control_characters(value):
    """Single-line inputs never need control characters; a NUL would make PostgreSQL fail (a 500)."""
    if not isinstance(value, str):
        return value
    return _CONTROL_CHARACTERS.sub(lambda m: " " if m.group() in "\t\r\n" else "", value)


class CleanTextMeta:
    """Form Meta (declare `class Meta(CleanTextMeta)`): every text field drops control characters."""

    def bind_field(self, form, unbound_field, options):
        if issubclass(unbound_field.field_class, StringField):
            filters = tuple(unbound_field.kwargs.get("filters", ())) + (without_control_characters,)
            options = dict(options, filters=filters)
        return super().bind_field(form, unbound_field, options)


def select_choices(pairs):
    """(value, label) pairs as WTForms options."""
    return [SelectChoice(value, label) for value, label in pairs]


def check_email(value):
    try:
        return validate_email(value, check_deliverability=False).normalized, None
    except EmailNotValidError:
        return value, _l("Enter an e-mail address in the form name@example.fr.")


def check_phone(value, country="FR"):
    try:
        number = phonenumbers.parse(value, country or "FR")
    except phonenumbers.NumberParseException:
        return value, _l("Enter a phone number, for example 01 23 45 67 89 or +33 1 23 45 67 89.")
    if not phonenumbers.is_valid_number(number):
        return value, _l("This phone number is not valid: check the number of digits and the country code.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None
