"""Attachment requests, the managers' side: listing, approving, refusing, rights, double decisions, reminders."""
import re
from datetime import timedelta

import pytest
from test_signup_submit import activation_page, activation_path, rows, submit

from webapp.extensions import db
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
from webapp.credentials import hash_password
from webapp.structures.manage.attachments import approve_attachment, refuse_attachment

PASSWORD = "Correct-Horse-42x"
_HASH = {}


def password_hash():
    if "value" not in _HASH:
        _HASH["value"] = hash_password(PASSWORD)
    return _HASH["value"]


def make_account(app, email, active=True, first_name="Test", last_name="Person", **values):
    with app.app_context(), db.connection_context():
        account = Account.create(
            email=email, first_name=first_name, last_name=last_name, contact_email=values.pop("contact_email", email),
            terms_accepted_at=utcnow(), password_hash=password_hash() if active else None,
            is_active=active, activated_at=utcnow() if active else None, locale=values.pop("locale", "en"), **values,
        )
        return account.id


def make_structure(app, identifier, name=None):
    with app.app_context(), db.connection_context():
        return Structure.create(identifier_type="HORS_UE", identifier=identifier, country="US",
                                company_name=name or f"Company {identifier}").id


def add_member(app, account_id, structure_id, role=Role.USER):
    with app.app_context(), db.connection_context():
        return Membership.create(account=account_id, structure=structure_id, role=role).id


def add_request(app, account_id, structure_id, **values):
    with app.app_context(), db.connection_context():
        return AttachmentRequest.create(account=account_id, structure=structure_id, **values).id


def csrf(client, path="/?lang=en"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def sign_in(app, client, email, password=PASSWORD):
    app.config["TWO_FACTOR"] = "off"
    response = client.post("/connexion", data={"email": email, "password": password, "csrf_token": csrf(client)})
    assert response.status_code == 303, response.get_data(as_text=True)
    client.get("/?lang=en")
    return client


def get(app, model, record_id):
    with app.app_context(), db.connection_context():
        return model.get_or_none(model.id == record_id)


@pytest.fixture
def world(app):
    """Structure A managed by ann (principal), B managed by bob; carl asked to join A (active account),
    dora signed up through the attachment to A (never activated)."""
    ids = {"A": make_structure(app, "AAA111", "ALPHA SARL"), "B": make_structure(app, "BBB222", "BETA SA")}
    for name, structure in (("ann", "A"), ("bob", "B")):
        ids[name] = make_account(app, f"{name}@example.fr", first_name=name.title())
        ids[name + "_m"] = add_member(app, ids[name], ids[structure], Role.PRINCIPAL_MANAGER)
    ids["carl"] = make_account(app, "carl@example.fr", first_name="Carl", contact_email="carl.contact@example.fr")
    ids["dora"] = make_account(app, "dora@example.fr", active=False, first_name="Dora")
    ids["carl_r"] = add_request(app, ids["carl"], ids["A"])
    ids["dora_r"] = add_request(app, ids["dora"], ids["A"])
    ids["eve"] = make_account(app, "eve@example.fr", first_name="Eve")
    ids["eve_r"] = add_request(app, ids["eve"], ids["B"])
    return ids


def decide(client, structure_id, htmx=False, **data):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/structures/{structure_id}/demandes", headers=headers,
                       data=dict(data, csrf_token=csrf(client)))


def test_manager_sees_pending_requests_with_details(app, client, world):
    sign_in(app, client, "ann@example.fr")
    page = client.get(f"/structures/{world['A']}/demandes").get_data(as_text=True)
    assert "Attachment requests" in page
    assert "Carl Person" in page and "carl@example.fr" in page and "carl.contact@example.fr" in page
    assert "Dora Person" in page and "eve@example.fr" not in page
    assert re.search(r"\d\d/\d\d/\d{4}", page)


def test_my_account_links_to_the_requests_with_a_count(app, client, world):
    sign_in(app, client, "ann@example.fr")
    page = client.get("/mon-compte").get_data(as_text=True)
    assert f'/structures/{world["A"]}/demandes' in page and "pending requests: 2" in page


def test_approve_an_active_requester(app, client, world, outbox):
    sign_in(app, client, "ann@example.fr")
    response = decide(client, world["A"], single=f"approve:{world['carl_r']}")
    assert response.status_code == 303
    assert "Carl Person is now a user of the structure" in client.get(response.headers["Location"]).get_data(as_text=True)
    request = get(app, AttachmentRequest, world["carl_r"])
    assert request.status == AttachmentStatus.APPROVED and request.decided_by_id == world["ann"]
    assert request.decided_at is not None
    [membership] = rows(app, Membership, Membership.account == world["carl"])
    assert membership.role == Role.USER and membership.structure_id == world["A"]
    [event] = rows(app, StructureEvent)
    assert (event.action, event.actor_email, event.subject_email) == ("attachment_approved", "ann@example.fr", "carl@example.fr")
    [mail] = outbox()
    assert mail.recipient == "carl@example.fr" and mail.kind == "attachment_approved"
    assert "ALPHA SARL" in mail.body_text and "/activation/" not in mail.body_text
    assert "http://portal.test/connexion" in mail.body_text


def test_approval_of_a_never_activated_requester_carries_a_working_activation_link(app, client, world, outbox):
    sign_in(app, client, "ann@example.fr")
    assert decide(client, world["A"], single=f"approve:{world['dora_r']}").status_code == 303
    [mail] = outbox()
    assert mail.recipient == "dora@example.fr" and "24 hours" in mail.body_text
    link = activation_path(mail)
    visitor = app.test_client()
    response = visitor.post(link, data={"password": PASSWORD, "password_confirm": PASSWORD, "secret_question": "first_pet",
                                        "secret_answer": "Rex", "csrf_token": csrf(visitor)})
    assert response.status_code == 303
    assert get(app, Account, world["dora"]).is_active
    sign_in(app, visitor, "dora@example.fr")
    assert "ALPHA SARL" in visitor.get("/mon-compte").get_data(as_text=True)


def test_refusal_with_reason_emails_the_active_requester(app, client, world, outbox):
    sign_in(app, client, "ann@example.fr")
    response = decide(client, world["A"], single=f"refuse:{world['carl_r']}", **{f"reason_{world['carl_r']}": "Unknown to us"})
    assert response.status_code == 303
    request = get(app, AttachmentRequest, world["carl_r"])
    assert (request.status, request.reason, request.decided_by_id) == (AttachmentStatus.REFUSED, "Unknown to us", world["ann"])
    assert rows(app, Membership, Membership.account == world["carl"]) == []
    [mail] = outbox()
    assert mail.recipient == "carl@example.fr" and mail.kind == "attachment_refused"
    assert "Unknown to us" in mail.body_text and "deleted" not in mail.body_text
    [event] = rows(app, StructureEvent)
    assert event.action == "attachment_refused" and event.detail == "Unknown to us"


def test_refusal_deletes_a_never_activated_account_which_may_sign_up_again(app, client, world, outbox):
    sign_in(app, client, "ann@example.fr")
    assert decide(client, world["A"], single=f"refuse:{world['dora_r']}").status_code == 303
    assert get(app, Account, world["dora"]) is None
    [mail] = outbox()
    assert mail.recipient == "dora@example.fr" and "deleted" in mail.body_text
    assert "http://portal.test/inscription" in mail.body_text
    [event] = rows(app, StructureEvent)
    assert event.subject_email == "dora@example.fr" and event.actor_email == "ann@example.fr"


def test_batch_approve_with_checkboxes(app, client, world, outbox):
    sign_in(app, client, "ann@example.fr")
    response = client.post(f"/structures/{world['A']}/demandes", data={
        "action": "approve", "request_id": [world["carl_r"], world["dora_r"]], "csrf_token": csrf(client)})
    assert response.status_code == 303
    assert {m.recipient for m in outbox()} == {"carl@example.fr", "dora@example.fr"}
    assert len(rows(app, Membership, Membership.structure == world["A"])) == 3


def test_batch_refuse_uses_the_common_reason_unless_a_row_has_its_own(app, client, world, outbox):
    sign_in(app, client, "ann@example.fr")
    decide(client, world["A"], action="refuse", request_id=[world["carl_r"], world["dora_r"]],
           reason="Not our staff", **{f"reason_{world['carl_r']}": "Left the company"})
    mails = {m.recipient: m.body_text for m in outbox()}
    assert "Left the company" in mails["carl@example.fr"] and "Not our staff" in mails["dora@example.fr"]


def test_batch_without_selection_names_the_problem(app, client, world, outbox):
    sign_in(app, client, "ann@example.fr")
    response = decide(client, world["A"], action="approve")
    assert response.status_code == 422
    assert "Select at least one request" in response.get_data(as_text=True) and outbox() == []


def test_too_long_reason_is_an_error_on_its_field(app, client, world, outbox):
    sign_in(app, client, "ann@example.fr")
    response = decide(client, world["A"], single=f"refuse:{world['carl_r']}", **{f"reason_{world['carl_r']}": "x" * 501})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and f'href="#reason_{world["carl_r"]}"' in body and "too long" in body
    assert get(app, AttachmentRequest, world["carl_r"]).status == AttachmentStatus.PENDING


def test_htmx_decision_updates_the_rows_in_place(app, client, world):
    sign_in(app, client, "ann@example.fr")
    response = decide(client, world["A"], htmx=True, single=f"approve:{world['carl_r']}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "HX-Request" in response.headers["Vary"]
    assert 'id="requests"' in body and "Carl Person is now a user of the structure" in body
    assert f'value="approve:{world["dora_r"]}"' in body and f'value="approve:{world["carl_r"]}"' not in body


def test_double_submission_gives_one_decision_and_one_email(app, client, world, outbox):
    sign_in(app, client, "ann@example.fr")
    decide(client, world["A"], single=f"approve:{world['carl_r']}")
    response = decide(client, world["A"], single=f"refuse:{world['carl_r']}")
    assert "had already been decided" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert get(app, AttachmentRequest, world["carl_r"]).status == AttachmentStatus.APPROVED
    assert len(outbox()) == 1 and len(rows(app, StructureEvent)) == 1


def test_two_managers_deciding_at_once_leave_one_decision(app, world, outbox):
    second = make_account(app, "sam@example.fr")
    add_member(app, second, world["A"], Role.SECONDARY_MANAGER)
    with app.test_request_context(), db.connection_context():
        structure = Structure.get_by_id(world["A"])
        first = approve_attachment(structure, world["carl_r"], Account.get_by_id(world["ann"]))
        later = refuse_attachment(structure, world["carl_r"], Account.get_by_id(second), "no")
    assert (first.outcome, later.outcome) == ("approved", "already_decided")
    assert len(outbox()) == 1 and len(rows(app, Membership, Membership.account == world["carl"])) == 1


def test_a_user_cannot_see_or_decide(app, client, world, outbox):
    add_member(app, world["carl"], world["A"], Role.USER)
    sign_in(app, client, "carl@example.fr")
    assert client.get(f"/structures/{world['A']}/demandes").status_code == 403
    response = decide(client, world["A"], single=f"approve:{world['dora_r']}")
    assert response.status_code == 403 and "Access denied" in response.get_data(as_text=True)
    assert outbox() == [] and get(app, AttachmentRequest, world["dora_r"]).status == AttachmentStatus.PENDING


def test_manager_of_a_cannot_touch_b(app, client, world, outbox):
    sign_in(app, client, "ann@example.fr")
    assert client.get(f"/structures/{world['B']}/demandes").status_code == 403
    assert decide(client, world["B"], single=f"approve:{world['eve_r']}").status_code == 403
    # B's request through A's page: the id is not A's, nothing happens.
    assert decide(client, world["A"], single=f"approve:{world['eve_r']}").status_code == 404
    assert decide(client, world["A"], action="approve", request_id=[world["carl_r"], world["eve_r"]]).status_code == 404
    assert outbox() == [] and get(app, AttachmentRequest, world["eve_r"]).status == AttachmentStatus.PENDING
    assert get(app, AttachmentRequest, world["carl_r"]).status == AttachmentStatus.PENDING


@pytest.mark.parametrize("value", ["approve:abc", "approve:", "explode:1"])
def test_forged_values_never_give_a_500(app, client, world, value):
    sign_in(app, client, "ann@example.fr")
    assert decide(client, world["A"], single=value).status_code in (400, 404)


def test_unknown_structure_is_404_and_anonymous_is_sent_to_sign_in(app, client, world):
    assert client.get(f"/structures/{world['A']}/demandes").status_code == 302
    sign_in(app, client, "ann@example.fr")
    assert client.get("/structures/9999/demandes").status_code == 404


def test_post_without_csrf_is_refused(app, client, world):
    sign_in(app, client, "ann@example.fr")
    response = client.post(f"/structures/{world['A']}/demandes", data={"single": f"approve:{world['carl_r']}"})
    assert response.status_code == 400
    assert get(app, AttachmentRequest, world["carl_r"]).status == AttachmentStatus.PENDING


def test_signup_then_approval_end_to_end(app, client, outbox):
    """A real sign-up creates the structure; a second sign-up asks to join; the manager approves."""
    assert submit(client).status_code == 303
    manager_link = activation_page(client, [m for m in outbox() if m.kind == "activation_link"][0])
    client.post(manager_link, data={"password": PASSWORD, "password_confirm": PASSWORD, "secret_question": "first_pet",
                                    "secret_answer": "Rex", "csrf_token": csrf(client)})
    other = app.test_client()
    assert submit(other, login_email="zoe@example.fr", login_email_confirm="zoe@example.fr",
                  first_name="Zoe").status_code == 303
    [zoe_link] = [m for m in outbox() if m.recipient == "zoe@example.fr" and m.kind == "activation_link"]
    assert other.get(activation_path(zoe_link)).status_code == 200  # her address confirmed: the request exists
    [request] = rows(app, AttachmentRequest)
    sign_in(app, client, "alice@example.fr")
    decide(client, request.structure_id, single=f"approve:{request.id}")
    [approval] = [m for m in outbox() if m.kind == "attachment_approved"]
    assert approval.recipient == "zoe@example.fr" and "/activation/" in approval.body_text


def run_remind(runner):
    result = runner.invoke(args=["attachments", "remind"])
    assert result.exit_code == 0, result.output
    return result.output


def age(app, request_id, days):
    with app.app_context(), db.connection_context():
        AttachmentRequest.update(created_at=utcnow() - timedelta(days=days)).where(AttachmentRequest.id == request_id).execute()


def test_reminder_goes_to_the_managers_once_per_period(app, runner, world, outbox):
    second = make_account(app, "sam@example.fr")
    add_member(app, second, world["A"], Role.SECONDARY_MANAGER)
    assert "reminders queued: 0" in run_remind(runner)
    age(app, world["carl_r"], 8)
    assert "reminders queued: 2" in run_remind(runner)
    mails = outbox()
    assert {m.recipient for m in mails} == {"ann@example.fr", "sam@example.fr"}
    assert all(m.kind == "manager_reminder" and f"http://portal.test/structures/{world['A']}/demandes" in m.body_text for m in mails)
    assert "reminders queued: 0" in run_remind(runner)  # not again within the period
    with app.app_context(), db.connection_context():
        AttachmentRequest.update(reminded_at=utcnow() - timedelta(days=8)).execute()
    assert "reminders queued: 2" in run_remind(runner)


def test_reminder_delay_is_configurable(app, runner, world, outbox):
    app.config["ATTACHMENT_REMINDER_DAYS"] = 2
    age(app, world["eve_r"], 3)
    assert "reminders queued: 1" in run_remind(runner)
    assert [m.recipient for m in outbox()] == ["bob@example.fr"]
