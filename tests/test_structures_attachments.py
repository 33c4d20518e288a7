"""Attachment requests, the managers' side: listing, approving, refusing, rights, double decisions, reminders."""
from datetime import datetime, timedelta

import pytest
from factories import (
    activate,
    activation_page,
    activation_path,
    add_member,
    csrf,
    decide,
    get,
    make_account,
    rows,
    submit,
)

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
from webapp.structures.manage.attachments import approve_attachment, refuse_attachment


def test_manager_sees_pending_requests_with_details(app, client, requests_world, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    page = client.get(f"/structures/{requests_world['A']}/demandes").get_data(as_text=True)
    assert "Attachment requests" in page
    assert "Carl Person" in page and "carl@example.fr" in page and "carl.contact@example.fr" in page
    assert "Dora Person" in page and "eve@example.fr" not in page


def test_request_dates_are_shown_in_the_portals_time_zone(app, client, requests_world, auth):
    with app.app_context(), db.connection_context():  # 10:00 UTC in winter is 11:00 in Paris
        AttachmentRequest.update(created_at=datetime(2026, 1, 15, 10, 0)).execute()
    assert auth.sign_in("ann@example.fr").status_code == 303
    page = client.get(f"/structures/{requests_world['A']}/demandes").get_data(as_text=True)
    assert "1/15/26, 11:00\u202fAM (France Time)" in page
    page = client.get(f"/structures/{requests_world['A']}/demandes?lang=fr").get_data(as_text=True)
    assert "15/01/2026 11:00 (heure : France)" in page


def test_my_account_links_to_the_requests_with_a_count(app, client, requests_world, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    page = client.get("/mon-compte").get_data(as_text=True)
    assert f'/structures/{requests_world["A"]}/demandes' in page and "pending requests: 2" in page


def test_approve_an_active_requester(app, client, requests_world, outbox, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    response = decide(client, requests_world["A"], single=f"approve:{requests_world['carl_r']}")
    assert response.status_code == 303
    assert "Carl Person is now a user of the structure" in client.get(response.headers["Location"]).get_data(as_text=True)
    request = get(app, AttachmentRequest, requests_world["carl_r"])
    assert request.status == AttachmentStatus.APPROVED and request.decided_by_id == requests_world["ann"]
    assert request.decided_at is not None
    [membership] = rows(app, Membership, Membership.account == requests_world["carl"])
    assert membership.role == Role.USER and membership.structure_id == requests_world["A"]
    [event] = rows(app, StructureEvent)
    assert (event.action, event.actor_email, event.subject_email) == ("attachment_approved", "ann@example.fr", "carl@example.fr")
    [mail] = outbox()
    assert mail.recipient == "carl@example.fr" and mail.kind == "attachment_approved"
    assert "ALPHA SARL" in mail.body_text and "/activation/" not in mail.body_text
    assert "http://portal.test/connexion" in mail.body_text


def test_approval_of_a_never_activated_requester_carries_a_working_activation_link(app, client, requests_world, outbox, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    assert decide(client, requests_world["A"], single=f"approve:{requests_world['dora_r']}").status_code == 303
    [mail] = outbox()
    assert mail.recipient == "dora@example.fr" and "24 hours" in mail.body_text
    link = activation_path(mail)
    visitor = app.test_client()
    response = activate(visitor, link)
    assert response.status_code == 303
    assert get(app, Account, requests_world["dora"]).is_active
    assert auth.sign_in("dora@example.fr", client=visitor).status_code == 303
    assert "ALPHA SARL" in visitor.get("/mon-compte").get_data(as_text=True)


def test_refusal_with_reason_emails_the_active_requester(app, client, requests_world, outbox, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    carl = requests_world["carl_r"]
    response = decide(client, requests_world["A"], single=f"refuse:{carl}", **{f"reason_{carl}": "Unknown to us"})
    assert response.status_code == 303
    request = get(app, AttachmentRequest, requests_world["carl_r"])
    assert (request.status, request.reason, request.decided_by_id) == (AttachmentStatus.REFUSED, "Unknown to us", requests_world["ann"])
    assert rows(app, Membership, Membership.account == requests_world["carl"]) == []
    [mail] = outbox()
    assert mail.recipient == "carl@example.fr" and mail.kind == "attachment_refused"
    assert "Unknown to us" in mail.body_text and "deleted" not in mail.body_text
    [event] = rows(app, StructureEvent)
    assert event.action == "attachment_refused" and event.detail == "Unknown to us"


def test_refusal_deletes_a_never_activated_account_which_may_sign_up_again(app, client, requests_world, outbox, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    assert decide(client, requests_world["A"], single=f"refuse:{requests_world['dora_r']}").status_code == 303
    assert get(app, Account, requests_world["dora"]) is None
    [mail] = outbox()
    assert mail.recipient == "dora@example.fr" and "deleted" in mail.body_text
    assert "http://portal.test/inscription" in mail.body_text
    [event] = rows(app, StructureEvent)
    assert event.subject_email == "dora@example.fr" and event.actor_email == "ann@example.fr"


def test_batch_approve_with_checkboxes(app, client, requests_world, outbox, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    response = client.post(f"/structures/{requests_world['A']}/demandes", data={
        "action": "approve", "request_id": [requests_world["carl_r"], requests_world["dora_r"]], "csrf_token": csrf(client)})
    assert response.status_code == 303
    assert {m.recipient for m in outbox()} == {"carl@example.fr", "dora@example.fr"}
    assert len(rows(app, Membership, Membership.structure == requests_world["A"])) == 3


def test_batch_refuse_uses_the_common_reason_unless_a_row_has_its_own(app, client, requests_world, outbox, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    decide(client, requests_world["A"], action="refuse", request_id=[requests_world["carl_r"], requests_world["dora_r"]],
           reason="Not our staff", **{f"reason_{requests_world['carl_r']}": "Left the company"})
    mails = {m.recipient: m.body_text for m in outbox()}
    assert "Left the company" in mails["carl@example.fr"] and "Not our staff" in mails["dora@example.fr"]


def test_batch_without_selection_names_the_problem(app, client, requests_world, outbox, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    response = decide(client, requests_world["A"], action="approve")
    assert response.status_code == 422
    assert "Select at least one request" in response.get_data(as_text=True) and outbox() == []


def test_too_long_reason_is_an_error_on_its_field(app, client, requests_world, outbox, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    carl = requests_world["carl_r"]
    response = decide(client, requests_world["A"], single=f"refuse:{carl}", **{f"reason_{carl}": "x" * 501})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and f'href="#reason_{requests_world["carl_r"]}"' in body and "too long" in body
    assert get(app, AttachmentRequest, requests_world["carl_r"]).status == AttachmentStatus.PENDING


def test_htmx_decision_updates_the_rows_in_place(app, client, requests_world, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    response = decide(client, requests_world["A"], htmx=True, single=f"approve:{requests_world['carl_r']}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "HX-Request" in response.headers["Vary"]
    assert 'id="requests"' in body and "Carl Person is now a user of the structure" in body
    assert f'value="approve:{requests_world["dora_r"]}"' in body and f'value="approve:{requests_world["carl_r"]}"' not in body


def test_double_submission_gives_one_decision_and_one_email(app, client, requests_world, outbox, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    decide(client, requests_world["A"], single=f"approve:{requests_world['carl_r']}")
    response = decide(client, requests_world["A"], single=f"refuse:{requests_world['carl_r']}")
    assert "had already been decided" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert get(app, AttachmentRequest, requests_world["carl_r"]).status == AttachmentStatus.APPROVED
    assert len(outbox()) == 1 and len(rows(app, StructureEvent)) == 1


def test_two_managers_deciding_at_once_leave_one_decision(app, requests_world, outbox):
    second = make_account(app, "sam@example.fr")
    add_member(app, second, requests_world["A"], Role.SECONDARY_MANAGER)
    with app.test_request_context(), db.connection_context():
        structure = Structure.get_by_id(requests_world["A"])
        first = approve_attachment(structure, requests_world["carl_r"], Account.get_by_id(requests_world["ann"]))
        later = refuse_attachment(structure, requests_world["carl_r"], Account.get_by_id(second), "no")
    assert (first.outcome, later.outcome) == ("approved", "already_decided")
    assert len(outbox()) == 1 and len(rows(app, Membership, Membership.account == requests_world["carl"])) == 1


def test_a_user_cannot_see_or_decide(app, client, requests_world, outbox, auth):
    add_member(app, requests_world["carl"], requests_world["A"], Role.USER)
    assert auth.sign_in("carl@example.fr").status_code == 303
    assert client.get(f"/structures/{requests_world['A']}/demandes").status_code == 403
    response = decide(client, requests_world["A"], single=f"approve:{requests_world['dora_r']}")
    assert response.status_code == 403 and "Access denied" in response.get_data(as_text=True)
    assert outbox() == [] and get(app, AttachmentRequest, requests_world["dora_r"]).status == AttachmentStatus.PENDING


def test_manager_of_a_cannot_touch_b(app, client, requests_world, outbox, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    assert client.get(f"/structures/{requests_world['B']}/demandes").status_code == 403
    assert decide(client, requests_world["B"], single=f"approve:{requests_world['eve_r']}").status_code == 403
    # B's request through A's page: the id is not A's, nothing happens.
    assert decide(client, requests_world["A"], single=f"approve:{requests_world['eve_r']}").status_code == 404
    assert decide(client, requests_world["A"], action="approve", request_id=[requests_world["carl_r"], requests_world["eve_r"]]).status_code == 404
    assert outbox() == [] and get(app, AttachmentRequest, requests_world["eve_r"]).status == AttachmentStatus.PENDING
    assert get(app, AttachmentRequest, requests_world["carl_r"]).status == AttachmentStatus.PENDING


@pytest.mark.parametrize("value", ["approve:abc", "approve:", "explode:1"])
def test_forged_values_never_give_a_500(app, client, requests_world, value, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    assert decide(client, requests_world["A"], single=value).status_code in (400, 404)


def test_unknown_structure_is_404_and_anonymous_is_sent_to_sign_in(app, client, requests_world, auth):
    assert client.get(f"/structures/{requests_world['A']}/demandes").status_code == 302
    assert auth.sign_in("ann@example.fr").status_code == 303
    assert client.get("/structures/9999/demandes").status_code == 404


def test_post_without_csrf_is_refused(app, client, requests_world, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    response = client.post(f"/structures/{requests_world['A']}/demandes", data={"single": f"approve:{requests_world['carl_r']}"})
    assert response.status_code == 400
    assert get(app, AttachmentRequest, requests_world["carl_r"]).status == AttachmentStatus.PENDING


def test_signup_then_approval_end_to_end(app, client, outbox, auth):
    """A real sign-up creates the structure; a second sign-up asks to join; the manager approves."""
    assert submit(client).status_code == 303
    manager_link = activation_page(client, [m for m in outbox() if m.kind == "activation_link"][0])
    activate(client, manager_link)
    other = app.test_client()
    assert submit(other, login_email="zoe@example.fr", login_email_confirm="zoe@example.fr",
                  first_name="Zoe").status_code == 303
    [zoe_link] = [m for m in outbox() if m.recipient == "zoe@example.fr" and m.kind == "activation_link"]
    assert other.get(activation_path(zoe_link)).status_code == 200  # her address confirmed: the request exists
    [request] = rows(app, AttachmentRequest)
    assert auth.sign_in("alice@example.fr").status_code == 303
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


def test_reminder_goes_to_the_managers_once_per_period(app, runner, requests_world, outbox):
    second = make_account(app, "sam@example.fr")
    add_member(app, second, requests_world["A"], Role.SECONDARY_MANAGER)
    assert "reminders queued: 0" in run_remind(runner)
    age(app, requests_world["carl_r"], 8)
    assert "reminders queued: 2" in run_remind(runner)
    mails = outbox()
    assert {m.recipient for m in mails} == {"ann@example.fr", "sam@example.fr"}
    assert all(m.kind == "manager_reminder" and f"http://portal.test/structures/{requests_world['A']}/demandes" in m.body_text for m in mails)
    assert "reminders queued: 0" in run_remind(runner)  # not again within the period
    with app.app_context(), db.connection_context():
        AttachmentRequest.update(reminded_at=utcnow() - timedelta(days=8)).execute()
    assert "reminders queued: 2" in run_remind(runner)


def test_reminder_delay_is_configurable(app, runner, requests_world, outbox):
    app.config["ATTACHMENT_REMINDER_DAYS"] = 2
    age(app, requests_world["eve_r"], 3)
    assert "reminders queued: 1" in run_remind(runner)
    assert [m.recipient for m in outbox()] == ["bob@example.fr"]
