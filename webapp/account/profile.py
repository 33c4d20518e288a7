"""Changes a signed-in user makes to their own account."""
from webapp.extensions import db
from webapp.credentials import hash_password, normalise_secret_answer
from webapp.models import Account, utcnow
from webapp.account.password_reset import queue_password_changed, set_password_ending_sessions

DETAIL_FIELDS = ("first_name", "last_name", "phone", "contact_email")


def update_details(account, values):
    """Names, phone and contact address; the login address never changes here."""
    for name in DETAIL_FIELDS:
        setattr(account, name, values[name])
    account.save(only=[getattr(type(account), name) for name in DETAIL_FIELDS])


def change_password(account, password, keep_session_id=None, keep_device_hash=None):
    """New password, notice by e-mail; every other session and known browser of the account ends."""
    with db.atomic():
        fresh = set_password_ending_sessions(account.id, password, keep_session_id, keep_device_hash)
        account.password_hash = fresh.password_hash
        queue_password_changed(account)


def change_secret_question(account, question, answer):
    account.secret_question = question
    account.secret_answer_hash = hash_password(normalise_secret_answer(answer))
    account.save()


def set_survey_consent(account, consent):
    """Give (True) or withdraw (False) the consent to satisfaction surveys, recording when.

    Returns False when the consent already stood so (a second click, another tab): nothing changes
    then, and the recorded date stays the one of the actual change.
    """
    now = utcnow()
    if consent:
        changes = {Account.survey_consent: True, Account.survey_consent_at: now}
    else:
        changes = {Account.survey_consent: False, Account.survey_withdrawn_at: now}
    changed = Account.update(changes).where(
        (Account.id == account.id) & (Account.survey_consent != consent)
    ).execute()
    if changed:
        for field, value in changes.items():
            setattr(account, field.name, value)
    return changed == 1
