"""Claiming queued rows for delivery, shared by the e-mail outbox (outbox.py) and the webhooks
(oidc/webhooks.py). A queued row has `next_attempt_at`, `attempts`, `last_error`, `sent_at` and
`failed_at`; a process takes a due row by moving its `next_attempt_at` into the future (a lease),
so each row is attempted by one process at a time, and a process that dies loses only its lease.
"""
from contextlib import contextmanager
from datetime import timedelta

from peewee import PostgresqlDatabase

from webapp.extensions import db
from webapp.models import utcnow

CLAIM_SECONDS = 300  # a claimed row is hidden from other workers this long; longer than any timeout
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600


def retry_delay(failures):
    """30 s after the first failure, then doubling: 1 min, 2 min, ... at most one hour."""
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** (failures - 1), MAX_RETRY_SECONDS))


def due(model):
    return (
        model.select()
        .where(model.sent_at.is_null() & model.failed_at.is_null() & (model.next_attempt_at <= utcnow()))
        .order_by(model.next_attempt_at, model.id)
    )


def claim(model, row):
    """Take the row for this process; False when another process took (or delivered) it first."""
    lease_until = utcnow() + timedelta(seconds=CLAIM_SECONDS)
    taken = model.update(next_attempt_at=lease_until).where(
        (model.id == row.id) & model.sent_at.is_null() & model.failed_at.is_null()
        & (model.next_attempt_at == row.next_attempt_at)
    ).execute()
    if taken == 1:
        row.next_attempt_at = lease_until
    return taken == 1


def claim_due(model, limit):
    """The due rows this process now holds, each held by one process.

    PostgreSQL: one SELECT ... FOR UPDATE SKIP LOCKED, so concurrent workers take disjoint batches
    without waiting on each other. SQLite (one writer at a time anyway): a conditional UPDATE per row.
    """
    if not isinstance(db.obj, PostgresqlDatabase):
        # list() first: an UPDATE while the SELECT's cursor is still open would upgrade its read
        # snapshot to a write, which SQLite refuses ("database is locked") if another process wrote.
        return [row for row in list(due(model).limit(limit)) if claim(model, row)]
    lease_until = utcnow() + timedelta(seconds=CLAIM_SECONDS)
    with db.atomic():
        batch = list(due(model).limit(limit).for_update(skip_locked=True))
        if batch:
            model.update(next_attempt_at=lease_until).where(model.id.in_([r.id for r in batch])).execute()
    for row in batch:
        row.next_attempt_at = lease_until
    return batch


def release(model, rows):
    """Hand claimed rows back untouched (due again now) for the next pass of any worker."""
    for row in rows:
        model.update(next_attempt_at=utcnow()).where(
            (model.id == row.id) & (model.next_attempt_at == row.next_attempt_at)
        ).execute()


def mark_sent(model, row, attempted=True):
    values = {model.sent_at: utcnow(), model.last_error: ""}
    if attempted:
        values[model.attempts] = model.attempts + 1
    model.update(values).where(model.id == row.id).execute()


def record_failure(model, row, error, max_attempts):
    """Count the failed attempt; True when it was the last one (the row is marked failed, and kept)."""
    failures = row.attempts + 1
    values = {model.attempts: failures, model.last_error: f"{type(error).__name__}: {error}"[:2000]}
    now = utcnow()
    failed = failures >= max_attempts
    if failed:
        values[model.failed_at] = now
    else:
        values[model.next_attempt_at] = now + retry_delay(failures)
    model.update(values).where(model.id == row.id).execute()
    return failed


def retry_failed(model, row_id=None):
    """Give failed rows (one, or all) a new series of attempts; returns how many."""
    query = model.update(failed_at=None, attempts=0, next_attempt_at=utcnow()).where(model.failed_at.is_null(False))
    if row_id is not None:
        query = query.where(model.id == row_id)
    return query.execute()


@contextmanager
def connection():
    """Reuse the request's connection; open (and close) one only when there is none, e.g. in the CLI."""
    if db.is_closed():
        with db.connection_context():
            yield
    else:
        yield
