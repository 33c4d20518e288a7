"""E-mails: composed from templates into the outbox inside the caller's transaction, delivered after commit.

A message is never lost: a failed delivery stays in the outbox with a later `next_attempt_at`, and after
OUTBOX_MAX_ATTEMPTS failures it is marked failed (kept for inspection). Delivery is at-least-once: a
process that dies between the SMTP "250 OK" and the UPDATE will see the message sent again once its
claim expires.
"""
import logging
import re
import smtplib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from peewee import PostgresqlDatabase

from .extensions import db
from .logging_setup import RedactAddresses
from .mail_message import compose, sender_parts, smtp_address
from .models import OutboxMessage, utcnow

log = logging.getLogger(__name__)
log.addFilter(RedactAddresses())  # lines name a message by id and kind, never its recipient

# A claimed message is hidden from other senders this long; longer than any SMTP timeout.
CLAIM_SECONDS = 300
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __str__(self):
        return f"sent: {self.sent}, retried later: {self.retried}, failed: {self.failed}"


def _one_line(text):
    # A header never spans lines: a newline in a subject or address would be header injection.
    return " ".join(str(text).split())


def _tidy_text(text):
    # Jinja block tags leave runs of blank lines in the text version.
    return re.sub(r"\n{3,}", "\n\n", text.strip()) + "\n"


def queue_email(recipient, template, subject, locale="fr", **context):
    """Write one e-mail to the outbox. Call it inside the caller's `db.atomic()`; it never sends."""
    recipient = _one_line(recipient)
    if not recipient or " " in recipient:
        raise ValueError(f"invalid recipient {recipient!r}")
    with force_locale(locale):
        body_text = render_template(f"emails/{template}.txt", **context)
        body_html = render_template(f"emails/{template}.html", **context)
        subject = _one_line(subject)  # a lazy string is translated here, in the recipient's language
    return OutboxMessage.create(
        recipient=recipient,
        subject=subject[:255],
        body_text=_tidy_text(body_text),
        body_html=body_html,
        kind=template,
    )


@contextmanager
def _database_connection():
    # Reuse the request's connection; open (and close) one only when there is none, e.g. in the CLI.
    if db.is_closed():
        with db.connection_context():
            yield
    else:
        yield


def retry_delay(failures):
    """30 s after the first failure, then doubling: 1 min, 2 min, ... at most one hour."""
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** (failures - 1), MAX_RETRY_SECONDS))


def claim(message):
    """Take the message for this process; False when another process took (or sent) it first."""
    lease_until = utcnow() + timedelta(seconds=CLAIM_SECONDS)
    taken = (
        OutboxMessage.update(next_attempt_at=lease_until)
        .where(
            (OutboxMessage.id == message.id)
            & OutboxMessage.sent_at.is_null()
            & OutboxMessage.failed_at.is_null()
            & (OutboxMessage.next_attempt_at == message.next_attempt_at)
        )
        .execute()
    )
    if taken == 1:
        message.next_attempt_at = lease_until
    return taken == 1


def _due():
    return (
        OutboxMessage.select()
        .where(
            OutboxMessage.sent_at.is_null()
            & OutboxMessage.failed_at.is_null()
            & (OutboxMessage.next_attempt_at <= utcnow())
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    )


def due_messages(limit):
    return list(_due().limit(limit))


def claim_due_messages(limit):
    """The due messages this process now holds (leased for CLAIM_SECONDS), each held by one process.

    PostgreSQL: one SELECT ... FOR UPDATE SKIP LOCKED, so concurrent workers take disjoint batches
    without waiting on each other. SQLite (one writer at a time anyway): a conditional UPDATE per row.
    """
    if not isinstance(db.obj, PostgresqlDatabase):
        return [message for message in due_messages(limit) if claim(message)]
    lease_until = utcnow() + timedelta(seconds=CLAIM_SECONDS)
    with db.atomic():
        batch = list(_due().limit(limit).for_update(skip_locked=True))
        if batch:
            OutboxMessage.update(next_attempt_at=lease_until).where(
                OutboxMessage.id.in_([m.id for m in batch])
            ).execute()
    for message in batch:
        message.next_attempt_at = lease_until
    return batch


def open_smtp():
    """An SMTP connection built from the current config at send time, with a socket timeout.

    Flask-Mail's own Connection snapshots the config at init_app, has no timeout and is suppressed
    when TESTING; the MIME document comes from mail_message.compose (internationalised addresses).
    """
    cfg = current_app.config
    smtp_class = smtplib.SMTP_SSL if cfg.get("MAIL_USE_SSL") else smtplib.SMTP
    smtp = smtp_class(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT_SECONDS"])
    try:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME") and cfg.get("MAIL_PASSWORD"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_over_smtp(smtp, message):
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    mime = compose(message.subject, message.body_text, message.body_html, sender, message.recipient)
    # send_message adds SMTPUTF8 (and a UTF-8 rendering) when an address is still not ASCII.
    smtp.send_message(mime, from_addr=sender_parts(sender)[1], to_addrs=[smtp_address(message.recipient)])


def mark_sent(message, attempted=True):
    values = {OutboxMessage.sent_at: utcnow(), OutboxMessage.last_error: ""}
    if attempted:
        values[OutboxMessage.attempts] = OutboxMessage.attempts + 1
    OutboxMessage.update(values).where(OutboxMessage.id == message.id).execute()


def record_failure(message, error, report):
    failures = message.attempts + 1
    values = {
        OutboxMessage.attempts: failures,
        OutboxMessage.last_error: f"{type(error).__name__}: {error}"[:2000],
    }
    now = utcnow()
    if failures >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        values[OutboxMessage.failed_at] = now
        report.failed += 1
        log.error("E-mail %s (%s) failed for good: %s", message.id, message.kind, error)
    else:
        values[OutboxMessage.next_attempt_at] = now + retry_delay(failures)
        report.retried += 1
        log.warning("E-mail %s (%s) will be retried: %s", message.id, message.kind, error)
    OutboxMessage.update(values).where(OutboxMessage.id == message.id).execute()


def deliver_outbox(limit=50):
    """One pass over the due messages. Run it outside any transaction (each UPDATE commits)."""
    report = DeliveryReport()
    smtp_configured = bool(current_app.config.get("MAIL_SERVER"))
    smtp = None
    with _database_connection():
        try:
            claimed = claim_due_messages(limit)
            for index, message in enumerate(claimed):
                if not smtp_configured:
                    mark_sent(message, attempted=False)  # it stays readable in the dev mailbox
                    report.sent += 1
                    continue
                if smtp is None:
                    try:
                        smtp = open_smtp()
                    except Exception as error:
                        # The server is unreachable: the rest waits for the next pass.
                        record_failure(message, error, report)
                        release(claimed[index + 1:])
                        break
                try:
                    send_over_smtp(smtp, message)
                except Exception as error:
                    record_failure(message, error, report)
                    smtp = _close_quietly(smtp)  # the session may be unusable after an error
                else:
                    mark_sent(message)
                    report.sent += 1
        finally:
            _close_quietly(smtp)
    return report


def release(messages):
    """Hand claimed messages back untouched (due again now) for the next pass of any worker."""
    for message in messages:
        OutboxMessage.update(next_attempt_at=utcnow()).where(
            (OutboxMessage.id == message.id) & (OutboxMessage.next_attempt_at == message.next_attempt_at)
        ).execute()


def _close_quietly(smtp):
    if smtp is not None:
        try:
            smtp.quit()
        except Exception:
            smtp.close()
    return None


def deliver_after_commit(limit=20):
    """What a view calls once its transaction committed. Never raises: the e-mails stay queued."""
    try:
        if db.in_transaction():
            log.error("deliver_after_commit() called inside a transaction; the outbox waits")
            return None
        return deliver_outbox(limit)
    except Exception:
        log.exception("Outbox delivery failed; the e-mails stay queued")
        return None


def __getattr__(name):
    # The CLI lives with the administrators' page (outbox_admin.py); `from .mail import outbox_cli` still works.
    if name == "outbox_cli":
        from .outbox_admin import outbox_cli

        return outbox_cli
    raise AttributeError(name)
