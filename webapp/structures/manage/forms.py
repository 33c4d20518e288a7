"""Forms of the managers' pages, the invitation page and the administrator's page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from webapp.account.forms import REQUIRED, ActivationForm
from webapp.credentials import password_problems
from webapp.forms import CleanTextMeta, check_email, select_choices, without_control_characters
from webapp.structures.manage.attachments import MAX_REASON_LENGTH


def clean_email(field):
    """Validate and lower-case an e-mail field; adds the error to the field."""
    if field.data and not field.errors:
        value, error = check_email(field.data.strip())
        if error:
            field.errors.append(error)
        else:
            field.data = value.lower()


class DecisionForm(FlaskForm):
    """The common reason of the batch refusal; the request ids and per-row reasons are read apart."""

    class Meta(CleanTextMeta):
        pass

    reason = TextAreaField(
        _l("Reason for the refusal (optional)"),
        filters=(without_control_characters,),
        validators=[Optional(), Length(max=MAX_REASON_LENGTH)],
    )


class SiretForm(FlaskForm):
    """The SIRET of a structure declared "being registered" (manage/registration.py checks it), then the
    choice of details: the register's or the structure's own."""

    class Meta(CleanTextMeta):
        pass

    siret = StringField(_l("SIRET"), validators=[Length(max=40)])
    details = RadioField(
        _l("The structure's details"),
        choices=select_choices([("register", _l("Use the business register's details")),
                                ("keep", _l("Keep the structure's current details"))]),
        validate_choice=False,
    )


class InviteForm(FlaskForm):
    class Meta(CleanTextMeta):
        pass

    email = StringField(_l("E-mail address of the person to invite"),
                        validators=[DataRequired(REQUIRED), Length(max=254)])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        clean_email(self.email)
        return valid and not self.email.errors


class AppointForm(FlaskForm):
    """The administrator names a principal manager: a member of the structure, or an active account."""

    class Meta(CleanTextMeta):
        pass

    member = SelectField(_l("A member of the structure"), validate_choice=False, validators=[Optional()])
    email = StringField(_l("Or the login e-mail address of an active account"),
                        validators=[Optional(), Length(max=254)])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        clean_email(self.email)
        if valid and not self.email.errors and not self.member.data and not self.email.data:
            self.member.errors.append(_l("Choose a member or type the e-mail address of an active account."))
        return valid and not self.member.errors and not self.email.errors


class InvitationSignupForm(ActivationForm):
    """An account created from an invitation: the link proved the address, so it is active at once."""

    first_name = StringField(_l("First name"), validators=[DataRequired(REQUIRED), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(REQUIRED), Length(max=100)])
    accept_terms = BooleanField(
        _l("I accept the terms of use"),
        validators=[DataRequired(_l("Tick this box to accept the terms of use."))],
    )

    def summary_fields(self):
        order = ("first_name", "last_name", "password", "password_confirm", "secret_question",
                 "secret_answer", "accept_terms")
        return [self[name] for name in order]

    def check_password(self, email):
        """Every password error at once: the policy, then the confirmation."""
        password = self.password.data
        if password and not self.password.errors:
            problems = password_problems(password, email, (self.first_name.data, self.last_name.data))
            if problems:
                self.password.errors.append(_l(
                    "Your password does not follow the rules: %(rules)s.",
                    rules="; ".join(str(p.label).lower() for p in problems),
                ))
        if password and self.password_confirm.data and password != self.password_confirm.data:
            self.password_confirm.errors.append(_l("The two passwords differ: type the same password twice."))
