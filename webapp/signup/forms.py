"""The sign-up form: personal information, the structure part, the captcha."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional

from webapp.forms import check_email, check_phone
from webapp.structures.fields import STRUCTURE_FIELD_ORDER, StructureFields

REQUIRED = _l("Fill in this field.")


class SignupForm(StructureFields, FlaskForm):
    login_email = StringField(
        _l("Login e-mail address"), validators=[DataRequired(REQUIRED), Length(max=254)]
    )
    login_email_confirm = StringField(
        _l("Confirm the login e-mail address"), validators=[DataRequired(REQUIRED), Length(max=254)]
    )
    first_name = StringField(_l("First name"), validators=[DataRequired(REQUIRED), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(REQUIRED), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    contact_email = StringField(_l("Contact e-mail address"), validators=[Optional(), Length(max=254)])
    accept_terms = BooleanField(
        _l("I accept the terms of use"),
        validators=[DataRequired(_l("Tick this box to accept the terms of use."))],
    )
    survey_consent = BooleanField(_l("I agree to receive satisfaction surveys about the portal"))
    captcha_id = HiddenField()
    captcha_answer = StringField(_l("Characters in the image"), validators=[Optional(), Length(max=20)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_structure_choices()

    PAGE_ORDER = (
        "login_email", "login_email_confirm", "first_name", "last_name", "phone", "contact_email",
        "accept_terms", "survey_consent",
    ) + STRUCTURE_FIELD_ORDER + ("captcha_answer",)

    def summary_fields(self):
        """Fields in the order the page shows them, for the error summary."""
        return [self[name] for name in self.PAGE_ORDER]

    def validate_personal(self):
        """Checks beyond field validators; returns nothing, adds errors to fields."""
        if self.login_email.data and not self.login_email.errors:
            self.login_email.data, error = check_email(self.login_email.data.strip())
            if error:
                self.login_email.errors.append(error)
        confirm = (self.login_email_confirm.data or "").strip()
        if confirm and not self.login_email.errors and not self.login_email_confirm.errors:
            if confirm.lower() != (self.login_email.data or "").lower():
                self.login_email_confirm.errors.append(
                    _l("The two addresses differ: type the same login e-mail address twice.")
                )
        if self.contact_email.data and not self.contact_email.errors:
            self.contact_email.data, error = check_email(self.contact_email.data.strip())
            if error:
                self.contact_email.errors.append(error)
        if self.phone.data and not self.phone.errors:
            self.phone.data, error = check_phone(self.phone.data)
            if error:
                self.phone.errors.append(error)

    def personal_values(self):
        login = self.login_email.data.strip().lower()
        return {
            "email": login,
            "first_name": self.first_name.data.strip(),
            "last_name": self.last_name.data.strip(),
            "phone": (self.phone.data or "").strip(),
            "contact_email": (self.contact_email.data or "").strip() or login,
            "survey_consent": bool(self.survey_consent.data),
        }
