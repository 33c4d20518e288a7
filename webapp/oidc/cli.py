"""`flask --app wsgi oidc ...`: the operator registers relying parties, their webhooks, and rotates keys.
Commands that create a secret print one JSON object on their last line, for scripts."""
import json

import click
from flask.cli import AppGroup

from webapp.oidc.clients import ClientError, add_client, describe, remove_client, set_webhook
from webapp.oidc.keys import rotate_keys
from webapp.oidc.models import OAuthClient

oidc_cli = AppGroup("oidc", help="The OpenID Connect provider: clients, webhooks, signing keys.")


def fail(error):
    raise click.ClickException(str(error))


@oidc_cli.command("add-client", help="Register a relying party; prints its client_id and client_secret (JSON).")
@click.argument("name")
@click.option("--redirect-uri", "redirect_uris", multiple=True, required=True,
              help="A redirect URI, matched exactly (repeat for several).")
@click.option("--post-logout-redirect-uri", "logout_uris", multiple=True,
              help="Where RP-initiated logout may return, matched exactly (repeat for several).")
@click.option("--public", is_flag=True, help="A public client (browser or mobile app): no secret, PKCE S256 required.")
def add_client_command(name, redirect_uris, logout_uris, public):
    try:
        client, secret = add_client(name, redirect_uris, public=public, logout_uris=logout_uris)
    except ClientError as error:
        fail(error)
    click.echo(f"Client {client.name!r} registered. The secret is shown only now; the portal keeps a hash.")
    click.echo(json.dumps({"client_id": client.client_id, "client_secret": secret}))


@oidc_cli.command("list-clients", help="The registered relying parties, one JSON object per line.")
def list_clients_command():
    for client in OAuthClient.select().order_by(OAuthClient.id):
        click.echo(json.dumps(describe(client), ensure_ascii=False))


@oidc_cli.command("remove-client", help="Remove a relying party with its tokens, consents and pending webhooks.")
@click.argument("client_id")
def remove_client_command(client_id):
    try:
        client = remove_client(client_id)
    except ClientError as error:
        fail(error)
    click.echo(f"Client {client.name!r} ({client.client_id}) removed.")


@oidc_cli.command("set-webhook", help="Send structure events to URL, signed with a new secret (printed, JSON). "
                                      "An empty URL turns the webhook off.")
@click.argument("client_id")
@click.argument("url")
def set_webhook_command(client_id, url):
    try:
        secret = set_webhook(client_id, url)
    except ClientError as error:
        fail(error)
    click.echo(json.dumps({"client_id": client_id, "webhook_url": url.strip() or None,
                           "webhook_secret": secret or None}))


@oidc_cli.command("rotate-keys", help="Sign ID tokens with a new key; the old one stays published until its tokens expire.")
def rotate_keys_command():
    click.echo(f"New signing key {rotate_keys()}; the previous ones stay in the JWKS until their ID tokens expire.")


@oidc_cli.command("deliver-webhooks", help="Deliver the due webhooks once (`flask outbox deliver` does it too).")
@click.option("--limit", default=50, show_default=True)
def deliver_webhooks_command(limit):
    from webapp.oidc.webhooks import deliver_webhooks

    click.echo(str(deliver_webhooks(limit)))


@oidc_cli.command("retry-webhooks", help="Give the webhooks that failed for good a new series of attempts.")
def retry_webhooks_command():
    from webapp.oidc.webhooks import retry_failed_webhooks

    click.echo(f"{retry_failed_webhooks()} webhook(s) will be delivered again.")
