"""Webhooks: written in the transaction of the change they report, signed, delivered to a real HTTP
server on loopback that fails first, retried with back-off, never lost."""
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from factories import activation_page, make_account, submit

from webapp.account.personal_data import delete_account
from webapp.extensions import db
from webapp.models import Account, AttachmentRequest, Membership, Role, Structure, utcnow
from webapp.oidc.models import WebhookDelivery
from webapp.oidc.webhooks import deliver_webhooks
from webapp.structures.manage.attachments import approve_attachment
from webapp.structures.manage.roles import change_role, detach_member


class Receiver:
    """An HTTP server on 127.0.0.1 that answers 500 to the first `failures` requests, then 204."""

    def __init__(self, failures=1):
        self.failures, self.requests = failures, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                receiver.requests.append((dict(self.headers), body))
                self.send_response(500 if len(receiver.requests) <= receiver.failures else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(runner, rp):
    server = Receiver()
    result = runner.invoke(args=["oidc", "set-webhook", rp["client_id"], server.url])
    server.secret = json.loads(result.output.strip().splitlines()[-1])["webhook_secret"]
    yield server
    server.close()


def verify(secret, headers, body, tolerance=300):
    """What a receiving platform does: recompute the HMAC over "t.body", refuse an old timestamp."""
    fields = dict(part.split("=", 1) for part in headers["Portal-Signature"].split(","))
    assert abs(time.time() - int(fields["t"])) <= tolerance
    expected = hmac.new(secret.encode(), f"{fields['t']}.{body}".encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def events(app):
    with app.test_request_context(), db.connection_context():
        return [json.loads(d.body) for d in WebhookDelivery.select().order_by(WebhookDelivery.id)]


def structure_and_bob(app):
    bob = make_account(app, "bob@example.fr", first_name="Bob", last_name="Durand", locale="fr", secret_answer="rex")
    with app.test_request_context(), db.connection_context():
        structure = Structure.get(Structure.identifier == "90110001600012")
        request = AttachmentRequest.create(account=bob, structure=structure)
        return structure.id, bob, request.id


def test_structure_events_become_webhooks_in_their_transaction(app, person, receiver):
    structure_id, bob_id, request_id = structure_and_bob(app)
    with app.test_request_context(), db.connection_context():
        alice, structure = Account.get_by_id(person), Structure.get_by_id(structure_id)
        with db.atomic() as transaction:  # a change rolled back leaves no event behind
            approve_attachment(structure, request_id, alice)
            transaction.rollback()
        assert WebhookDelivery.select().count() == 0
        approve_attachment(structure, request_id, alice)
        membership = Membership.get(Membership.account == bob_id)
        change_role(structure, alice, Membership.get(Membership.account == person), membership, Role.SECONDARY_MANAGER)
        detach_member(structure, alice, Membership.get(Membership.account == person), Membership.get_by_id(membership.id))
        delete_account(Account.get_by_id(bob_id))
    sent = events(app)
    assert [e["type"] for e in sent] == ["member.attached", "member.role_changed", "member.detached", "account.deleted"]
    bob_sub = sent[0]["data"]["member"]["sub"]
    assert sent[0]["data"] == {"structure": {"identifier_type": "SIRET", "identifier": "90110001600012",
                                             "name": "ATELIERS DU LAMPADAIRE BLEU"},
                               "member": {"sub": bob_sub, "role": "user"}}
    assert sent[1]["data"]["member"] == {"sub": bob_sub, "role": "secondary_manager"}
    assert sent[2]["data"]["member"] == {"sub": bob_sub, "role": None}
    assert sent[3]["data"] == {"sub": bob_sub}
    assert len({e["id"] for e in sent}) == 4


def test_delivery_fails_then_succeeds_with_a_valid_signature(app, person, receiver):
    structure_id, bob_id, request_id = structure_and_bob(app)
    with app.test_request_context(), db.connection_context():
        approve_attachment(Structure.get_by_id(structure_id), request_id, Account.get_by_id(person))
        first = deliver_webhooks()
        assert (first.sent, first.retried) == (0, 1)
        row = WebhookDelivery.get()
        assert row.attempts == 1 and "500" in row.last_error and row.sent_at is None
        assert 25 <= (row.next_attempt_at - utcnow()).total_seconds() <= 31  # back-off: 30 s
        assert deliver_webhooks().sent == 0  # not due yet
        WebhookDelivery.update(next_attempt_at=utcnow()).execute()  # thirty seconds later
        assert deliver_webhooks().sent == 1
        assert WebhookDelivery.get().sent_at is not None
    assert len(receiver.requests) == 2
    headers, body = receiver.requests[-1]
    assert headers["Content-Type"] == "application/json" and headers["Portal-Event-Type"] == "member.attached"
    assert verify(receiver.secret, headers, body) and json.loads(body)["id"] == headers["Portal-Event-Id"]
    assert not verify("another-secret", headers, body)
    assert not verify(receiver.secret, headers, body.replace("user", "principal_manager"))


def test_outbox_command_delivers_webhooks_and_failures_are_kept(app, runner, person, receiver):
    structure_id, bob_id, request_id = structure_and_bob(app)
    receiver.failures = 100
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    with app.test_request_context(), db.connection_context():
        approve_attachment(Structure.get_by_id(structure_id), request_id, Account.get_by_id(person))
    assert "webhooks: sent: 0, retried later: 1" in runner.invoke(args=["outbox", "deliver"]).output
    with app.test_request_context(), db.connection_context():
        WebhookDelivery.update(next_attempt_at=utcnow()).execute()
    assert "failed: 1" in runner.invoke(args=["oidc", "deliver-webhooks"]).output
    with app.test_request_context(), db.connection_context():
        assert WebhookDelivery.get().failed_at is not None  # kept, not dropped
    receiver.failures = 0
    assert "1 webhook(s)" in runner.invoke(args=["oidc", "retry-webhooks"]).output
    assert "sent: 1" in runner.invoke(args=["outbox", "deliver"]).output.splitlines()[-1]


def test_a_new_structure_is_announced(app, client, rp, receiver, outbox):
    assert submit(client).status_code == 303
    assert events(app) == []  # a held sign-up creates nothing until its link is opened
    [link] = [m for m in outbox() if m.kind == "activation_link"]
    activation_page(client, link)  # opening the e-mailed link creates the account and the structure
    [event] = events(app)
    assert event["type"] == "structure.created" and event["data"]["member"]["role"] == "principal_manager"
    assert event["data"]["structure"]["identifier_type"] == "SIRET"


def test_no_webhook_no_row(app, person, rp):
    structure_id, bob_id, request_id = structure_and_bob(app)
    with app.test_request_context(), db.connection_context():
        approve_attachment(Structure.get_by_id(structure_id), request_id, Account.get_by_id(person))
        assert WebhookDelivery.select().count() == 0
