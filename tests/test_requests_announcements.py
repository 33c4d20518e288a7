"""Issue 12, dead end 1, without a browser: the outcome of a decision is shown above the requests table, in a
status region that takes the focus, after an htmx swap and on the page a form without JavaScript returns to."""
import re

from webapp.credentials import hash_password
from webapp.extensions import db
from webapp.models import Account, AttachmentRequest, Membership, Role, Structure, utcnow

PASSWORD = "Correct-Horse-42x"


def make_account(email, first_name, active=True):
    return Account.create(
        email=email, first_name=first_name, last_name="Person", contact_email=email, terms_accepted_at=utcnow(),
        password_hash=hash_password(PASSWORD) if active else None, is_active=active,
        activated_at=utcnow() if active else None, locale="en",
    )


def world(app):
    """Structures A (ann manages it; carl and dora wait) and B (bob manages it)."""
    with app.app_context(), db.connection_context():
        ids = {}
        for name, code in (("A", "AAA111"), ("B", "BBB222")):
            ids[name] = Structure.create(identifier_type="HORS_UE", identifier=code, country="US",
                                         company_name=f"Company {name}").id
        for manager, structure in (("ann", "A"), ("bob", "B")):
            account = make_account(f"{manager}@example.fr", manager.title())
            Membership.create(account=account, structure=ids[structure], role=Role.PRINCIPAL_MANAGER)
        for person in ("carl", "dora"):
            account = make_account(f"{person}@example.fr", person.title(), active=person == "carl")
            ids[person] = AttachmentRequest.create(account=account, structure=ids["A"]).id
        return ids


def csrf(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def sign_in(app, client, email):
    app.config["TWO_FACTOR"] = "off"
    response = client.post("/connexion", data={"email": email, "password": PASSWORD, "csrf_token": csrf(client)})
    assert response.status_code == 303


def status_region(body):
    found = re.search(r'<div id="requests-status"[^>]*>(.*?)</div>', body, re.S)
    return (found.group(0), found.group(1)) if found else (None, None)


def test_without_javascript_the_page_returned_to_announces_the_outcome_once(app, client):
    ids = world(app)
    sign_in(app, client, "ann@example.fr")
    response = client.post(f"/structures/{ids['A']}/demandes",
                           data={"single": f"approve:{ids['carl']}", "csrf_token": csrf(client)})
    assert response.status_code == 303
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    tag, text = status_region(page)
    assert tag is not None, "no status region above the table"
    assert 'role="status"' in tag and "autofocus" in tag and 'tabindex="-1"' in tag
    assert "Carl Person is now a user of the structure" in text
    assert page.index('id="requests-status"') < page.index('id="requests-table"')
    assert 'class="notice' not in page[:page.index("<h1")]  # not a flashed notice far from the table

    again = client.get(f"/structures/{ids['A']}/demandes?lang=en").get_data(as_text=True)
    assert status_region(again) == (None, None)


def test_the_outcome_is_not_carried_to_another_structure(app, client):
    ids = world(app)
    with app.app_context(), db.connection_context():
        Membership.create(account=Account.get(Account.email == "ann@example.fr"), structure=ids["B"],
                          role=Role.SECONDARY_MANAGER)
    sign_in(app, client, "ann@example.fr")
    client.post(f"/structures/{ids['A']}/demandes", data={"single": f"refuse:{ids['dora']}", "csrf_token": csrf(client)})
    other = client.get(f"/structures/{ids['B']}/demandes?lang=en").get_data(as_text=True)
    assert status_region(other) == (None, None)


def test_htmx_swap_brings_the_outcome_with_the_focus_marker(app, client):
    ids = world(app)
    sign_in(app, client, "ann@example.fr")
    response = client.post(f"/structures/{ids['A']}/demandes?lang=en", headers={"HX-Request": "true"},
                           data={"single": f"refuse:{ids['dora']}", f"reason_{ids['dora']}": "Unknown here",
                                 "csrf_token": csrf(client)})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="requests">')
    tag, text = status_region(body)
    assert 'role="status"' in tag and "data-focus-after-swap" in tag and "hx-disable" in tag
    assert "The request of Dora Person was refused; an e-mail tells them." in text
    # The decided row stays in place with its outcome; the other request can still be decided.
    assert 'class="request request--decided"' in body and f'value="approve:{ids["carl"]}"' in body


def test_an_error_shows_no_outcome_and_keeps_what_was_typed(app, client):
    ids = world(app)
    sign_in(app, client, "ann@example.fr")
    too_long = "x" * 501
    response = client.post(f"/structures/{ids['A']}/demandes?lang=en",
                           data={"single": f"refuse:{ids['dora']}", f"reason_{ids['dora']}": too_long,
                                 "csrf_token": csrf(client)})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert status_region(body) == (None, None)
    assert "Reason for the refusal: The reason is too long: at most 500 characters." in body
    assert f'value="{too_long}"' in body
