"""Delivering webhooks: signed POSTs with retries, through the outbox's claiming (webapp/mail/leases.py).

Signature: header `Portal-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, the
secret being the client's webhook secret. A receiver recomputes it over the raw body, compares in
constant time and refuses a `t` more than five minutes old (replay). Delivery is at-least-once: a
receiver drops an event whose `id` (also in `Portal-Event-Id`) it has seen already.
"""
import hashlib
import hmac
import logging
import time
import urllib.request

from flask import current_app

from webapp.mail import leases
from webapp.mail.outbox import DeliveryReport
from webapp.oidc.models import OAuthClient, WebhookDelivery

log = logging.getLogger(__name__)


def signature(secret, body, timestamp=None):
    timestamp = int(timestamp if timestamp is not None else time.time())
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.{body}".encode("utf-8"), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is a failure: the body and its signature go to the registered URL only


_opener = urllib.request.build_opener(_NoRedirect)


def post(delivery, client):
    if not client.webhook_url:
        raise RuntimeError("the client's webhook was turned off")
    request = urllib.request.Request(
        client.webhook_url, data=delivery.body.encode("utf-8"), method="POST",
        headers={
            "Content-Type": "application/json", "User-Agent": "portal-webhooks/1",
            "Portal-Event-Id": delivery.event_id, "Portal-Event-Type": delivery.event_type,
            "Portal-Signature": signature(client.webhook_secret, delivery.body),
        },
    )
    with _opener.open(request, timeout=current_app.config["OIDC_WEBHOOK_TIMEOUT_SECONDS"]) as response:
        response.read(4096)
        if not 200 <= response.status < 300:
            raise RuntimeError(f"HTTP {response.status}")


def deliver_webhooks(limit=50):
    """One pass over the due webhooks. Run it outside any transaction (each UPDATE commits)."""
    report = DeliveryReport()
    with leases.connection():
        for delivery in leases.claim_due(WebhookDelivery, limit):
            client = OAuthClient.get_or_none(OAuthClient.id == delivery.client_id)
            try:
                post(delivery, client)
            except Exception as error:  # noqa: BLE001 (any failure: retried later, never lost)
                if leases.record_failure(WebhookDelivery, delivery, error, current_app.config["OUTBOX_MAX_ATTEMPTS"]):
                    report.failed += 1
                    log.error("Webhook %s (%s) failed for good: %s", delivery.id, delivery.event_type, error)
                else:
                    report.retried += 1
                    log.warning("Webhook %s (%s) will be retried: %s", delivery.id, delivery.event_type, error)
            else:
                leases.mark_sent(WebhookDelivery, delivery)
                report.sent += 1
    return report


def retry_failed_webhooks():
    with leases.connection():
        return leases.retry_failed(WebhookDelivery)
