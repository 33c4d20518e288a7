"""Portal administrators: the grant/revoke commands, structures without a manager, naming a principal."""
import pytest
from factories import add_member, csrf, get, make_account, make_structure, rows

from webapp.models import Account, Membership, Role, StructureEvent


@pytest.fixture
def portal(app, runner):
    """Structure A has lost its managers (only uma, a user, is left); B is managed by bob; ada is admin."""
    ids = {"A": make_structure(app, "ALPHA SARL", "AAA111", "HORS_UE", country="US"),
           "B": make_structure(app, "BETA SA", "BBB222", "HORS_UE", country="US")}
    ids["uma"] = make_account(app, "uma@example.fr", first_name="Uma")
    ids["uma_m"] = add_member(app, ids["uma"], ids["A"], Role.USER)
    ids["bob"] = make_account(app, "bob@example.fr", first_name="Bob")
    add_member(app, ids["bob"], ids["B"], Role.PRINCIPAL_MANAGER)
    ids["ada"] = make_account(app, "ada@example.fr", first_name="Ada")
    assert runner.invoke(args=["admin", "grant", "ada@example.fr"]).exit_code == 0
    return ids


def test_grant_and_revoke_commands(app, runner, portal):
    assert get(app, Account, portal["ada"]).is_admin
    result = runner.invoke(args=["admin", "revoke", "ADA@example.fr"])
    assert result.exit_code == 0 and "no longer" in result.output
    assert not get(app, Account, portal["ada"]).is_admin
    result = runner.invoke(args=["admin", "grant", "nobody@example.fr"])
    assert result.exit_code != 0 and "no account uses the address nobody@example.fr" in result.output


def test_admin_page_lists_structures_without_manager(app, client, portal, auth):
    assert auth.sign_in("ada@example.fr").status_code == 303
    page = client.get("/administration/structures").get_data(as_text=True)
    assert "ALPHA SARL" in page and "BETA SA" not in page


def test_admin_searches_by_identifier(app, client, portal, auth):
    assert auth.sign_in("ada@example.fr").status_code == 303
    page = client.get("/administration/structures?q=bbb 222").get_data(as_text=True)
    assert f'/administration/structures/{portal["B"]}' in page
    fragment = client.get("/administration/structures?q=ZZZ", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "No structure has this identifier." in body and "HX-Request" in fragment.headers["Vary"]


def test_admin_names_a_member_principal_manager(app, client, portal, auth):
    assert auth.sign_in("ada@example.fr").status_code == 303
    response = client.post(f"/administration/structures/{portal['A']}",
                           data={"member": str(portal["uma_m"]), "csrf_token": csrf(client)})
    assert response.status_code == 303
    assert get(app, Membership, portal["uma_m"]).role == Role.PRINCIPAL_MANAGER
    [event] = rows(app, StructureEvent)
    assert (event.action, event.actor_email, event.subject_email) == ("principal_appointed", "ada@example.fr", "uma@example.fr")
    assert "is now a principal manager of ALPHA SARL" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'/administration/structures/{portal["A"]}"' not in client.get("/administration/structures").get_data(as_text=True)


def test_admin_names_an_active_account_by_email(app, client, portal, auth):
    carl = make_account(app, "carl@example.fr")
    assert auth.sign_in("ada@example.fr").status_code == 303
    response = client.post(f"/administration/structures/{portal['A']}",
                           data={"member": "", "email": "Carl@Example.fr", "csrf_token": csrf(client)})
    assert response.status_code == 303
    [membership] = rows(app, Membership, Membership.account == carl)
    assert membership.role == Role.PRINCIPAL_MANAGER and membership.structure_id == portal["A"]


@pytest.mark.parametrize("data, field, message", [
    ({"email": "ghost@example.fr"}, "email", "No active account uses this address."),
    ({}, "member", "Choose a member or type the e-mail address"),
    ({"member": "999"}, "member", "Choose a member from the list."),
    ({"member": "abc"}, "member", "Choose a member from the list."),
])
def test_appoint_errors_name_the_field(app, client, portal, data, field, message, auth):
    make_account(app, "ghost@example.fr", active=False)
    assert auth.sign_in("ada@example.fr").status_code == 303
    response = client.post(f"/administration/structures/{portal['A']}", data=dict(data, csrf_token=csrf(client)))
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and message in body and f'href="#{field}"' in body
    assert rows(app, StructureEvent) == []


def test_member_of_another_structure_cannot_be_picked_by_id(app, client, portal, auth):
    assert auth.sign_in("ada@example.fr").status_code == 303
    bob_membership = rows(app, Membership, Membership.account == portal["bob"])[0]
    response = client.post(f"/administration/structures/{portal['A']}",
                           data={"member": str(bob_membership.id), "csrf_token": csrf(client)})
    assert response.status_code == 422
    assert rows(app, Membership, Membership.structure == portal["A"], Membership.account == portal["bob"]) == []


def test_non_admins_get_403(app, client, portal, auth):
    assert auth.sign_in("bob@example.fr").status_code == 303
    assert client.get("/administration/structures").status_code == 403
    assert client.get(f"/administration/structures/{portal['A']}").status_code == 403
    response = client.post(f"/administration/structures/{portal['A']}", data={"email": "bob@example.fr", "csrf_token": csrf(client)})
    assert response.status_code == 403 and rows(app, StructureEvent) == []


def test_anonymous_is_sent_to_sign_in_and_unknown_structure_is_404(app, client, portal, auth):
    assert client.get("/administration/structures").status_code == 302
    assert auth.sign_in("ada@example.fr").status_code == 303
    assert client.get("/administration/structures/9999").status_code == 404
