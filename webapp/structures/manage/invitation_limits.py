"""How many invitations may go out: per address, per structure, per inviting account, and once per
pending invitation. Called by invitations.invite() inside its transaction, after serialise()."""
from datetime import timedelta

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _

from webapp.models import Invitation, utcnow
from webapp.quotas import DAY, LimitReached, seconds_until_free, wait_text


def resend_wait(invitation):
    """Seconds before this pending invitation may be sent again, or 0."""
    ready_at = invitation.created_at + timedelta(hours=current_app.config["INVITATION_RESEND_HOURS"])
    return max(0, int((ready_at - utcnow()).total_seconds()))


def check_resend(previous):
    wait = resend_wait(previous)
    if wait:
        raise LimitReached(_(
            "This address was already invited on %(date)s and its link is still valid. You can send the "
            "invitation again in %(wait)s, or cancel it in the list of pending invitations and invite again.",
            date=format_date(previous.created_at, "long"), wait=wait_text(wait),
        ))


def check_limits(structure, actor, email):
    """One window of 24 hours per address, per structure and per inviting account; the first one full
    refuses, saying when the next invitation may go."""
    config = current_app.config
    windows = (
        (Invitation.email == email, "INVITATIONS_PER_ADDRESS_PER_DAY", lambda most, wait: _(
            "This address has reached its limit of invitations in 24 hours (%(max)d). "
            "You can invite it again in %(wait)s.", max=most, wait=wait)),
        (Invitation.structure == structure, "INVITATIONS_PER_STRUCTURE_PER_DAY", lambda most, wait: _(
            "The managers of this structure have reached its limit of invitations in 24 hours (%(max)d). "
            "You can send the next one in %(wait)s.", max=most, wait=wait)),
        (Invitation.invited_by == actor, "INVITATIONS_PER_ACCOUNT_PER_DAY", lambda most, wait: _(
            "You have reached your limit of invitations in 24 hours (%(max)d). "
            "You can send the next one in %(wait)s.", max=most, wait=wait)),
    )
    for condition, key, message in windows:
        wait = seconds_until_free(Invitation.select().where(condition), Invitation.created_at, config[key], DAY)
        if wait:
            raise LimitReached(message(config[key], wait_text(wait)), wait)
