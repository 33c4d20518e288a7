"""Registering relying parties: what `flask oidc add-client` and friends do. No `request` here."""
import json
import re
import secrets
from urllib.parse import urlsplit

from flask import current_app

from webapp.extensions import db
from webapp.oidc.models import OAuthClient, digest

PRIVATE_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+$")  # e.g. org.example.app:/callback
FORBIDDEN = re.compile(r"[\s\"',;\\<>]")  # would break a CSP source list or an HTML attribute


class ClientError(ValueError):
    """A registration the operator must correct; str(error) says how."""


def check_redirect_uri(uri):
    parts = urlsplit(uri)
    if FORBIDDEN.search(uri) or parts.fragment or "#" in uri:
        raise ClientError(f"{uri}: no spaces, quotes, commas, semicolons or fragment (#) in a redirect URI")
    if parts.scheme == "https" and parts.netloc:
        return uri
    if parts.scheme == "http" and parts.netloc:
        production = current_app.config["PORTAL_ENV"] == "production"
        if not production or parts.hostname in ("localhost", "127.0.0.1", "::1"):
            return uri
        raise ClientError(f"{uri}: use https (plain http is for loopback addresses only)")
    if PRIVATE_SCHEME.match(parts.scheme) and parts.path:
        return uri
    raise ClientError(f"{uri}: give an absolute https URI (or http on loopback, or an app's reverse-DNS scheme)")


def add_client(name, redirect_uris, public=False, logout_uris=()):
    """Returns (client, secret); the secret (None for a public client) is shown once, stored hashed."""
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise ClientError("give the client a name of 1 to 200 characters")
    if not redirect_uris:
        raise ClientError("give at least one --redirect-uri")
    uris = [check_redirect_uri(uri) for uri in redirect_uris]
    logout = [check_redirect_uri(uri) for uri in logout_uris]
    secret = None if public else secrets.token_urlsafe(32)
    with db.atomic():
        client = OAuthClient.create(
            client_id=secrets.token_urlsafe(16), name=name, secret_hash=None if public else digest(secret),
            redirect_uris=json.dumps(uris), post_logout_redirect_uris=json.dumps(logout),
        )
    return client, secret


def find_client(client_id):
    client = OAuthClient.get_or_none(OAuthClient.client_id == client_id)
    if client is None:
        raise ClientError(f"no client has the id {client_id!r} (see `flask oidc list-clients`)")
    return client


def remove_client(client_id):
    """The client, its codes, tokens, consents and pending webhooks go (foreign keys cascade)."""
    client = find_client(client_id)
    with db.atomic():
        OAuthClient.delete().where(OAuthClient.id == client.id).execute()
    return client


def set_webhook(client_id, url):
    """Point the client's webhook at `url` with a new secret (returned); an empty url turns it off."""
    client = find_client(client_id)
    url = (url or "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or FORBIDDEN.search(url):
            raise ClientError(f"{url}: give an absolute http(s) URL")
    secret = secrets.token_urlsafe(32) if url else ""
    OAuthClient.update(webhook_url=url, webhook_secret=secret).where(OAuthClient.id == client.id).execute()
    return secret


def describe(client):
    return {
        "client_id": client.client_id, "name": client.name, "public": client.is_public,
        "redirect_uris": client.redirect_uri_list, "post_logout_redirect_uris": client.logout_uris,
        "webhook_url": client.webhook_url or None, "created_at": client.created_at.isoformat(timespec="seconds"),
    }
