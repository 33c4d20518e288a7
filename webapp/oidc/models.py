"""Tables of the OpenID Connect provider. Secrets a client or a browser presents (client secret,
authorization code, access and refresh tokens) are stored as SHA-256 digests only: they are random
values of 256+ bits, so a fast digest suffices and a database leak does not hand them out."""
import hashlib
import hmac
import json

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from webapp.models import Account, BaseModel, QueuedDelivery, utcnow


def digest(value):
    return hashlib.sha256((value or "").encode("utf-8")).hexdigest()


class OAuthClient(BaseModel):
    """A relying party registered by the operator (`flask oidc add-client`)."""

    client_id = CharField(max_length=64, unique=True)
    name = CharField(max_length=200)
    secret_hash = CharField(max_length=64, null=True)  # None: a public client (PKCE, no secret)
    redirect_uris = TextField()  # JSON list, matched exactly
    post_logout_redirect_uris = TextField(default="[]")  # JSON list, matched exactly
    webhook_url = CharField(max_length=2000, default="")
    webhook_secret = CharField(max_length=64, default="")  # signs the webhooks: kept in clear
    created_at = DateTimeField(default=utcnow)

    # --- authlib.oauth2.rfc6749.ClientMixin ---
    @property
    def is_public(self):
        return self.secret_hash is None

    @property
    def client_metadata(self):
        return {"post_logout_redirect_uris": self.logout_uris}

    @property
    def redirect_uri_list(self):
        return json.loads(self.redirect_uris)

    @property
    def logout_uris(self):
        return json.loads(self.post_logout_redirect_uris or "[]")

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None  # OpenID Connect requires redirect_uri in every authorization request

    def get_allowed_scope(self, scope):
        from webapp.oidc.server import SCOPES

        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uri_list

    def check_client_secret(self, client_secret):
        return self.secret_hash is not None and hmac.compare_digest(self.secret_hash, digest(client_secret))

    def check_endpoint_auth_method(self, method, endpoint):
        if endpoint == "token":
            return method == "none" if self.is_public else method in ("client_secret_basic", "client_secret_post")
        # revocation and introspection: confidential clients only
        return not self.is_public and method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type in ("authorization_code", "refresh_token")


class AuthorizationCode(BaseModel):
    code_hash = CharField(max_length=64, unique=True)
    client = ForeignKeyField(OAuthClient, on_delete="CASCADE")
    account = ForeignKeyField(Account, on_delete="CASCADE")
    redirect_uri = CharField(max_length=2000)
    scope = CharField(max_length=200)
    nonce = CharField(max_length=255, null=True, index=True)
    code_challenge = CharField(max_length=128, null=True)
    code_challenge_method = CharField(max_length=10, null=True)
    auth_time = IntegerField()
    grant_id = CharField(max_length=32, index=True)  # shared by every token issued from this code
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)  # single use: a conditional UPDATE takes it

    # --- authlib AuthorizationCodeMixin ---
    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return None


class IssuedToken(BaseModel):
    """An access token or a refresh token (`kind`). A refresh token is rotated at each use: the old one
    is revoked, and presenting it again revokes every token of its grant."""

    ACCESS, REFRESH = "access", "refresh"

    kind = CharField(max_length=8)
    token_hash = CharField(max_length=64, unique=True)
    client = ForeignKeyField(OAuthClient, on_delete="CASCADE")
    account = ForeignKeyField(Account, on_delete="CASCADE")
    scope = CharField(max_length=200)
    grant_id = CharField(max_length=32, index=True)
    issued_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    revoked_at = DateTimeField(null=True)

    @property
    def is_refresh_token(self):
        return self.kind == self.REFRESH

    # --- authlib TokenMixin ---
    def check_client(self, client):
        return self.client_id == client.id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return max(0, int((self.expires_at - self.issued_at).total_seconds()))

    def is_expired(self):
        return self.expires_at <= utcnow()

    def is_revoked(self):
        return self.revoked_at is not None

    def get_user(self):
        return self.account

    def get_client(self):
        return self.client


class Consent(BaseModel):
    """What an account let a client receive, remembered until revoked in "Authorised applications"."""

    account = ForeignKeyField(Account, on_delete="CASCADE")
    client = ForeignKeyField(OAuthClient, on_delete="CASCADE")
    scope = CharField(max_length=200)
    granted_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("account", "client"), True),)


class Subject(BaseModel):
    """The `sub` of an account: random, never reused (SQLite may reuse a deleted row's id)."""

    account = ForeignKeyField(Account, unique=True, on_delete="CASCADE")
    sub = CharField(max_length=64, unique=True)


class SigningKey(BaseModel):
    """RS256 keys signing ID tokens. The newest unretired key signs; a retired key stays published
    in the JWKS until every ID token it signed has expired."""

    kid = CharField(max_length=64, unique=True)
    private_pem = TextField()
    created_at = DateTimeField(default=utcnow)
    retired_at = DateTimeField(null=True)


class WebhookDelivery(QueuedDelivery):
    """One event for one client's webhook, written in the transaction of the change it reports and
    delivered like an e-mail of the outbox (the columns of QueuedDelivery: webapp/mail/leases.py)."""

    client = ForeignKeyField(OAuthClient, on_delete="CASCADE")
    event_id = CharField(max_length=64)
    event_type = CharField(max_length=40)
    body = TextField()


OIDC_MODELS = [
    OAuthClient, AuthorizationCode, IssuedToken, Consent, Subject, SigningKey, WebhookDelivery,
]
