"""The administrators' page of e-mails that failed for good (never dropped, retried on demand)."""
from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from webapp.auth import admin_required, login_required
from webapp.mail import leases
from webapp.models import OutboxMessage, utcnow
from webapp.web.rendering import render

bp = Blueprint("outbox_admin", __name__)


def outbox_counts():
    with leases.connection():
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
