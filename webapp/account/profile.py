"""Changes a signed-in user makes to their own account."""
from ..extensions import db
from ..security import hash_password, normalise_secret_answer
from .password_reset import queue_password_changed, set_password_ending_sessions

DETAIL_FIELDS = ("first_name", "last_name", "phone", "contact_email")


def update_details(account, values):
    """Names, phone and contact address; the login address never changes here."""
    for name in DETAIL_FIELDS:
        setattr(account, name, values[name])
    account.save(only=[getattr(type(account), name) for name in DETAIL_FIELDS])


def change_password(account, password):
    """New password, notice by e-mail, and every session of the account ends (the caller keeps its own)."""
    with db.atomic():
        fresh = set_password_ending_sessions(account.id, password)
        account.password_hash, account.session_version = fresh.password_hash, fresh.session_version
        queue_password_changed(account)


def change_secret_question(account, question, answer):
    account.secret_question = question
    account.secret_answer_hash = hash_password(normalise_secret_answer(answer))
    account.save()
