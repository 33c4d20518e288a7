"""After activation: the sign-in page has the address filled in (from the session, never the URL), and
the first sign-in lands on "Congratulations! Your account is created." with the guide's two choices
(create a new structure, ask to be attached to one) and its warning; later sign-ins go to "My account"."""
import html
import re

import pytest
from factories import activate, csrf, submit

from webapp.database import create_tables
from webapp.extensions import db
from webapp.models import Account, Membership

PASSWORD = "Correct-Horse-42x"


def text(response):
    body = response.get_data(as_text=True)
    main = re.search(r"<main[^>]*>(.*)</main>", body, re.S).group(1)
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main))).strip()


def sign_up_and_open_the_link(client, outbox, email="alice@example.fr"):
    """The sign-up, then its e-mailed link: returns the activation page's path."""
    submit(client, login_email=email, login_email_confirm=email, phone=None, contact_email=None)
    [mail] = [m for m in outbox() if m.kind == "activation_link" and m.recipient == email]
    opened = client.get(re.search(r"http://portal\.test(/inscription/activation/[\w-]+)", mail.body_text).group(1))
    assert opened.status_code == 303
    return opened.headers["Location"]


def post_sign_in(client, email="alice@example.fr", next_url=""):
    return client.post("/connexion", data={"email": email, "password": PASSWORD, "next": next_url,
                                           "csrf_token": csrf(client, "/connexion")})


def sign_out(client):
    assert client.post("/deconnexion", data={"csrf_token": csrf(client)}).status_code == 303


def input_tag(body, name):
    return re.search(rf'<input[^>]*\bname="{name}"[^>]*>', body).group(0)


@pytest.fixture
def activated(client, outbox):
    """Alice activated her account in `client`'s browser; the answer to the activation."""
    response = activate(client, sign_up_and_open_the_link(client, outbox))
    assert response.status_code == 303
    return response


def test_the_sign_in_page_after_activation_has_the_address_filled_in(app, client, activated):
    assert activated.headers["Location"] == "/connexion"  # the address is not in the URL
    page = client.get("/connexion").get_data(as_text=True)
    assert "Your account is active. Sign in with your new password." in page
    assert 'value="alice@example.fr"' in input_tag(page, "email")
    assert " autofocus" in input_tag(page, "password")  # the next thing to type
    # Another browser was not told anything.
    elsewhere = app.test_client().get("/connexion?lang=en").get_data(as_text=True)
    assert "alice@example.fr" not in elsewhere and " autofocus" not in input_tag(elsewhere, "password")


def test_the_first_sign_in_lands_on_the_welcome_page_with_the_two_choices(client, activated):
    response = post_sign_in(client)
    assert response.status_code == 303 and response.headers["Location"] == "/mon-compte/bienvenue"
    page = client.get("/mon-compte/bienvenue?lang=en")
    body, shown = page.get_data(as_text=True), text(page)
    assert "<title>Congratulations! Your account is created." in body
    assert re.search(r"<h1>Congratulations! Your account is created\.</h1>", body)
    assert "A structure is a sender or a receiver of invoices." in shown
    assert ("Your account must be attached to the company you work for, not to the public customer you send "
            "invoices to.") in shown
    assert "Your account is already attached to: ATELIERS DU LAMPADAIRE BLEU (Principal manager)" in shown
    # The two choices lead to the existing pages, and "My account" is one click away: no dead end.
    assert '<a class="button" href="/structures/nouvelle">Create a new structure</a>' in body
    assert '<a class="button button--secondary" href="/structures/rattachement">Ask to be attached to a structure</a>' in body
    assert '<a href="/mon-compte">Go to “My account”</a>' in body
    for path in ("/structures/nouvelle", "/structures/rattachement", "/mon-compte"):
        assert client.get(path).status_code == 200, path
    # Reloaded, it stays the same page; the next sign-in goes to "My account".
    assert "Congratulations!" in text(client.get("/mon-compte/bienvenue"))
    sign_out(client)
    assert post_sign_in(client).headers["Location"] == "/mon-compte"


def test_the_welcome_page_in_french(client, activated):
    client.get("/?lang=fr")
    assert post_sign_in(client).headers["Location"] == "/mon-compte/bienvenue"
    shown = text(client.get("/mon-compte/bienvenue"))
    assert "Félicitations\u00a0! Votre compte est créé." in shown
    assert ("Votre compte utilisateur doit être rattaché à l'entreprise pour laquelle vous travaillez, et non au "
            "client public auquel vous adressez vos factures.") in shown
    assert "Créer une nouvelle structure" in shown and "Demander un rattachement à une structure" in shown
    assert "Rattacher mon compte à une structure" in shown and "Aller à «\u00a0Mon compte\u00a0»" in shown


def test_the_welcome_comes_once_whatever_the_browser(app, client, activated):
    other = app.test_client()
    assert post_sign_in(other).headers["Location"] == "/mon-compte/bienvenue"  # activated elsewhere: still the first
    assert post_sign_in(client).headers["Location"] == "/mon-compte"
    # Opened by hand later, the page offers the choices without congratulating again.
    shown = text(client.get("/mon-compte/bienvenue?lang=en"))
    assert "Congratulations" not in shown and "Attach your account to a structure" in shown


def test_a_page_asked_for_wins_and_the_welcome_waits(client, activated):
    assert post_sign_in(client, next_url="/mon-compte/donnees").headers["Location"] == "/mon-compte/donnees"
    sign_out(client)
    assert post_sign_in(client).headers["Location"] == "/mon-compte/bienvenue"


def test_the_two_step_sign_in_lands_there_too(app, client, activated, outbox):
    app.config["TWO_FACTOR"] = "mandatory"
    assert post_sign_in(client).headers["Location"].endswith("/connexion/code")
    code = re.search(r"^(\d{6})$", [m for m in outbox() if m.kind == "sign_in_code"][-1].body_text, re.M).group(1)
    response = client.post("/connexion/code", data={"code": code, "csrf_token": csrf(client, "/connexion/code")})
    assert response.headers["Location"] == "/mon-compte/bienvenue"


def test_an_account_without_a_structure_lands_on_the_choices(app, client, activated):
    assert post_sign_in(client).headers["Location"] == "/mon-compte/bienvenue"
    sign_out(client)
    with app.app_context(), db.connection_context():
        Membership.delete().execute()  # e.g. removed from its only structure
    assert post_sign_in(client).headers["Location"] == "/mon-compte/bienvenue"
    shown = text(client.get("/mon-compte/bienvenue?lang=en"))
    assert "Attach your account to a structure" in shown and "Congratulations" not in shown
    assert "already attached" not in shown


def test_the_welcome_page_needs_a_sign_in(client):
    response = client.get("/mon-compte/bienvenue")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_accounts_from_before_the_welcome_are_not_welcomed(app, client, activated):
    """An existing table gets the column with its default: no welcome page for accounts already there."""
    with app.app_context(), db.connection_context():
        db.execute_sql("ALTER TABLE account DROP COLUMN welcome_pending")
    with app.app_context():
        assert create_tables() == [("account", "welcome_pending")]
    with app.app_context(), db.connection_context():
        assert Account.get().welcome_pending is False
    assert post_sign_in(client).headers["Location"] == "/mon-compte"
