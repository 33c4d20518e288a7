"""Sign-up: one transaction creates the account and its structure, or an attachment request."""
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from ..extensions import db
from ..identifiers import assign_identifier, identifier_type
from ..mail import queue_email
from ..oidc import platform_events
from ..models import (
    Account,
    AttachmentRequest,
    Membership,
    Role,
    Structure,
    utcnow,
)
from ..security import hours, issue_token


@dataclass
class SignupOutcome:
    kind: str  # "structure_created", "attachment_requested", "account_exists"
    email: str
    account: Account = None
    structure: Structure = None


def sign_up(personal, type_code, identifier, structure_values, locale="fr"):
    """Create an inactive account and its structure or attachment request, and queue the e-mails.

    The caller has validated everything. Never reveals whether the address was already taken:
    an active account gets a notice by e-mail and nothing is created.
    """
    with db.atomic():
        existing = Account.get_or_none(Account.email == personal["email"])
        if existing is not None and existing.is_active:
            queue_account_exists_notice(existing)
            return SignupOutcome("account_exists", existing.email)
        if existing is not None:
            discard_unactivated_account(existing)
        account = Account.create(terms_accepted_at=utcnow(), locale=locale, **personal)
        structure, created = find_or_create_structure(type_code, identifier, structure_values, account)
        if created:
            Membership.create(account=account, structure=structure, role=Role.PRINCIPAL_MANAGER)
            platform_events.structure_created(structure, account)
            outcome = SignupOutcome("structure_created", account.email, account, structure)
        else:
            AttachmentRequest.create(account=account, structure=structure)
            outcome = SignupOutcome("attachment_requested", account.email, account, structure)
        queue_summary(outcome)
        if created:
            queue_activation_link(account)
    return outcome


def find_or_create_structure(type_code, identifier, values, account):
    """Return (structure, created). A unique index decides races between simultaneous sign-ups."""
    kind = identifier_type(type_code)
    if kind.takes_identifier:
        found = Structure.get_or_none(
            (Structure.identifier_type == type_code) & (Structure.identifier == identifier)
        )
        if found is not None:
            return found, False
    for _attempt in range(5):
        number = identifier if kind.takes_identifier else assign_identifier(type_code)
        try:
            with db.atomic():
                return Structure.create(identifier_type=type_code, identifier=number, **values), True
        except IntegrityError:
            if kind.takes_identifier:
                return Structure.get(
                    (Structure.identifier_type == type_code) & (Structure.identifier == number)
                ), False
    raise RuntimeError("could not assign a free identifier")


def discard_unactivated_account(account):
    """A new sign-up replaces a never-activated one, with the structures only it belonged to."""
    for membership in list(account.memberships):
        structure = membership.structure
        others = Membership.select().where(
            (Membership.structure == structure) & (Membership.account != account)
        ).count()
        pending = AttachmentRequest.select().where(AttachmentRequest.structure == structure).count()
        if others == 0 and pending == 0:
            platform_events.structure_deleted(structure)
            structure.delete_instance(recursive=True)
    account.delete_instance(recursive=True)


def activation_url(token):
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    return base + url_for("account.activate", token=token)


def queue_activation_link(account):
    lifetime = current_app.config["ACTIVATION_TOKEN_HOURS"]
    token = issue_token(account, "activation", hours(lifetime))
    queue_email(
        account.email,
        "activation_link",
        _l("Activate your account"),
        locale=account.locale,
        account=account,
        activation_url=activation_url(token),
        lifetime_hours=lifetime,
    )


def queue_summary(outcome):
    account, structure = outcome.account, outcome.structure
    queue_email(
        account.email,
        "signup_summary",
        _l("Your sign-up: summary"),
        locale=account.locale,
        account=account,
        structure=structure,
        kind=identifier_type(structure.identifier_type),
        attachment=outcome.kind == "attachment_requested",
        lifetime_hours=current_app.config["ACTIVATION_TOKEN_HOURS"],
    )


def queue_account_exists_notice(account):
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    queue_email(
        account.email,
        "account_exists",
        _l("Someone tried to create an account with your address"),
        locale=account.locale,
        account=account,
        sign_in_url=base + url_for("account.sign_in"),
        reset_url=base + url_for("account.forgot_password"),  # asks the address, then e-mails a link
    )
