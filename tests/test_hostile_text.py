"""Issue 9, item 1: hostile text that people typed comes out as text on every page and fragment showing it.

A structure's label inside a lazy string was trusted as HTML: an element with hx-post/hx-trigger="load"
in it made htmx send requests from the browser of whoever typed the identifier. Each test walks pages
where hostile values (factories.py; the portal is fixtures/hostile.py's) appear and asserts that each is
there, escaped, and that no markup came through. Pages also carry hx-disable around such text, as a
second line of defence.
"""
from factories import (
    HX,
    IDENTIFIER,
    INVITEE,
    MANAGER,
    MEMBER,
    ORPHAN_LABEL,
    POSTCODE,
    PRIVATE_PERSON,
    REASON,
    REQUESTER,
    STRUCTURE,
    csrf,
    full_name,
    hostile,
    mails,
    read_page,
    shows_as_text,
)
from markupsafe import escape

from webapp.extensions import db
from webapp.models import OutboxMessage, utcnow

LABEL = STRUCTURE["label"]  # the structure's public name
ADDRESS = [STRUCTURE[name] for name in ("address_line", "address_complement_1", "city")] + [POSTCODE]


def identifier_check(client, path, **extra):
    data = {"identifier_type": "HORS_UE", "identifier": IDENTIFIER, "csrf_token": csrf(client), **extra}
    fragment = client.post(path, data=data, headers=HX)
    page = client.post(path.rsplit("/", 1)[0] + "?lang=en", data=dict(data, action="check"))
    assert fragment.status_code == 200 and page.status_code == 200
    return fragment.get_data(as_text=True), page.get_data(as_text=True)


def test_identifier_checks_show_the_structure_name_as_text(hostile_portal):
    """The sign-up's "already declared as …", the attachment page's "Structure found: …" with its city,
    the new-structure page's "already exists as …": fragment (htmx) and whole page (JS off)."""
    for body in identifier_check(hostile_portal.app.test_client(), "/inscription/identifiant"):
        shows_as_text(body, LABEL)
        assert "already declared in the portal as" in body
    for body in identifier_check(hostile_portal.admin, "/structures/rattachement/identifiant"):
        shows_as_text(body, LABEL, STRUCTURE["city"], POSTCODE)
        assert "Structure found" in body
    for body in identifier_check(hostile_portal.admin, "/structures/nouvelle/identifiant"):
        shows_as_text(body, LABEL)
        assert "already exists in the portal as" in body


def test_notices_after_sign_up_and_attachment_requests(hostile_portal):
    pages = hostile_portal.pages
    shows_as_text(hostile_portal.check_mail_page, MANAGER["login_email"])
    shows_as_text(pages["attached"], LABEL)  # "Your attachment request has been sent to the managers of …"
    assert "has been sent to the managers of" in pages["attached"]
    shows_as_text(pages["directory_request"], LABEL)
    shows_as_text(pages["invited"], INVITEE["email"])  # "An invitation was sent to …"
    shows_as_text(pages["invitation_accepted"], LABEL)  # "Your account is active and attached to …"


def test_pages_before_sign_in_show_the_login_address(hostile_portal):
    pages = hostile_portal.pages
    shows_as_text(pages["activation"], full_name(MANAGER), MANAGER["login_email"])
    shows_as_text(pages["reset"], MEMBER["email"])
    shows_as_text(pages["sign_in_code"], REQUESTER["email"])  # "We have sent a 6-digit code to …"


def test_my_account_details_and_personal_data(hostile_portal):
    manager = hostile_portal.manager
    shows_as_text(read_page(manager, "/mon-compte"), full_name(MANAGER), MANAGER["login_email"],
                  MANAGER["contact_email"], LABEL)
    shows_as_text(read_page(manager, "/mon-compte/coordonnees"), MANAGER["login_email"], MANAGER["first_name"])
    shows_as_text(read_page(manager, "/mon-compte/donnees"), LABEL)  # the last principal manager must hand over first
    requester = read_page(hostile_portal.requester, "/mon-compte")
    shows_as_text(requester, full_name(REQUESTER), REQUESTER["contact_email"])
    member = read_page(hostile_portal.member, "/mon-compte")
    shows_as_text(member, LABEL, full_name(MEMBER))


def test_managers_pages(hostile_portal):
    sid = hostile_portal.structure_id
    pages = hostile_portal.pages
    before = pages["requests_before"]
    shows_as_text(before, LABEL, full_name(REQUESTER), REQUESTER["email"], REQUESTER["contact_email"],
                  full_name(MEMBER), MEMBER["email"])
    shows_as_text(pages["refused_fragment"], full_name(REQUESTER), REQUESTER["email"])
    shows_as_text(pages["approved"], full_name(MEMBER))  # "… is now a user of the structure"
    members = read_page(hostile_portal.manager, f"/structures/{sid}/membres")
    shows_as_text(members, LABEL, full_name(MANAGER), MANAGER["login_email"], full_name(MEMBER), MEMBER["email"],
                  full_name(INVITEE), INVITEE["email"])


def test_workspaces_and_structure_profile(hostile_portal):
    sid = hostile_portal.structure_id
    shows_as_text(read_page(hostile_portal.member, f"/structures/{sid}/espaces-de-travail"), LABEL)
    profile = read_page(hostile_portal.member, f"/structures/{sid}/fiche")  # a user reads it, a manager edits it
    shows_as_text(profile, LABEL, STRUCTURE["company_name"], STRUCTURE["address_complement_2"],
                  STRUCTURE["structure_email"], *ADDRESS)
    form = read_page(hostile_portal.manager, f"/structures/{sid}/fiche")
    shows_as_text(form, LABEL, STRUCTURE["company_name"], STRUCTURE["structure_email"], *ADDRESS)


def test_invitation_page(hostile_portal):
    shows_as_text(hostile_portal.pages["invitation"], LABEL, INVITEE["email"])
    assert "Invitation to join" in hostile_portal.pages["invitation"]


def test_public_directory_page_and_results_fragment(hostile_portal):
    app = hostile_portal.app
    for client in (app.test_client(), hostile_portal.requester):
        for htmx in (False, True):
            body = read_page(client, f"/annuaire?q={IDENTIFIER}&lang=en", htmx=htmx)
            shows_as_text(body, LABEL, *ADDRESS)
    by_name = read_page(app.test_client(), "/annuaire?q=label", htmx=True)  # the label's own text is searchable
    shows_as_text(by_name, LABEL)


def test_administration_pages(hostile_portal):
    admin = hostile_portal.admin
    listing = read_page(admin, "/administration/structures")
    shows_as_text(listing, ORPHAN_LABEL)  # a structure without any manager
    for htmx in (False, True):
        shows_as_text(read_page(admin, f"/administration/structures?q={IDENTIFIER}", htmx=htmx), LABEL)
    page = read_page(admin, f"/administration/structures/{hostile_portal.structure_id}")
    shows_as_text(page, LABEL, full_name(MANAGER), MANAGER["login_email"], full_name(MEMBER), MEMBER["email"])


def test_e_mails_escape_in_html_and_keep_the_text_as_typed(hostile_portal):
    app = hostile_portal.app
    [summary, person_summary] = mails(app, "signup_summary")
    [refused] = mails(app, "attachment_refused")
    [approved] = mails(app, "attachment_approved")
    [invitation] = mails(app, "invitation")
    expected = [
        (summary, [full_name(MANAGER), MANAGER["login_email"], MANAGER["contact_email"], STRUCTURE["company_name"],
                   STRUCTURE["address_complement_2"], *ADDRESS]),
        (person_summary, [f"{PRIVATE_PERSON['person_first_name']} {PRIVATE_PERSON['person_last_name']}",
                          PRIVATE_PERSON["address_line"]]),
        (refused, [full_name(REQUESTER), LABEL, REASON]),
        (approved, [full_name(MEMBER), LABEL]),
        (invitation, [full_name(MANAGER), LABEL]),
    ]
    for mail, values in expected:
        shows_as_text(mail.body_html, *values, page=False)
        for value in values:  # a text e-mail shows what was typed, not HTML entities
            assert value in mail.body_text and str(escape(value)) not in mail.body_text, (mail.kind, value)


def test_development_mailbox(hostile_portal):
    client = hostile_portal.app.test_client()
    listing = read_page(client, "/dev/mailbox/?lang=en")
    shows_as_text(listing, MANAGER["login_email"], REQUESTER["email"], INVITEE["email"])
    shows_as_text(read_page(client, "/dev/mailbox/?to=" + INVITEE["email"].replace("&", "%26")), INVITEE["email"])
    [refused] = mails(hostile_portal.app, "attachment_refused")
    message = read_page(client, f"/dev/mailbox/{refused.id}?lang=en")
    shows_as_text(message, REQUESTER["email"], REASON, full_name(REQUESTER))  # the text version, in <pre>
    preview = client.get(f"/dev/mailbox/{refused.id}/html")
    assert preview.headers["Content-Security-Policy"].startswith("default-src 'none'")
    shows_as_text(preview.get_data(as_text=True), REASON, page=False)  # the e-mail's own HTML, no htmx


def test_failed_e_mails_page(hostile_portal):
    app = hostile_portal.app
    [invitation] = mails(app, "invitation")
    smtp_error = hostile("smtp")  # a server's answer is foreign text too
    with app.app_context(), db.connection_context():
        OutboxMessage.update(failed_at=utcnow(), attempts=8, last_error=smtp_error).where(
            OutboxMessage.id == invitation.id).execute()
    page = read_page(hostile_portal.admin, "/administration/courriels")
    shows_as_text(page, INVITEE["email"], invitation.subject, smtp_error)
