"""One JSON line per request on the "portal.access" logger: request id, route, status, duration.

No personal data: the route is the URL rule ("/activation/<token>", never the token itself), no query
string, no form, no address (RedactAddresses keeps them out of other loggers' lines, e.g. the outbox's); the request id
comes back as X-Request-Id (a proxy's own id is kept when it looks like one) so a user's report can be matched with the log line.
"""
import json
import logging
import re
import sys
import time
import uuid

from flask import g, request

logger = logging.getLogger("portal.access")
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Anything shaped like an e-mail address, as an SMTP error quotes it ("<jean@exemple.fr>: rejected").
ADDRESS = re.compile(r"""[^\s<>"'(),;:\[\]{}]+@[^\s<>"'(),;:\[\]{}]+""")


def redact_addresses(text):
    return ADDRESS.sub("<address>", text)


class RedactAddresses(logging.Filter):
    """Keep e-mail addresses (personal data) out of a logger's lines: message, arguments and traceback.
    The outbox row (its id is logged) holds the recipient for whoever may read it."""

    def filter(self, record):
        record.msg, record.args = redact_addresses(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_addresses(record.exc_text)
        return True


class JsonLineFormatter(logging.Formatter):
    def format(self, record):
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname.lower()}
        entry.update(getattr(record, "fields", {}) or {"message": record.getMessage()})
        return json.dumps(entry, ensure_ascii=False)


def _start():
    g.request_started = time.perf_counter()
    incoming = request.headers.get("X-Request-Id", "")
    g.request_id = incoming if SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _finish(response):
    request_id = getattr(g, "request_id", None) or uuid.uuid4().hex
    response.headers["X-Request-Id"] = request_id
    started = getattr(g, "request_started", None)
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    fields = {
        "request_id": request_id,
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule else "<unmatched>",
        "endpoint": request.endpoint,
        "status": response.status_code,
        "duration_ms": duration,
        "htmx": request.headers.get("HX-Request") == "true",
    }
    logger.info("request", extra={"fields": fields})
    return response


def init_request_logging(app):
    if app.config.get("REQUEST_LOG", True) and not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLineFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    app.before_request(_start)
    app.after_request(_finish)
