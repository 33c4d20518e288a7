"""flask attachments remind; flask admin grant|revoke EMAIL."""
import click
from flask import current_app
from flask.cli import AppGroup

from webapp.extensions import db
from webapp.mail.outbox import deliver_outbox
from webapp.models import Account
from webapp.structures.manage.attachments import remind_managers

attachments_cli = AppGroup("attachments", help="Attachment requests.")
admin_cli = AppGroup("admin", help="Portal administrators.")


@attachments_cli.command("remind", help="E-mail the managers of structures with requests waiting too long.")
def remind_command():
    # A request context so that url_for() builds the links of the e-mails.
    with current_app.test_request_context("/"), db.connection_context():
        sent = remind_managers()
    click.echo(f"reminders queued: {sent}")
    click.echo(str(deliver_outbox()))


def _set_admin(email, value):
    email = email.strip().lower()
    with db.connection_context():
        changed = Account.update(is_admin=value).where(Account.email == email).execute()
    if not changed:
        raise click.ClickException(f"no account uses the address {email}")
    click.echo(f"{email} is {'now' if value else 'no longer'} a portal administrator")


@admin_cli.command("grant", help="Make the account with this login address a portal administrator.")
@click.argument("email")
def grant_command(email):
    _set_admin(email, True)


@admin_cli.command("revoke", help="Take the portal administrator role away from this account.")
@click.argument("email")
def revoke_command(email):
    _set_admin(email, False)
