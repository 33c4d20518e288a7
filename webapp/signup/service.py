"""Sign-up: the form is held, the mailbox is written to, and its owner's click creates the account.

The rule, for every address (unknown, awaiting activation, or of an active account):

1. Submitting stores a HeldSignup and nothing else: no account, structure or attachment request, so
   no identifier check, directory search or manager's list can tell anything from it. The answer is
   the same page whatever the address, and the address is looked up only after the answer has left
   (after_response.py): its time says nothing either.
2. The mailbox then gets, in its owner's language, either the summary and a link (no active account
   uses the address) or a notice that an account exists (it does). Only the owner of the mailbox
   reads the difference.
3. Opening the link (confirmation.py) creates the account and the structure, or the attachment
   request if the structure exists by then. An account that was never activated and uses the same
   address is replaced then, not before: a second sign-up with someone's address leaves their
   earlier one untouched, and the owner of the mailbox decides which link to open.
"""
import json
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from webapp.extensions import db
from webapp.structures.identifiers import assign_identifier, identifier_type
from webapp.structures.lifecycle import unclaimed
from webapp.mail.outbox import queue_email
from webapp.models import Account, Structure, utcnow
from webapp.credentials import hours, token_digest
from webapp.signup.models import HeldSignup
from webapp.account.activation import queue_activation_link
from webapp.account.service import can_resend_activation, find_account, issued_recently
from webapp.web.urls import external_url

# A held sign-up is deleted this long after it was submitted, whether its link was opened or not.
HELD_DAYS = 7
# At most this many held sign-ups of one address get a new link on one "send the link again".
RESEND_AT_MOST = 3


def hold_signup(personal, type_code, identifier, structure_values, locale="fr"):
    """Store the submitted form; the same work whatever the address. The caller validated everything."""
    if not identifier_type(type_code).takes_identifier:
        identifier = assign_identifier(type_code)  # shown in the summary; kept if still free on confirmation
    payload = {"personal": personal, "type": type_code, "identifier": identifier, "structure": structure_values}
    with db.atomic():
        HeldSignup.delete().where(HeldSignup.created_at < utcnow() - timedelta(days=HELD_DAYS)).execute()
        return HeldSignup.create(email=personal["email"], locale=locale, payload=json.dumps(payload))


def answer_signup(held_id):
    """Write to the mailbox about a held sign-up: a notice if an active account uses the address, else
    the summary and a new link (any earlier link of this sign-up stops working). Returns what was sent."""
    with db.atomic():
        held = HeldSignup.get_or_none(HeldSignup.id == held_id)
        if held is None or held.confirmed_at is not None:
            return None
        owner = Account.get_or_none((Account.email == held.email) & (Account.is_active == True))  # noqa: E712
        held.answered_at = utcnow()
        if owner is not None:
            held.token_hash = held.expires_at = None
            held.save()
            queue_account_exists_notice(owner)
            return "account_exists"
        token = secrets.token_urlsafe(32)
        lifetime = current_app.config["ACTIVATION_TOKEN_HOURS"]
        held.token_hash, held.expires_at = token_digest(token), utcnow() + hours(lifetime)
        held.save()
        structure, attachment = structure_preview(held)
        queue_summary(held, structure, attachment)
        queue_signup_link(held, token, attachment)
        return "link"


def resend_links(email):
    """"Send the link again": the held sign-ups of the address not answered within
    RESEND_INTERVAL_SECONDS get a new answer, and an account awaiting activation a new link (the same
    throttle, in the database: a new session does not reset it)."""
    email = (email or "").strip().lower()[:254]
    if not email:
        return
    now = utcnow()
    recent = now - timedelta(seconds=current_app.config["RESEND_INTERVAL_SECONDS"])
    held_ids = [
        held.id
        for held in HeldSignup.select(HeldSignup.id)
        .where(
            (HeldSignup.email == email)
            & HeldSignup.confirmed_at.is_null()
            & (HeldSignup.created_at > now - timedelta(days=HELD_DAYS))
            & (HeldSignup.answered_at.is_null() | (HeldSignup.answered_at < recent))
        )
        .order_by(HeldSignup.created_at.desc())
        .limit(RESEND_AT_MOST)
    ]
    for held_id in held_ids:
        answer_signup(held_id)
    # account.views imports this module: importing account.service at the top would be a cycle.

    with db.atomic():
        account = find_account(email)
        if can_resend_activation(account) and not issued_recently(account, "activation"):
            queue_activation_link(account)


def payload_of(held):
    return json.loads(held.payload)


def structure_preview(held):
    """(structure, attachment): the structure as it stands now, or as it would be created (unsaved). One
    that only never-activated accounts hold is taken over when the link is opened: no attachment then."""
    payload = payload_of(held)
    existing = Structure.by_identifier(payload["type"], payload["identifier"])
    if existing is not None:
        return existing, not unclaimed(existing)
    return Structure(identifier_type=payload["type"], identifier=payload["identifier"], **payload["structure"]), False


def queue_signup_link(held, token, attachment):
    """The link of a held sign-up; its page creates the account (confirmation.py)."""
    queue_email(
        held.email,
        "activation_link",
        _l("Confirm your attachment request") if attachment else _l("Activate your account"),
        locale=held.locale,
        account=Account(**payload_of(held)["personal"]),
        activation_url=external_url("signup.open_link", token=token),
        lifetime_hours=current_app.config["ACTIVATION_TOKEN_HOURS"],
        signup=True,
        attachment=attachment,
    )


def queue_summary(held, structure, attachment):
    queue_email(
        held.email,
        "signup_summary",
        _l("Your sign-up: summary"),
        locale=held.locale,
        account=Account(**payload_of(held)["personal"]),
        structure=structure,
        kind=identifier_type(structure.identifier_type),
        attachment=attachment,
        lifetime_hours=current_app.config["ACTIVATION_TOKEN_HOURS"],
    )


def queue_account_exists_notice(account):
    queue_email(
        account.email,
        "account_exists",
        _l("Someone tried to create an account with your address"),
        locale=account.locale,
        account=account,
        sign_in_url=external_url("account.sign_in"),
        reset_url=external_url("account.forgot_password"),  # asks the address, then e-mails a link
    )
