"""Invitations: sending, and the link for a signed-in account, an existing account, a new account; expiry, reuse."""
import re
from datetime import timedelta

import pytest
from test_signup_submit import rows
from test_structures_attachments import (
    PASSWORD,
    add_member,
    add_request,
    csrf,
    get,
    make_account,
    make_structure,
    sign_in,
)

from webapp.extensions import db
from webapp.models import Account, AttachmentRequest, Invitation, Membership, Role, StructureEvent, utcnow


@pytest.fixture
def ann(app):
    """ann manages structure A."""
    ids = {"A": make_structure(app, "AAA111", "ALPHA SARL")}
    ids["ann"] = make_account(app, "ann@example.fr", first_name="Ann")
    add_member(app, ids["ann"], ids["A"], Role.PRINCIPAL_MANAGER)
    return ids


def invite(app, client, structure_id, email):
    sign_in(app, client, "ann@example.fr")
    return client.post(f"/structures/{structure_id}/invitations", data={"email": email, "csrf_token": csrf(client)})


def invitation_path(message):
    return re.search(r"http://portal\.test(/invitation/[^\s?]+)", message.body_text).group(1)


def sent_link(app, client, ann, outbox, email):
    assert invite(app, client, ann["A"], email).status_code == 303
    [mail] = [m for m in outbox() if m.kind == "invitation" and m.recipient == email]
    return invitation_path(mail)


def new_account_form(**changes):
    data = {"first_name": "Nina", "last_name": "Noel", "password": PASSWORD, "password_confirm": PASSWORD,
            "secret_question": "first_pet", "secret_answer": "Rex", "accept_terms": "y"}
    data.update(changes)
    return data


def membership(app, email, structure_id):
    with app.app_context(), db.connection_context():
        return Membership.get_or_none((Membership.account == Account.get(Account.email == email).id)
                                      & (Membership.structure == structure_id))


def test_manager_sends_an_invitation(app, client, ann, outbox):
    response = invite(app, client, ann["A"], " Nina@Example.FR ")
    assert response.status_code == 303
    assert "An invitation was sent to nina@example.fr" in client.get(response.headers["Location"]).get_data(as_text=True)
    [invitation] = rows(app, Invitation)
    assert invitation.email == "nina@example.fr" and invitation.invited_by_id == ann["ann"]
    assert timedelta(days=6, hours=23) < invitation.expires_at - invitation.created_at <= timedelta(days=7)
    [mail] = outbox()
    assert mail.recipient == "nina@example.fr" and mail.subject == "Invitation to join a structure on Portail e-facturation"
    assert "“ALPHA SARL”" in mail.body_text and "“Ann Person”" in mail.body_text and "ALPHA SARL" not in mail.subject
    token = invitation_path(mail).rsplit("/", 1)[1]
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64  # only the hash is stored
    assert rows(app, StructureEvent)[0].action == "invitation_sent"


@pytest.mark.parametrize("email, message", [("", "Fill in this field."), ("not-an-address", "Enter an e-mail address")])
def test_invitation_address_errors_name_the_field(app, client, ann, outbox, email, message):
    response = invite(app, client, ann["A"], email)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and message in body and 'href="#email"' in body and outbox() == []


def test_cannot_invite_a_member(app, client, ann, outbox):
    response = invite(app, client, ann["A"], "ann@example.fr")
    assert response.status_code == 422 and "already a member" in response.get_data(as_text=True) and outbox() == []


def test_new_person_creates_an_active_account_straight_into_the_structure(app, client, ann, outbox):
    link = sent_link(app, client, ann, outbox, "nina@example.fr")
    visitor = app.test_client()
    page = visitor.get(link + "?lang=en").get_data(as_text=True)
    assert "Create your account to join the structure" in page and "nina@example.fr" in page
    response = visitor.post(link, data=dict(new_account_form(), csrf_token=csrf(visitor)))
    assert response.status_code == 303
    account = rows(app, Account, Account.email == "nina@example.fr")[0]
    assert account.is_active and account.first_name == "Nina" and account.contact_email == "nina@example.fr"
    assert account.secret_question == "first_pet" and account.terms_accepted_at is not None
    assert membership(app, "nina@example.fr", ann["A"]).role == Role.USER
    assert rows(app, Invitation)[0].accepted_by_id == account.id
    sign_in(app, visitor, "nina@example.fr")
    # Single use.
    again = visitor.get(link)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)


def test_new_account_form_errors_name_each_field(app, client, ann, outbox):
    link = sent_link(app, client, ann, outbox, "nina@example.fr")
    visitor = app.test_client()
    response = visitor.post(link, data=dict(new_account_form(first_name="", password="short", password_confirm="other",
                                                             secret_question="nope", accept_terms=None),
                                            csrf_token=csrf(visitor)))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("first_name", "password", "password_confirm", "secret_question", "accept_terms"):
        assert f'href="#{field}"' in body
    assert rows(app, Account, Account.email == "nina@example.fr") == []
    assert rows(app, Invitation)[0].accepted_at is None


def test_new_account_password_must_follow_the_policy(app, client, ann, outbox):
    link = sent_link(app, client, ann, outbox, "nina@example.fr")
    visitor = app.test_client()
    weak = "Password1234!"
    response = visitor.post(link, data=dict(new_account_form(password=weak, password_confirm=weak), csrf_token=csrf(visitor)))
    assert response.status_code == 422 and "does not follow the rules" in response.get_data(as_text=True)


def test_signed_in_invitee_accepts(app, client, ann, outbox):
    make_account(app, "carl@example.fr", first_name="Carl")
    link = sent_link(app, client, ann, outbox, "carl@example.fr")
    invitee = sign_in(app, app.test_client(), "carl@example.fr")
    assert "Accept the invitation" in invitee.get(link).get_data(as_text=True)
    response = invitee.post(link, data={"csrf_token": csrf(invitee)})
    assert response.status_code == 303 and membership(app, "carl@example.fr", ann["A"]).role == Role.USER
    assert invitee.post(link, data={"csrf_token": csrf(invitee)}).status_code == 410
    assert len(rows(app, Membership, Membership.structure == ann["A"])) == 2


def test_accepting_settles_a_pending_attachment_request(app, client, ann, outbox):
    carl = make_account(app, "carl@example.fr", first_name="Carl")
    request_id = add_request(app, carl, ann["A"])
    link = sent_link(app, client, ann, outbox, "carl@example.fr")
    invitee = sign_in(app, app.test_client(), "carl@example.fr")
    invitee.post(link, data={"csrf_token": csrf(invitee)})
    assert get(app, AttachmentRequest, request_id).status == "approved"


def test_another_signed_in_account_cannot_use_the_link(app, client, ann, outbox):
    make_account(app, "carl@example.fr")
    make_account(app, "mallory@example.fr")
    link = sent_link(app, client, ann, outbox, "carl@example.fr")
    intruder = sign_in(app, app.test_client(), "mallory@example.fr")
    assert intruder.get(link).status_code == 403
    assert intruder.post(link, data={"csrf_token": csrf(intruder)}).status_code == 403
    assert rows(app, Invitation)[0].accepted_at is None


def test_existing_account_not_signed_in_is_sent_to_sign_in_and_back(app, client, ann, outbox):
    make_account(app, "carl@example.fr")
    link = sent_link(app, client, ann, outbox, "carl@example.fr")
    visitor = app.test_client()
    page = visitor.get(link + "?lang=en").get_data(as_text=True)
    assert "An account already uses this address" in page and "/connexion?next=/invitation/" in page
    # No account can be created over the existing one.
    assert visitor.post(link, data=dict(new_account_form(), csrf_token=csrf(visitor))).status_code == 200
    assert rows(app, Account, Account.email == "carl@example.fr")[0].first_name == "Test"
    app.config["TWO_FACTOR"] = "off"
    response = visitor.post(f"/connexion?next={link}", data={"email": "carl@example.fr", "password": PASSWORD,
                                                               "next": link, "csrf_token": csrf(visitor)})
    assert response.status_code == 303 and response.headers["Location"].endswith(link)


def test_expired_link(app, client, ann, outbox):
    link = sent_link(app, client, ann, outbox, "nina@example.fr")
    with app.app_context(), db.connection_context():
        Invitation.update(expires_at=utcnow() - timedelta(minutes=1)).execute()
    visitor = app.test_client()
    response = visitor.get(link + "?lang=en")
    assert response.status_code == 410 and "has expired" in response.get_data(as_text=True)
    assert visitor.post(link, data=dict(new_account_form(), csrf_token=csrf(visitor))).status_code == 410
    assert rows(app, Account, Account.email == "nina@example.fr") == []


def test_unknown_link(client):
    response = client.get("/invitation/made-up-token?lang=en")
    assert response.status_code == 404 and "not recognised" in response.get_data(as_text=True)
