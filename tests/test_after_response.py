"""Resending an activation link and asking for a reset link: the request does the same work whatever the
address (no look-up, no e-mail); the look-up, the link and the SMTP delivery happen once the answer has
left. So neither the answer nor its timing tells whether an account uses the address."""
import logging
import re
from datetime import timedelta

import pytest
from factories import csrf, submit

from webapp.extensions import db
from webapp.models import AccountToken, utcnow

ENDPOINTS = {
    # path: (fixture making alice's account what the path is for, kind of the e-mail it sends)
    "/activation/nouveau-lien": ("pending_alice", "activation_link"),
    "/mot-de-passe-oublie": ("active_alice", "password_reset"),
}


@pytest.fixture
def pending_alice(app, client, outbox):
    """Signed up and opened the e-mailed link: an account awaiting its password."""
    response = submit(client)
    assert response.status_code == 303
    [message] = [m for m in outbox() if m.kind == "activation_link"]
    link = re.search(r"http://portal\.test(/inscription/activation/[\w-]+)", message.body_text).group(1)
    assert client.get(link).status_code == 303


def age_links(app):
    """As if RESEND_INTERVAL_SECONDS had passed since the sign-up's or activation's links."""
    with app.app_context(), db.connection_context():
        AccountToken.update(created_at=utcnow() - timedelta(seconds=61)).execute()


class Statements(logging.Handler):
    """The SQL text of every statement peewee runs (it logs each one on the "peewee" logger)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql = []

    def emit(self, record):
        if isinstance(record.msg, tuple):
            self.sql.append(record.msg[0])


@pytest.fixture
def statements():
    handler, logger = Statements(), logging.getLogger("peewee")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def ask(app, path, email, statements):
    """(what the visitor sees, SQL run before the answer left, SQL run after) for one request."""
    client = app.test_client()
    token = csrf(client)
    statements.sql.clear()
    response = client.post(path, data={"email": email, "csrf_token": token})
    in_request = list(statements.sql)
    response.close()  # what the WSGI server does once the answer is sent
    after = list(statements.sql[len(in_request):])
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    seen = (response.status_code, response.headers["Location"], re.sub(r'value="[^"]{20,}"|<meta name="csrf-token" content="[^"]+"', "", page))
    return seen, in_request, after


@pytest.mark.parametrize("path", ENDPOINTS)
def test_known_and_unknown_addresses_do_the_same_work_in_the_request(request, app, path, statements, smtp_server):
    account_fixture, kind = ENDPOINTS[path]
    request.getfixturevalue(account_fixture)
    age_links(app)
    smtp_server.configure(app)
    known, known_sql, known_after = ask(app, path, "alice@example.fr", statements)
    unknown, unknown_sql, unknown_after = ask(app, path, "nobody@example.fr", statements)
    assert known == unknown  # the same answer and the same page
    assert known_sql == unknown_sql  # the same statements before the answer left: no look-up at all
    assert not any('FROM "account"' in sql for sql in known_sql)
    assert any('FROM "account"' in sql for sql in known_after)  # the look-up came after the answer
    assert any('INSERT INTO "outbox_message"' in sql for sql in known_after)
    assert not any('INSERT INTO "outbox_message"' in sql for sql in unknown_after)
    [delivered] = smtp_server.messages  # over SMTP, once the answer had left
    assert delivered["To"] == "alice@example.fr"
    assert kind == "activation_link" or "/mot-de-passe/nouveau/" in delivered.get_body(("plain",)).get_content()


@pytest.mark.parametrize("path", ENDPOINTS)
def test_no_e_mail_is_written_or_sent_before_the_answer_has_left(request, app, path, outbox, smtp_server):
    account_fixture, kind = ENDPOINTS[path]
    request.getfixturevalue(account_fixture)
    age_links(app)
    smtp_server.configure(app)
    before = len(outbox())
    client = app.test_client()
    response = client.post(path, data={"email": "alice@example.fr", "csrf_token": csrf(client)})
    assert response.status_code == 303
    assert len(outbox()) == before and smtp_server.messages == []
    response.close()
    [message] = outbox()[before:]
    assert message.kind == kind and message.sent_at is not None
    assert [m["To"] for m in smtp_server.messages] == ["alice@example.fr"]


def test_a_failure_after_the_answer_is_logged_and_harms_nothing(app, pending_alice, outbox, caplog, monkeypatch):
    import webapp.account.views as views

    def broken(email):
        raise RuntimeError("database gone")

    monkeypatch.setattr(views, "send_activation_link_if_due", broken)
    age_links(app)
    client = app.test_client()
    response = client.post("/activation/nouveau-lien", data={"email": "alice@example.fr", "csrf_token": csrf(client)})
    assert response.status_code == 303
    with caplog.at_level(logging.ERROR, logger="webapp.mail.after_response"):
        response.close()
    assert "Work after the response failed" in caplog.text
    assert client.get("/connexion").status_code == 200



def test_the_work_runs_once_the_last_piece_is_sent_even_without_close(app, active_alice, outbox):
    """werkzeug's server skips close() when the browser resets the connection after a redirect: the work
    runs as soon as the server has taken the answer's last piece, and close() does not run it again."""
    before = len(outbox())
    client = app.test_client()
    response = client.post("/mot-de-passe-oublie", data={"email": "alice@example.fr", "csrf_token": csrf(client)})
    assert response.status_code == 303 and len(outbox()) == before  # nothing before the answer
    response.get_data()  # the server iterates over the answer, writing it
    assert len(outbox()) == before + 1 and outbox()[-1].kind == "password_reset"
    response.close()
    assert len(outbox()) == before + 1


def test_close_alone_runs_the_work_once(app, active_alice, outbox):
    before = len(outbox())
    client = app.test_client()
    response = client.post("/mot-de-passe-oublie", data={"email": "alice@example.fr", "csrf_token": csrf(client)})
    response.close()
    response.close()
    assert len(outbox()) == before + 1
