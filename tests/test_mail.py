import importlib
from datetime import timedelta

import pytest
from factories import SmtpServer, free_port
from flask_babel import LazyString, force_locale, get_locale, gettext

from webapp.extensions import db
from webapp.mail.cli import outbox_cli
from webapp.mail.outbox import (
    claim,
    deliver_after_commit,
    deliver_outbox,
    queue_email,
)
from webapp.models import OutboxMessage, utcnow

SIGN_IN = "http://portal.test/connexion"
RESET = "http://portal.test/mot-de-passe-oublie"


@pytest.fixture
def ctx(app):
    """An application context with an open database connection, like a view has."""
    with app.app_context(), db.connection_context():
        yield app


def queue_notice(recipient="marie@example.org", locale="fr"):
    with db.atomic():
        return queue_email(recipient, "account_exists", "An account already exists", locale=locale,
                           sign_in_url=SIGN_IN, reset_url=RESET)


def reload(message):
    return OutboxMessage.get_by_id(message.id)


def make_due(message):
    OutboxMessage.update(next_attempt_at=utcnow()).where(OutboxMessage.id == message.id).execute()


def test_queue_writes_a_row_and_sends_nothing(ctx, smtp_server):
    smtp_server.configure(ctx)
    message = queue_notice()
    stored = reload(message)
    assert stored.recipient == "marie@example.org"
    assert stored.kind == "account_exists"
    assert stored.sent_at is None and stored.attempts == 0
    assert SIGN_IN in stored.body_text and RESET in stored.body_text
    assert f'href="{RESET}?lang=fr"' in stored.body_html  # opens in the e-mail's language
    assert ctx.config["PORTAL_NAME"] in stored.body_html
    assert smtp_server.messages == []


def test_queue_is_rolled_back_with_the_callers_transaction(ctx):
    with pytest.raises(RuntimeError):
        with db.atomic():
            queue_notice()
            raise RuntimeError("the sign-up failed after queueing")
    assert OutboxMessage.select().count() == 0


def test_rendering_follows_the_recipients_locale(ctx):
    subject = LazyString(lambda: f"subject in {get_locale()}")
    with db.atomic():
        french = queue_email("a@example.org", "account_exists", subject, locale="fr",
                             sign_in_url=SIGN_IN, reset_url=RESET)
        english = queue_email("b@example.org", "account_exists", subject, locale="en",
                              sign_in_url=SIGN_IN, reset_url=RESET)
    assert french.subject == "subject in fr"
    assert english.subject == "subject in en"
    assert '<html lang="fr">' in french.body_html
    assert '<html lang="en">' in english.body_html
    with force_locale("fr"):
        ignore_fr = gettext("If it was not you, you can ignore this message: nothing has changed on your account.")
    assert ignore_fr in french.body_text
    assert "If it was not you, you can ignore this message" in english.body_text


def test_account_exists_greets_the_account_holder_and_escapes_html(ctx):
    class Holder:
        first_name = "<Zoé>"

    with db.atomic():
        message = queue_email("z@example.org", "account_exists", "Hi", locale="en",
                              account=Holder(), sign_in_url=SIGN_IN, reset_url=RESET)
    assert "Hello <Zoé>," in message.body_text
    assert "Hello &lt;Zoé&gt;," in message.body_html


def test_header_injection_is_refused(ctx):
    with db.atomic():
        message = queue_email("a@example.org", "account_exists", "Hello\r\nBcc: x@evil.test",
                              sign_in_url=SIGN_IN, reset_url=RESET)
        assert message.subject == "Hello Bcc: x@evil.test"
        with pytest.raises(ValueError):
            queue_email("a@example.org\nBcc: x@evil.test", "account_exists", "Hi",
                        sign_in_url=SIGN_IN, reset_url=RESET)


def test_without_mail_server_deliver_marks_delivered_for_the_dev_mailbox(ctx):
    ctx.config["MAIL_SERVER"] = ""
    message = queue_notice()
    report = deliver_outbox()
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    assert reload(message).sent_at is not None
    assert deliver_outbox().sent == 0


def test_smtp_round_trip(ctx, smtp_server):
    smtp_server.configure(ctx)
    ctx.config["MAIL_DEFAULT_SENDER"] = "portail@example.org"
    message = queue_notice("paul@example.org", locale="en")
    report = deliver_outbox()
    assert report.sent == 1
    stored = reload(message)
    assert stored.sent_at is not None and stored.attempts == 1 and stored.last_error == ""

    [received] = smtp_server.messages
    assert smtp_server.envelopes == [("portail@example.org", ["paul@example.org"])]
    assert received["Subject"] == "An account already exists"
    assert received["To"] == "paul@example.org"
    assert received["From"] == "portail@example.org"
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert SIGN_IN in text and RESET in text
    assert f'href="{SIGN_IN}?lang=en"' in html


def test_smtp_down_keeps_the_message_uncharged_then_sends_it_once(ctx):
    port = free_port()  # nobody listens: connection refused
    ctx.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    message = queue_notice()

    report = deliver_outbox()
    assert (report.sent, report.retried, report.failed, report.unreachable, report.waiting) == (0, 0, 0, True, 1)
    assert "server unreachable, waiting: 1" in str(report)
    stored = reload(message)
    assert stored.sent_at is None and stored.failed_at is None
    assert stored.attempts == 0  # a server that does not answer is not the message's fault
    assert stored.next_attempt_at <= utcnow()  # still due: the next pass tries the server again

    server = SmtpServer(port).start()
    try:
        assert deliver_outbox().sent == 1  # the server is back: out on the next pass, no backoff to wait
        assert deliver_outbox().sent == 0
        assert len(server.messages) == 1
    finally:
        server.stop()
    assert reload(message).sent_at is not None


def test_an_unreachable_server_charges_no_message_and_is_tried_once_per_pass(ctx):
    ctx.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), OUTBOX_MAX_ATTEMPTS=2)
    first, second = queue_notice("a@example.org"), queue_notice("b@example.org")
    for _ in range(3):  # more passes than OUTBOX_MAX_ATTEMPTS: nothing is given up
        report = deliver_outbox()
        assert report.unreachable and report.waiting == 2
    assert [reload(m).attempts for m in (first, second)] == [0, 0]
    assert all(reload(m).failed_at is None for m in (first, second))


class RefusingHandler:
    """A server that answers, and refuses every message (a 5xx on DATA): the message's own failure."""

    async def handle_DATA(self, server, session, envelope):
        return "554 Transaction failed: refused for the test"


def test_refused_messages_back_off_then_are_marked_failed_and_kept(ctx):
    server = SmtpServer(handler=RefusingHandler()).start()
    try:
        server.configure(ctx)
        ctx.config.update(OUTBOX_MAX_ATTEMPTS=3)
        message = queue_notice()
        delays = []
        for _ in range(2):
            assert deliver_outbox().retried == 1
            stored = reload(message)
            assert "554" in stored.last_error
            delays.append(stored.next_attempt_at - utcnow())
            make_due(message)
        assert timedelta(0) < delays[0] < delays[1] < timedelta(minutes=2)  # exponential backoff
        assert deliver_outbox().failed == 1
        stored = reload(message)
        assert stored.failed_at is not None and stored.sent_at is None and stored.attempts == 3
        make_due(message)
        assert (deliver_outbox().sent, deliver_outbox().failed) == (0, 0)
        assert OutboxMessage.select().count() == 1
    finally:
        server.stop()


def test_two_claims_of_the_same_message_only_one_wins(ctx):
    message = queue_notice()
    first_process, second_process = reload(message), reload(message)
    assert claim(first_process) is True
    assert claim(second_process) is False
    assert deliver_outbox().sent == 0  # claimed by the first process: hidden from others


def test_deliver_after_commit_never_raises(ctx, monkeypatch, caplog):
    message = queue_notice()

    def broken(limit):
        raise RuntimeError("database went away")

    # by sys.modules: the package attribute `webapp.mail.outbox` may be the Flask-Mail extension
    monkeypatch.setattr(importlib.import_module("webapp.mail.outbox"), "deliver_outbox", broken)
    assert deliver_after_commit() is None
    assert "stay queued" in caplog.text
    assert reload(message).sent_at is None


def test_deliver_after_commit_inside_a_transaction_waits(ctx):
    with db.atomic():
        message = queue_email("a@example.org", "account_exists", "Hi",
                              sign_in_url=SIGN_IN, reset_url=RESET)
        assert deliver_after_commit() is None
    assert reload(message).sent_at is None
    assert deliver_after_commit().sent == 1


def test_cli_deliver_and_status(app, runner):
    with app.app_context(), db.connection_context():
        queue_notice()
    result = runner.invoke(outbox_cli, ["status"])
    assert result.exit_code == 0
    assert "pending: 1, sent: 0, failed: 0" in result.output
    result = runner.invoke(outbox_cli, ["deliver"])
    assert "sent: 1" in result.output
    assert "pending: 0, sent: 1, failed: 0" in runner.invoke(outbox_cli, ["status"]).output
