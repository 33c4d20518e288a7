"""Development mailbox: reads the outbox so a newcomer can click the activation link without SMTP.

It shows every e-mail, activation and reset links included, so it answers only when DEV_MAILBOX is on
(the default in development, refused in production), PORTAL_ENV is exactly "development", and the client
is this machine (a loopback address): anyone else gets a 404, as if it did not exist.
"""
import ipaddress

from flask import Blueprint, abort, current_app, make_response, request

from peewee import fn

from webapp.models import OutboxMessage
from webapp.web.rendering import render

bp = Blueprint("devmail", __name__, url_prefix="/dev/mailbox")

MAX_LISTED = 200
# The HTML of an e-mail is a foreign document: no script, no request to anywhere, only its inline styles.
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def is_loopback(address):
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1 from a dual-stack socket
    return (mapped or ip).is_loopback


@bp.before_request
def only_in_development_from_this_machine():
    cfg = current_app.config
    if cfg["PORTAL_ENV"] != "development" or not cfg.get("DEV_MAILBOX") or not is_loopback(request.remote_addr):
        abort(404)


def message_status(message):
    if message.sent_at:
        return "sent"
    if message.failed_at:
        return "failed"
    return "retrying" if message.attempts else "pending"


@bp.get("/")
def index():
    recipient = request.args.get("to", "").strip().lower()
    query = OutboxMessage.select().order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if recipient:
        query = query.where(fn.LOWER(OutboxMessage.recipient) == recipient)
    messages = [(message, message_status(message)) for message in query.limit(MAX_LISTED)]
    return render("devmail/index.html", messages=messages, recipient=recipient)


def get_message(message_id):
    message = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
    if message is None:
        abort(404)
    return message


@bp.get("/<int:message_id>")
def message(message_id):
    found = get_message(message_id)
    return render("devmail/message.html", message=found, state=message_status(found))


@bp.get("/<int:message_id>/html")
def message_html(message_id):
    found = get_message(message_id)
    if not found.body_html:
        abort(404)
    response = make_response(found.body_html)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["Cache-Control"] = "no-store"
    return response
