"""The outbox for operators: the administrators' page of e-mails that failed for good (never dropped,
retried on demand) and the `flask outbox` commands (deliver once, work in a loop, status)."""
import signal
import time

import click
from flask import Blueprint, current_app, flash, redirect, url_for
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from webapp.auth import login_required
from webapp.mail.outbox import _database_connection, deliver_outbox
from webapp.models import OutboxMessage, utcnow
from webapp.oidc.webhooks import deliver_webhooks
from webapp.web.rendering import render
from webapp.structures.manage.admin_views import admin_required

bp = Blueprint("outbox_admin", __name__)


def outbox_counts():
    with _database_connection():
        return {
            "pending": OutboxMessage.select()
            .where(OutboxMessage.sent_at.is_null() & OutboxMessage.failed_at.is_null())
            .count(),
            "sent": OutboxMessage.select().where(OutboxMessage.sent_at.is_null(False)).count(),
            "failed": OutboxMessage.select().where(OutboxMessage.failed_at.is_null(False)).count(),
        }


def failed_messages(limit=200):
    return list(
        OutboxMessage.select().where(OutboxMessage.failed_at.is_null(False))
        .order_by(OutboxMessage.failed_at.desc()).limit(limit)
    )


def retry_failed(message_id):
    """Give a failed e-mail a new series of attempts; False if it was not failed (any more)."""
    return OutboxMessage.update(failed_at=None, attempts=0, next_attempt_at=utcnow()).where(
        (OutboxMessage.id == message_id) & OutboxMessage.failed_at.is_null(False)
    ).execute() == 1


@bp.get("/administration/courriels")
@login_required
def failed_emails():
    admin_required()
    return render("outbox_admin/failed.html", counts=outbox_counts(), messages=failed_messages(),
                  form=FlaskForm())


@bp.post("/administration/courriels/<int:message_id>/renvoyer")
@login_required
def retry(message_id):
    admin_required()
    if FlaskForm().validate() and retry_failed(message_id):
        flash(_("The e-mail will be sent again with the next delivery."), "success")
    return redirect(url_for("outbox_admin.failed_emails"), code=303)


outbox_cli = AppGroup("outbox", help="Deliver and inspect the e-mail outbox.")


@outbox_cli.command("deliver", help="Deliver the due e-mails once (run it from cron as a safety net).")
@click.option("--limit", default=50, show_default=True, help="At most this many e-mails.")
def deliver_command(limit):
    click.echo(str(deliver_outbox(limit)))
    click.echo(f"webhooks: {deliver_webhooks(limit)}")


@outbox_cli.command("work", help="Deliver the outbox in a loop, for operators who prefer a separate process.")
@click.option("--limit", default=50, show_default=True, help="At most this many e-mails per pass.")
@click.option("--interval", type=float, default=None, help="Seconds between passes [OUTBOX_WORKER_INTERVAL].")
@click.option("--passes", type=int, default=0, help="Stop after this many passes (0: until SIGTERM).")
def work_command(limit, interval, passes):
    interval = interval if interval is not None else current_app.config["OUTBOX_WORKER_INTERVAL"]
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    done = 0
    while not stopping:
        report = deliver_outbox(limit)
        hooks = deliver_webhooks(limit)
        done += 1
        if report.sent or report.retried or report.failed:
            click.echo(str(report))
        if hooks.sent or hooks.retried or hooks.failed:
            click.echo(f"webhooks: {hooks}")
        if passes and done >= passes:
            break
        if report.sent + report.retried + report.failed < limit:  # a full batch: go on at once
            time.sleep(interval)


@outbox_cli.command("status", help="Count pending, sent and failed e-mails.")
def status_command():
    counts = outbox_counts()
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))
