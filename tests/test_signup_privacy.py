"""Sign-up never tells whether an address has an account (the answer, its time and what anyone can see
afterwards are the same), and signing up with someone's address leaves their own sign-up untouched."""
import re
from datetime import timedelta

import pytest
from factories import add_member, make_account, make_structure, open_page, rows, signup_data, submit

from webapp.extensions import db
from webapp.models import Account, AttachmentRequest, Membership, OutboxMessage, Role, Structure, utcnow
from webapp.signup.models import HeldSignup

NEW_IDENTIFIER = {"identifier_type": "RIDET", "identifier": "1234567001", "country": "NC", "postcode": "98800",
                  "company_name": "CALEDONIE PROBE SARL"}
EXISTING = {"identifier_type": "HORS_UE", "identifier": "PROBE42", "country": "US", "company_name": ""}
ADDRESSES = {"unknown": "nobody@example.fr", "held": "held@example.fr", "awaiting": "awaiting@example.fr",
             "active": "owner@example.fr"}


def normalise(body, email=""):
    """The page without what differs between any two visits: CSRF tokens, captcha ids, the address."""
    body = re.sub(r'<meta name="csrf-token" content="[^"]+">', "", body)
    body = re.sub(r'<input[^>]*name="(?:csrf_token|captcha_id)"[^>]*>', "<input TOKEN>", body)
    body = re.sub(r"/captcha/[A-Za-z0-9_-]{20,}", "/captcha/ID", body)
    return body.replace(email, "ADDRESS") if email else body


def sign_up_as(app, email, **changes):
    """A fresh browser signs up with `email`; returns (the 303, the page it leads to)."""
    client = app.test_client()
    response = submit(client, login_email=email, login_email_confirm=email, **changes)
    assert response.status_code == 303
    return response, client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)


def mail_to(app, email):
    return rows(app, OutboxMessage, OutboxMessage.recipient == email)


def identifier_check(client, **fields):
    token, captcha_id = open_page(client)
    data = dict(signup_data(**fields), csrf_token=token, captcha_id=captcha_id, action="check")
    response = client.post("/inscription/identifiant", data=data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return normalise(response.get_data(as_text=True))


def make_structure_with(app, identifier_type, identifier, country, company_name, **_ignored):
    with app.app_context(), db.connection_context():
        Structure.create(identifier_type=identifier_type, identifier=identifier, country=country,
                         company_name=company_name)


def counts(app):
    return [len(rows(app, model)) for model in (Account, Structure, Membership, AttachmentRequest)]


@pytest.fixture
def addresses(app):
    """One address in each state: unknown, held by an unopened sign-up, of an account awaiting its
    password, of an active account (whose owner reads French)."""
    make_account(app, ADDRESSES["active"], first_name="Odile", locale="fr")
    sign_up_as(app, ADDRESSES["held"], first_name="Hélène")
    sign_up_as(app, ADDRESSES["awaiting"], identifier="90110008100016", company_name="JARDIN")
    assert app.test_client().get(latest_link_of(app, ADDRESSES["awaiting"])).status_code == 303
    return ADDRESSES


def latest_link_of(app, email):
    [message] = [m for m in mail_to(app, email) if m.kind == "activation_link"][-1:]
    return re.search(r"http://portal\.test(/inscription/activation/\S+)", message.body_text).group(1)


def test_a_new_identifier_gives_the_same_answer_and_leaves_no_trace_whatever_the_address(app, addresses):
    checker = app.test_client()
    before_check = identifier_check(checker, **NEW_IDENTIFIER)
    before_directory = normalise(checker.get("/annuaire?q=CALEDONIE&lang=en").get_data(as_text=True))
    before_counts = counts(app)
    before_mail = {email: len(mail_to(app, email)) for email in addresses.values()}

    answers = {}
    for state, email in addresses.items():
        response, page = sign_up_as(app, email, **NEW_IDENTIFIER)
        answers[state] = (response.headers["Location"], normalise(response.get_data(as_text=True), email),
                          normalise(page, email))
        assert identifier_check(checker, **NEW_IDENTIFIER) == before_check, state
        assert normalise(checker.get("/annuaire?q=CALEDONIE&lang=en").get_data(as_text=True)) == before_directory
        assert counts(app) == before_counts, state
    for state in ("held", "awaiting", "active"):
        assert answers[state] == answers["unknown"], state
    assert "Check your mailbox" in answers["unknown"][2] and "nothing is created before that" in answers["unknown"][2]
    make_structure_with(app, **NEW_IDENTIFIER)  # the probes would have seen a structure
    assert "already declared in the portal" in identifier_check(checker, **NEW_IDENTIFIER)
    assert "CALEDONIE PROBE SARL" in checker.get("/annuaire?q=CALEDONIE&lang=en").get_data(as_text=True)

    new_mail = {state: mail_to(app, email)[before_mail[email]:] for state, email in addresses.items()}
    for state in ("unknown", "held", "awaiting"):
        assert [m.kind for m in new_mail[state]] == ["signup_summary", "activation_link"], state
        assert "CALEDONIE PROBE SARL" in new_mail[state][0].body_text
    [notice] = new_mail["active"]
    assert notice.kind == "account_exists" and notice.subject == "Tentative de création de compte avec votre adresse"
    assert "Bonjour Odile" in notice.body_text and "CALEDONIE" not in notice.body_text
    assert "«\u00a0Créer une nouvelle structure\u00a0»" in notice.body_text
    assert "http://portal.test/connexion" in notice.body_text and "/activation/" not in notice.body_text


def test_an_existing_structure_gives_the_same_answer_and_its_managers_see_nothing(app, addresses, auth):
    structure = make_structure(app, "PROBE INC", "PROBE42", "HORS_UE", country="US")
    manager = make_account(app, "manager@example.fr", first_name="Manon")
    add_member(app, manager, structure, Role.PRINCIPAL_MANAGER)
    manager_browser = auth.browser("manager@example.fr")
    requests_page = f"/structures/{structure}/demandes?lang=en"
    before = normalise(manager_browser.get(requests_page).get_data(as_text=True))
    before_account = normalise(manager_browser.get("/mon-compte?lang=en").get_data(as_text=True))

    answers = {}
    for state, email in addresses.items():
        _, page = sign_up_as(app, email, **EXISTING)
        answers[state] = normalise(page, email)
        assert normalise(manager_browser.get(requests_page).get_data(as_text=True)) == before, state
        assert normalise(manager_browser.get("/mon-compte?lang=en").get_data(as_text=True)) == before_account
    for state in ("held", "awaiting", "active"):
        assert answers[state] == answers["unknown"], state
    assert "Your sign-up is an attachment request" in answers["unknown"]
    assert rows(app, AttachmentRequest) == []
    assert [m.kind for m in mail_to(app, addresses["active"])] == ["account_exists"]


def test_nothing_is_looked_up_or_delivered_before_the_answer_has_left(app, smtp_server):  # noqa: F811
    smtp_server.configure(app)
    make_account(app, ADDRESSES["active"])
    for email, kinds in ((ADDRESSES["unknown"], ["signup_summary", "activation_link"]),
                         (ADDRESSES["active"], ["account_exists"])):
        client = app.test_client()
        token, captcha_id = open_page(client)
        data = dict(signup_data(login_email=email, login_email_confirm=email), csrf_token=token, captcha_id=captcha_id)
        response = client.post("/inscription", data=data)
        assert response.status_code == 303
        assert mail_to(app, email) == []  # the address has not even been looked up yet
        response.close()  # the server has sent the answer
        assert [m.kind for m in mail_to(app, email)] == kinds
        assert all(m.sent_at is not None for m in mail_to(app, email))
    assert sorted(e[1][0] for e in smtp_server.envelopes) == [ADDRESSES["unknown"]] * 2 + [ADDRESSES["active"]]


def test_resend_answers_the_same_for_every_address_and_works_afterwards(app, addresses):
    with app.app_context(), db.connection_context():  # as if the sign-ups had been answered long ago
        HeldSignup.update(answered_at=utcnow() - timedelta(minutes=5)).execute()
    answers = {}
    for state, email in addresses.items():
        client = app.test_client()
        token, _ = open_page(client)
        before = len(mail_to(app, email))
        response = client.post("/inscription/nouveau-lien", data={"email": email, "csrf_token": token})
        assert len(mail_to(app, email)) == before  # nothing done before the answer has left
        response.close()
        page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
        answers[state] = (response.status_code, response.headers["Location"], normalise(page, email))
        answers[state + " mail"] = [m.kind for m in mail_to(app, email)[before:]]
    for state in ("held", "awaiting", "active"):
        assert answers[state] == answers["unknown"], state
    assert "a new link has been sent" in answers["unknown"][2]
    assert answers["unknown mail"] == []
    assert answers["held mail"] == ["signup_summary", "activation_link"]
    assert answers["awaiting mail"] == []  # its activation link is younger than RESEND_INTERVAL_SECONDS
    assert answers["active mail"] == []  # nothing held for it
