""""My personal data": the download, and deleting the account (hand-over rules, sessions, e-mail)."""
import json
import re

import pytest
from factories import PASSWORD, add_member, add_request, csrf, get, make_account, make_structure

from webapp.credentials import hash_password
from webapp.extensions import db
from webapp.models import (
    Account,
    AttachmentRequest,
    Invitation,
    Membership,
    OpenedWorkspace,
    Role,
    Structure,
    StructureEvent,
    utcnow,
)


@pytest.fixture
def app_config(app_config):
    return dict(app_config, TWO_FACTOR="off")  # ann has an authenticator app: her password alone signs her in


@pytest.fixture
def team(app):
    """ann: principal of A (with uma, user), alone in SOLO, user of B (bob principal); a request to C."""
    ids = {key: make_structure(app, name, ident, "HORS_UE", country="US") for key, ident, name in
           (("A", "AAA111", "ALPHA SARL"), ("SOLO", "SSS333", "SOLO SARL"), ("B", "BBB222", "BETA SA"),
            ("C", "CCC444", "GAMMA SA"))}
    for name in ("ann", "uma", "bob"):
        ids[name] = make_account(app, f"{name}@example.fr", first_name=name.title())
    for who, where, role in (("ann", "A", Role.PRINCIPAL_MANAGER), ("uma", "A", Role.USER),
                             ("ann", "SOLO", Role.PRINCIPAL_MANAGER), ("bob", "B", Role.PRINCIPAL_MANAGER),
                             ("ann", "B", Role.USER)):
        ids[f"{who}_{where}"] = add_member(app, ids[who], ids[where], role)
    add_request(app, ids["ann"], ids["C"], status="refused", reason="Not one of ours", decided_at=utcnow())
    with app.app_context(), db.connection_context():
        ann = Account.get_by_id(ids["ann"])
        Account.update(totp_secret="JBSWY3DPEHPK3PXP", secret_question="first_pet",
                       secret_answer_hash=hash_password("rex")).where(Account.id == ann.id).execute()
        OpenedWorkspace.create(membership=ids["ann_B"], code="invoices")
        StructureEvent.create(structure=ids["A"], actor=ann, actor_email=ann.email, action="attachment_approved",
                              subject_email="uma@example.fr")
        StructureEvent.create(structure=ids["B"], actor=ids["bob"], actor_email="bob@example.fr",
                              action="attachment_approved", subject_email=ann.email)
        StructureEvent.create(structure=ids["B"], actor=ids["bob"], actor_email="bob@example.fr",
                              action="role_changed", subject_email="someone@example.fr")
        Invitation.create(structure=ids["A"], email="new@example.fr", invited_by=ann, token_hash="f" * 64,
                          expires_at=utcnow())
    return ids


def post_data(client, path, **data):
    return client.post(path, data=dict(data, csrf_token=csrf(client, "/mon-compte/donnees?lang=en")))


def delete(client, password=PASSWORD, confirm="y"):
    return post_data(client, "/mon-compte/donnees/suppression", current_password=password, confirm=confirm)


def exists(app, model, record_id):
    return get(app, model, record_id) is not None


def test_page_is_linked_from_my_account(app, client, team, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    assert 'href="/mon-compte/donnees"' in client.get("/mon-compte").get_data(as_text=True)
    page = client.get("/mon-compte/donnees?lang=en").get_data(as_text=True)
    for text in ("My personal data", "Download my data", "Delete my account", "SOLO SARL",
                 f'href="/structures/{team["A"]}/membres"'):
        assert text in page
    french = client.get("/mon-compte/donnees?lang=fr").get_data(as_text=True)
    assert "Télécharger mes données" in french and "Supprimer mon compte" in french


def test_download_holds_the_data_and_no_secret(app, client, team, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    response = post_data(client, "/mon-compte/donnees/telechargement")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert re.fullmatch(r"attachment; filename=mes-donnees-\d{4}-\d\d-\d\d\.json", response.headers["Content-Disposition"])
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "ann@example.fr" and data["account"]["first_name"] == "Ann"
    assert data["account"]["authenticator_app_configured"] is True
    assert set(data["not_exported"]) == {"password_hash", "secret_answer_hash", "totp_secret"}
    raw = response.get_data(as_text=True)
    with app.app_context(), db.connection_context():
        ann = Account.get_by_id(team["ann"])
        for secret in (ann.password_hash, ann.secret_answer_hash, ann.totp_secret, "f" * 64):
            assert secret not in raw
    roles = {m["structure"]["identifier"]: m["role"] for m in data["memberships"]}
    assert roles == {"AAA111": "principal_manager", "SSS333": "principal_manager", "BBB222": "user"}
    [beta] = [m for m in data["memberships"] if m["structure"]["identifier"] == "BBB222"]
    assert [w["code"] for w in beta["opened_workspaces"]] == ["invoices"]
    [refused] = data["attachment_requests"]
    assert refused["status"] == "refused" and refused["reason"] == "Not one of ours" and refused["decided_at"]
    events = [(e["action"], e["subject_email"]) for e in data["structure_events"]]
    assert events == [("attachment_approved", "uma@example.fr"), ("attachment_approved", "ann@example.fr")]
    assert [i["email"] for i in data["invitations_sent"]] == ["new@example.fr"]


def test_last_principal_with_other_members_must_hand_over(app, client, team, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    response = delete(client)
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "You are the last principal manager" in body and f'href="/structures/{team["A"]}/membres"' in body
    assert exists(app, Account, team["ann"]) and exists(app, Structure, team["SOLO"])
    assert client.get("/mon-compte").status_code == 200  # still signed in


def test_deletion_after_hand_over(app, client, team, outbox, auth):
    other = app.test_client()
    assert auth.sign_in("ann@example.fr", client=other).status_code == 303
    assert auth.sign_in("ann@example.fr").status_code == 303
    response = post_data(client, f"/structures/{team['A']}/membres/{team['uma_A']}/transfert")
    assert response.status_code == 303 and get(app, Membership, team["uma_A"]).role == Role.PRINCIPAL_MANAGER
    response = delete(client)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "Your account has been deleted." in client.get("/?lang=en").get_data(as_text=True)
    assert client.get("/mon-compte").status_code == 302 and other.get("/mon-compte").status_code == 302
    assert not exists(app, Account, team["ann"])
    assert not exists(app, Structure, team["SOLO"])  # ann was its only member
    assert exists(app, Structure, team["A"]) and exists(app, Structure, team["B"])
    assert exists(app, Membership, team["uma_A"]) and not exists(app, Membership, team["ann_B"])
    with app.app_context(), db.connection_context():
        assert not AttachmentRequest.select().where(AttachmentRequest.structure == team["C"]).exists()
        kept = StructureEvent.select().where(StructureEvent.actor_email == "ann@example.fr")
        assert kept.count() >= 3 and all(e.actor_id is None for e in kept)
        left = {e.structure_id for e in kept.where(StructureEvent.action == "account_deleted")}
        assert left == {team["A"], team["B"]}
        assert Invitation.get().invited_by_id is None
    [notice] = [m for m in outbox() if m.kind == "account_deleted"]
    assert notice.recipient == "ann@example.fr" and notice.sent_at is not None
    assert "SOLO SARL" in notice.body_text and "Your account on" in notice.body_text


def test_sole_member_structure_goes_with_the_account(app, client, auth):
    ids = {"ann": make_account(app, "ann@example.fr"),
           "S": make_structure(app, "SOLO SARL", "SSS333", "HORS_UE", country="US")}
    add_member(app, ids["ann"], ids["S"], Role.PRINCIPAL_MANAGER)
    assert auth.sign_in("ann@example.fr").status_code == 303
    assert delete(client).status_code == 303
    assert not exists(app, Structure, ids["S"]) and not exists(app, Account, ids["ann"])
    with app.app_context(), db.connection_context():
        assert not StructureEvent.select().exists()


def test_wrong_password_and_missing_confirmation(app, client, team, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    response = delete(client, password="Wrong-Horse-42x", confirm="")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "This is not your current password." in body and "Tick this box to confirm" in body
    assert 'href="#current_password"' in body and 'href="#confirm"' in body and "Wrong-Horse-42x" not in body
    assert delete(client, password="").status_code == 422
    assert exists(app, Account, team["ann"]) and client.get("/mon-compte").status_code == 200


def test_csrf_and_sign_in_required(app, client, team, auth):
    anonymous = app.test_client()
    assert anonymous.get("/mon-compte/donnees").status_code == 302
    assert "/connexion" in anonymous.get("/mon-compte/donnees").headers["Location"]
    for path in ("/mon-compte/donnees/telechargement", "/mon-compte/donnees/suppression"):
        assert anonymous.post(path, data={"csrf_token": csrf(anonymous)}).status_code == 302
    assert auth.sign_in("ann@example.fr").status_code == 303
    assert client.post("/mon-compte/donnees/telechargement").status_code == 400
    assert client.post("/mon-compte/donnees/suppression",
                       data={"current_password": PASSWORD, "confirm": "y"}).status_code == 400
    assert exists(app, Account, team["ann"])
