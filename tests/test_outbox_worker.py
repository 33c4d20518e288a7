"""Outbox with several workers: disjoint claims (SKIP LOCKED on PostgreSQL, conditional UPDATE on
SQLite), the `flask outbox work` loop in separate processes, failed e-mails on the administrators' page."""
import os
import subprocess
import sys
import threading
from pathlib import Path

from factories import csrf_in, make_account

from webapp.extensions import db
from webapp.mail.outbox import claim_due_messages, queue_email
from webapp.models import OutboxMessage, utcnow

ROOT = Path(__file__).resolve().parent.parent


def queue(app, n):
    with app.app_context(), db.connection_context():
        with db.atomic():
            for i in range(n):
                queue_email(f"user{i}@example.org", "account_exists", f"Notice {i}", locale="en",
                            sign_in_url="http://x/s", reset_url="http://x/r")


def test_concurrent_claims_take_disjoint_batches(app):
    queue(app, 40)
    taken, barrier = [], threading.Barrier(4)

    def worker():
        with app.app_context(), db.connection_context():
            barrier.wait()
            batch = claim_due_messages(10)
            taken.append([m.id for m in batch])
        db.close() if not db.is_closed() else None

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    ids = [i for batch in taken for i in batch]
    assert len(ids) == len(set(ids))  # no message held by two workers
    assert len(ids) == 40 or app.config["DATABASE_URL"].startswith("sqlite")  # SQLite: losers retry next pass


def test_three_worker_processes_send_each_email_once(app, app_config, smtp_server):  # noqa: F811
    queue(app, 30)
    env = dict(os.environ, PORTAL_ENV="development", DATABASE_URL=app_config["DATABASE_URL"], MAIL_SERVER=smtp_server.host,
               MAIL_PORT=str(smtp_server.port), SIRENE_DEMO="0", OUTBOX_WORKER_INTERVAL="0.1")
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "work", "--limit", "5", "--passes", "8"]
    workers = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for _ in range(3)]
    for worker in workers:
        _out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()[-2000:]
    subjects = sorted(m["Subject"] for m in smtp_server.messages)
    assert subjects == sorted(f"Notice {i}" for i in range(30))
    with app.app_context(), db.connection_context():
        assert OutboxMessage.select().where(OutboxMessage.sent_at.is_null()).count() == 0


def test_failed_emails_are_listed_for_administrators_and_can_be_sent_again(app, auth):
    queue(app, 2)
    with app.app_context(), db.connection_context():
        failed = OutboxMessage.select().order_by(OutboxMessage.id).first()
        OutboxMessage.update(failed_at=utcnow(), attempts=8, last_error="SMTPServerDisconnected: <b>gone</b>").where(
            OutboxMessage.id == failed.id).execute()
    make_account(app, "root@example.fr", is_admin=True)
    make_account(app, "plain@example.fr")
    plain = auth.browser("plain@example.fr")
    assert plain.get("/administration/courriels").status_code == 403
    admin = auth.browser("root@example.fr")
    page = admin.get("/administration/courriels").get_data(as_text=True)
    assert "user0@example.org" in page and "user1@example.org" not in page
    assert "&lt;b&gt;gone&lt;/b&gt;" in page and "Failed for good: 1" in page
    response = admin.post(f"/administration/courriels/{failed.id}/renvoyer", data={"csrf_token": csrf_in(page)})
    assert response.status_code == 303
    with app.app_context(), db.connection_context():
        again = OutboxMessage.get_by_id(failed.id)
    assert again.failed_at is None and again.attempts == 0 and again.sent_at is None
