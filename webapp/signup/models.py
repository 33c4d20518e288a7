"""A submitted sign-up, held until the owner of the mailbox opens its link (see service.py)."""
from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from webapp.models import Account, BaseModel, utcnow


class HeldSignup(BaseModel):
    """What the form held, nothing more: no account, structure or request exists before the link is opened.

    Several may exist for one address (two people, or one person signing up twice): each has its own
    link, and none is touched by the others.
    """

    email = CharField(max_length=254, index=True)  # the login address, lower-cased
    locale = CharField(max_length=5, default="fr")
    payload = TextField()  # JSON: personal values, identifier type, identifier, structure values
    created_at = DateTimeField(default=utcnow, index=True)
    answered_at = DateTimeField(null=True)  # when the mailbox was last written to about it
    token_hash = CharField(max_length=64, null=True, unique=True)  # SHA-256 of its link's token
    expires_at = DateTimeField(null=True)  # of the link
    confirmed_at = DateTimeField(null=True)  # the link was opened: the account exists
    account = ForeignKeyField(Account, null=True, on_delete="SET NULL")


SIGNUP_MODELS = [HeldSignup]
