"""The plain helpers the tests share (no fixture here: fixtures live in conftest.py and tests/fixtures/).

Rows written straight into the database, the sign-up and password forms posted like a browser, the CSRF
token read from a page, data for the business-register and OpenID Connect tests, a real SMTP server, and
the hostile values of the escaping tests. A test module imports what it needs from here, never from
another test module; signing in and out is the `auth` fixture's (tests/fixtures/auth.py).
"""
import base64
import csv
import hashlib
import html
import io
import json
import re
import secrets
import socket
import threading
from datetime import timedelta
from email import message_from_bytes, message_from_string, policy
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

from aiosmtpd.controller import Controller
from markupsafe import escape
from stdnum import luhn

from webapp.account.lockout import SignInFailure
from webapp.credentials import hash_password
from webapp.extensions import db
from webapp.models import Account, AttachmentRequest, Membership, OutboxMessage, Role, Structure, utcnow
from webapp.register.demo.generate import ESTABLISHMENT_HEADER, UNIT_HEADER

PASSWORD = "Correct-Horse-42x"
NEW_PASSWORD = "Battery-Staple-77q"
WRONG_PASSWORD = "Wrong-Horse-42x"
HX = {"HX-Request": "true"}

# --- Reading pages ------------------------------------------------------------------------------------

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_in(page):
    """The CSRF token a page carries in its <meta name="csrf-token"> (every page of the base layout)."""
    return CSRF_META.search(page).group(1)


def csrf(client, path="/?lang=en"):
    """The CSRF token of the client's session, read from a page like a browser would. The default page
    also sets the session's language to English."""
    return csrf_in(client.get(path).get_data(as_text=True))


def value(body, name):
    """The value of the <input name=`name`> in `body`, or None."""
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', body)
    found = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    return found.group(1) if found else None


def error_summary(body):
    """{field id: message} of the error summary at the top of a page."""
    return dict(re.findall(r'<li><a href="#([^"]+)">[^<]*?: ([^<]*)</a></li>', body))


def fragment(response, status=200):
    """The body of an htmx fragment: the status, no whole page, and a Vary on HX-Request."""
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:500]
    assert "<html" not in body
    assert "HX-Request" in response.headers["Vary"]
    return body


def page_text(response):
    """The HTML of an answer with its entities decoded (Jinja escapes the apostrophe)."""
    return html.unescape(response.get_data(as_text=True))


def text_of(response):
    """What a reader sees: tags dropped, entities decoded, spaces collapsed (no-break spaces kept)."""
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(body))


def post_form(client, path, csrf_from="/?lang=en", **data):
    """A form post like a browser's: the CSRF token (read from the page `csrf_from`) among the fields."""
    return client.post(path, data=dict(data, csrf_token=csrf(client, csrf_from)))


def post(client, url, data=None, htmx=False):
    """A form post with the CSRF token in its header (as htmx sends it), as an htmx request or not."""
    headers = {"X-CSRFToken": csrf(client, "/annuaire")}
    if htmx:
        headers.update(HX)
    return client.post(url, data=data or {}, headers=headers)


# --- The database -------------------------------------------------------------------------------------


def query(app, fn):
    """fn() inside the app and a database connection."""
    with app.app_context(), db.connection_context():
        return fn()


def rows(app, model, *where):
    with app.app_context(), db.connection_context():
        found = model.select()
        return list(found.where(*where) if where else found)


def get(app, model, record_id):
    with app.app_context(), db.connection_context():
        return model.get_or_none(model.id == record_id)


def account(app, email="alice@example.fr"):
    with app.app_context(), db.connection_context():
        return Account.get(Account.email == email)


def update_account(app, email="alice@example.fr", **values):
    with app.app_context(), db.connection_context():
        Account.update(**values).where(Account.email == email).execute()


@lru_cache(maxsize=None)
def hashed(secret):
    """hash_password(secret), computed once per test run (argon2 takes a tenth of a second)."""
    return hash_password(secret)


def make_account(app, email, active=True, first_name="Test", last_name="Person", password=PASSWORD,
                 secret_answer=None, **values):
    """An account written straight into the database; returns its id. An active one signs in with
    `password`; with `secret_answer`, its secret question is "first_pet". `values` are other columns, or
    replace the defaults (contact_email, locale "en", terms_accepted_at and activated_at now)."""
    if secret_answer is not None:
        values.update(secret_question="first_pet", secret_answer_hash=hashed(secret_answer))
    now = utcnow()
    columns = dict(contact_email=email, terms_accepted_at=now, activated_at=now if active else None, locale="en")
    columns.update(values)
    with app.app_context(), db.connection_context():
        return Account.create(email=email, first_name=first_name, last_name=last_name,
                              password_hash=hashed(password) if active else None, is_active=active, **columns).id


def make_structure(app, name, identifier, identifier_type="SIRET", **values):
    """A structure written straight into the database (a company at a Paris address unless `values`
    say otherwise); returns its id."""
    defaults = dict(company_name=name, structure_type="company", address_line="1 RUE DES TESTS",
                    postcode="75001", city="PARIS", country="FR")
    defaults.update(values)
    with app.app_context(), db.connection_context():
        return Structure.create(identifier_type=identifier_type, identifier=identifier, **defaults).id


def add_member(app, account_id, structure_id, role=Role.USER):
    with app.app_context(), db.connection_context():
        return Membership.create(account=account_id, structure=structure_id, role=role).id


def add_request(app, account_id, structure_id, **values):
    with app.app_context(), db.connection_context():
        return AttachmentRequest.create(account=account_id, structure=structure_id, **values).id


def from_ip(app, ip):
    """A test client whose requests come from the address `ip` (for limits counted per address)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


# --- Signing up -----------------------------------------------------------------------------------------

CAPTCHA = re.compile(r'name="captcha_id" value="([^"]+)"')


def open_page(client, path="/inscription?lang=en"):
    """Load the sign-up page (in English unless `path` says otherwise); returns (csrf token, captcha id)."""
    page = client.get(path).get_data(as_text=True)
    return csrf_in(page), CAPTCHA.search(page).group(1)


def signup_data(**changes):
    data = {
        "login_email": "alice@example.fr", "login_email_confirm": "alice@example.fr",
        "first_name": "Alice", "last_name": "Martin", "phone": "01 23 45 67 89", "contact_email": "",
        "accept_terms": "y", "identifier_type": "SIRET", "identifier": "90110001600012",
        "structure_type": "company", "company_name": "ATELIERS DU LAMPADAIRE BLEU",
        "address_line": "12 BIS AVENUE DES LILAS", "postcode": "75012", "city": "PARIS", "country": "FR",
        "features_shown": "1", "feature_payment_requests": "y",
        "captcha_answer": "PASSED", "action": "create",
    }
    data.update(changes)
    return {key: given for key, given in data.items() if given is not None}


def submit(client, from_page="/inscription?lang=en", **changes):
    """Post the sign-up form like a browser, opened at `from_page`, with signup_data(**changes) (a field
    given None is left out); closing the answer runs what the portal does once it has left."""
    token, captcha_id = open_page(client, from_page)
    response = client.post("/inscription", data=dict(signup_data(**changes), csrf_token=token, captcha_id=captcha_id))
    response.close()
    return response


def activation_path(message):
    """The path of the link in an e-mail: a sign-up's (/inscription/activation/...) or an account's."""
    return re.search(r"http://portal\.test((?:/inscription)?/activation/[^\s?]+)", message.body_text).group(1)


def activation_page(client, message):
    """The account's activation page an e-mailed link leads to; a sign-up's link is opened first
    (opening it creates the account and its structure)."""
    path = activation_path(message)
    if not path.startswith("/inscription/"):
        return path
    response = client.get(path)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return urlsplit(response.headers["Location"]).path


def latest_link(app, email="alice@example.fr"):
    """The link of the newest sign-up e-mail to `email`."""
    *_, message = rows(app, OutboxMessage, (OutboxMessage.kind == "activation_link") & (OutboxMessage.recipient == email))
    return activation_path(message)


def confirm(app, client, email="alice@example.fr"):
    """Open the newest sign-up link of `email`, as its owner; returns the answer."""
    response = client.get(latest_link(app, email))
    assert response.status_code in (200, 303), response.status_code
    return response


def activate(client, path, **changes):
    """Post the activation form at `path`: a password and the secret question."""
    data = {"password": PASSWORD, "password_confirm": PASSWORD, "secret_question": "first_pet",
            "secret_answer": "Rex", "csrf_token": csrf(client)}
    data.update(changes)
    return client.post(path, data=data)


# --- Password reset, two-step sign-in ------------------------------------------------------------------


def forgot(client, email, answered=True):
    """Ask for a reset link; `answered` closes the response as the WSGI server does once it has left,
    which runs the look-up and sends the e-mail."""
    response = client.post("/mot-de-passe-oublie", data={"email": email, "csrf_token": csrf(client)})
    if answered:
        response.close()
    return response


def reset_path(message):
    return re.search(r"http://portal\.test(/mot-de-passe/nouveau/[^\s?]+)", message.body_text).group(1)


def reset(client, link, **changes):
    data = {"secret_answer": "  rex ", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD,
            "csrf_token": csrf(client)}
    data.update(changes)
    return client.post(link + ("&" if "?" in link else "?") + "lang=en", data=data)


def let_time_pass(app, **moments):
    """Move the sign-in lockout's waits (next_attempt_at=True, locked_until=True) into the past, as if
    the attacker had waited."""
    past = utcnow() - timedelta(seconds=1)
    with app.app_context(), db.connection_context():
        SignInFailure.update({getattr(SignInFailure, k): past for k in moments}).execute()


def failures_until_locked(app, auth, client, email):
    """Four wrong passwords for `email` from `client`, each wait waited out; their status codes. With a
    LOCKOUT_THRESHOLD of 4, the address is then locked."""
    codes = []
    for _ in range(4):
        codes.append(auth.sign_in(email, WRONG_PASSWORD, client=client).status_code)
        let_time_pass(app, next_attempt_at=True)
    return codes


def codes(outbox):
    """The sign-in codes e-mailed so far, oldest first."""
    return [re.search(r"^(\d{6})$", m.body_text, re.M).group(1) for m in outbox() if m.kind == "sign_in_code"]


def send_code(client, code):
    return client.post("/connexion/code", data={"code": code, "csrf_token": csrf(client)})


def switch_language(client, path, lang):
    """A click on the page's own language switch: the browser sends the page as Referer."""
    headers = {"Referer": f"http://localhost{path}", "Sec-Fetch-Site": "same-origin"}
    return client.get(f"{path}?lang={lang}", headers=headers)


# --- Structures -----------------------------------------------------------------------------------------


def decide(client, structure_id, htmx=False, **data):
    """A manager's decision on the attachment requests of a structure."""
    headers = HX if htmx else {}
    return client.post(f"/structures/{structure_id}/demandes", headers=headers,
                       data=dict(data, csrf_token=csrf(client)))


def invitation_path(message):
    return re.search(r"http://portal\.test(/invitation/[^\s?]+)", message.body_text).group(1)


def create_data(**changes):
    """The new-structure form of a signed-in user."""
    data = {
        "identifier_type": "SIRET", "identifier": "90110008100016", "structure_type": "association",
        "company_name": "LES AMIS DU JARDIN FICTIF", "address_line": "1 SQUARE DES ROSES",
        "postcode": "75011", "city": "PARIS", "country": "FR", "features_shown": "1",
        "feature_payment_requests": "y", "action": "create",
    }
    data.update(changes)
    return {key: given for key, given in data.items() if given is not None}


# --- Concurrency ----------------------------------------------------------------------------------------


def race(functions):
    """Run the functions in threads released together; return their results in order. Each function
    prepares (everything before the racing request) and returns the racing request."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(index, function):
        prepared = function()
        barrier.wait()
        results[index] = prepared()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


# --- A real SMTP server ---------------------------------------------------------------------------------


def free_port():
    """A TCP port nobody listens on right now (connecting to it is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CollectingHandler:
    def __init__(self):
        self.messages = []  # email.message.EmailMessage, in order of arrival
        self.envelopes = []  # (mail_from, [rcpt_tos])

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's naming)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if envelope.smtp_utf8:  # headers in raw UTF-8 (RFC 6532)
            parsed = message_from_string(envelope.original_content.decode("utf-8"), policy=policy.default)
        else:
            parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1, on a given (or free) port, collecting what it receives;
    `smtputf8=True` makes it offer SMTPUTF8 (RFC 6531); `handler` replaces the collecting one.
    The `smtp_server` fixture is one already started (tests/fixtures/smtp.py)."""

    host = "127.0.0.1"

    def __init__(self, port=None, smtputf8=False, handler=None):
        self.port = port or free_port()
        self.handler = handler or CollectingHandler()
        self.smtputf8 = smtputf8
        self.controller = None

    @property
    def messages(self):
        return self.handler.messages

    @property
    def envelopes(self):
        return self.handler.envelopes

    def start(self):
        self.controller = Controller(self.handler, hostname=self.host, port=self.port,
                                     enable_SMTPUTF8=self.smtputf8)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def configure(self, app):
        """Point the app's MAIL_SERVER / MAIL_PORT at this server."""
        app.config.update(MAIL_SERVER=self.host, MAIL_PORT=self.port, MAIL_USE_TLS=False,
                          MAIL_USE_SSL=False, MAIL_USERNAME=None, MAIL_PASSWORD=None)
        return self


# --- The business register (INSEE) ----------------------------------------------------------------------


def siren_of(base8):
    return base8 + luhn.calc_check_digit(base8)


def siret_of(base8, nic4="0001"):
    stem = siren_of(base8) + nic4
    return stem + luhn.calc_check_digit(stem)


def unit(base8, **values):
    """A row of the legal units' stock file."""
    row = dict(siren=siren_of(base8), statutDiffusionUniteLegale="O", etatAdministratifUniteLegale="A",
               denominationUniteLegale=f"SOCIETE {base8}", categorieJuridiqueUniteLegale="5710",
               dateCreationUniteLegale="2020-01-01")
    row.update(values)
    return row


def establishment(base8, nic4="0001", **values):
    """A row of the establishments' stock file."""
    siret = siret_of(base8, nic4)
    row = dict(siren=siret[:9], nic=siret[9:], siret=siret, statutDiffusionEtablissement="O",
               etablissementSiege="true", etatAdministratifEtablissement="A",
               numeroVoieEtablissement="1", typeVoieEtablissement="R", libelleVoieEtablissement="DU TEST",
               codePostalEtablissement="75001", libelleCommuneEtablissement="PARIS")
    row.update(values)
    return row


def stock_text(header, rows):
    """A stock file's text: `rows` are dicts (by column name) or ready-made lines (str)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        if isinstance(row, str):
            out.write(row + "\n")
        else:
            writer.writerow([row.get(name, "") for name in header])
    return out.getvalue()


def write_units(path, rows, header=UNIT_HEADER):
    path.write_text(stock_text(header, rows), encoding="utf-8")
    return path


def write_establishments(path, rows, header=ESTABLISHMENT_HEADER):
    path.write_text(stock_text(header, rows), encoding="utf-8")
    return path


def unite_legale_current(**values):
    """The `uniteLegale` block inside an API Sirene /siret answer: current values, no periods."""
    block = {
        "etatAdministratifUniteLegale": "A", "statutDiffusionUniteLegale": "O",
        "dateCreationUniteLegale": "2015-03-02", "categorieJuridiqueUniteLegale": "5710",
        "denominationUniteLegale": "ATELIERS DU LAMPADAIRE BLEU", "sigleUniteLegale": "ALB",
        "denominationUsuelle1UniteLegale": None, "denominationUsuelle2UniteLegale": None,
        "denominationUsuelle3UniteLegale": None, "sexeUniteLegale": None, "nomUniteLegale": None,
        "nomUsageUniteLegale": None, "prenom1UniteLegale": None, "prenom2UniteLegale": None,
        "prenom3UniteLegale": None, "prenom4UniteLegale": None, "prenomUsuelUniteLegale": None,
        "pseudonymeUniteLegale": None, "activitePrincipaleUniteLegale": "62.01Z",
        "nomenclatureActivitePrincipaleUniteLegale": "NAFRev2", "identifiantAssociationUniteLegale": None,
        "economieSocialeSolidaireUniteLegale": "N", "societeMissionUniteLegale": None,
        "caractereEmployeurUniteLegale": "N", "trancheEffectifsUniteLegale": "NN",
        "anneeEffectifsUniteLegale": None, "nicSiegeUniteLegale": "00012", "dateDernierTraitementUniteLegale":
        "2025-01-06T10:00:00.000", "categorieEntreprise": "PME", "anneeCategorieEntreprise": "2022",
    }
    block.update(values)
    return block


def siret_answer(siret="90110001600012", periods=None, address=None, unite_legale=None, **values):
    """API Sirene 3.11's answer to /siret/{siret}."""
    etablissement = {
        "siren": siret[:9], "nic": siret[9:], "siret": siret, "statutDiffusionEtablissement": "O",
        "dateCreationEtablissement": "2015-03-02", "trancheEffectifsEtablissement": "NN",
        "anneeEffectifsEtablissement": None, "activitePrincipaleRegistreMetiersEtablissement": None,
        "dateDernierTraitementEtablissement": "2025-01-06T10:00:00.000", "etablissementSiege": True,
        "nombrePeriodesEtablissement": 2,
        "uniteLegale": unite_legale or unite_legale_current(),
        "adresseEtablissement": {
            "complementAdresseEtablissement": None, "numeroVoieEtablissement": "12",
            "indiceRepetitionEtablissement": "B", "dernierNumeroVoieEtablissement": None,
            "indiceRepetitionDernierNumeroVoieEtablissement": None, "typeVoieEtablissement": "AV",
            "libelleVoieEtablissement": "DES LILAS", "codePostalEtablissement": "75012",
            "libelleCommuneEtablissement": "PARIS", "libelleCommuneEtrangerEtablissement": None,
            "distributionSpecialeEtablissement": None, "codeCommuneEtablissement": "75112",
            "codeCedexEtablissement": None, "libelleCedexEtablissement": None,
            "codePaysEtrangerEtablissement": None, "libellePaysEtrangerEtablissement": None,
            "identifiantAdresseEtablissement": "751125555_B_0012", "coordonneeLambertAbscisseEtablissement":
            "654321.0", "coordonneeLambertOrdonneeEtablissement": "6861234.5",
            **(address or {}),
        },
        "adresse2Etablissement": {"complementAdresse2Etablissement": None, "numeroVoie2Etablissement": None,
                                  "typeVoie2Etablissement": None, "libelleVoie2Etablissement": None,
                                  "codePostal2Etablissement": None, "libelleCommune2Etablissement": None},
        "periodesEtablissement": periods or [
            {"dateFin": None, "dateDebut": "2020-01-01", "etatAdministratifEtablissement": "A",
             "changementEtatAdministratifEtablissement": False, "enseigne1Etablissement": None,
             "enseigne2Etablissement": None, "enseigne3Etablissement": None, "changementEnseigneEtablissement": False,
             "denominationUsuelleEtablissement": None, "changementDenominationUsuelleEtablissement": False,
             "activitePrincipaleEtablissement": "62.01Z", "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
             "changementActivitePrincipaleEtablissement": False, "caractereEmployeurEtablissement": "N",
             "changementCaractereEmployeurEtablissement": False},
            {"dateFin": "2019-12-31", "dateDebut": "2015-03-02", "etatAdministratifEtablissement": "A",
             "enseigne1Etablissement": "ANCIENNE ENSEIGNE", "denominationUsuelleEtablissement": None,
             "activitePrincipaleEtablissement": "62.02A"},
        ],
    }
    etablissement.update(values)
    return {"header": {"statut": 200, "message": "OK"}, "etablissement": etablissement}


# --- OpenID Connect: a relying party's side -------------------------------------------------------------

REDIRECT_URI = "https://rp.example/callback"


def pkce_pair():
    """RFC 7636 §4.1-4.2, by hand: a 43-character verifier and its S256 challenge."""
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(client_id, redirect_uri=REDIRECT_URI, scope="openid profile email structures", **extra):
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": scope,
              "state": "st-" + secrets.token_hex(4), "nonce": "n-" + secrets.token_hex(8), **extra}
    return "/oidc/authorize?" + urlencode({k: v for k, v in params.items() if v is not None})


def consent(client, url, decision="allow"):
    """GET the authorization URL (signed in), answer the consent page; the redirect to the client.
    A consent given before is remembered: then the GET itself redirects."""
    page = client.get(url)
    if page.status_code == 302:
        return page
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return client.post(url, data={"csrf_token": csrf_in(page.get_data(as_text=True)), "decision": decision})


def callback_params(response):
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = urlsplit(response.headers["Location"])
    return location, {k: v[0] for k, v in parse_qs(location.query).items()}


def basic_auth(rp_client):
    raw = f"{rp_client['client_id']}:{rp_client['client_secret']}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def exchange(client, rp_client, code, redirect_uri=REDIRECT_URI, **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, **extra}
    return client.post("/oidc/token", data=data, headers=basic_auth(rp_client))


def add_oidc_client(runner, *args):
    """Register a relying party with the real `flask oidc add-client`; its JSON line as a dict."""
    result = runner.invoke(args=["oidc", "add-client", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])


# --- Hostile text (tests/fixtures/hostile.py builds a portal full of it) --------------------------------

RAW_MARKERS = ("<b hx-", "<img src=x", 'hx-trigger="load"')
IDENTIFIER = "EVIL0001"


def hostile(tag):
    """An element htmx would act on (hx-post with hx-trigger="load") then an attribute break-out, tagged
    with the field it sits in, so that finding a value on a page proves the page shows that field."""
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


def read_page(client, path, htmx=False):
    """The body of a page (or, with `htmx`, of a fragment) that must answer 200."""
    response = client.get(path, headers=HX if htmx else {})
    assert response.status_code == 200, (path, response.status_code)
    if htmx:
        assert "<html" not in response.get_data(as_text=True)
    return response.get_data(as_text=True)


def mails(app, kind):
    """The e-mails of this kind, oldest first."""
    with app.app_context(), db.connection_context():
        return list(OutboxMessage.select().where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))
