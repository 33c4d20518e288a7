"""Races: twenty sign-up links for one new SIRET opened at once, two managers deciding one request, one
token used twice.

Threads drive the app on its file database (SQLite WAL, or PostgreSQL with TEST_DATABASE_URL); a
barrier releases the racing requests together."""
from factories import (
    PASSWORD,
    activation_page,
    add_member,
    csrf,
    get,
    latest_link,
    make_account,
    open_page,
    race,
    rows,
    signup_data,
    submit,
)

from webapp.credentials import verify_password
from webapp.models import Account, AttachmentRequest, AttachmentStatus, Membership, OutboxMessage, Role, Structure

SIRET = "90110001600012"


def test_twenty_signups_on_one_new_siret_make_one_structure_with_one_principal(app):
    """Twenty people sign up for one new SIRET at once, then open their links at once. None has activated,
    so each opening takes the structure over from the previous one (issue 12): one structure, one manager."""
    def one_signup(i):
        def prepare():
            client = app.test_client()
            token, captcha_id = open_page(client)
            email = f"racer{i}@example.fr"
            data = dict(signup_data(login_email=email, login_email_confirm=email, identifier=SIRET),
                        csrf_token=token, captcha_id=captcha_id)

            def post():
                response = client.post("/inscription", data=data)
                response.close()  # the e-mails are written once the answer has left
                return response
            return post
        return prepare

    responses = race([one_signup(i) for i in range(20)])
    assert [r.status_code for r in responses] == [303] * 20, [r.get_data(as_text=True)[:300] for r in responses]
    kinds = [m.kind for m in rows(app, OutboxMessage)]
    assert kinds.count("signup_summary") == 20 and kinds.count("activation_link") == 20
    assert rows(app, Structure) == []  # nothing exists before a link is opened

    def one_opening(i):
        def prepare():
            client, link = app.test_client(), latest_link(app, f"racer{i}@example.fr")
            return lambda: client.get(link)
        return prepare

    openings = race([one_opening(i) for i in range(20)])
    assert sorted(r.status_code for r in openings) == [303] * 20  # each to an activation page, as things stood
    structures = rows(app, Structure, Structure.identifier == SIRET)
    assert len(structures) == 1
    memberships = rows(app, Membership, Membership.structure == structures[0])
    assert [m.role for m in memberships] == [Role.PRINCIPAL_MANAGER]
    assert rows(app, AttachmentRequest) == []
    [account] = rows(app, Account)  # the last opened; the nineteen others were told and removed
    assert memberships[0].account_id == account.id
    replaced = rows(app, OutboxMessage, OutboxMessage.kind == "signup_replaced")
    assert len(replaced) == 19 and account.email not in {m.recipient for m in replaced}


def test_two_managers_deciding_one_request_at_once_give_one_outcome(app, requests_world, auth):
    second = make_account(app, "sam@example.fr", first_name="Sam")
    add_member(app, second, requests_world["A"], Role.SECONDARY_MANAGER)
    managers = [auth.browser("ann@example.fr"), auth.browser("sam@example.fr")]

    def deciding(client, action):
        def prepare():
            data = {"single": f"{action}:{requests_world['carl_r']}", "csrf_token": csrf(client)}
            return lambda: client.post(f"/structures/{requests_world['A']}/demandes", data=data)
        return prepare

    responses = race([deciding(managers[0], "approve"), deciding(managers[1], "refuse")])
    assert [r.status_code for r in responses] == [303, 303]
    request = get(app, AttachmentRequest, requests_world["carl_r"])
    assert request.status in (AttachmentStatus.APPROVED, AttachmentStatus.REFUSED)
    mails = rows(app, OutboxMessage, OutboxMessage.recipient == "carl@example.fr")
    assert len(mails) == 1
    assert mails[0].kind == ("attachment_approved" if request.status == AttachmentStatus.APPROVED else "attachment_refused")
    members = rows(app, Membership, (Membership.account == requests_world["carl"])
                   & (Membership.structure == requests_world["A"]))
    assert len(members) == (1 if request.status == AttachmentStatus.APPROVED else 0)


def test_activation_link_used_twice_at_once_works_once(app, client, outbox):
    assert submit(client).status_code == 303
    link = activation_page(client, [m for m in outbox() if m.kind == "activation_link"][0])
    passwords = [PASSWORD, "Other-Horse-77y"]

    def activating(password):
        def prepare():
            browser = app.test_client()
            data = {"password": password, "password_confirm": password, "secret_question": "first_pet",
                    "secret_answer": "Rex", "csrf_token": csrf(browser)}
            return lambda: browser.post(link, data=data)
        return prepare

    responses = race([activating(p) for p in passwords])
    assert sorted(r.status_code for r in responses) == [303, 410]
    winner = passwords[[r.status_code for r in responses].index(303)]
    [account] = rows(app, Account)
    assert account.is_active and verify_password(account.password_hash, winner)
