"""Submitting the sign-up page: validation, what is held, the e-mails, opening the link, JS-off actions."""
import re

import pytest
from factories import (
    CAPTCHA,
    activation_page,
    activation_path,
    confirm,
    error_summary,
    open_page,
    rows,
    signup_data,
    submit,
    value,
)

from webapp.extensions import db
from webapp.models import Account, AccountToken, AttachmentRequest, Membership, Role, Structure, utcnow
from webapp.signup.models import HeldSignup


def test_success_holds_the_form_and_the_link_creates_account_structure_and_membership(app, client, outbox):
    response = submit(client, login_email="Alice@Example.fr", contact_email="")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Check your mailbox" in page and "alice@example.fr" in page
    assert "Send the link again" in page
    assert rows(app, Account) == [] and rows(app, Structure) == [] and rows(app, Membership) == []
    [held] = rows(app, HeldSignup)
    assert held.email == "alice@example.fr" and held.confirmed_at is None

    summary, activation = outbox()
    assert (summary.kind, activation.kind) == ("signup_summary", "activation_link")
    assert summary.recipient == activation.recipient == "alice@example.fr"
    assert "90110001600012" in summary.body_text and "principal manager" in summary.body_text
    assert "ATELIERS DU LAMPADAIRE BLEU" in summary.body_html
    assert activation_path(activation) in activation.body_html
    assert activation_path(activation).startswith("/inscription/activation/")

    page_path = activation_page(client, activation)
    assert page_path.startswith("/activation/")
    assert "Account activation" in client.get(page_path + "?lang=en").get_data(as_text=True)
    [account] = rows(app, Account)
    assert account.email == "alice@example.fr" and not account.is_active and account.password_hash is None
    assert account.contact_email == "alice@example.fr" and account.phone == "+33123456789"
    [structure] = rows(app, Structure)
    assert (structure.identifier_type, structure.identifier) == ("SIRET", "90110001600012")
    assert structure.company_name == "ATELIERS DU LAMPADAIRE BLEU" and structure.city == "PARIS"
    assert structure.label == "" and structure.email == "" and structure.phone == ""  # not "False"
    assert structure.feature_payment_requests and not structure.feature_dume
    [membership] = rows(app, Membership)
    assert membership.role == Role.PRINCIPAL_MANAGER and membership.account_id == account.id
    assert rows(app, AttachmentRequest) == []
    assert rows(app, HeldSignup)[0].account_id == account.id


def test_opening_the_link_again_gives_a_fresh_activation_page(app, client, outbox):
    """A mail scanner may open the link before the person: the person still reaches the form."""
    assert submit(client).status_code == 303
    first = activation_page(client, outbox()[1])
    second = activation_page(client, outbox()[1])
    assert first != second
    assert client.get(first).status_code == 410  # a newer activation link replaced it
    assert client.get(second).status_code == 200
    assert len(rows(app, Account)) == len(rows(app, Structure)) == 1


def test_private_person_gets_an_assigned_identifier(app, client, outbox):
    response = submit(client, identifier_type="PARTICULIER", identifier=None, company_name=None,
                      structure_type=None, person_last_name="Durand", person_first_name="Léa")
    assert response.status_code == 303
    confirm(app, client)
    [structure] = rows(app, Structure)
    assert structure.identifier.startswith("PAR") and structure.structure_type == "private_person"
    assert (structure.person_last_name, structure.person_first_name, structure.company_name) == ("Durand", "Léa", "")
    assert structure.identifier in outbox()[0].body_text  # the number the summary gave is the one kept


def test_eu_vat_country_follows_the_prefix(app, client):
    response = submit(client, identifier_type="UE_HORS_FRANCE", identifier="EL094259216", country="",
                      postcode="10431", city="Athens")
    assert response.status_code == 303
    confirm(app, client)
    [structure] = rows(app, Structure)
    assert (structure.identifier, structure.country) == ("EL094259216", "GR")


def test_errors_keep_every_value_and_link_each_field(app, client):
    response = submit(client, login_email_confirm="alicia@example.fr", phone="12", postcode="7501",
                      structure_email="not-an-address", first_name="Alice-Anne", label="Lampadaire")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "<title>Error:" in body
    links = error_summary(body)
    assert links == {
        "login_email_confirm": "The two addresses differ: type the same login e-mail address twice.",
        "phone": "This phone number is not valid: check the number of digits and the country code.",
        "structure_email": "Enter an e-mail address in the form name@example.fr.",
        "postcode": "A French postcode has 5 digits, for example 75001.",
    }
    for field_id, message in links.items():
        assert re.search(rf'id="{field_id}-error">.*?{re.escape(message)}', body), field_id
        assert re.search(rf'<input[^>]*aria-describedby="[^"]*{field_id}-error"[^>]*id="{field_id}"', body)
    assert value(body, "login_email") == "alice@example.fr"
    assert value(body, "login_email_confirm") == "alicia@example.fr"
    assert value(body, "first_name") == "Alice-Anne"
    assert value(body, "label") == "Lampadaire"
    assert value(body, "company_name") == "ATELIERS DU LAMPADAIRE BLEU"
    assert value(body, "phone") == "12"
    assert value(body, "postcode") == "7501"
    assert rows(app, HeldSignup) == [] and rows(app, Account) == [] and rows(app, Structure) == []


def test_invalid_login_email(client):
    body = submit(client, login_email="alice@", login_email_confirm="alice@").get_data(as_text=True)
    assert error_summary(body)["login_email"] == "Enter an e-mail address in the form name@example.fr."


@pytest.mark.parametrize(
    "changes, missing",
    [
        ({"identifier_type": "RIDET", "identifier": "1234567001", "country": "NC", "postcode": "98800",
          "company_name": "", "address_line": "", "city": ""}, {"company_name", "address_line", "city"}),
        ({"structure_type": ""}, set()),  # a SIRET's structure type comes from the register
        ({"identifier_type": "PARTICULIER", "identifier": None}, {"person_last_name", "person_first_name"}),
        ({"identifier_type": "HORS_UE", "identifier": "CHE123", "country": ""}, {"country"}),
        ({"first_name": "", "accept_terms": None}, {"first_name", "accept_terms"}),
    ],
)
def test_required_fields_per_type(app, client, changes, missing):
    response = submit(client, **changes)
    if not missing:
        assert response.status_code == 303
        confirm(app, client)
        assert rows(app, Structure)[0].structure_type == "company"
        return
    assert response.status_code == 422
    assert set(error_summary(response.get_data(as_text=True))) == missing
    assert rows(app, HeldSignup) == []


def test_siret_must_exist_and_be_open(client):
    body = submit(client, identifier="90110002400024").get_data(as_text=True)
    assert "This establishment is closed" in error_summary(body)["identifier"]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"identifier_type": "EVIL"}, "identifier_type", "Choose the type of identifier of your structure."),
        ({"country": "XX"}, "country", "Choose a country from the list."),
        ({"structure_type": "evil"}, "structure_type", "Choose a structure type from the list."),
        ({"identifier_type": "HORS_UE", "identifier": "CHE123", "country": "DE"}, "country",
         "A structure outside the EU cannot be in an EU country: choose another type or country."),
    ],
)
def test_forged_values_get_a_clear_message(app, client, changes, field, message):
    response = submit(client, **changes)
    assert response.status_code == 422
    assert error_summary(response.get_data(as_text=True))[field] == message
    assert rows(app, HeldSignup) == []


def test_forged_fields_of_another_type_are_ignored(app, client):
    response = submit(client, identifier_type="PARTICULIER", identifier="x" * 60, structure_type="evil",
                      company_name="Z" * 300, person_last_name="Durand", person_first_name="Léa")
    assert response.status_code == 303
    confirm(app, client)
    [structure] = rows(app, Structure)
    assert structure.company_name == "" and structure.structure_type == "private_person"


def test_control_characters_are_dropped(app, client):
    assert submit(client, first_name="Al\x00ice", city="PA\x00RIS").status_code == 303
    confirm(app, client)
    [account] = rows(app, Account)
    assert account.first_name == "Alice" and rows(app, Structure)[0].city == "PARIS"


def test_missing_csrf_is_refused(app, client):
    _, captcha_id = open_page(client)
    response = client.post("/inscription", data=dict(signup_data(), captcha_id=captcha_id))
    assert response.status_code == 400
    assert "Your session has expired" in response.get_data(as_text=True)
    assert rows(app, HeldSignup) == []


def test_wrong_captcha_gives_a_new_image_and_keeps_values(app, client):
    app.config["CAPTCHA_TEST_MODE"] = False
    token, captcha_id = open_page(client)
    response = client.post("/inscription", data=dict(signup_data(captcha_answer="000000", first_name="Zoé"),
                                                      csrf_token=token, captcha_id=captcha_id))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert error_summary(body)["captcha_answer"].startswith("The characters typed do not match the image")
    new_id = CAPTCHA.search(body).group(1)
    assert new_id != captcha_id
    assert value(body, "first_name") == "Zoé"
    assert value(body, "captcha_answer") in (None, "")  # the answer belonged to the old image
    assert rows(app, HeldSignup) == []


def test_captcha_is_single_use(app, client):
    token, captcha_id = open_page(client)
    data = dict(signup_data(), csrf_token=token, captcha_id=captcha_id)
    assert client.post("/inscription", data=data).status_code == 303
    data.update(login_email="bob@example.fr", login_email_confirm="bob@example.fr")
    response = client.post("/inscription", data=data)
    assert response.status_code == 422
    assert len(rows(app, HeldSignup)) == 1


def test_without_js_type_button_shows_the_fields(client):
    token, captcha_id = open_page(client)
    data = {"identifier_type": "PARTICULIER", "first_name": "Léa", "action": "type",
            "csrf_token": token, "captcha_id": captcha_id}
    response = client.post("/inscription", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in body
    assert 'name="person_last_name"' in body and 'name="company_name"' not in body
    assert value(body, "first_name") == "Léa"
    assert 'id="error-summary"' not in body
    assert re.search(r'<input[^>]*checked[^>]*name="feature_payment_requests"', body)


def test_without_js_check_button_prefills(client):
    token, captcha_id = open_page(client)
    data = {"identifier_type": "SIRET", "identifier": "90110008100016", "action": "check",
            "csrf_token": token, "captcha_id": captcha_id}
    body = client.post("/inscription", data=data).get_data(as_text=True)
    assert "<html" in body and "not yet in the portal" in body
    assert value(body, "company_name") == "LES AMIS DU JARDIN FICTIF"
    assert value(body, "city") == "LILLE"


def test_prefill_does_not_override_typed_values_on_submit(app, client):
    assert submit(client, company_name="MY NAME", city="", address_line="").status_code == 303
    confirm(app, client)
    [structure] = rows(app, Structure)
    assert structure.company_name == "MY NAME"
    assert (structure.city, structure.address_line) == ("PARIS", "12 BIS AVENUE DES LILAS")


def test_existing_siret_becomes_an_attachment_request_once_the_link_is_opened(app, client, outbox):
    assert submit(client).status_code == 303
    confirm(app, client)
    with app.app_context(), db.connection_context():  # activated: else Bob's sign-up takes over (issue 12)
        Account.update(is_active=True, activated_at=utcnow()).where(Account.email == "alice@example.fr").execute()
    bob_client = client.application.test_client()
    response = submit(bob_client, login_email="bob@example.fr", login_email_confirm="bob@example.fr",
                      first_name="Bob", company_name="", address_line="")
    assert response.status_code == 303
    page = bob_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "bob@example.fr" in page and "its managers must approve the request" in page
    assert rows(app, Account, Account.email == "bob@example.fr") == []
    assert rows(app, AttachmentRequest) == []  # the managers see nothing before the mailbox answers

    bob_mail = [m for m in outbox() if m.recipient == "bob@example.fr"]
    assert [m.kind for m in bob_mail] == ["signup_summary", "activation_link"]
    assert "your sign-up is an attachment request" in bob_mail[0].body_text
    assert bob_mail[1].subject == "Confirm your attachment request"
    assert "send your attachment request to the structure's managers" in bob_mail[1].body_text

    opened = bob_client.get(activation_path(bob_mail[1]) + "?lang=en")
    assert opened.status_code == 200
    assert "Attachment request sent" in opened.get_data(as_text=True)
    assert "ATELIERS DU LAMPADAIRE BLEU" in opened.get_data(as_text=True)
    assert len(rows(app, Structure)) == 1
    bob = rows(app, Account, Account.email == "bob@example.fr")[0]
    [request] = rows(app, AttachmentRequest)
    assert request.account_id == bob.id and request.status == "pending"
    assert rows(app, Membership, Membership.account == bob.id) == []
    assert rows(app, AccountToken, AccountToken.account == bob.id) == []  # activation comes with approval
    again = bob_client.get(activation_path(bob_mail[1]) + "?lang=en")  # opened twice: one request
    assert "Attachment request sent" in again.get_data(as_text=True) and len(rows(app, AttachmentRequest)) == 1


def test_check_mail_page_needs_a_sign_up(client):
    response = client.get("/inscription/verifiez-votre-messagerie")
    assert response.status_code == 302 and response.headers["Location"].endswith("/inscription")


def test_sign_up_emails_arrive_over_smtp(app, client, smtp_server, outbox):
    smtp_server.configure(app)
    assert submit(client).status_code == 303  # delivered once the answer has left
    assert all(message.sent_at is not None for message in outbox())
    assert sorted(envelope[1][0] for envelope in smtp_server.envelopes) == ["alice@example.fr"] * 2
    by_subject = {message["Subject"]: message for message in smtp_server.messages}
    assert set(by_subject) == {"Your sign-up: summary", "Activate your account"}
    activation = by_subject["Activate your account"]
    text = activation.get_body(("plain",)).get_content()
    html = activation.get_body(("html",)).get_content()
    path = re.search(r"http://portal\.test(/inscription/activation/\S+)", text).group(1)
    assert path in html
    assert client.get(path).status_code == 303
    assert "90110001600012" in by_subject["Your sign-up: summary"].get_body(("plain",)).get_content()
