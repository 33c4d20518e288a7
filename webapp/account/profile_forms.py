"""Forms of "My account": personal details, password, secret question, two-step sign-in."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, ValidationError
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from webapp.forms import CleanTextMeta, check_email, check_phone
from webapp.account.forms import REQUIRED, NewPasswordFields, SecretQuestionFields


class CurrentPasswordField:
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(REQUIRED), Length(max=128)]
    )


class DetailsForm(FlaskForm):
    Meta = CleanTextMeta

    first_name = StringField(_l("First name"), validators=[DataRequired(REQUIRED), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(REQUIRED), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    contact_email = StringField(
        _l("Contact e-mail address"), validators=[DataRequired(REQUIRED), Length(max=254)]
    )

    def validate_phone(self, field):
        if field.data and field.data.strip():
            field.data, error = check_phone(field.data.strip())
            if error:
                raise ValidationError(error)

    def validate_contact_email(self, field):
        field.data, error = check_email(field.data.strip())
        if error:
            raise ValidationError(error)

    def values(self):
        return {
            "first_name": self.first_name.data.strip(),
            "last_name": self.last_name.data.strip(),
            "phone": (self.phone.data or "").strip(),
            "contact_email": self.contact_email.data.strip(),
        }


class SurveyConsentForm(FlaskForm):
    """Give or withdraw the survey consent: the page's one button carries what it does."""

    consent = HiddenField(validators=[AnyOf(("give", "withdraw"))])

    def giving(self):
        return self.consent.data == "give"


class ChangePasswordForm(CurrentPasswordField, NewPasswordFields, FlaskForm):
    Meta = CleanTextMeta

    def summary_fields(self):
        return [self.current_password, self.password, self.password_confirm]


class SecretQuestionForm(CurrentPasswordField, SecretQuestionFields, FlaskForm):
    Meta = CleanTextMeta

    def summary_fields(self):
        return [self.current_password, self.secret_question, self.secret_answer]


class PasswordCheckForm(CurrentPasswordField, FlaskForm):
    """Confirms a sensitive change (turning two-step sign-in off) with the password."""

    Meta = CleanTextMeta


class TotpConfirmForm(CurrentPasswordField, FlaskForm):
    """Setting up the app takes the password: a borrowed signed-in browser cannot tie the account to
    someone else's phone."""

    Meta = CleanTextMeta

    code = StringField(_l("Code shown by the app"), validators=[DataRequired(REQUIRED), Length(max=20)])
