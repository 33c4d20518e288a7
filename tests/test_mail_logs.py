"""No recipient address in the logs: the outbox names a message by id and kind, and an SMTP error that
quotes the address (a 550 "<jean@...>: rejected") or a traceback has it replaced."""
import logging

import pytest
from factories import SmtpServer

import webapp.mail.outbox as mail
from webapp.extensions import db
from webapp.mail.outbox import deliver_after_commit, deliver_outbox, queue_email
from webapp.web.request_log import redact_addresses

RECIPIENT = "secret.person@example.org"


class RejectingHandler:
    """A server that refuses every recipient, quoting the address back as real servers do."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected: user unknown"


@pytest.fixture
def rejecting_server():
    server = SmtpServer(handler=RejectingHandler()).start()
    yield server
    server.stop()


@pytest.fixture
def ctx(app):
    with app.app_context(), db.connection_context():
        yield app


def queue():
    with db.atomic():
        return queue_email(RECIPIENT, "account_exists", "Un compte", sign_in_url="http://portal.test/connexion",
                           reset_url="http://portal.test/mot-de-passe-oublie")


def test_retry_and_final_failure_lines_name_the_message_not_the_recipient(ctx, rejecting_server, caplog):
    rejecting_server.configure(ctx)
    message = queue()
    caplog.set_level(logging.WARNING, logger="webapp.mail.outbox")
    assert deliver_outbox().retried == 1
    ctx.config["OUTBOX_MAX_ATTEMPTS"] = 2
    mail.OutboxMessage.update(next_attempt_at=mail.utcnow()).execute()
    assert deliver_outbox().failed == 1
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2
    assert lines[0].startswith(f"E-mail {message.id} (account_exists) will be retried")
    assert lines[1].startswith(f"E-mail {message.id} (account_exists) failed for good")
    assert all("550" in line and "<address>" in line for line in lines)  # the reason stays readable
    assert "secret.person" not in caplog.text
    assert RECIPIENT in mail.OutboxMessage.get_by_id(message.id).last_error  # kept for administrators


def test_a_traceback_quoting_an_address_is_redacted(ctx, monkeypatch, caplog):
    def broken(limit):
        raise ValueError(f"cannot deliver to {RECIPIENT}")

    monkeypatch.setattr(mail, "deliver_outbox", broken)
    caplog.set_level(logging.ERROR, logger="webapp.mail.outbox")
    assert deliver_after_commit() is None
    [record] = caplog.records
    assert "ValueError: cannot deliver to <address>" in record.exc_text
    assert "secret.person" not in caplog.text


@pytest.mark.parametrize("text, expected", [
    ("{'jean@exemple.fr': (550, b'5.1.1 <jean@exemple.fr> unknown')}", "{'<address>': (550, b'5.1.1 <<address>> unknown')}"),
    ("to jérôme@exemple-é.fr, then", "to <address>, then"),
    ("no address here", "no address here"),
])
def test_redact_addresses(text, expected):
    assert redact_addresses(text) == expected
