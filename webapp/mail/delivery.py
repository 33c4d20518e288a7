"""Who sends the outbox, so that no web worker ever waits on SMTP (OUTBOX_DELIVERY):

- "background" (the default): one daemon thread per web process delivers the outbox (and the other
  queues registered with mail/cli.py's add_delivery, the OIDC webhooks). A view that queued mail wakes
  it after its commit and answers at once. The thread also passes every OUTBOX_WORKER_INTERVAL seconds,
  so retries and e-mails queued while the SMTP server was down leave on their own, with nothing but
  `gunicorn wsgi:app` (or `scripts/start`) running. Several processes never send one e-mail twice: each
  pass claims its messages (leases.py: conditional UPDATE, SKIP LOCKED on PostgreSQL).
- "worker": the web processes send nothing; `flask outbox work` runs as a separate unit.
- "inline": the request delivers after its commit, as the tests do to read the e-mail at once.
  Refused in production (config.py): a silent SMTP server would hold the worker.

The thread also runs the periodic jobs registered with add_periodic_job (the factory registers the purge
of never-activated accounts), each at most once per its period, so this package imports no feature.

A server that does not answer is not the message's fault: the messages stay due, uncharged (outbox.py),
and the thread comes back to it sooner than the backoff of a refused message: every
OUTBOX_WORKER_INTERVAL seconds, doubling while it stays down, never more than UNREACHABLE_MAX_WAIT.
"""
import logging
import os
import threading
import time

from flask import current_app

from webapp.extensions import db

log = logging.getLogger(__name__)

UNREACHABLE_MAX_WAIT = 60  # seconds between two tries of a server that did not answer, at most
BATCH = 50


class BackgroundDelivery:
    """The delivery thread of one process (started lazily: a gunicorn worker forks after import)."""

    def __init__(self, app):
        self.app = app
        self.wake_up = threading.Event()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.thread = None
        self.pid = None
        self.passes = 0  # read by tests and the benchmark
        self.jobs_last_run = {}  # periodic job name -> time.monotonic() of its last run in this process

    def ensure_started(self):
        if self.thread is not None and self.pid == os.getpid() and self.thread.is_alive():
            return
        with self.lock:
            if self.thread is not None and self.pid == os.getpid() and self.thread.is_alive():
                return
            self.stopping.clear()
            self.pid = os.getpid()
            self.thread = threading.Thread(target=self._run, name="outbox-delivery", daemon=True)
            self.thread.start()

    def wake(self):
        self.ensure_started()
        self.wake_up.set()

    def stop(self, timeout=10):
        self.stopping.set()
        self.wake_up.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def _run(self):
        interval = float(self.app.config["OUTBOX_WORKER_INTERVAL"])
        wait = 0  # the first pass at once: mail may wait from before this process started
        while not self.stopping.is_set():
            self.wake_up.wait(wait)
            self.wake_up.clear()
            if self.stopping.is_set():
                break
            unreachable, full = self._pass()
            if full:
                wait = 0  # a full batch: more is due now
            elif unreachable:
                wait = min(max(wait * 2, interval), UNREACHABLE_MAX_WAIT)
            else:
                wait = interval

    def _pass(self):
        """(server unreachable, batch full) after one pass over every queue."""
        from webapp.mail.cli import other_deliveries
        from webapp.mail.outbox import deliver_outbox

        with self.app.app_context():
            self._run_periodic_jobs()  # first: the e-mails a job queues leave in this pass
            try:
                report = deliver_outbox(BATCH)
                for name, deliver in other_deliveries():
                    try:
                        deliver(BATCH)
                    except Exception:
                        log.exception("Background delivery of %s failed; it is tried again later", name)
                return report.unreachable, report.sent + report.retried + report.failed >= BATCH
            except Exception:
                log.exception("Background delivery pass failed; the outbox is tried again later")
                return True, False
            finally:
                self.passes += 1
                if not db.is_closed():
                    db.close()

    def _run_periodic_jobs(self):
        now = time.monotonic()
        for name, job, every_seconds in self.app.extensions.get("outbox_periodic_jobs", []):
            last = self.jobs_last_run.get(name)
            if last is not None and now - last < every_seconds:
                continue
            self.jobs_last_run[name] = now  # a failing job waits its period too, it does not run every pass
            try:
                job()
            except Exception:
                log.exception("Periodic job %s failed; it runs again in %s seconds", name, every_seconds)
            finally:
                if not db.is_closed():
                    db.close()


def add_periodic_job(app, name, job, every_seconds):
    """Let the background delivery thread run `job()` (in an app context) at most once every
    `every_seconds`, first on its first pass. Only in "background" mode: elsewhere cron runs its command."""
    app.extensions.setdefault("outbox_periodic_jobs", []).append((name, job, every_seconds))


def init_delivery(app):
    """Create the app's delivery thread (background mode); it starts with the first request."""
    if app.config["OUTBOX_DELIVERY"] != "background":
        return
    delivery = app.extensions["outbox_delivery"] = BackgroundDelivery(app)
    app.before_request(delivery.ensure_started)


def start_background_delivery(app):
    """Start the thread now (gunicorn's post_worker_init: mail queued before a restart leaves at once)."""
    delivery = getattr(app, "extensions", {}).get("outbox_delivery")  # not a Flask app: it failed to load
    if delivery is not None:
        delivery.ensure_started()


def wake_delivery():
    """After a commit that queued mail: let the background thread send it now. Never blocks."""
    delivery = current_app.extensions.get("outbox_delivery")
    if delivery is not None:
        delivery.wake()
