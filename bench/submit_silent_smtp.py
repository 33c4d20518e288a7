""""Create my account" while the SMTP server accepts connections and never answers, on gunicorn; with
the same submissions to an SMTP server that answers (aiosmtpd) as the same-run baseline.

    python bench/submit_silent_smtp.py [--submissions 6] [--workers 2] [--mail-timeout 10] [--at-once N]

Three runs, each with its own gunicorn (`--workers` sync workers, development mode, bench/app.py: demo
register, captcha in test mode, CSRF off) and its own SQLite file:

- background, silent server: OUTBOX_DELIVERY=background (the default) and MAIL_SERVER on a loopback
  socket that accepts connections and never sends a byte (no SMTP greeting);
- inline, silent server: OUTBOX_DELIVERY=inline, the old behaviour: the worker that answered the
  sign-up delivers once the answer has left and waits MAIL_TIMEOUT_SECONDS for the greeting;
- background, answering server: an aiosmtpd server on loopback that accepts every message.

Each submission is a newcomer's: GET /inscription (the captcha id; not timed), then POST /inscription
with a complete valid form (the demo SIRET, the captcha's test-mode answer) and the GET of the page its
303 leads to: "submit" is from the POST leaving to that page received. Sign-ups are posted `--at-once`
at a time (default: as many as workers, so that the old inline delivery holds every worker). Once they
were all answered (303) and the SMTP server holds a connection of the portal (silent runs), another
visitor's GET /inscription is timed, while the submitters follow their redirects: an answer in
milliseconds means no worker is held by the e-mail. At the end the outbox is read: a silent server
leaves every e-mail queued and uncharged; the answering one must have received them all, with nothing
but gunicorn running (the background delivery thread).
Goal: submit <= 1 s with the silent server, and no worker held.
"""
import argparse
import os
import selectors
import socket
import tempfile
import threading
import time

import requests

from common import machine, median, print_table
from fragments_load import free_port, start_gunicorn
from load_signup import CAPTCHA, signup_form

CHECK_MAIL = "/inscription/verifiez-votre-messagerie"


class SilentSmtp:
    """A TCP server on 127.0.0.1 that accepts every connection and never answers (no 220 greeting)."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.connections = set()
        self.accepted = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="silent-smtp", daemon=True)
        self.thread.start()

    @property
    def open(self):
        return len(self.connections)

    def _run(self):
        while not self.stopping.is_set():
            for key, _ in self.selector.select(0.05):
                if key.fileobj is self.listener:
                    try:
                        connection, _ = self.listener.accept()
                    except BlockingIOError:
                        continue
                    connection.setblocking(False)
                    self.selector.register(connection, selectors.EVENT_READ)
                    self.connections.add(connection)
                    self.accepted += 1
                else:
                    try:
                        data = key.fileobj.recv(4096)  # whatever a client says is ignored
                    except OSError:
                        data = b""
                    if not data:  # the client gave up (its timeout) and closed
                        self._drop(key.fileobj)

    def _drop(self, connection):
        self.selector.unregister(connection)
        self.connections.discard(connection)
        connection.close()

    def close(self):
        self.stopping.set()
        self.thread.join(5)
        for connection in list(self.connections):
            self._drop(connection)
        self.selector.close()
        self.listener.close()


class AnsweringSmtp:
    """aiosmtpd on 127.0.0.1, accepting every message (counted)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.received = 0
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 Message accepted for delivery"

    open = 0  # never holds a connection for long

    def close(self):
        self.controller.stop()


def outbox_state(app):
    from webapp.extensions import db
    from webapp.models import OutboxMessage

    with app.app_context(), db.connection_context():
        messages = list(OutboxMessage.select(OutboxMessage.sent_at, OutboxMessage.attempts))
    return len(messages), sum(m.sent_at is not None for m in messages), sum(m.attempts for m in messages)


def open_page(base):
    """A newcomer's session on the sign-up page and its captcha id (not timed)."""
    session = requests.Session()
    page = session.get(base + "/inscription", timeout=60)
    return session, CAPTCHA.search(page.text).group(1)


def submit(base, session, captcha_id, email, answered_event, result):
    """Post one complete sign-up; result gets the ms to the 303 (then answered_event is set) and the ms
    to the page it leads to. Runs in a thread: a failure is stored in result, never raised."""
    try:
        started = time.perf_counter()
        answer = session.post(base + "/inscription", data=signup_form(email, captcha_id), allow_redirects=False,
                              timeout=60)
        result["answered"] = (time.perf_counter() - started) * 1000
        answered_event.set()
        if answer.status_code != 303 or not answer.headers["Location"].endswith(CHECK_MAIL):
            raise RuntimeError(f"the sign-up was not accepted: HTTP {answer.status_code}\n{answer.text[:2000]}")
        shown = session.get(base + answer.headers["Location"], timeout=60)
        result["shown"] = (time.perf_counter() - started) * 1000
        if shown.status_code != 200:
            raise RuntimeError(f"GET {CHECK_MAIL}: HTTP {shown.status_code}")
    except Exception as error:
        result["error"] = error
    finally:
        answered_event.set()


def submit_round(base, smtp, emails):
    """len(emails) sign-ups posted at once; once all were answered (303), and the SMTP server holds a
    connection of the portal (silent server), another visitor's GET /inscription is timed while the
    submitters follow their redirects. Returns (results, probe ms, connections held when it left)."""
    opened = [open_page(base) for _ in emails]
    events = [threading.Event() for _ in emails]
    results = [{} for _ in emails]
    threads = [threading.Thread(target=submit, args=(base, session, captcha_id, email, event, result))
               for (session, captcha_id), email, event, result in zip(opened, emails, events, results)]
    for thread in threads:
        thread.start()
    for event in events:
        event.wait(120)
    if isinstance(smtp, SilentSmtp):
        deadline = time.monotonic() + 2
        while smtp.open == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
    held = smtp.open
    started = time.perf_counter()
    response = requests.get(base + "/inscription", timeout=60)
    probe = (time.perf_counter() - started) * 1000
    for thread in threads:
        thread.join(120)
    for result in results:
        if "error" in result:
            raise SystemExit(str(result["error"]))
    if response.status_code != 200:
        raise SystemExit(f"GET /inscription: HTTP {response.status_code}")
    return results, probe, held


def run(label, delivery, smtp, args, scratch):
    from app import create_bench_app

    database = os.path.join(scratch, f"{delivery}-{smtp.port}.sqlite3")
    env = dict(os.environ, BENCH_DATABASE_URL=f"sqlite:///{database}", PORTAL_INSTANCE_DIR=scratch,
               BENCH_MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp.port),
               MAIL_TIMEOUT_SECONDS=str(args.mail_timeout), OUTBOX_DELIVERY=delivery)
    os.environ.update(env)
    app = create_bench_app()  # tables and demo register, before the workers start
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn("app:create_bench_app()", port, args.workers, env)
    answers, pages, probes, held, loads = [], [], [], [], []
    delivered_after = None
    try:
        requests.get(base + "/inscription", timeout=60)  # each worker's first request pays its imports
        requests.get(base + "/inscription", timeout=60)
        emails = [f"silent-{delivery}-{n}@example.fr" for n in range(args.submissions)]
        for first in range(0, len(emails), args.at_once):
            results, probe, connections = submit_round(base, smtp, emails[first:first + args.at_once])
            answers.extend(r["answered"] for r in results)
            pages.extend(r["shown"] for r in results)
            probes.append(probe)
            held.append(connections)
            loads.append(os.getloadavg()[0])
        if isinstance(smtp, AnsweringSmtp):
            last = time.monotonic()
            while time.monotonic() - last < 30:
                queued, sent, _ = outbox_state(app)
                if sent == queued and smtp.received >= queued:
                    delivered_after = time.monotonic() - last
                    break
                time.sleep(0.1)
        queued, sent, attempts = outbox_state(app)
    finally:
        smtp.close()  # first: a worker waiting on the silent server gets its answer (closed) now
        server.terminate()
        server.wait(timeout=30)
    if isinstance(smtp, AnsweringSmtp):
        if delivered_after is None:
            raise SystemExit(f"{label}: {sent} of {queued} e-mails sent after 30 s, {smtp.received} received")
        outbox = f"{sent}/{queued} sent, the last {delivered_after:.1f} s after the last submit"
    else:
        outbox = f"{sent}/{queued} sent, {attempts} attempts charged; {smtp.accepted} connections"
    return dict(label=label, answers=answers, pages=pages, probes=probes, held=held, loads=loads, outbox=outbox)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mail-timeout", type=int, default=10, help="MAIL_TIMEOUT_SECONDS")
    parser.add_argument("--at-once", type=int, default=0, help="sign-ups posted together (default: --workers)")
    args = parser.parse_args()
    args.at_once = args.at_once or args.workers
    with tempfile.TemporaryDirectory() as scratch:
        results = [
            run("background, silent SMTP server", "background", SilentSmtp(), args, scratch),
            run("inline (old), silent SMTP server", "inline", SilentSmtp(), args, scratch),
            run("background, answering SMTP server (baseline)", "background", AnsweringSmtp(), args, scratch),
        ]
    baseline = median(results[-1]["pages"])
    loads = [load for result in results for load in result["loads"]]
    print(f"machine: {machine()}\ngunicorn {args.workers} sync workers, SQLite, MAIL_TIMEOUT_SECONDS="
          f"{args.mail_timeout}, {args.submissions} submissions a run, {args.at_once} at once; "
          f"load average {min(loads):.1f}-{max(loads):.1f}")
    print_table('"Create my account" (POST /inscription + the page its 303 leads to), goal <= 1 s with a silent '
                "server; another visitor's GET /inscription once they were answered (303)",
                ["run", "303 median ms", "submit median ms", "submit max ms", "ratio to answering server",
                 "GET meanwhile median ms", "GET max ms", "SMTP connections held at the GET", "outbox at the end"],
                [[r["label"], f"{median(r['answers']):,.0f}", f"{median(r['pages']):,.0f}", f"{max(r['pages']):,.0f}",
                  f"{median(r['pages']) / baseline:.1f}", f"{median(r['probes']):,.0f}", f"{max(r['probes']):,.0f}",
                  f"{min(r['held'])}-{max(r['held'])}", r["outbox"]] for r in results])


if __name__ == "__main__":
    main()
