"""OUTBOX_DELIVERY=background: the web process sends and retries the outbox on its own thread.

The real deployment is tested for real: gunicorn with two workers and nothing else, an SMTP server on
loopback that is down when the e-mails are queued and comes back later.
"""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from factories import SmtpServer, free_port

from webapp import create_app
from webapp.extensions import db
from webapp.mail.outbox import deliver_after_commit, queue_email
from webapp.models import OutboxMessage

ROOT = Path(__file__).resolve().parent.parent


def queue(app, n, prefix="Notice"):
    with app.app_context(), db.connection_context(), db.atomic():
        for i in range(n):
            queue_email(f"user{i}@example.org", "account_exists", f"{prefix} {i}", locale="en",
                        sign_in_url="http://x/s", reset_url="http://x/r")


def wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_emails_queued_while_smtp_is_down_leave_when_it_returns_with_only_gunicorn_running(app_config):
    url = app_config["DATABASE_URL"]
    port, web_port = free_port(), free_port()
    app = create_app(dict(app_config, OUTBOX_DELIVERY="worker"))  # this test process sends nothing
    queue(app, 12)
    env = dict(os.environ, PORTAL_ENV="development", DATABASE_URL=url, MAIL_SERVER="127.0.0.1",
               MAIL_PORT=str(port), MAIL_TIMEOUT_SECONDS="2", SIRENE_DEMO="0", OUTBOX_DELIVERY="background",
               OUTBOX_WORKER_INTERVAL="0.3", DEV_MAILBOX="0", GUNICORN_WORKERS="2",
               GUNICORN_BIND=f"127.0.0.1:{web_port}")
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    server = None
    try:
        assert wait_for(lambda: _listening(web_port), 30), "gunicorn did not start"
        time.sleep(2)  # both workers' threads try the server, which is down: nothing is charged
        with app.app_context(), db.connection_context():
            rows = list(OutboxMessage.select())
            assert all(m.sent_at is None and m.failed_at is None and m.attempts == 0 for m in rows)
        server = SmtpServer(port).start()
        returned = time.monotonic()
        assert wait_for(lambda: len(server.messages) >= 12, 120), f"{len(server.messages)} of 12 arrived"
        assert time.monotonic() - returned < 120
        time.sleep(1)  # a duplicate would arrive now
        assert sorted(m["Subject"] for m in server.messages) == sorted(f"Notice {i}" for i in range(12))
        with app.app_context(), db.connection_context():
            assert OutboxMessage.select().where(OutboxMessage.sent_at.is_null()).count() == 0
    finally:
        web.send_signal(signal.SIGTERM)
        _out, err = web.communicate(timeout=30)
        if server is not None:
            server.stop()
    assert b"Traceback" not in err, err.decode()[-3000:]


def _listening(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def background_app(app_config):
    app = create_app(dict(app_config, OUTBOX_DELIVERY="background", OUTBOX_WORKER_INTERVAL=30))
    yield app
    delivery = app.extensions["outbox_delivery"]
    delivery.stop()
    assert not delivery.thread or not delivery.thread.is_alive()


def test_a_view_wakes_the_thread_and_never_sends_itself(background_app):
    server = SmtpServer().start()
    try:
        server.configure(background_app)
        delivery = background_app.extensions["outbox_delivery"]
        background_app.test_client().get("/")  # the first request starts the thread, which passes once
        assert wait_for(lambda: delivery.passes >= 1, 10)
        queue(background_app, 1, prefix="Woken")
        with background_app.test_request_context():
            assert deliver_after_commit() is None  # woken, not delivered here
        # OUTBOX_WORKER_INTERVAL is 30 s: only the wake-up explains an e-mail within seconds.
        assert wait_for(lambda: len(server.messages) == 1, 10)
        assert server.messages[0]["Subject"] == "Woken 0"
    finally:
        server.stop()


def test_a_silent_smtp_server_holds_the_thread_not_the_request(background_app):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts connections and never says hello
    try:
        background_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=silent.getsockname()[1],
                                     MAIL_TIMEOUT_SECONDS=5)
        queue(background_app, 1)
        with background_app.test_request_context():
            started = time.monotonic()
            deliver_after_commit()
            assert time.monotonic() - started < 1  # the thread waits on the server, the request does not
        delivery = background_app.extensions["outbox_delivery"]
        assert wait_for(lambda: delivery.passes >= 1, 15)  # the pass timed out after 5 s, uncharged
        with background_app.app_context(), db.connection_context():
            message = OutboxMessage.get()
            assert message.sent_at is None and message.attempts == 0
    finally:
        silent.close()
