"""Work that waits until the answer has left, so the answer's timing tells nothing about an address.

Looking an address up, issuing a link and sending the e-mail run once the WSGI server has sent the
response (`response.call_on_close`), in a copy of the request's context (url_for, the locale, the
configuration). The request itself does the same work for every address.
"""
import logging

from flask import copy_current_request_context

from webapp.extensions import db
from webapp.mail.outbox import deliver_after_commit

log = logging.getLogger(__name__)


def after_response(response, work=None, *args):
    """Run work(*args) once `response` has been sent, then deliver the outbox; returns `response`."""

    @copy_current_request_context
    def run():
        try:
            if work is not None:
                db.connect(reuse_if_open=True)
                work(*args)
        except Exception:
            log.exception("Work after the response failed; the visitor may ask again")
        deliver_after_commit()

    response.call_on_close(run)
    return response


def deliver_after_response(response):
    """Send the outbox once the answer has left: its timing never tells whether an e-mail was queued."""
    return after_response(response)
