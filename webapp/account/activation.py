"""Activation links: an account exists but has no password yet (a sign-up confirmed, an attachment
approved before activation, a link asked again). Opening the link leads to account.activate."""
from flask import current_app
from flask_babel import lazy_gettext as _l

from webapp.credentials import hours, issue_token
from webapp.mail.outbox import queue_email
from webapp.web.urls import external_url


def new_activation_token(account):
    """Any earlier activation link of the account stops working (issue_token)."""
    return issue_token(account, "activation", hours(current_app.config["ACTIVATION_TOKEN_HOURS"]))


def activation_url(token):
    return external_url("account.activate", token=token)


def queue_activation_link(account):
    queue_email(
        account.email,
        "activation_link",
        _l("Activate your account"),
        locale=account.locale,
        account=account,
        activation_url=activation_url(new_activation_token(account)),
        lifetime_hours=current_app.config["ACTIVATION_TOKEN_HOURS"],
    )
