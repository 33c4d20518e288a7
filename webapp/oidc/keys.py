"""The keys that sign ID tokens (RS256, 2048 bits), kept in the database, never in the repository.

The first key is made on first use; `flask --app wsgi oidc rotate-keys` makes a new one and retires
the others, which stay in the JWKS until the ID tokens they signed have expired (OIDC_ID_TOKEN_SECONDS,
plus a minute for clocks), so a relying party can still check a token issued just before rotation.
"""
import secrets
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from joserfc.jwk import KeySet, RSAKey

from webapp.extensions import db
from webapp.models import utcnow
from webapp.oidc.models import SigningKey

ALGORITHM = "RS256"
CLOCK_LEEWAY = timedelta(seconds=60)


@lru_cache(maxsize=16)
def _load(kid, private_pem):
    return RSAKey.import_key(private_pem, parameters={"kid": kid, "use": "sig", "alg": ALGORITHM})


def _create():
    key = RSAKey.generate_key(2048, private=True)
    kid = secrets.token_urlsafe(12)
    return SigningKey.create(kid=kid, private_pem=key.as_pem(private=True).decode("ascii"))


def signing_key():
    """(kid, joserfc RSAKey) of the key that signs now; made on first use."""
    row = SigningKey.select().where(SigningKey.retired_at.is_null()).order_by(SigningKey.id.desc()).first()
    if row is None:
        with db.atomic():
            row = _create()
    return row.kid, _load(row.kid, row.private_pem)


def _kept_since():
    return utcnow() - timedelta(seconds=current_app.config["OIDC_ID_TOKEN_SECONDS"]) - CLOCK_LEEWAY


def published_keys():
    rows = SigningKey.select().where(
        SigningKey.retired_at.is_null() | (SigningKey.retired_at > _kept_since())
    ).order_by(SigningKey.id.desc())
    return [_load(row.kid, row.private_pem) for row in rows]


def jwks():
    """The public JWK Set: every published key, private parts left out."""
    return KeySet(published_keys()).as_dict(private=False)


def rotate_keys():
    """Retire the signing keys, make a new one, drop retired keys no token can need. Returns the new kid."""
    now = utcnow()
    with db.atomic():
        SigningKey.update(retired_at=now).where(SigningKey.retired_at.is_null()).execute()
        SigningKey.delete().where(SigningKey.retired_at <= _kept_since()).execute()
        return _create().kid
