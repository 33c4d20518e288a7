"""Activation, sign-in (both steps), forgotten-password and reset forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, Length

from webapp.credentials import password_problems
from webapp.forms import CleanTextMeta, select_choices

REQUIRED = _l("Fill in this field.")

SECRET_QUESTIONS = (
    ("first_pet", _l("What was the name of your first pet?")),
    ("birth_city", _l("In which city was your mother born?")),
    ("first_school", _l("What was the name of your first school?")),
    ("childhood_friend", _l("What is the first name of your childhood best friend?")),
    ("first_car", _l("What was the make of your first car?")),
)


class NewPasswordFields:
    """The new password and its confirmation; check_new_password() applies the policy."""

    password = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED), Length(max=128)])
    password_confirm = PasswordField(
        _l("Confirm the new password"), validators=[DataRequired(REQUIRED), Length(max=128)]
    )


class SecretQuestionFields:
    secret_question = SelectField(
        _l("Secret question"),
        choices=select_choices([("", _l("Choose a question"))] + list(SECRET_QUESTIONS)),
        validators=[DataRequired(_l("Choose a question from the list."))],
        validate_choice=False,
    )
    secret_answer = StringField(_l("Answer"), validators=[DataRequired(REQUIRED), Length(min=2, max=100)])

    def validate_secret_question(self, field):
        if field.data not in dict(SECRET_QUESTIONS):
            raise ValidationError(_l("Choose a question from the list."))


def check_new_password(form, account):
    """Adds the policy's and the confirmation's errors to the form: every error at once."""
    if form.password.data and not form.password.errors:
        problems = password_problems(form.password.data, account.email, (account.first_name, account.last_name))
        if problems:
            form.password.errors.append(
                _l("Your password does not follow the rules: %(rules)s.",
                   rules="; ".join(str(p.label).lower() for p in problems))
            )
    if form.password.data and form.password_confirm.data and form.password.data != form.password_confirm.data:
        form.password_confirm.errors.append(_l("The two passwords differ: type the same password twice."))


class ActivationForm(NewPasswordFields, SecretQuestionFields, FlaskForm):
    Meta = CleanTextMeta


class SignInForm(FlaskForm):
    Meta = CleanTextMeta

    email = StringField(_l("Login e-mail address"), validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), Length(max=128)])
    next = HiddenField()


class SignInCodeForm(FlaskForm):
    Meta = CleanTextMeta

    code = StringField(_l("Sign-in code"), validators=[DataRequired(REQUIRED), Length(max=20)])


class ForgotPasswordForm(FlaskForm):
    Meta = CleanTextMeta

    email = StringField(_l("Login e-mail address"), validators=[DataRequired(REQUIRED), Length(max=254)])


class ResetPasswordForm(NewPasswordFields, FlaskForm):
    Meta = CleanTextMeta

    secret_answer = StringField(
        _l("Answer to your secret question"), validators=[DataRequired(REQUIRED), Length(max=100)]
    )

    def summary_fields(self):
        return [self.secret_answer, self.password, self.password_confirm]
