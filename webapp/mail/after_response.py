"""Work done once the answer has left: what it finds cannot change the answer, nor how long it took.

The sign-up, "send the link again" and "forgot password" answer the same page for every address;
whether the address has an account is looked up afterwards, so the answer's time says nothing about
it. The WSGI server calls the response's close() after sending it (gunicorn, werkzeug); the work runs
then, in a copy of the request's context (url_for and the language work) with a database connection
of its own, and the outbox is handed over (delivery.py: the background thread is woken). A failure is
logged: the person can ask again.

A server may never call close(): werkzeug's (`flask run`, the end-to-end tests) skips it when the
browser drops the connection as soon as it has a redirect's headers, which Chromium sometimes does. So
a timer runs the work FALLBACK_SECONDS after the answer was handed to the server if close() has not
come by then; whichever comes first runs it, once. By then the answer has long left: the timing still
says nothing.
"""
import logging
import threading

from flask import after_this_request, copy_current_request_context

from webapp.extensions import db
from webapp.mail.outbox import deliver_after_commit

log = logging.getLogger(__name__)

FALLBACK_SECONDS = 2.0


def after_response(work=None, *args):
    """Run work(*args), if any, then hand the outbox over, once the current response has been sent."""
    claimed = threading.Lock()  # close() or the timer: the first to take it runs the work

    @copy_current_request_context
    def run():
        try:
            if work is not None:
                db.connect(reuse_if_open=True)  # the request's own connection closed with its context
                work(*args)
        except Exception:
            log.exception("Work after the response failed; the visitor may ask again")
        deliver_after_commit()

    def run_once():
        if claimed.acquire(blocking=False):
            run()

    @after_this_request
    def schedule(response):
        timer = threading.Timer(FALLBACK_SECONDS, run_once)
        timer.daemon = True

        def closed():
            timer.cancel()
            run_once()

        response.call_on_close(closed)
        timer.start()
        return response
