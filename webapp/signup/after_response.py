"""Work done once the answer has left: what it finds cannot change the answer, nor how long it took.

The sign-up answers the same page for every address; whether the address has an account is looked up
afterwards, so the answer's time says nothing about it either. The WSGI server calls the response's
close() after sending it (gunicorn, werkzeug); the function runs then, in a copy of the request's
context (url_for and the language work) with a database connection of its own. A failure is logged:
the e-mails can be asked for again ("Send the link again").
"""
import logging

from flask import after_this_request, copy_current_request_context

from webapp.extensions import db
from webapp.mail.outbox import deliver_after_commit

log = logging.getLogger(__name__)


def after_response(function, *args):
    """Run function(*args), then deliver the outbox, once the current response has been sent."""

    @copy_current_request_context
    def run():
        try:
            db.connect(reuse_if_open=True)  # the request's own connection closed with its context
            function(*args)
            deliver_after_commit()
        except Exception:
            log.exception("%s after the response failed", function.__name__)

    @after_this_request
    def schedule(response):
        response.call_on_close(run)
        return response
