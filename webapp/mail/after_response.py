"""Work done once the answer has left: what it finds cannot change the answer, nor how long it took.

The sign-up, "send the link again" and "forgot password" answer the same page for every address;
whether the address has an account is looked up afterwards, so the answer's time says nothing about
it. The work runs in a copy of the request's context (url_for and the language work) with a database
connection of its own, then the outbox is handed over (delivery.py: the background thread is woken).
A failure is logged: the person can ask again.

When is "once the answer has left"? The WSGI server iterates over the response, writing each piece to
the socket, then calls its close(). `init_after_response` wraps the application so that the work runs
as soon as the last piece has been written (the server asks for the next one), or at close(),
whichever comes first, once. Both are needed: gunicorn and werkzeug iterate then close, but werkzeug's
server (`flask run`, the end-to-end tests) never calls close() when the browser resets the connection
after reading a redirect, which Chromium sometimes does; the sign-up's e-mails were lost then.
"""
import logging

from flask import copy_current_request_context, request

from webapp.extensions import db
from webapp.mail.outbox import deliver_after_commit

log = logging.getLogger(__name__)

ENVIRON_KEY = "portal.after_response"


def after_response(work=None, *args):
    """Run work(*args), if any, then hand the outbox over, once the current response has been sent."""
    @copy_current_request_context
    def run():
        try:
            if work is not None:
                db.connect(reuse_if_open=True)  # the request's own connection closed with its context
                work(*args)
        except Exception:
            log.exception("Work after the response failed; the visitor may ask again")
        deliver_after_commit()

    request.environ.setdefault(ENVIRON_KEY, []).append(run)  # WhenSent runs it, once


class WhenSent:
    """The response of the wrapped application, running the request's after_response work once its
    last piece has been handed to the server (or at close(), if that comes first)."""

    def __init__(self, iterable, environ):
        self.iterable, self.environ = iterable, environ

    def __iter__(self):
        yield from self.iterable
        self.run()

    def close(self):
        try:
            close = getattr(self.iterable, "close", None)
            if close is not None:
                close()
        finally:
            self.run()

    def run(self):
        # Taken out of the environ: whichever of the end of the iteration and close() comes first runs it.
        for work in self.environ.pop(ENVIRON_KEY, []):
            work()


def init_after_response(app):
    wrapped = app.wsgi_app

    def wsgi_app(environ, start_response):
        iterable = wrapped(environ, start_response)  # the view has run: its work, if any, is registered
        # Only answers with work are wrapped: the others keep gunicorn's sendfile for static files.
        return WhenSent(iterable, environ) if ENVIRON_KEY in environ else iterable

    app.wsgi_app = wsgi_app
