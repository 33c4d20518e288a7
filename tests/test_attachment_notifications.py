"""Issue 12, dead end 3: a new attachment request e-mails the structure's active managers at once, each in their
own language, with a link to the requests page; from the sign-up's link, the "attach" page and the directory.
The e-mails go through a real SMTP server (the smtp_server fixture)."""
from factories import activation_path, add_member, csrf, make_account, make_structure, rows, submit

from webapp.extensions import db
from webapp.models import AttachmentRequest, OutboxMessage, Role

SIRET = "90110001600012"  # in the demo register
SUBJECTS = {
    "fr": "Une nouvelle demande de rattachement attend votre décision",
    "en": "A new attachment request is waiting for your decision",
}


def structure_with_managers(app, identifier_type="SIRET", identifier=SIRET):
    """A structure with a French principal manager, an English secondary one, a secondary manager who never
    activated and a user: only the first two can decide, so only they are told."""
    structure = make_structure(
        app, "ATELIERS DU LAMPADAIRE BLEU", identifier, identifier_type, address_line="12 BIS AVENUE DES LILAS",
        postcode="75012", city="PARIS", structure_type="company", country="FR" if identifier_type == "SIRET" else "US",
    )
    for email, first, locale, active, role in (
        ("ann@example.fr", "Ann", "fr", True, Role.PRINCIPAL_MANAGER),
        ("bob@example.com", "Bob", "en", True, Role.SECONDARY_MANAGER),
        ("nina@example.fr", "Nina", "fr", False, Role.SECONDARY_MANAGER),
        ("ugo@example.fr", "Ugo", "fr", True, Role.USER),
    ):
        add_member(app, make_account(app, email, active, first_name=first, locale=locale), structure, role)
    return structure


def managers_mail(smtp_server):
    """{recipient: message} of the e-mails that told managers of a request."""
    told = {}
    for message in smtp_server.messages:
        if message["Subject"] in SUBJECTS.values():
            assert message["To"] not in told, f"{message['To']} was told twice"
            told[message["To"]] = message
    return told


def assert_managers_told(smtp_server, structure_id, requester_name, requester_email):
    told = managers_mail(smtp_server)
    assert sorted(told) == ["ann@example.fr", "bob@example.com"]  # not the inactive manager, not the user
    link = f"http://portal.test/structures/{structure_id}/demandes"
    for recipient, locale, greeting, sentence in (
        ("ann@example.fr", "fr", "Bonjour Ann Person,", "demande son rattachement à ATELIERS DU LAMPADAIRE BLEU"),
        ("bob@example.com", "en", "Hello Bob Person,", "asks to be attached to ATELIERS DU LAMPADAIRE BLEU"),
    ):
        message = told[recipient]
        assert message["Subject"] == SUBJECTS[locale]
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert greeting in text and sentence in text and requester_name in text and requester_email in text
        in_language = f"{link}?lang={locale}"  # the link opens the portal in the e-mail's language
        assert in_language in text and f'href="{in_language}"' in html
        assert requester_name in html


def test_a_request_from_the_attach_page_tells_each_active_manager_in_their_language(app, client, auth,
                                                                                   smtp_server):
    smtp_server.configure(app)
    structure_id = structure_with_managers(app, "HORS_UE", "ABC123")
    make_account(app, "carl@example.fr", first_name="Carl", locale="en")
    assert auth.sign_in("carl@example.fr").status_code == 303
    response = client.post("/structures/rattachement?lang=en", data={
        "identifier_type": "HORS_UE", "identifier": "ABC123", "action": "attach", "csrf_token": csrf(client)})
    assert response.status_code == 303
    assert_managers_told(smtp_server, structure_id, "Carl Person", "carl@example.fr")


def test_a_request_from_the_directory_tells_the_managers(app, client, auth, smtp_server):
    smtp_server.configure(app)
    structure_id = structure_with_managers(app, "HORS_UE", "ABC123")
    make_account(app, "carl@example.fr", first_name="Carl", locale="fr")
    assert auth.sign_in("carl@example.fr").status_code == 303
    response = client.post(f"/annuaire/{structure_id}/rattachement", data={"q": "ABC123", "csrf_token": csrf(client)})
    assert response.status_code == 303
    assert_managers_told(smtp_server, structure_id, "Carl Person", "carl@example.fr")


def test_asking_again_while_waiting_sends_nothing_more(app, client, auth, smtp_server):
    smtp_server.configure(app)
    structure_id = structure_with_managers(app, "HORS_UE", "ABC123")
    make_account(app, "carl@example.fr", first_name="Carl", locale="fr")
    assert auth.sign_in("carl@example.fr").status_code == 303
    for _ in range(2):
        client.post(f"/annuaire/{structure_id}/rattachement", data={"q": "ABC123", "csrf_token": csrf(client)})
    assert len(managers_mail(smtp_server)) == 2


def sign_up(client, email):
    """The sign-up page filled in English with the SIRET of a structure already in the portal (so no
    structure fields)."""
    structure_fields = ("structure_type", "company_name", "address_line", "postcode", "city", "country",
                        "features_shown", "feature_payment_requests")
    response = submit(client, login_email=email, login_email_confirm=email, first_name="Dora", last_name="Durand",
                      identifier=SIRET, **dict.fromkeys(structure_fields))
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


def test_a_sign_up_into_the_structure_tells_the_managers_once_its_link_is_opened(app, client, smtp_server):
    smtp_server.configure(app)
    structure_id = structure_with_managers(app)
    sign_up(client, "dora@example.fr")
    assert managers_mail(smtp_server) == {}  # held: nothing exists before the mailbox's owner opens the link
    [link_mail] = rows(app, OutboxMessage,
                       (OutboxMessage.kind == "activation_link") & (OutboxMessage.recipient == "dora@example.fr"))
    path = activation_path(link_mail)
    assert path.startswith("/inscription/activation/")
    page = client.get(path + "?lang=en")
    assert page.status_code == 200 and "Attachment request sent" in page.get_data(as_text=True)
    assert_managers_told(smtp_server, structure_id, "Dora Durand", "dora@example.fr")

    client.get(path)  # a mail scanner opening the link again: no second request, no second e-mail
    assert len(managers_mail(smtp_server)) == 2
    with app.app_context(), db.connection_context():
        assert AttachmentRequest.select().count() == 1
