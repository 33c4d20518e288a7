"""`flask accounts purge-unactivated`: for cron, as a safety net beside the background thread's hourly run."""
import click
from flask import current_app
from flask.cli import AppGroup

from webapp.account.unactivated import purge_unactivated
from webapp.extensions import db
from webapp.mail.outbox import deliver_outbox

accounts_cli = AppGroup("accounts", help="Accounts.")


@accounts_cli.command(
    "purge-unactivated",
    help="Delete the accounts never activated whose activation link has expired (ACTIVATION_TOKEN_HOURS) and "
         "that wait for no manager's decision, with the structures only they hold (cron: hourly).",
)
def purge_unactivated_command():
    # A request context so that the e-mails to people whose request goes with a structure can be written.
    with current_app.test_request_context("/"), db.connection_context():
        accounts, structures = purge_unactivated()
    click.echo(f"never-activated accounts deleted: {accounts}, structures deleted with them: {structures}")
    click.echo(str(deliver_outbox()))
