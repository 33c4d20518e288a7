"""The portal's own tables (the register's tables live in webapp/register/), the queries other modules
share as model methods, and the signals features send about structures and accounts.

Signals (blinker, as Flask's own): sent inside the transaction that made the change, so a receiver's
writes (the OIDC webhooks of webapp/oidc/platform_events.py) are committed with it or not at all. They
let the core announce changes without importing the features that listen.
"""
from datetime import datetime, timezone

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from blinker import Namespace

from webapp.extensions import db

_signals = Namespace()
structure_event_recorded = _signals.signal("structure-event-recorded")  # sender: the StructureEvent
structure_created = _signals.signal("structure-created")  # sender: the Structure; account=its first manager
structure_deleted = _signals.signal("structure-deleted")  # sender: the Structure, before its rows go
account_deleted = _signals.signal("account-deleted")  # sender: the Account, before its rows go


def utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class Account(BaseModel):
    email = CharField(max_length=254, unique=True)  # login address, stored lower-cased
    first_name = CharField(max_length=100)
    last_name = CharField(max_length=100)
    phone = CharField(max_length=32, default="")
    contact_email = CharField(max_length=254)
    survey_consent = BooleanField(default=False)
    terms_accepted_at = DateTimeField()
    password_hash = CharField(max_length=255, null=True)
    secret_question = CharField(max_length=40, null=True)
    secret_answer_hash = CharField(max_length=255, null=True)
    is_active = BooleanField(default=False)
    is_admin = BooleanField(default=False)
    # No longer read: sessions are SignInSession rows now. Kept because existing tables have the column.
    session_version = IntegerField(default=1)
    totp_secret = CharField(max_length=64, null=True)  # authenticator app, once confirmed
    totp_last_step = IntegerField(null=True)  # last accepted TOTP time step: a code works once
    email_codes_enabled = BooleanField(default=False)  # opted in to e-mailed codes (TWO_FACTOR optional)
    locale = CharField(max_length=5, default="fr")
    created_at = DateTimeField(default=utcnow)
    activated_at = DateTimeField(null=True)
    # Satisfaction surveys (survey_consent): when consent was last given (ticked at sign-up, or given
    # on "My account") and last withdrawn. Added after the first release: database.add_missing_columns.
    survey_consent_at = DateTimeField(null=True)
    survey_withdrawn_at = DateTimeField(null=True)
    # Set at activation: the first sign-in then lands on the "your account is created" page, once.
    # Existing rows get the default (False) from database.add_missing_columns: no welcome for them.
    welcome_pending = BooleanField(default=False)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


class Structure(BaseModel):
    identifier_type = CharField(max_length=32)
    identifier = CharField(max_length=40)
    company_name = CharField(max_length=200, default="")
    label = CharField(max_length=200, default="")
    email = CharField(max_length=254, default="")
    phone = CharField(max_length=32, default="")
    address_line = CharField(max_length=200, default="")
    address_complement_1 = CharField(max_length=200, default="")
    address_complement_2 = CharField(max_length=200, default="")
    postcode = CharField(max_length=20, default="")
    city = CharField(max_length=100, default="")
    country = CharField(max_length=2, default="FR")
    structure_type = CharField(max_length=32, default="")
    person_last_name = CharField(max_length=100, default="")
    person_first_name = CharField(max_length=100, default="")
    non_diffusible = BooleanField(default=False)
    feature_payment_requests = BooleanField(default=True)
    feature_dume = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("identifier_type", "identifier"), True),)

    @classmethod
    def by_identifier(cls, type_code, identifier):
        """The structure declared with this identifier (the unique index), or None."""
        if not identifier:
            return None
        return cls.get_or_none((cls.identifier_type == type_code) & (cls.identifier == identifier))

    @property
    def name_for_outsiders(self):
        """What someone who is not a member is told it is called: a non-diffusible structure is never
        named to them (it is not in the directory either), only its identifier, which they typed."""
        return self.identifier if self.non_diffusible else self.public_name

    @property
    def public_name(self):
        """The name anyone may see: never the person's name of a private person."""
        if self.identifier_type == "PARTICULIER":
            return self.label or self.identifier
        return self.label or self.company_name or self.identifier


class Role:
    PRINCIPAL_MANAGER = "principal_manager"
    SECONDARY_MANAGER = "secondary_manager"
    USER = "user"
    MANAGERS = (PRINCIPAL_MANAGER, SECONDARY_MANAGER)


class Membership(BaseModel):
    account = ForeignKeyField(Account, backref="memberships", on_delete="CASCADE")
    structure = ForeignKeyField(Structure, backref="memberships", on_delete="CASCADE")
    role = CharField(max_length=32, default=Role.USER)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("account", "structure"), True),)

    @classmethod
    def of(cls, account, structure):
        """The account's membership of the structure, or None."""
        return cls.get_or_none((cls.account == account) & (cls.structure == structure))


class AttachmentStatus:
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class AttachmentRequest(BaseModel):
    account = ForeignKeyField(Account, backref="attachment_requests", on_delete="CASCADE")
    structure = ForeignKeyField(Structure, backref="attachment_requests", on_delete="CASCADE")
    status = CharField(max_length=16, default=AttachmentStatus.PENDING, index=True)
    created_at = DateTimeField(default=utcnow)
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(Account, null=True, on_delete="SET NULL")
    reason = TextField(default="")
    reminded_at = DateTimeField(null=True)  # last reminder e-mailed to the managers

    @classmethod
    def pending_of(cls, account, structure):
        return cls.get_or_none(
            (cls.account == account) & (cls.structure == structure) & (cls.status == AttachmentStatus.PENDING)
        )

    @classmethod
    def pending_counts_for(cls, account):
        """{structure id: pending requests} for every structure `account` manages."""
        managed = Membership.select(Membership.structure).where(
            (Membership.account == account) & (Membership.role.in_(Role.MANAGERS))
        )
        counts = {row.structure_id: 0 for row in managed}
        if counts:
            query = cls.select(cls.structure).where(
                cls.structure.in_(list(counts)) & (cls.status == AttachmentStatus.PENDING)
            )
            for row in query:
                counts[row.structure_id] += 1
        return counts


class StructureEvent(BaseModel):
    """What happened to a structure, who did it and when: kept even when accounts are deleted."""

    structure = ForeignKeyField(Structure, backref="events", on_delete="CASCADE")
    actor = ForeignKeyField(Account, null=True, on_delete="SET NULL")
    actor_email = CharField(max_length=254, default="")
    action = CharField(max_length=40)  # attachment_approved, attachment_refused, role_changed ...
    subject_email = CharField(max_length=254, default="")
    detail = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    @classmethod
    def record(cls, structure, actor, action, subject_email="", detail=""):
        """The one writer of the journal; listeners (webhooks) hear of it in the same transaction."""
        event = cls.create(
            structure=structure, actor=actor, actor_email=actor.email if actor else "", action=action,
            subject_email=subject_email, detail=detail[:2000],
        )
        structure_event_recorded.send(event)
        return event


class Invitation(BaseModel):
    """A manager's invitation to join a structure; only the SHA-256 of the link's token is stored."""

    structure = ForeignKeyField(Structure, backref="invitations", on_delete="CASCADE")
    email = CharField(max_length=254)
    invited_by = ForeignKeyField(Account, null=True, on_delete="SET NULL")
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    accepted_at = DateTimeField(null=True)
    accepted_by = ForeignKeyField(Account, null=True, on_delete="SET NULL")


class StructureWorkspace(BaseModel):
    """A workspace a structure offers to its users (chosen by its managers)."""

    structure = ForeignKeyField(Structure, backref="workspaces", on_delete="CASCADE")
    code = CharField(max_length=40)
    offered = BooleanField(default=True)

    class Meta:
        indexes = ((("structure", "code"), True),)


class OpenedWorkspace(BaseModel):
    """A workspace a member opened for themself."""

    membership = ForeignKeyField(Membership, backref="opened_workspaces", on_delete="CASCADE")
    code = CharField(max_length=40)
    opened_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("membership", "code"), True),)


class SignInCode(BaseModel):
    """Second sign-in step: a 6-digit code sent by e-mail, stored hashed, single-use."""

    account = ForeignKeyField(Account, backref="sign_in_codes", on_delete="CASCADE")
    code_hash = CharField(max_length=64)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    attempts = IntegerField(default=0)
    used_at = DateTimeField(null=True)


class AccountToken(BaseModel):
    """A single-use link sent by e-mail. Only the SHA-256 of the token is stored."""

    account = ForeignKeyField(Account, backref="tokens", on_delete="CASCADE")
    purpose = CharField(max_length=16)  # "activation" or "reset"
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    attempts = IntegerField(default=0)  # wrong secret answers on a reset link


class SignInSession(BaseModel):
    """A signed-in browser. The signed session cookie carries a random token; only its SHA-256 is here."""

    token_hash = CharField(max_length=64, unique=True)
    account = ForeignKeyField(Account, backref="sign_in_sessions", on_delete="CASCADE")
    user_agent_hash = CharField(max_length=64, default="")
    created_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow)  # refreshed at most once a minute
    revoked_at = DateTimeField(null=True)  # signed out, password changed or reset


class KnownDevice(BaseModel):
    """A browser that completed a sign-in: it skips the address lockout until it expires or is revoked."""

    token_hash = CharField(max_length=64, unique=True)  # SHA-256 of the cookie's random token
    account = ForeignKeyField(Account, backref="known_devices", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()


class CaptchaChallenge(BaseModel):
    public_id = CharField(max_length=43, unique=True)
    answer_hash = CharField(max_length=64)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField(index=True)
    attempts = IntegerField(default=0)
    solved_at = DateTimeField(null=True)  # answered correctly, not yet spent
    spent_at = DateTimeField(null=True)  # consumed by a form submission


class QueuedDelivery(BaseModel):
    """The columns of a row delivered with retries by webapp/mail/leases.py (claimed by moving
    next_attempt_at ahead): the outbox's e-mails and the OIDC webhooks. No table of its own."""

    created_at = DateTimeField(default=utcnow)
    next_attempt_at = DateTimeField(default=utcnow, index=True)
    attempts = IntegerField(default=0)
    last_error = TextField(default="")
    sent_at = DateTimeField(null=True, index=True)
    failed_at = DateTimeField(null=True)


class OutboxMessage(QueuedDelivery):
    recipient = CharField(max_length=254)
    subject = CharField(max_length=255)
    body_text = TextField()
    body_html = TextField(default="")
    kind = CharField(max_length=40, default="")


PORTAL_MODELS = [
    Account,
    Structure,
    Membership,
    AttachmentRequest,
    AccountToken,
    CaptchaChallenge,
    OutboxMessage,
    StructureEvent,
    Invitation,
    StructureWorkspace,
    OpenedWorkspace,
    SignInCode,
    SignInSession,
    KnownDevice,
]
