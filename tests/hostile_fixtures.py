"""A portal whose every structure- and person-typed text is hostile markup, built through the real forms.

Each value is an element htmx would act on (hx-post with hx-trigger="load") then an attribute break-out,
tagged with the field it sits in, so that finding a value on a page proves the page shows that field.
"""
import re
from urllib.parse import urlsplit
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from conftest import close_pool, empty_postgres
from markupsafe import escape
from test_activation import activate
from test_signup_submit import activation_path, rows, submit
from test_structures_attachments import PASSWORD, csrf, make_account, sign_in

from webapp import create_app
from webapp.extensions import db
from webapp.models import Account, AttachmentRequest, OutboxMessage, Structure

RAW_MARKERS = ("<b hx-", "<img src=x", 'hx-trigger="load"')
IDENTIFIER = "EVIL0001"
HX = {"HX-Request": "true"}


def hostile(tag):
    return f'<b hx-post="/x" hx-trigger="load">{tag}</b>"><img src=x onerror=alert(1)>'


POSTCODE = '"><b hx-get=/x>9</b>'  # the field holds 20 characters at most
STRUCTURE = {
    "company_name": hostile("company"), "label": hostile("label"), "address_line": hostile("address1"),
    "address_complement_1": hostile("address2"), "address_complement_2": hostile("address3"),
    "postcode": POSTCODE, "city": hostile("city"), "structure_email": "s'truct&ure{x}@example.fr",
}
# Addresses: markup is not a valid address, but these characters are, and must be escaped too.
MANAGER = {"login_email": "m'allory&co{x}@example.fr", "contact_email": "c'ontact&co{x}@example.fr",
           "first_name": hostile("mfirst"), "last_name": hostile("mlast")}
REQUESTER = {"email": "v'ictor&co@example.fr", "first_name": hostile("vfirst"), "last_name": hostile("vlast"),
             "contact_email": "v'ictor&contact@example.fr"}
MEMBER = {"email": "w'alter&co@example.fr", "first_name": hostile("wfirst"), "last_name": hostile("wlast")}
INVITEE = {"email": "i'nvitee&co{x}@example.fr", "first_name": hostile("ifirst"), "last_name": hostile("ilast")}
PRIVATE_PERSON = {"login_email": "p'erson&co@example.fr", "person_first_name": hostile("pfirst"),
                  "person_last_name": hostile("plast"), "address_line": hostile("paddress")}
REASON = hostile("reason")
ORPHAN_LABEL = hostile("orphan")


def full_name(person):
    return f"{person['first_name']} {person['last_name']}"


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class UnguardedText(HTMLParser):
    """Text runs holding one of `values` with no hx-disable element around them. <title> and <option>
    are left out: htmx processes neither's content, and a parser makes no element inside them."""

    def __init__(self, values):
        super().__init__(convert_charrefs=True)
        self.values, self.open, self.found = values, [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append((tag, any(name == "hx-disable" for name, _ in attrs)))

    def handle_endtag(self, tag):
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        guarded = any(disabled for _, disabled in self.open) or (self.open and self.open[-1][0] in ("title", "option"))
        if not guarded:
            self.found += [value for value in self.values if value in data]


def shows_as_text(body, *values, page=True):
    """No hostile markup came out as markup, and each value is there, escaped; on a page of the portal
    (not in an e-mail) each is inside an hx-disable element too."""
    for marker in RAW_MARKERS:
        assert marker not in body, f"{marker!r} came out as markup"
    for value in values:
        assert str(escape(value)) in body, f"{value!r} is not shown"
    if page:
        parser = UnguardedText(values)
        parser.feed(body)
        assert parser.found == [], f"shown outside any hx-disable element: {parser.found}"


def get(client, path, htmx=False):
    response = client.get(path, headers=HX if htmx else {})
    assert response.status_code == 200, (path, response.status_code)
    if htmx:
        assert "<html" not in response.get_data(as_text=True)
    return response.get_data(as_text=True)


def follow(client, response):
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    return get(client, response.headers["Location"])


def mails(app, kind):
    with app.app_context(), db.connection_context():
        return list(OutboxMessage.select().where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))


@dataclass
class HostilePortal:
    app: object
    structure_id: int
    orphan_id: int
    manager: object
    requester: object
    member: object
    admin: object
    check_mail_page: str
    pages: dict = field(default_factory=dict)  # pages read while building, by name


def fetch(app, model, *where):
    with app.app_context(), db.connection_context():
        return model.get(*where)


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory, postgres_session_url):
    """One app for the module: building the portal below hashes ten passwords. The tests only read it.
    No test of the module may use the function-scoped `app` fixture (it would rebind the database)."""
    if postgres_session_url:
        empty_postgres(postgres_session_url)
    url = postgres_session_url or f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'portal.sqlite3'}"
    app = create_app({"TESTING": True, "PORTAL_ENV": "development", "DATABASE_URL": url, "CAPTCHA_TEST_MODE": True, "SIRENE_DEMO": True,
                      "MAIL_SERVER": "", "PORTAL_BASE_URL": "http://portal.test", "RATELIMIT_ENABLED": False})
    yield app
    close_pool()


@pytest.fixture(scope="module")
def hostile_portal(hostile_app):
    """The manager signs up (JS off) with a hostile structure and activates, and a private person signs up;
    a requester asks to join from the attachment page, a member from the directory; the manager refuses
    one with a hostile reason and approves the other, then invites a new person, who creates an account
    from the link."""
    app = hostile_app
    manager = app.test_client()
    response = submit(manager, **MANAGER, login_email_confirm=MANAGER["login_email"], identifier_type="HORS_UE",
                      identifier=IDENTIFIER, structure_type="company", country="US", **STRUCTURE)
    check_mail_page = follow(manager, response)
    response = submit(app.test_client(), **PRIVATE_PERSON, login_email_confirm=PRIVATE_PERSON["login_email"],
                      identifier_type="PARTICULIER", identifier=None, structure_type=None, company_name=None)
    assert response.status_code == 303  # a private person's own structure: its names are the person's
    [activation] = [m for m in mails(app, "activation_link") if m.recipient == MANAGER["login_email"]]
    # The e-mailed link creates the account, then leads to the page that sets its password.
    opened = manager.get(activation_path(activation) + "?lang=en")
    assert opened.status_code == 303, opened.status_code
    password_path = urlsplit(opened.headers["Location"]).path
    activation_page = get(manager, password_path + "?lang=en")
    assert activate(manager, password_path).status_code == 303
    structure_id = fetch(app, Structure, Structure.identifier == IDENTIFIER).id
    with app.app_context(), db.connection_context():
        orphan_id = Structure.create(identifier_type="HORS_UE", identifier="ORPHAN1", country="US",
                                     label=ORPHAN_LABEL).id
    make_account(app, REQUESTER["email"], first_name=REQUESTER["first_name"], last_name=REQUESTER["last_name"],
                 contact_email=REQUESTER["contact_email"])
    make_account(app, MEMBER["email"], first_name=MEMBER["first_name"], last_name=MEMBER["last_name"])
    make_account(app, "admin@example.fr", is_admin=True)
    portal = HostilePortal(app, structure_id, orphan_id, sign_in(app, manager, MANAGER["login_email"]),
                           sign_in(app, app.test_client(), REQUESTER["email"]),
                           sign_in(app, app.test_client(), MEMBER["email"]),
                           sign_in(app, app.test_client(), "admin@example.fr"), check_mail_page)
    pages = portal.pages
    pages["activation"] = activation_page
    # The requester asks from the attachment page, the member from the directory: each flashes a notice.
    attach = {"identifier_type": "HORS_UE", "identifier": IDENTIFIER, "action": "attach"}
    pages["attached"] = follow(portal.requester, portal.requester.post(
        "/structures/rattachement?lang=en", data=dict(attach, csrf_token=csrf(portal.requester))))
    pages["directory_request"] = follow(portal.member, portal.member.post(
        f"/annuaire/{structure_id}/rattachement?lang=en", data={"q": IDENTIFIER, "csrf_token": csrf(portal.member)}))
    requests = {fetch(app, Account, Account.id == r.account_id).email: r.id
                for r in rows(app, AttachmentRequest, AttachmentRequest.structure == structure_id)}
    pages["requests_before"] = get(manager, f"/structures/{structure_id}/demandes")
    refused = requests[REQUESTER["email"]]
    response = manager.post(f"/structures/{structure_id}/demandes", headers=HX, data={
        "single": f"refuse:{refused}", f"reason_{refused}": REASON, "csrf_token": csrf(manager)})
    assert response.status_code == 200
    pages["refused_fragment"] = response.get_data(as_text=True)
    response = manager.post(f"/structures/{structure_id}/demandes", data={
        "single": f"approve:{requests[MEMBER['email']]}", "csrf_token": csrf(manager)})
    pages["approved"] = follow(manager, response)
    response = manager.post(f"/structures/{structure_id}/invitations",
                            data={"email": INVITEE["email"], "csrf_token": csrf(manager)})
    pages["invited"] = follow(manager, response)
    [invitation] = mails(app, "invitation")
    link = re.search(r"http://portal\.test(/invitation/[^\s?]+)", invitation.body_text).group(1)
    visitor = app.test_client()
    pages["invitation"] = get(visitor, link + "?lang=en")
    response = visitor.post(link, data={
        "first_name": INVITEE["first_name"], "last_name": INVITEE["last_name"], "password": PASSWORD,
        "password_confirm": PASSWORD, "secret_question": "first_pet", "secret_answer": "Rex", "accept_terms": "y",
        "csrf_token": csrf(visitor)})
    pages["invitation_accepted"] = follow(visitor, response)
    # The pages that show the login address before one is signed in: a reset link's, a sign-in code's.
    response = visitor.post("/mot-de-passe-oublie", data={"email": MEMBER["email"], "csrf_token": csrf(visitor)})
    assert response.status_code == 303
    response.close()  # the reset link is written after the answer has left (account/after_response.py)
    [reset] = mails(app, "password_reset")
    pages["reset"] = get(visitor, re.search(r"http://portal\.test(/[^\s?]+)", reset.body_text).group(1) + "?lang=en")
    app.config["TWO_FACTOR"] = "mandatory"
    response = visitor.post("/connexion", data={"email": REQUESTER["email"], "password": PASSWORD,
                                                "csrf_token": csrf(visitor)})
    app.config["TWO_FACTOR"] = "off"
    pages["sign_in_code"] = follow(visitor, response)
    return portal
