"""Mes espaces de travail: offered workspaces (managers), opened workspaces (members), features, rights."""
import re

import pytest
from factories import fragment, make_account, post, query

from webapp.models import Membership, OpenedWorkspace, Structure, StructureEvent, StructureWorkspace
from webapp.structures.workspaces.service import opened_codes


def radio_checked(body, name, code, value):
    tag = re.search(rf'<input type="radio" name="{name}" value="{value}" id="{name}-{code}-{value}"[^>]*>', body)
    return tag is not None and " checked" in tag.group(0)


def opened(app, membership_id):
    return query(app, lambda: opened_codes(Membership.get_by_id(membership_id)))


def test_page_lists_the_six_workspaces_with_the_two_defaults_open(app, client, members_world, auth):
    assert auth.sign_in("bob@example.fr").status_code == 303
    body = client.get(f"/structures/{members_world['A']}/espaces-de-travail").get_data(as_text=True)
    for label in ("Requests sent", "Invoices sent", "Commitments", "Works invoices",
                  "Legal costs statements", "EDI and API connections"):
        assert label in body
    assert radio_checked(body, "opened", "sollicitations_emises", "yes")
    assert radio_checked(body, "opened", "factures_emises", "yes")
    assert radio_checked(body, "opened", "engagements", "no")
    assert 'name="offered"' not in body, "a user does not choose what the structure offers"
    assert "Only the structure's managers can change its features." in body
    assert query(app, lambda: OpenedWorkspace.select().count()) == 0, "reading writes nothing"


def test_manager_sees_the_offered_toggles(app, client, members_world, auth):
    assert auth.sign_in("alice@example.fr").status_code == 303
    body = client.get(f"/structures/{members_world['A']}/espaces-de-travail").get_data(as_text=True)
    assert radio_checked(body, "offered", "engagements", "yes")
    assert 'name="feature_dume"' in body


def test_opening_a_workspace_with_htmx_swaps_only_its_row(app, client, members_world, auth):
    assert auth.sign_in("bob@example.fr").status_code == 303
    url = f"/structures/{members_world['A']}/espaces-de-travail/engagements/ouverture"
    body = fragment(post(client, url, {"opened": "yes"}, htmx=True))
    assert body.lstrip().startswith('<li class="workspace" id="workspace-engagements">')
    assert radio_checked(body, "opened", "engagements", "yes")
    assert re.search(r'<div id="live-region" hx-swap-oob="innerHTML">The workspace “Commitments” is open.</div>', body)
    assert opened(app, members_world["bob_m"]) == {"sollicitations_emises", "factures_emises", "engagements"}


def test_closing_every_workspace_is_remembered(app, client, members_world, auth):
    assert auth.sign_in("bob@example.fr").status_code == 303
    for code in ("sollicitations_emises", "factures_emises"):
        post(client, f"/structures/{members_world['A']}/espaces-de-travail/{code}/ouverture", {"opened": "no"}, htmx=True)
    assert opened(app, members_world["bob_m"]) == set()
    body = client.get(f"/structures/{members_world['A']}/espaces-de-travail").get_data(as_text=True)
    assert radio_checked(body, "opened", "factures_emises", "no")
    assert opened(app, members_world["alice_m"]) == {"sollicitations_emises", "factures_emises"}, "others keep theirs"


def test_toggle_works_without_javascript(app, client, members_world, auth):
    assert auth.sign_in("bob@example.fr").status_code == 303
    response = post(client, f"/structures/{members_world['A']}/espaces-de-travail/factures_travaux/ouverture", {"opened": "yes"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/structures/{members_world['A']}/espaces-de-travail#workspace-factures_travaux")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The workspace “Works invoices” is open." in page
    assert radio_checked(page, "opened", "factures_travaux", "yes")
    assert re.search(r'<button type="submit" class="button button--secondary nojs-only">Save', page)


def test_manager_withdraws_a_workspace_and_users_cannot_open_it(app, client, members_world, auth):
    assert auth.sign_in("alice@example.fr").status_code == 303
    body = fragment(post(client, f"/structures/{members_world['A']}/espaces-de-travail/engagements/offre",
                         {"offered": "no"}, htmx=True))
    assert radio_checked(body, "offered", "engagements", "no")
    assert "The structure does not offer this workspace." in body
    [row] = query(app, lambda: list(StructureWorkspace.select()))
    assert (row.code, row.offered) == ("engagements", False)
    assert query(app, lambda: StructureEvent.get().action) == "workspace_withdrawn"

    assert auth.sign_in("bob@example.fr").status_code == 303
    page = client.get(f"/structures/{members_world['A']}/espaces-de-travail").get_data(as_text=True)
    assert 'id="opened-engagements-yes"' not in page
    response = post(client, f"/structures/{members_world['A']}/espaces-de-travail/engagements/ouverture",
                    {"opened": "yes"}, htmx=True)
    assert "does not offer the workspace" in fragment(response, 422)
    assert "engagements" not in opened(app, members_world["bob_m"])


def test_withdrawn_default_is_not_open(app, client, members_world, auth):
    assert auth.sign_in("alice@example.fr").status_code == 303
    post(client, f"/structures/{members_world['A']}/espaces-de-travail/factures_emises/offre", {"offered": "no"})
    assert auth.sign_in("bob@example.fr").status_code == 303
    page = client.get(f"/structures/{members_world['A']}/espaces-de-travail").get_data(as_text=True)
    assert not radio_checked(page, "opened", "factures_emises", "yes")


def test_manager_edits_features(app, client, members_world, auth):
    assert auth.sign_in("alice@example.fr").status_code == 303
    body = fragment(post(client, f"/structures/{members_world['A']}/fonctionnalites", {"feature_dume": "y"}, htmx=True))
    assert body.lstrip().startswith('<section id="features"')
    assert "The features are saved." in body
    structure = query(app, lambda: Structure.get_by_id(members_world["A"]))
    assert structure.feature_dume and not structure.feature_payment_requests


def test_features_without_javascript(app, client, members_world, auth):
    assert auth.sign_in("alice@example.fr").status_code == 303
    response = post(client, f"/structures/{members_world['A']}/fonctionnalites", {"feature_payment_requests": "y"})
    assert response.status_code == 303
    structure = query(app, lambda: Structure.get_by_id(members_world["A"]))
    assert structure.feature_payment_requests and not structure.feature_dume


@pytest.mark.parametrize("who, url, data", [
    ("bob", "/structures/{A}/espaces-de-travail/engagements/offre", {"offered": "no"}),
    ("bob", "/structures/{A}/fonctionnalites", {"feature_dume": "y"}),
    ("carol", "/structures/{A}/espaces-de-travail/engagements/offre", {"offered": "no"}),
    ("carol", "/structures/{A}/espaces-de-travail/engagements/ouverture", {"opened": "yes"}),
    ("carol", "/structures/{A}/fonctionnalites", {"feature_dume": "y"}),
])
def test_forbidden_actions_answer_403_and_change_nothing(app, client, members_world, who, url, data, auth):
    assert auth.sign_in(f"{who}@example.fr").status_code == 303
    response = post(client, url.format(**members_world), data)
    assert response.status_code == 403
    assert "Access denied" in response.get_data(as_text=True)
    structure = query(app, lambda: Structure.get_by_id(members_world["A"]))
    assert structure.feature_payment_requests and not structure.feature_dume
    assert query(app, lambda: StructureWorkspace.select().count() + OpenedWorkspace.select().count()) == 0


def test_other_structure_page_is_forbidden_and_unknown_is_404(app, client, members_world, auth):
    assert auth.sign_in("carol@example.fr").status_code == 303
    assert client.get(f"/structures/{members_world['A']}/espaces-de-travail").status_code == 403
    assert client.get("/structures/999/espaces-de-travail").status_code == 404


@pytest.mark.parametrize("code, data, status", [
    ("nope", {"opened": "yes"}, 404),
    ("engagements", {"opened": "maybe"}, 422),
    ("engagements", {}, 422),
    ("engagements", {"opened": "\x00"}, 422),
])
def test_bad_toggle_input(app, client, members_world, code, data, status, auth):
    assert auth.sign_in("bob@example.fr").status_code == 303
    response = post(client, f"/structures/{members_world['A']}/espaces-de-travail/{code}/ouverture", data, htmx=True)
    assert response.status_code == status


def test_signed_out_visitor_is_sent_to_sign_in(client, members_world):
    response = client.get(f"/structures/{members_world['A']}/espaces-de-travail")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_toggle_needs_csrf(app, client, members_world, auth):
    assert auth.sign_in("bob@example.fr").status_code == 303
    response = client.post(f"/structures/{members_world['A']}/espaces-de-travail/engagements/ouverture", data={"opened": "yes"})
    assert response.status_code == 400
    assert "engagements" not in opened(app, members_world["bob_m"])


def test_my_account_links_to_the_workspaces_and_new_structure_pages(app, client, members_world, auth):
    assert auth.sign_in("bob@example.fr").status_code == 303
    page = client.get("/mon-compte").get_data(as_text=True)
    assert f'/structures/{members_world["A"]}/espaces-de-travail' in page
    assert "/structures/nouvelle" in page and "/structures/rattachement" in page


def test_portal_administrator_manages_offers_without_workspaces_of_their_own(app, client, members_world, auth):
    make_account(app, "admin@example.fr", is_admin=True)
    assert auth.sign_in("admin@example.fr").status_code == 303
    page = client.get(f"/structures/{members_world['A']}/espaces-de-travail").get_data(as_text=True)
    assert 'name="offered"' in page and 'name="opened"' not in page
    assert post(client, f"/structures/{members_world['A']}/espaces-de-travail/engagements/offre", {"offered": "no"}).status_code == 303
    assert post(client, f"/structures/{members_world['A']}/espaces-de-travail/engagements/ouverture", {"opened": "yes"}).status_code == 403
