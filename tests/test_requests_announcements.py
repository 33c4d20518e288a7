"""Issue 12, dead end 1, without a browser: the outcome of a decision is shown above the requests table, in a
status region that takes the focus, after an htmx swap and on the page a form without JavaScript returns to."""
import re

from factories import account, add_member, add_request, csrf, make_account, make_structure

from webapp.models import Role


def world(app):
    """Structures A (ann manages it; carl and dora wait) and B (bob manages it)."""
    ids = {}
    for name, code in (("A", "AAA111"), ("B", "BBB222")):
        ids[name] = make_structure(app, f"Company {name}", code, "HORS_UE", country="US", structure_type="",
                                   address_line="", postcode="", city="")
    for manager, structure in (("ann", "A"), ("bob", "B")):
        add_member(app, make_account(app, f"{manager}@example.fr", first_name=manager.title()), ids[structure],
                   Role.PRINCIPAL_MANAGER)
    for person in ("carl", "dora"):
        person_id = make_account(app, f"{person}@example.fr", active=person == "carl", first_name=person.title())
        ids[person] = add_request(app, person_id, ids["A"])
    return ids


def status_region(body):
    found = re.search(r'<div id="requests-status"[^>]*>(.*?)</div>', body, re.S)
    return (found.group(0), found.group(1)) if found else (None, None)


def test_without_javascript_the_page_returned_to_announces_the_outcome_once(app, client, auth):
    ids = world(app)
    assert auth.sign_in("ann@example.fr").status_code == 303
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


def test_the_outcome_is_not_carried_to_another_structure(app, client, auth):
    ids = world(app)
    add_member(app, account(app, "ann@example.fr").id, ids["B"], Role.SECONDARY_MANAGER)
    assert auth.sign_in("ann@example.fr").status_code == 303
    client.post(f"/structures/{ids['A']}/demandes", data={"single": f"refuse:{ids['dora']}", "csrf_token": csrf(client)})
    other = client.get(f"/structures/{ids['B']}/demandes?lang=en").get_data(as_text=True)
    assert status_region(other) == (None, None)


def test_htmx_swap_brings_the_outcome_with_the_focus_marker(app, client, auth):
    ids = world(app)
    assert auth.sign_in("ann@example.fr").status_code == 303
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


def test_an_error_shows_no_outcome_and_keeps_what_was_typed(app, client, auth):
    ids = world(app)
    assert auth.sign_in("ann@example.fr").status_code == 303
    too_long = "x" * 501
    response = client.post(f"/structures/{ids['A']}/demandes?lang=en",
                           data={"single": f"refuse:{ids['dora']}", f"reason_{ids['dora']}": too_long,
                                 "csrf_token": csrf(client)})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert status_region(body) == (None, None)
    assert "Reason for the refusal: The reason is too long: at most 500 characters." in body
    assert f'value="{too_long}"' in body
