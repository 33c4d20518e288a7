"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), collecting what it receives.

Reuse it from another test file with a plain import (tests/ is on sys.path under pytest's default
"prepend" import mode):

    from smtp_fixtures import smtp_server  # noqa: F401  (a pytest fixture)

    def test_something(app, smtp_server):
        smtp_server.configure(app)          # MAIL_SERVER / MAIL_PORT point at it
        ...                                 # queue + deliver
        [email] = smtp_server.messages      # email.message.EmailMessage objects
"""
import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller


def free_port():
    """A TCP port nobody listens on right now (connecting to it is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CollectingHandler:
    def __init__(self):
        self.messages = []  # email.message.EmailMessage, in order of arrival
        self.envelopes = []  # (mail_from, [rcpt_tos])

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if envelope.smtp_utf8:  # headers in raw UTF-8 (RFC 6532)
            parsed = email.message_from_string(envelope.original_content.decode("utf-8"), policy=policy.default)
        else:
            parsed = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"


class SmtpServer:
    """Start/stop an aiosmtpd Controller on a given (or free) port on 127.0.0.1; `smtputf8=True` makes it
    offer SMTPUTF8 (internationalised addresses, RFC 6531); `handler` replaces the collecting one."""

    host = "127.0.0.1"

    def __init__(self, port=None, smtputf8=False, handler=None):
        self.port = port or free_port()
        self.handler = handler or CollectingHandler()
        self.smtputf8 = smtputf8
        self.controller = None

    @property
    def messages(self):
        return self.handler.messages

    @property
    def envelopes(self):
        return self.handler.envelopes

    def start(self):
        self.controller = Controller(self.handler, hostname=self.host, port=self.port,
                                     enable_SMTPUTF8=self.smtputf8)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def configure(self, app):
        app.config.update(MAIL_SERVER=self.host, MAIL_PORT=self.port, MAIL_USE_TLS=False,
                          MAIL_USE_SSL=False, MAIL_USERNAME=None, MAIL_PASSWORD=None)
        return self


@pytest.fixture
def smtp_server():
    """A running SMTP server; `.configure(app)` points the app at it, `.messages` holds what arrived."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtputf8_server():
    """Like smtp_server, offering SMTPUTF8."""
    server = SmtpServer(smtputf8=True).start()
    yield server
    server.stop()
