"""Internationalised addresses deliver over real SMTP (aiosmtpd): a non-ASCII domain in its IDNA form to
any server, a non-ASCII local part with SMTPUTF8 when the server offers it (kept queued otherwise)."""
import pytest
from factories import submit

from webapp.extensions import db
from webapp.mail.message import smtp_address
from webapp.mail.outbox import deliver_outbox, queue_email
from webapp.models import OutboxMessage

IDN_DOMAIN = "jean@exemple-é.fr"
IDN_DOMAIN_ASCII = "jean@xn--exemple--i1a.fr"
UTF8_LOCAL = "jérôme@exemple.fr"


@pytest.fixture
def ctx(app):
    with app.app_context(), db.connection_context():
        yield app


def queue(*recipients):
    with db.atomic():
        return [queue_email(r, "account_exists", "Un compte existe déjà", sign_in_url="http://portal.test/connexion",
                            reset_url="http://portal.test/mot-de-passe-oublie") for r in recipients]


def stored(message):
    return OutboxMessage.get_by_id(message.id)


@pytest.mark.parametrize("address, expected", [
    (IDN_DOMAIN, IDN_DOMAIN_ASCII),
    ("Jean@EXEMPLE-É.fr", "Jean@xn--exemple--i1a.fr"),  # UTS 46 maps the domain to lower case
    ("anna@straße.de", "anna@xn--strae-oqa.de"),  # IDNA 2008 keeps ß (IDNA 2003 made it "ss")
    ("marie@example.org", "marie@example.org"),
    (UTF8_LOCAL, UTF8_LOCAL),  # a local part has no ASCII form
])
def test_smtp_address_puts_the_domain_in_ascii(address, expected):
    assert smtp_address(address) == expected


@pytest.mark.parametrize("server_fixture", ["smtp_server", "smtputf8_server"])
def test_an_internationalised_domain_is_delivered_by_any_server(ctx, request, server_fixture):
    server = request.getfixturevalue(server_fixture).configure(ctx)
    [message] = queue(IDN_DOMAIN)
    assert deliver_outbox().sent == 1
    assert server.envelopes == [("no-reply@portal.localhost", [IDN_DOMAIN_ASCII])]
    [received] = server.messages
    assert received["To"] == IDN_DOMAIN_ASCII and received["Subject"] == "Un compte existe déjà"
    assert "http://portal.test/connexion" in received.get_body(("plain",)).get_content()
    assert stored(message).sent_at is not None


def test_a_utf8_local_part_goes_with_smtputf8(ctx, smtputf8_server):
    smtputf8_server.configure(ctx)
    [message] = queue(UTF8_LOCAL)
    assert deliver_outbox().sent == 1
    assert smtputf8_server.envelopes == [("no-reply@portal.localhost", [UTF8_LOCAL])]
    [received] = smtputf8_server.messages
    assert received["To"] == UTF8_LOCAL and received["Subject"] == "Un compte existe déjà"
    assert stored(message).sent_at is not None


def test_without_smtputf8_a_utf8_local_part_waits_and_the_others_go(ctx, smtp_server):
    smtp_server.configure(ctx)
    waiting, plain = queue(UTF8_LOCAL, "marie@example.org")
    report = deliver_outbox()
    assert (report.sent, report.retried) == (1, 1)
    assert [rcpts for _, rcpts in smtp_server.envelopes] == [["marie@example.org"]]
    kept = stored(waiting)
    assert kept.sent_at is None and kept.failed_at is None and "SMTPUTF8" in kept.last_error
    assert stored(plain).sent_at is not None


def test_an_internationalised_sender_travels_in_ascii(ctx, smtp_server):
    smtp_server.configure(ctx)
    ctx.config["MAIL_DEFAULT_SENDER"] = "Portail é-facturation <ne-pas-repondre@portail-é.fr>"
    queue("marie@example.org")
    assert deliver_outbox().sent == 1
    assert smtp_server.envelopes[0][0] == "ne-pas-repondre@xn--portail--i1a.fr"
    sender = smtp_server.messages[0]["From"]
    assert sender.addresses[0].display_name == "Portail é-facturation"
    assert sender.addresses[0].addr_spec == "ne-pas-repondre@xn--portail--i1a.fr"


def test_signing_up_with_an_internationalised_domain_delivers_the_activation_link(app, client, smtp_server):
    smtp_server.configure(app)
    response = submit(client, login_email=IDN_DOMAIN, login_email_confirm=IDN_DOMAIN)
    assert response.status_code == 303
    delivered = sorted({r for _, rcpts in smtp_server.envelopes for r in rcpts})
    assert delivered == [IDN_DOMAIN_ASCII]
    assert len(smtp_server.messages) == 2  # the summary and the activation link
