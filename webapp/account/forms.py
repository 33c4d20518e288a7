"""Activation (password + secret question) and sign-in forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..structure_form import CleanTextMeta, select_choices

REQUIRED = _l("Fill in this field.")

SECRET_QUESTIONS = (
    ("first_pet", _l("What was the name of your first pet?")),
    ("birth_city", _l("In which city was your mother born?")),
    ("first_school", _l("What was the name of your first school?")),
    ("childhood_friend", _l("What is the first name of your childhood best friend?")),
    ("first_car", _l("What was the make of your first car?")),
)


class ActivationForm(FlaskForm):
    Meta = CleanTextMeta

    password = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED), Length(max=128)])
    password_confirm = PasswordField(
        _l("Confirm the new password"), validators=[DataRequired(REQUIRED), Length(max=128)]
    )
    secret_question = SelectField(
        _l("Secret question"),
        choices=select_choices([("", _l("Choose a question"))] + list(SECRET_QUESTIONS)),
        validators=[DataRequired(_l("Choose a question from the list."))],
        validate_choice=False,
    )
    secret_answer = StringField(_l("Answer"), validators=[DataRequired(REQUIRED), Length(min=2, max=100)])

    def validate_secret_question(self, field):
        if field.data not in dict(SECRET_QUESTIONS):
            from wtforms import ValidationError

            raise ValidationError(_l("Choose a question from the list."))


class SignInForm(FlaskForm):
    Meta = CleanTextMeta

    email = StringField(_l("Login e-mail address"), validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), Length(max=128)])
