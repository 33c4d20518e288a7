"""`flask outbox`: deliver once (cron's safety net), work in a loop (a separate unit), status.

Other queues that leave the portal the same way (the OIDC webhooks) register themselves with
`add_delivery(app, name, deliver)`, so this package never imports the features that use it.
"""
import signal
import time

import click
from flask import current_app
from flask.cli import AppGroup

from webapp.mail.admin import outbox_counts
from webapp.mail.outbox import deliver_outbox


def add_delivery(app, name, deliver):
    """Let `flask outbox deliver/work` also run `deliver(limit)`, which returns a report like the outbox's."""
    app.extensions.setdefault("outbox_deliveries", []).append((name, deliver))


def other_deliveries():
    return current_app.extensions.get("outbox_deliveries", [])


outbox_cli = AppGroup("outbox", help="Deliver and inspect the e-mail outbox.")


@outbox_cli.command("deliver", help="Deliver the due e-mails once (run it from cron as a safety net).")
@click.option("--limit", default=50, show_default=True, help="At most this many e-mails.")
def deliver_command(limit):
    click.echo(str(deliver_outbox(limit)))
    for name, deliver in other_deliveries():
        click.echo(f"{name}: {deliver(limit)}")


@outbox_cli.command("work", help="Deliver the outbox in a loop, for operators who prefer a separate process.")
@click.option("--limit", default=50, show_default=True, help="At most this many e-mails per pass.")
@click.option("--interval", type=float, default=None, help="Seconds between passes [OUTBOX_WORKER_INTERVAL].")
@click.option("--passes", type=int, default=0, help="Stop after this many passes (0: until SIGTERM).")
def work_command(limit, interval, passes):
    interval = interval if interval is not None else current_app.config["OUTBOX_WORKER_INTERVAL"]
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    done = 0
    while not stopping:
        report = deliver_outbox(limit)
        for name, deliver in other_deliveries():
            other = deliver(limit)
            if other.sent or other.retried or other.failed:
                click.echo(f"{name}: {other}")
        done += 1
        if report.sent or report.retried or report.failed:
            click.echo(str(report))
        if passes and done >= passes:
            break
        if report.sent + report.retried + report.failed < limit:  # a full batch: go on at once
            time.sleep(interval)


@outbox_cli.command("status", help="Count pending, sent and failed e-mails.")
def status_command():
    counts = outbox_counts()
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))
