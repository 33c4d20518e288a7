"""Events the operator's platforms hear about by webhook: a structure created, a person attached or
detached, a role changed, an account deleted.

publish() writes one WebhookDelivery per client with a webhook, inside the caller's transaction: the
event exists if and only if the change it reports was committed. webhooks.py delivers them.
"""
import json
import secrets
from datetime import timezone

from webapp.models import (
    Account, Membership, account_deleted, structure_created, structure_deleted, structure_event_recorded, utcnow,
)
from webapp.oidc.claims import existing_sub, structure_summary, sub_for
from webapp.oidc.models import OAuthClient, WebhookDelivery

# StructureEvent.action -> webhook event type (other actions are not sent)
STRUCTURE_ACTIONS = {
    "attachment_approved": "member.attached",
    "invitation_accepted": "member.attached",
    "member_detached": "member.detached",
    "member_left": "member.detached",
    "account_deleted": "member.detached",
    "role_changed": "member.role_changed",
    "principal_appointed": "member.role_changed",
}


def publish(event_type, data):
    clients = list(OAuthClient.select(OAuthClient.id).where(OAuthClient.webhook_url != ""))
    if not clients:
        return None
    event_id = "evt_" + secrets.token_hex(12)
    now = utcnow()
    body = json.dumps({
        "id": event_id, "type": event_type,
        "created_at": now.replace(tzinfo=timezone.utc).isoformat(timespec="seconds"), "data": data,
    }, ensure_ascii=False, separators=(",", ":"))
    WebhookDelivery.insert_many([
        {"client": client.id, "event_id": event_id, "event_type": event_type, "body": body, "created_at": now,
         "next_attempt_at": now}
        for client in clients
    ]).execute()
    return event_id


def member(account, structure):
    membership = Membership.of(account.id, structure.id)
    return {"sub": sub_for(account), "role": membership.role if membership else None}


def listen():
    """Publish on the core's signals (webapp/models.py), sent inside the transaction of the change."""
    structure_event_recorded.connect(structure_event)
    structure_created.connect(_on_structure_created)
    structure_deleted.connect(structure_deleted_event)
    account_deleted.connect(account_deleted_event)


def _on_structure_created(structure, account):
    return structure_created_event(structure, account)


def structure_event(event):
    """For every StructureEvent written (StructureEvent.record)."""
    event_type = STRUCTURE_ACTIONS.get(event.action)
    account = Account.get_or_none(Account.email == event.subject_email) if event_type else None
    if account is None:
        return None
    return publish(event_type, {"structure": structure_summary(event.structure), "member": member(account, event.structure)})


def structure_created_event(structure, account):
    return publish("structure.created", {"structure": structure_summary(structure), "member": member(account, structure)})


def account_deleted_event(account):
    """Before the account's rows go. An account no platform was ever told about has no `sub` yet."""
    sub = existing_sub(account.id)
    return publish("account.deleted", {"sub": sub}) if sub else None


def structure_deleted_event(structure):
    """A structure that goes with the last of its members (account deleted or sign-up discarded)."""
    return publish("structure.deleted", {"structure": structure_summary(structure)})
