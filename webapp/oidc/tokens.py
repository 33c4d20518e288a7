"""Issuing, finding, spending and revoking codes and tokens. Every "use once" is a conditional UPDATE
(... WHERE used_at/revoked_at IS NULL): of two requests presenting the same code or refresh token at
the same moment, exactly one wins, and the loser's attempt counts as a reuse."""
import re
import secrets
from datetime import timedelta

from flask import current_app, session

from webapp.extensions import db
from webapp.models import Account, utcnow
from webapp.oidc.models import AuthorizationCode, IssuedToken, OAuthClient, digest

AUTH_TIME_KEY = "oidc_auth_time"  # when this browser's session signed in (set by views.note_auth_time)
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def query_client(client_id):
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        return None  # never send a NUL byte or a megabyte to the database
    return OAuthClient.get_or_none(OAuthClient.client_id == client_id)


def save_authorization_code(code, request):
    data = request.payload.data
    AuthorizationCode.create(
        code_hash=digest(code), client=request.client.id, account=request.user.id,
        redirect_uri=request.payload.redirect_uri, scope=request.scope or "",
        nonce=data.get("nonce") or None, code_challenge=data.get("code_challenge") or None,
        code_challenge_method=data.get("code_challenge_method") or None,
        auth_time=int(session.get(AUTH_TIME_KEY) or 0) or int(utcnow().timestamp()),
        grant_id=secrets.token_hex(16),
        expires_at=utcnow() + timedelta(seconds=current_app.config["OIDC_CODE_SECONDS"]),
    )


def revoke_grant(grant_id):
    """Every token issued from one authorization (its refresh chain included) stops working."""
    IssuedToken.update(revoked_at=utcnow()).where(
        (IssuedToken.grant_id == grant_id) & IssuedToken.revoked_at.is_null()
    ).execute()


def spend_code(code, client):
    """The code's row if it is this client's, unexpired and not used before; a second use revokes
    the tokens the first one obtained (RFC 6749 §4.1.2)."""
    row = AuthorizationCode.get_or_none(
        (AuthorizationCode.code_hash == digest(code)) & (AuthorizationCode.client == client.id)
    )
    if row is None:
        return None
    taken = AuthorizationCode.update(used_at=utcnow()).where(
        (AuthorizationCode.id == row.id) & AuthorizationCode.used_at.is_null()
    ).execute()
    if taken != 1:
        revoke_grant(row.grant_id)
        return None
    return row if row.expires_at > utcnow() else None


def spend_refresh_token(value, client):
    """The refresh token's row, now spent (rotation); presenting a spent one revokes its whole grant."""
    row = find_token(value)
    if row is None or not row.is_refresh_token or client is None or not row.check_client(client) or row.is_expired():
        return None
    taken = IssuedToken.update(revoked_at=utcnow()).where(
        (IssuedToken.id == row.id) & IssuedToken.revoked_at.is_null()
    ).execute()
    if taken != 1:
        revoke_grant(row.grant_id)
        return None
    return row


def active_account(account_id):
    return Account.get_or_none((Account.id == account_id) & (Account.is_active == True))  # noqa: E712  (peewee expression)


def save_token(token, request):
    source = request.authorization_code or request.refresh_token
    now = utcnow()
    common = {"client": request.client.id, "account": request.user.id, "scope": token.get("scope") or "",
              "grant_id": source.grant_id, "issued_at": now}
    with db.atomic():
        IssuedToken.create(
            kind=IssuedToken.ACCESS, token_hash=digest(token["access_token"]),
            expires_at=now + timedelta(seconds=token["expires_in"]), **common,
        )
        if token.get("refresh_token"):
            days = current_app.config["OIDC_REFRESH_TOKEN_DAYS"]
            IssuedToken.create(kind=IssuedToken.REFRESH, token_hash=digest(token["refresh_token"]),
                               expires_at=now + timedelta(days=days), **common)


def find_token(value, hint=None):
    """An access or refresh token by its value (RFC 7009/7662: the hint is only a hint; hashes are unique)."""
    if not isinstance(value, str) or not value:
        return None
    return IssuedToken.get_or_none(IssuedToken.token_hash == digest(value))


def revoke_token(row):
    if row.is_refresh_token:
        revoke_grant(row.grant_id)  # RFC 7009 §2.1: the access tokens of the same grant go too
    else:
        IssuedToken.update(revoked_at=utcnow()).where(
            (IssuedToken.id == row.id) & IssuedToken.revoked_at.is_null()
        ).execute()


def revoke_client_for_account(account, client):
    """"Authorised applications": forgetting the consent also ends every token of that client."""
    IssuedToken.update(revoked_at=utcnow()).where(
        (IssuedToken.account == account.id) & (IssuedToken.client == client.id) & IssuedToken.revoked_at.is_null()
    ).execute()
