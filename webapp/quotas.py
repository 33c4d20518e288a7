"""Limits counted in the database: how many rows an account, a structure or an address made lately.

Flask-Limiter (limits.py) counts requests per client; these count what was actually created, so
they hold across workers, machines and restarts whatever RATELIMIT_STORAGE_URI is. A check reads the
count inside the caller's transaction after `serialise()`, then the caller writes in the same
transaction: concurrent requests cannot both see the last free slot.
"""
import hashlib
import math
from datetime import timedelta

from flask_babel import ngettext
from peewee import PostgresqlDatabase

from webapp.extensions import db
from webapp.models import utcnow

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


class LimitReached(Exception):
    """str(error) is the message for the user; `retry_after`, in seconds, is None for a cap that
    lifts only when something is decided (the message then says what)."""

    def __init__(self, message, retry_after=None):
        super().__init__(message)
        self.retry_after = retry_after


def serialise(*keys):
    """Make concurrent transactions that name one of these keys run one after the other.

    Call it first inside `db.atomic()`. PostgreSQL: a transaction-scoped advisory lock per key, taken
    in one global order so two transactions cannot wait for each other. SQLite: nothing to do, every
    transaction begins with BEGIN IMMEDIATE (webapp/__init__.py), which already queues writers.
    """
    if not isinstance(db.obj, PostgresqlDatabase):
        return
    for number in sorted({_lock_number(key) for key in keys}):
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (number,))


def _lock_number(key):
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big", signed=True)


def seconds_until_free(query, created_at, limit, window):
    """None while fewer than `limit` rows of `query` were created within `window`; else the seconds
    until the oldest of the `limit` most recent leaves the window. A limit of 0 or less is off."""
    if limit <= 0:
        return None
    now = utcnow()
    newest = list(
        query.select(created_at).where(created_at > now - window)
        .order_by(created_at.desc()).offset(limit - 1).limit(1).tuples()
    )
    if not newest:
        return None
    return max(1, math.ceil((newest[0][0] + window - now).total_seconds()))


def wait_text(seconds):
    """"12 minutes", "3 hours": rounded up, so that retrying after it always works."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 120:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    return ngettext("%(num)d hour", "%(num)d hours", math.ceil(minutes / 60))
