"""Members page: secondary managers, detaching, the principal manager who cannot leave alone, rights."""
import pytest
from factories import add_member, get, make_account, make_structure, post_form, rows

from webapp.models import Membership, Role, StructureEvent


@pytest.fixture
def team(app):
    """Structure A: ann principal, sam secondary, uma user. Structure B: bob principal, ben user."""
    ids = {"A": make_structure(app, "ALPHA SARL", "AAA111", "HORS_UE", country="US"),
           "B": make_structure(app, "BETA SA", "BBB222", "HORS_UE", country="US")}
    for name, structure, role in (("ann", "A", Role.PRINCIPAL_MANAGER), ("sam", "A", Role.SECONDARY_MANAGER),
                                  ("uma", "A", Role.USER), ("bob", "B", Role.PRINCIPAL_MANAGER),
                                  ("ben", "B", Role.USER)):
        ids[name] = make_account(app, f"{name}@example.fr", first_name=name.title())
        ids[name + "_m"] = add_member(app, ids[name], ids[structure], role)
    return ids


def role_of(app, membership_id):
    membership = get(app, Membership, membership_id)
    return membership.role if membership else None


def test_members_page_lists_members_and_roles(app, client, team, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    page = client.get(f"/structures/{team['A']}/membres").get_data(as_text=True)
    for text in ("Ann Person", "sam@example.fr", "Uma Person", "Principal manager", "Secondary manager", "User"):
        assert text in page
    assert "bob@example.fr" not in page


def test_manager_names_and_removes_a_secondary_manager(app, client, team, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    response = post_form(client, f"/structures/{team['A']}/membres/{team['uma_m']}/role", role=Role.SECONDARY_MANAGER)
    assert response.status_code == 303 and role_of(app, team["uma_m"]) == Role.SECONDARY_MANAGER
    assert "The role of Uma Person was changed." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert post_form(client, f"/structures/{team['A']}/membres/{team['uma_m']}/role", role=Role.USER).status_code == 303
    assert role_of(app, team["uma_m"]) == Role.USER
    events = rows(app, StructureEvent)
    assert [e.action for e in events] == ["role_changed", "role_changed"] and events[0].subject_email == "uma@example.fr"


def test_secondary_manager_can_manage_users_but_not_the_principal(app, client, team, auth):
    assert auth.sign_in("sam@example.fr").status_code == 303
    assert post_form(client, f"/structures/{team['A']}/membres/{team['uma_m']}/role", role=Role.SECONDARY_MANAGER).status_code == 303
    response = post_form(client, f"/structures/{team['A']}/membres/{team['ann_m']}/role", role=Role.USER)
    assert response.status_code == 422 and "Only a principal manager" in response.get_data(as_text=True)
    assert post_form(client, f"/structures/{team['A']}/membres/{team['uma_m']}/role", role=Role.PRINCIPAL_MANAGER).status_code == 422
    assert post_form(client, f"/structures/{team['A']}/membres/{team['ann_m']}/detacher").status_code == 422
    assert role_of(app, team["ann_m"]) == Role.PRINCIPAL_MANAGER and role_of(app, team["uma_m"]) == Role.SECONDARY_MANAGER


def test_manager_detaches_a_user(app, client, team, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    response = post_form(client, f"/structures/{team['A']}/membres/{team['uma_m']}/detacher")
    assert response.status_code == 303 and role_of(app, team["uma_m"]) is None
    [event] = rows(app, StructureEvent)
    assert (event.action, event.subject_email, event.actor_email) == ("member_detached", "uma@example.fr", "ann@example.fr")


def test_last_principal_cannot_be_demoted_or_leave(app, client, team, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    response = post_form(client, f"/structures/{team['A']}/membres/{team['ann_m']}/role", role=Role.SECONDARY_MANAGER)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "name another principal manager first" in body
    assert f'href="#role-{team["ann_m"]}"' in body
    assert post_form(client, f"/structures/{team['A']}/membres/{team['ann_m']}/detacher").status_code == 303
    assert role_of(app, team["ann_m"]) == Role.PRINCIPAL_MANAGER
    assert post_form(client, f"/structures/{team['A']}/quitter").status_code == 303
    assert role_of(app, team["ann_m"]) == Role.PRINCIPAL_MANAGER
    assert rows(app, StructureEvent) == []


def test_transfer_the_principal_role(app, client, team, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    response = post_form(client, f"/structures/{team['A']}/membres/{team['uma_m']}/transfert")
    assert response.status_code == 303
    assert role_of(app, team["uma_m"]) == Role.PRINCIPAL_MANAGER and role_of(app, team["ann_m"]) == Role.SECONDARY_MANAGER
    # Now ann may leave.
    assert post_form(client, f"/structures/{team['A']}/quitter").status_code == 303
    assert role_of(app, team["ann_m"]) is None


def test_naming_a_second_principal_then_leaving(app, client, team, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    assert post_form(client, f"/structures/{team['A']}/membres/{team['sam_m']}/role", role=Role.PRINCIPAL_MANAGER).status_code == 303
    assert post_form(client, f"/structures/{team['A']}/membres/{team['ann_m']}/detacher").status_code == 303
    assert role_of(app, team["ann_m"]) is None and role_of(app, team["sam_m"]) == Role.PRINCIPAL_MANAGER


def test_a_user_can_do_none_of_this(app, client, team, auth):
    assert auth.sign_in("uma@example.fr").status_code == 303
    assert client.get(f"/structures/{team['A']}/membres").status_code == 403
    for path, data in ((f"membres/{team['sam_m']}/role", {"role": Role.USER}), (f"membres/{team['sam_m']}/detacher", {}),
                       (f"membres/{team['uma_m']}/transfert", {}), ("invitations", {"email": "x@example.fr"})):
        response = post_form(client, f"/structures/{team['A']}/{path}", **data)
        assert response.status_code == 403 and "Access denied" in response.get_data(as_text=True)
    assert role_of(app, team["sam_m"]) == Role.SECONDARY_MANAGER


def test_manager_of_a_cannot_touch_b(app, client, team, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    assert client.get(f"/structures/{team['B']}/membres").status_code == 403
    assert post_form(client, f"/structures/{team['B']}/membres/{team['ben_m']}/detacher").status_code == 403
    # B's membership through A's URL: not found, untouched.
    assert post_form(client, f"/structures/{team['A']}/membres/{team['ben_m']}/detacher").status_code == 404
    assert post_form(client, f"/structures/{team['A']}/membres/{team['ben_m']}/role", role=Role.SECONDARY_MANAGER).status_code == 404
    assert role_of(app, team["ben_m"]) == Role.USER


def test_unknown_role_is_an_error_not_a_500(app, client, team, auth):
    assert auth.sign_in("ann@example.fr").status_code == 303
    response = post_form(client, f"/structures/{team['A']}/membres/{team['uma_m']}/role", role="emperor")
    assert response.status_code == 422 and "Choose a role from the list." in response.get_data(as_text=True)


def test_a_user_may_leave(app, client, team, auth):
    assert auth.sign_in("uma@example.fr").status_code == 303
    assert post_form(client, f"/structures/{team['A']}/quitter").status_code == 303
    assert role_of(app, team["uma_m"]) is None
    [event] = rows(app, StructureEvent)
    assert event.action == "member_left"
