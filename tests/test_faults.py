"""Faults: SMTP down (refusing or silent) during a burst of sign-ups, a worker killed in the middle of
creating an account from a sign-up's link, or after a sign-up's answer, a register that times out."""
import json
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from factories import SmtpServer, confirm, free_port, open_page, signup_data, submit

from webapp.extensions import db
from webapp.mail.outbox import deliver_outbox
from webapp.models import Account, AttachmentRequest, Membership, OutboxMessage, Structure, utcnow
from webapp.signup.models import HeldSignup

ROOT = Path(__file__).resolve().parent.parent


def table_counts(app):
    with app.app_context(), db.connection_context():
        return {model.__name__: model.select().count()
                for model in (Account, Structure, Membership, AttachmentRequest, OutboxMessage)}


def burst(app, n):
    codes = []
    for i in range(n):
        email = f"burst{i}@example.fr"
        codes.append(submit(app.test_client(), login_email=email, login_email_confirm=email).status_code)
    return codes


def deliver_with_workers(app, workers=3):
    """Several delivery passes at once, as several gunicorn workers or `outbox work` processes would."""
    def work():
        with app.app_context():
            deliver_outbox()
    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)


@pytest.mark.parametrize("failure", ["refused", "silent"])
def test_smtp_down_during_a_burst_then_back_delivers_every_email_once(app, failure):
    port = free_port()
    silent = None
    if failure == "silent":  # accepts the connection, never says hello: the client times out
        silent = socket.socket()
        silent.bind(("127.0.0.1", port))
        silent.listen(50)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT_SECONDS=1)
    started = time.monotonic()
    assert burst(app, 6) == [303] * 6  # every sign-up succeeds for the user
    assert time.monotonic() - started < 6 * (1 + 2)  # a silent server costs one timeout, not a hang
    with app.app_context(), db.connection_context():
        pending = list(OutboxMessage.select())
        assert pending and all(m.sent_at is None and m.failed_at is None for m in pending)
        # The first retry comes within a minute: a short outage costs users a minute, not an hour.
        assert all((m.next_attempt_at - utcnow()).total_seconds() <= 60 for m in pending)
    if silent is not None:
        silent.close()
    server = SmtpServer(port).start()
    try:
        with app.app_context(), db.connection_context():
            OutboxMessage.update(next_attempt_at=utcnow()).execute()  # the minute has passed
        deliver_with_workers(app)
        deliver_with_workers(app)
        with app.app_context(), db.connection_context():
            rows = list(OutboxMessage.select())
        assert all(m.sent_at is not None for m in rows)
        assert sorted(m["To"] + m["Subject"] for m in server.messages) == sorted(m.recipient + m.subject for m in rows)
    finally:
        server.stop()


KILLER = textwrap.dedent("""
    import os, signal, sys
    sys.path[:0] = [{root!r}, {tests!r}]
    from factories import latest_link, submit
    import webapp.signup.{module} as module
    from webapp import create_app

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    module.{function} = die
    app = create_app(json.loads(sys.argv[1]))
    client = app.test_client()
    {steps}
""")


def kill_during(app_config, module, function, steps):
    script = "import json\n" + KILLER.format(root=str(ROOT), tests=str(ROOT / "tests"), module=module,
                                             function=function, steps=steps)
    done = subprocess.run([sys.executable, "-c", script, json.dumps(dict(app_config))], cwd=ROOT, timeout=120,
                          capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]


def test_worker_killed_while_a_link_creates_the_account_leaves_nothing_half_created(app, app_config):
    client = app.test_client()
    assert submit(client).status_code == 303
    before = table_counts(app)
    # After the account, structure and membership rows, before the commit.
    kill_during(app_config, "confirmation", "new_activation_token", "client.get(latest_link(app))")
    assert table_counts(app) == before
    assert confirm(app, client).status_code == 303  # the same link still works
    after = table_counts(app)
    assert (after["Account"], after["Structure"], after["Membership"]) == (1, 1, 1)


def test_worker_killed_after_the_answer_left_the_sign_up_gets_its_link_on_asking_again(app, app_config):
    # The answer reached the browser; the worker dies while writing the e-mails, before the commit.
    kill_during(app_config, "service", "queue_signup_link", "submit(client)")
    [held] = list_rows(app, HeldSignup)
    assert held.answered_at is None and table_counts(app)["OutboxMessage"] == 0
    asking = app.test_client()
    token, _ = open_page(asking)
    asking.post("/inscription/nouveau-lien", data={"email": "alice@example.fr", "csrf_token": token}).close()
    assert confirm(app, asking).status_code == 303
    assert table_counts(app)["Account"] == 1


def test_failing_email_rolls_the_answer_back_and_asking_again_works(app, monkeypatch):
    import webapp.signup.service as service

    def broken(*args, **kwargs):
        raise RuntimeError("template error")

    with monkeypatch.context() as patch:
        patch.setattr(service, "queue_signup_link", broken)
        assert submit(app.test_client()).status_code == 303  # the answer had left: the error is logged
    [held] = list_rows(app, HeldSignup)
    assert held.answered_at is None and table_counts(app)["OutboxMessage"] == 0  # no summary alone
    client = app.test_client()
    token, _ = open_page(client)
    client.post("/inscription/nouveau-lien", data={"email": "alice@example.fr", "csrf_token": token}).close()
    assert [m.kind for m in list_rows(app, OutboxMessage)] == ["signup_summary", "activation_link"]


def list_rows(app, model):
    with app.app_context(), db.connection_context():
        return list(model.select())


class SlowRegister(BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(3)
        self.send_response(500)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_register():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowRegister)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_register_timing_out_says_unavailable_and_lets_the_user_type(app, slow_register):
    app.config.update(SIRENE_PROVIDER="insee", INSEE_API_URL=slow_register, INSEE_API_KEY="k",
                      SIRENE_TIMEOUT_SECONDS=0.5, SIRENE_CACHE_SIZE=0)
    client = app.test_client()
    token, captcha_id = open_page(client)
    started = time.monotonic()
    fragment = client.post("/inscription/identifiant", headers={"HX-Request": "true", "X-CSRFToken": token},
                           data={"identifier_type": "SIRET", "identifier": "90110001600012"})
    assert time.monotonic() - started < 2.5
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "cannot be reached right now" in body
    assert 'name="company_name"' in body  # the structure fields, to type by hand
    data = signup_data(company_name="TYPED BY HAND SARL")
    response = client.post("/inscription", data=dict(data, csrf_token=token, captcha_id=captcha_id))
    response.close()
    assert response.status_code == 303
    confirm(app, client)
    with app.app_context(), db.connection_context():
        assert Structure.get().company_name == "TYPED BY HAND SARL"
