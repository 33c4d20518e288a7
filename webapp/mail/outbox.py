"""E-mails: composed from templates into the outbox inside the caller's transaction, delivered after commit
by whoever OUTBOX_DELIVERY names (delivery.py: a background thread of the web process by default).

A message is never lost: a message the server refused stays in the outbox with a later `next_attempt_at`,
and after OUTBOX_MAX_ATTEMPTS such failures it is marked failed (kept for inspection). A server that does
not answer at all charges no message: they all stay due, and the next pass tries the server again. Delivery is at-least-once: a
process that dies between the SMTP "250 OK" and the UPDATE will see the message sent again once its
claim expires.
"""
import logging
import re
import smtplib
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale

from webapp.mail import leases
from webapp.mail.delivery import wake_delivery
from webapp.extensions import db
from webapp.i18n import links_in_language
from webapp.web.request_log import RedactAddresses
from webapp.mail.message import compose, sender_parts, smtp_address
from webapp.models import OutboxMessage, utcnow  # noqa: F401  (tests move the outbox clock through it)

log = logging.getLogger(__name__)
log.addFilter(RedactAddresses())  # lines name a message by id and kind, never its recipient

CLAIM_SECONDS = leases.CLAIM_SECONDS  # a claimed message is hidden from other senders this long


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: bool = False  # the server did not answer: nothing was charged, everything stays due
    waiting: int = 0  # messages left due because the server did not answer

    def __str__(self):
        text = f"sent: {self.sent}, retried later: {self.retried}, failed: {self.failed}"
        return text + (f", server unreachable, waiting: {self.waiting}" if self.unreachable else "")


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
    context = links_in_language(context, locale)  # its links open the portal in the e-mail's language
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




# The claim and back-off rules are shared with the webhooks (leases.py); these names stay for callers.
def retry_delay(failures):
    return leases.retry_delay(failures)


def claim(message):
    return leases.claim(OutboxMessage, message)


def due_messages(limit):
    return list(leases.due(OutboxMessage).limit(limit))


def claim_due_messages(limit):
    """The due messages this process now holds (leased for CLAIM_SECONDS), each held by one process."""
    return leases.claim_due(OutboxMessage, limit)


def open_smtp():
    """An SMTP connection built from the current config at send time, with a socket timeout.

    Flask-Mail's own Connection snapshots the config at init_app, has no timeout and is suppressed
    when TESTING; the MIME document comes from message.compose (internationalised addresses).
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
    leases.mark_sent(OutboxMessage, message, attempted)


def record_failure(message, error, report):
    if leases.record_failure(OutboxMessage, message, error, current_app.config["OUTBOX_MAX_ATTEMPTS"]):
        report.failed += 1
        log.error("E-mail %s (%s) failed for good: %s", message.id, message.kind, error)
    else:
        report.retried += 1
        log.warning("E-mail %s (%s) will be retried: %s", message.id, message.kind, error)


def deliver_outbox(limit=50):
    """One pass over the due messages. Run it outside any transaction (each UPDATE commits)."""
    report = DeliveryReport()
    smtp_configured = bool(current_app.config.get("MAIL_SERVER"))
    smtp = None
    with leases.connection():
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
                        # The server is unreachable: not these messages' fault. They stay due, uncharged.
                        release(claimed[index:])
                        report.unreachable, report.waiting = True, len(claimed) - index
                        log.warning("SMTP server unreachable, %s e-mail(s) wait: %s", report.waiting, error)
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
    leases.release(OutboxMessage, messages)


def _close_quietly(smtp):
    if smtp is not None:
        try:
            smtp.quit()
        except Exception:
            smtp.close()


def deliver_after_commit(limit=20):
    """What a view calls once its transaction committed. Never raises, never waits on SMTP (unless
    OUTBOX_DELIVERY is "inline", the tests' mode): the background thread is woken, or a separate
    `flask outbox work` process sends. Returns the report of an inline delivery, else None."""
    mode = current_app.config["OUTBOX_DELIVERY"]
    if mode != "inline":
        if mode == "background":
            wake_delivery()
        return None
    try:
        if db.in_transaction():
            log.error("deliver_after_commit() called inside a transaction; the outbox waits")
            return None
        return deliver_outbox(limit)
    except Exception:
        log.exception("Outbox delivery failed; the e-mails stay queued")
        return None
