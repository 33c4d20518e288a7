"""The link of a held sign-up: a second sign-up with someone's address leaves theirs untouched, the owner
of the mailbox decides which link to open, lost and expired links, and what a held sign-up keeps."""
from datetime import timedelta

from factories import activate, activation_page, activation_path, csrf, make_structure, rows, submit

from webapp.extensions import db
from webapp.models import Account, AccountToken, AttachmentRequest, Membership, OutboxMessage, Structure, utcnow
from webapp.signup.models import HeldSignup

RIDET = {"identifier_type": "RIDET", "identifier": "1234567001", "country": "NC", "postcode": "98800",
         "company_name": "NOUMEA PECHE"}


def links(app, email="alice@example.fr"):
    """The sign-up e-mails with a link to `email`, oldest first."""
    return rows(app, OutboxMessage, (OutboxMessage.kind == "activation_link") & (OutboxMessage.recipient == email))


def age(app, **fields):
    with app.app_context(), db.connection_context():
        HeldSignup.update(**fields).execute()


def test_a_sign_up_with_a_held_address_leaves_the_earlier_one_untouched(app, client):
    assert submit(client).status_code == 303
    [victims] = rows(app, HeldSignup)
    attacker = app.test_client()
    assert submit(attacker, first_name="Mallory", **RIDET).status_code == 303
    assert [(h.id, h.payload, h.token_hash) for h in rows(app, HeldSignup)][0] == (
        victims.id, victims.payload, victims.token_hash)
    first, second = links(app)
    assert "that sign-up stays as it is until you open this link" in second.body_text
    assert "Hello Mallory Martin" in second.body_text  # the mailbox's owner sees who typed what

    page = activation_page(client, first)  # the owner opens their own link
    assert client.get(page).status_code == 200
    [account] = rows(app, Account)
    assert account.first_name == "Alice"
    [structure] = rows(app, Structure)
    assert structure.identifier == "90110001600012"


def test_a_sign_up_with_the_address_of_an_account_awaiting_its_password_changes_nothing(app, client):
    assert submit(client).status_code == 303
    page = activation_page(client, links(app)[0])
    before = [rows(app, model) for model in (Account, Structure, Membership, AccountToken)]
    assert submit(app.test_client(), first_name="Mallory", **RIDET).status_code == 303
    assert [rows(app, model) for model in (Account, Structure, Membership, AccountToken)] == before
    assert activate(client, page).status_code == 303
    [account] = rows(app, Account)
    assert account.is_active and account.first_name == "Alice"


def test_the_owner_opening_a_newer_link_replaces_the_earlier_sign_up(app, client):
    """"Wrong details? Sign up again": the owner of the mailbox decides by opening the newer link."""
    assert submit(client).status_code == 303
    old_page = activation_page(client, links(app)[0])
    assert submit(client, first_name="Alicia", **RIDET).status_code == 303
    assert len(rows(app, Structure)) == 1  # nothing replaced before the newer link is opened
    new_page = activation_page(client, links(app)[1])
    [account] = rows(app, Account)
    assert account.first_name == "Alicia"
    [structure] = rows(app, Structure)
    assert structure.identifier_type == "RIDET" and structure.company_name == "NOUMEA PECHE"
    assert client.get(old_page).status_code == 404  # the earlier account went with its links
    assert client.get(new_page).status_code == 200
    replaced = client.get(activation_path(links(app)[0]) + "?lang=en")
    assert replaced.status_code == 410 and "This link has been replaced" in replaced.get_data(as_text=True)


def test_a_link_opened_once_the_address_is_active_creates_nothing(app, client):
    assert submit(client).status_code == 303
    assert submit(client, **RIDET).status_code == 303
    assert activate(client, activation_page(client, links(app)[0])).status_code == 303
    response = client.get(activation_path(links(app)[1]) + "?lang=en")
    assert response.status_code == 200 and "Your account is already active" in response.get_data(as_text=True)
    assert len(rows(app, Account)) == len(rows(app, Structure)) == 1
    again = client.get(activation_path(links(app)[1]) + "?lang=en")
    assert "Your account is already active" in again.get_data(as_text=True)


def test_send_the_link_again_from_the_check_mail_page(app, client):
    assert submit(client).status_code == 303
    age(app, answered_at=utcnow() - timedelta(minutes=2))
    response = client.post("/inscription/nouveau-lien", data={"csrf_token": csrf(client)})
    response.close()
    assert response.status_code == 303 and response.headers["Location"].endswith("/inscription/verifiez-votre-messagerie")
    assert "a new link has been sent" in client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    old, new = links(app)
    assert client.get(activation_path(old)).status_code == 404  # a newer link replaced it
    assert client.get(activation_page(client, new)).status_code == 200
    again = client.post("/inscription/nouveau-lien", data={"csrf_token": csrf(client)})
    again.close()
    assert len(links(app)) == 2  # the link went less than RESEND_INTERVAL_SECONDS ago


def test_an_expired_link_offers_a_new_one_by_address(app, client):
    assert submit(client).status_code == 303
    age(app, expires_at=utcnow() - timedelta(minutes=1), answered_at=utcnow() - timedelta(hours=25))
    page = client.get(activation_path(links(app)[0]) + "?lang=en")
    assert page.status_code == 410 and "This link has expired" in page.get_data(as_text=True)
    assert 'action="/inscription/nouveau-lien"' in page.get_data(as_text=True)
    elsewhere = app.test_client()  # another browser: no sign-up in its session
    response = elsewhere.post("/inscription/nouveau-lien", data={"email": " ALICE@example.fr ", "csrf_token": csrf(elsewhere)})
    response.close()
    assert response.headers["Location"].endswith("/connexion")
    assert elsewhere.get(activation_page(elsewhere, links(app)[1])).status_code == 200


def test_unknown_link(client):
    response = client.get("/inscription/activation/not-a-token?lang=en")
    assert response.status_code == 404 and "This link is not recognised" in response.get_data(as_text=True)


def test_held_sign_ups_are_deleted_after_a_week(app, client):
    assert submit(client).status_code == 303
    age(app, created_at=utcnow() - timedelta(days=8))
    assert submit(client, **RIDET).status_code == 303
    [held] = rows(app, HeldSignup)
    assert '"RIDET"' in held.payload


def test_a_structure_gone_before_the_link_is_opened(app, client):
    structure = make_structure(app, "GONE INC", "GONE1", "HORS_UE", country="US")
    assert submit(client, identifier_type="HORS_UE", identifier="GONE1", country="US", company_name="").status_code == 303
    with app.app_context(), db.connection_context():
        Structure.delete().where(Structure.id == structure).execute()
    response = client.get(activation_path(links(app)[0]) + "?lang=en")
    assert response.status_code == 410 and "no longer in the portal" in response.get_data(as_text=True)
    assert rows(app, Account) == [] and rows(app, AttachmentRequest) == [] and rows(app, Structure) == []
