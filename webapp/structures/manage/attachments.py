"""Attachment requests, the managers' side: told of each new request, approve, refuse, remind.

A decision is a conditional UPDATE ... WHERE status = 'pending': of two managers (or two clicks)
deciding the same request at once, exactly one changes the row, records the event and queues the e-mail.
"""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from webapp.extensions import db
from webapp.mail.outbox import queue_email
from webapp.models import (
    Account,
    AttachmentRequest,
    AttachmentStatus,
    Membership,
    Role,
    Structure,
    StructureEvent,
    utcnow,
)
from webapp.account.activation import activation_url, new_activation_token
from webapp.web.urls import external_url

MAX_REASON_LENGTH = 500


@dataclass
class Decision:
    request_id: int
    outcome: str  # "approved", "refused", "already_decided", "unknown"
    requester_name: str = ""
    requester_email: str = ""


def pending_requests(structure):
    return list(
        AttachmentRequest.select(AttachmentRequest, Account)
        .join(Account, on=(AttachmentRequest.account == Account.id))
        .where(
            (AttachmentRequest.structure == structure)
            & (AttachmentRequest.status == AttachmentStatus.PENDING)
        )
        .order_by(AttachmentRequest.created_at, AttachmentRequest.id)
    )


def _claim(request_id, structure, actor, status, reason=""):
    """Move one pending request of `structure` to `status`; False when it was no longer pending."""
    changed = (
        AttachmentRequest.update(status=status, decided_by=actor, decided_at=utcnow(), reason=reason)
        .where(
            (AttachmentRequest.id == request_id)
            & (AttachmentRequest.structure == structure)
            & (AttachmentRequest.status == AttachmentStatus.PENDING)
        )
        .execute()
    )
    return changed == 1


def _find(structure, request_id):
    """The request if it belongs to `structure`: an id from a form is never trusted alone."""
    return AttachmentRequest.get_or_none(
        (AttachmentRequest.id == request_id) & (AttachmentRequest.structure == structure)
    )


def approve_attachment(structure, request_id, actor):
    """Make the requester a user of the structure and queue the approval e-mail (inside a transaction)."""
    with db.atomic():
        request = _find(structure, request_id)
        if request is None:
            return Decision(request_id, "unknown")
        account = request.account
        decision = Decision(request.id, "approved", account.full_name, account.email)
        if not _claim(request.id, structure, actor, AttachmentStatus.APPROVED):
            decision.outcome = "already_decided"
            return decision
        Membership.get_or_create(account=account, structure=structure, defaults={"role": Role.USER})
        StructureEvent.record(structure, actor, "attachment_approved", account.email)
        context = {"account": account, "structure": structure, "activation_url": None}
        if not account.is_active:
            token = new_activation_token(account)
            context.update(activation_url=activation_url(token), lifetime_hours=current_app.config["ACTIVATION_TOKEN_HOURS"])
        else:
            context["sign_in_url"] = external_url("account.sign_in")
        queue_email(
            account.email, "attachment_approved", _l("Your attachment request was approved"),
            locale=account.locale, **context,
        )
    return decision


def refuse_attachment(structure, request_id, actor, reason=""):
    """Record the refusal, queue its e-mail and delete the requester's account if never activated."""
    reason = (reason or "").strip()[:MAX_REASON_LENGTH]
    with db.atomic():
        request = _find(structure, request_id)
        if request is None:
            return Decision(request_id, "unknown")
        account = request.account
        decision = Decision(request.id, "refused", account.full_name, account.email)
        if not _claim(request.id, structure, actor, AttachmentStatus.REFUSED, reason):
            decision.outcome = "already_decided"
            return decision
        StructureEvent.record(structure, actor, "attachment_refused", account.email, reason)
        deleted = not account.is_active and _delete_if_unused(account)
        queue_email(
            account.email, "attachment_refused", _l("Your attachment request was refused"),
            locale=account.locale, account=account, structure=structure, reason=reason,
            account_deleted=deleted, signup_url=external_url("signup.signup_page"),
        )
    return decision


def _delete_if_unused(account):
    """A never-activated account with nothing else pending goes: its owner may sign up again."""
    other_requests = AttachmentRequest.select().where(
        (AttachmentRequest.account == account) & (AttachmentRequest.status == AttachmentStatus.PENDING)
    ).exists()
    if other_requests or Membership.select().where(Membership.account == account).exists():
        return False
    account.delete_instance(recursive=True)
    return True


def decide(structure, actor, action, request_ids, reasons=None, default_reason=""):
    """Approve or refuse several requests; one Decision per distinct id, in the order given."""
    reasons = reasons or {}
    decisions, seen = [], set()
    for request_id in request_ids:
        if request_id in seen:
            continue
        seen.add(request_id)
        if action == "approve":
            decisions.append(approve_attachment(structure, request_id, actor))
        else:
            reason = reasons.get(request_id) or default_reason
            decisions.append(refuse_attachment(structure, request_id, actor, reason))
    return decisions


def active_managers(structure_id):
    """The accounts that can decide the structure's requests now: its managers who activated."""
    return list(
        Account.select().join(Membership, on=(Membership.account == Account.id)).where(
            (Membership.structure == structure_id)
            & (Membership.role.in_(Role.MANAGERS))
            & (Account.is_active == True)  # noqa: E712  (peewee expression)
        ).order_by(Account.id)
    )


def notify_managers(request):
    """E-mail each active manager of the request's structure, in their own language, at once.

    Called inside the transaction that created the request: the e-mails exist if and only if it does.
    Returns the number queued (none when no manager has activated: the reminder finds no one either).
    """
    structure, requester = request.structure, request.account
    managers = active_managers(structure.id)
    for manager in managers:
        queue_email(
            manager.email, "attachment_requested", _l("A new attachment request is waiting for your decision"),
            locale=manager.locale, account=manager, structure=structure, requester=requester,
            requests_url=external_url("structures.requests", structure_id=structure.id),
        )
    return len(managers)


def remind_managers(now=None):
    """E-mail the managers of structures whose requests waited ATTACHMENT_REMINDER_DAYS; once per period.

    Returns the number of e-mails queued.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["ATTACHMENT_REMINDER_DAYS"])
    due = (
        AttachmentRequest.select()
        .where(
            (AttachmentRequest.status == AttachmentStatus.PENDING)
            & (AttachmentRequest.created_at <= cutoff)
            & (AttachmentRequest.reminded_at.is_null() | (AttachmentRequest.reminded_at <= cutoff))
        )
    )
    by_structure = {}
    for request in due:
        by_structure.setdefault(request.structure_id, []).append(request.id)
    sent = 0
    for structure_id, request_ids in by_structure.items():
        with db.atomic():
            managers = active_managers(structure_id)
            if not managers:
                continue  # nobody to remind: a portal administrator names a manager
            claimed = (
                AttachmentRequest.update(reminded_at=now)
                .where(
                    AttachmentRequest.id.in_(request_ids)
                    & (AttachmentRequest.reminded_at.is_null() | (AttachmentRequest.reminded_at <= cutoff))
                )
                .execute()
            )
            if not claimed:
                continue  # another run reminded them meanwhile
            structure = Structure.get_by_id(structure_id)
            waiting = len(pending_requests(structure))
            for manager in managers:
                queue_email(
                    manager.email, "manager_reminder",
                    lazy_ngettext("An attachment request is waiting for your decision",
                                  "Attachment requests are waiting for your decision", waiting),
                    locale=manager.locale, account=manager, structure=structure, count=waiting,
                    days=current_app.config["ATTACHMENT_REMINDER_DAYS"],
                    requests_url=external_url("structures.requests", structure_id=structure.id),
                )
                sent += 1
    return sent
