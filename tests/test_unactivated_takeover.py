"""Issue 12, dead end 2: "Wrong address? Sign up again" must not lock the person out.

A sign-up with a mistyped address whose link was opened (a mail scanner, a stranger) leaves a structure
whose only manager never activates. Signing up again with the right address and the same SIRET takes the
structure over instead of asking that manager to approve: driven here through the real sign-up form, its
e-mails and links, the activation form and the sign-in. A signed-in person creating the structure takes
it over too; a structure with an activated manager is never taken over.
"""
import re
from urllib.parse import urlsplit

from factories import activate, activation_path, add_member, csrf, make_account, make_structure, rows, submit

from webapp.extensions import db
from webapp.models import (
    Account, AttachmentRequest, Membership, OutboxMessage, Role, Structure, StructureEvent, utcnow,
)

SIRET = "90110001600012"  # in the demo register
TYPO, RIGHT = "alice@exmaple.fr", "alice@example.fr"


def mails_to(app, recipient):
    return rows(app, OutboxMessage, OutboxMessage.recipient == recipient)


def sign_up(client, email, page_path="/inscription?lang=en"):
    """Fill in the sign-up page opened at `page_path` as a person would, and submit it; the page it leads to."""
    response = submit(client, page_path, login_email=email, login_email_confirm=email, identifier=SIRET)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)


def signup_link(app, email):
    [message] = [m for m in mails_to(app, email) if m.kind == "activation_link"][-1:]
    path = activation_path(message)
    assert path.startswith("/inscription/activation/")
    return message, path


def test_the_corrected_sign_up_takes_over_the_structure_of_the_mistyped_one(app, client, auth):
    # 1. The mistyped sign-up; something opens its link (a mail scanner): account and structure exist.
    page = sign_up(client, TYPO)
    assert "Check your mailbox" in page and TYPO in page
    _message, typo_link = signup_link(app, TYPO)
    scanner = app.test_client()
    assert scanner.get(typo_link).status_code == 303
    [typo_account] = rows(app, Account)
    [structure] = rows(app, Structure)
    assert not typo_account.is_active

    # 2. "Wrong address? Sign up again", from the page that named the wrong address.
    again = re.search(r'<a href="([^"]+)">Wrong address\? Sign up again</a>', page).group(1)
    form = client.get(again + "?lang=en").get_data(as_text=True)
    assert 'name="login_email"' in form
    check = client.post("/inscription/identifiant?lang=en", headers={"HX-Request": "true"}, data={
        "identifier_type": "SIRET", "identifier": SIRET, "csrf_token": csrf(client)}).get_data(as_text=True)
    assert "by an account that was never activated" in check and "principal manager" in check
    page = sign_up(client, RIGHT, again + "?lang=en")
    assert "The link lets you choose your password" in page and "attachment request" not in page

    # 3. The right mailbox is told it will manage the structure, not that it asks to join it.
    message, link = signup_link(app, RIGHT)
    assert message.subject == "Activate your account"
    [summary] = [m for m in mails_to(app, RIGHT) if m.kind == "signup_summary"]
    assert "principal manager" in summary.body_text and "attachment request" not in summary.body_text

    # 4. Opening the link: the new account is the principal manager; the mistyped one is gone, and told.
    response = client.get(link)
    assert response.status_code == 303
    activation = urlsplit(response.headers["Location"]).path
    assert activation.startswith("/activation/")
    [account] = rows(app, Account)
    assert account.email == RIGHT and account.id != typo_account.id
    [membership] = rows(app, Membership)
    assert (membership.account_id, membership.structure_id, membership.role) == (account.id, structure.id,
                                                                                  Role.PRINCIPAL_MANAGER)
    assert rows(app, AttachmentRequest) == []
    assert [s.id for s in rows(app, Structure)] == [structure.id]
    events = {(e.action, e.subject_email) for e in rows(app, StructureEvent)}
    assert ("principal_appointed", RIGHT) in events and ("account_deleted", TYPO) in events
    [notice] = [m for m in mails_to(app, TYPO) if m.kind == "signup_replaced"]
    assert "ATELIERS DU LAMPADAIRE BLEU" in notice.body_text and RIGHT not in notice.body_text
    assert scanner.get(typo_link + "?lang=en").status_code == 410  # the mistyped link leads nowhere now

    # 5. The person chooses a password and signs in: the structure is theirs to manage.
    response = activate(client, activation)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert auth.sign_in(RIGHT).status_code == 303
    my_account = client.get("/mon-compte?lang=en").get_data(as_text=True)
    assert "ATELIERS DU LAMPADAIRE BLEU" in my_account and "Principal manager" in my_account
    assert client.get(f"/structures/{structure.id}/demandes").status_code == 200


def structure_managed_by(app, account_id):
    structure_id = make_structure(app, "ATELIERS DU LAMPADAIRE BLEU", SIRET, address_line="12 BIS AVENUE DES LILAS",
                                  postcode="75012", city="PARIS")
    add_member(app, account_id, structure_id, Role.PRINCIPAL_MANAGER)
    return structure_id


def create_structure(client):
    return client.post("/structures/nouvelle?lang=en", data={
        "identifier_type": "SIRET", "identifier": SIRET, "action": "create", "csrf_token": csrf(client)})


def test_a_signed_in_person_creating_the_structure_takes_it_over(app, client, auth):
    stale = make_account(app, "stale@example.fr", active=False)
    structure_id = structure_managed_by(app, stale)
    make_account(app, "owner@example.fr")
    assert auth.sign_in("owner@example.fr").status_code == 303
    page = client.get("/structures/nouvelle?lang=en")
    assert page.status_code == 200
    fragment = client.post("/structures/nouvelle/identifiant?lang=en", headers={"HX-Request": "true"}, data={
        "identifier_type": "SIRET", "identifier": SIRET, "csrf_token": csrf(client)}).get_data(as_text=True)
    assert "submitting makes you its principal manager" in fragment

    response = create_structure(client)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/structures/{structure_id}/espaces-de-travail")
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "You are now the principal manager of" in page
    [membership] = rows(app, Membership)
    assert membership.role == Role.PRINCIPAL_MANAGER and membership.account.email == "owner@example.fr"
    assert rows(app, Account, Account.email == "stale@example.fr") == []
    assert rows(app, AttachmentRequest) == []


def test_a_structure_whose_manager_activated_is_never_taken_over(app, client, auth):
    manager = make_account(app, "manager@example.fr")
    structure_id = structure_managed_by(app, manager)
    make_account(app, "owner@example.fr")
    assert auth.sign_in("owner@example.fr").status_code == 303
    assert create_structure(client).status_code == 303
    [request] = rows(app, AttachmentRequest)
    assert request.structure_id == structure_id and request.account.email == "owner@example.fr"
    [membership] = rows(app, Membership)
    assert membership.account_id == manager

    # Nor through a sign-up: it becomes an attachment request.
    visitor = app.test_client()
    page = sign_up(visitor, RIGHT)
    assert "Your sign-up is an attachment request" in page
    message, link = signup_link(app, RIGHT)
    assert message.subject == "Confirm your attachment request"
    assert "Attachment request sent" in visitor.get(link + "?lang=en").get_data(as_text=True)
    assert len(rows(app, AttachmentRequest)) == 2 and len(rows(app, Membership)) == 1


def test_once_the_manager_has_activated_a_pending_takeover_turns_into_a_request(app, client):
    """Held before the manager activated, opened after: the activation wins."""
    stale = make_account(app, "slow@example.fr", active=False)
    structure_managed_by(app, stale)
    sign_up(client, RIGHT)
    message, link = signup_link(app, RIGHT)
    assert message.subject == "Activate your account"  # a takeover, as things stood
    with app.app_context(), db.connection_context():
        Account.update(is_active=True, activated_at=utcnow()).where(Account.id == stale).execute()
    assert "Attachment request sent" in client.get(link + "?lang=en").get_data(as_text=True)
    assert rows(app, Account, Account.id == stale) != []
    [request] = rows(app, AttachmentRequest)
    assert request.account.email == RIGHT
