"""Structure profile: managers edit the fields of the structure's type; identifier and type stay fixed."""
import pytest
from factories import make_account, make_structure, post, query

from webapp.models import Membership, Role, Structure, StructureEvent


def profile_data(**changes):
    data = {
        "structure_type": "company", "company_name": "ATELIERS A RENOMMES", "label": "ATELIERS",
        "structure_email": "contact@ateliers.example.fr", "structure_phone": "01 23 45 67 89",
        "address_line": "2 RUE NEUVE", "postcode": "69003", "city": "LYON", "country": "FR",
        "non_diffusible": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def structure(app, structure_id):
    return query(app, lambda: Structure.get_by_id(structure_id))


def test_manager_sees_the_form_filled_with_the_structure(app, client, members_world, auth):
    assert auth.sign_in("alice@example.fr").status_code == 303
    page = client.get(f"/structures/{members_world['A']}/fiche").get_data(as_text=True)
    assert 'name="company_name"' in page and 'value="ATELIERS A"' in page
    assert 'name="non_diffusible"' in page
    assert 'name="identifier"' not in page and 'name="identifier_type"' not in page
    assert "90110001600012" in page and "The identifier and its type are fixed" in page


def test_manager_saves_the_fields_including_non_diffusible(app, client, members_world, auth):
    assert auth.sign_in("alice@example.fr").status_code == 303
    response = post(client, f"/structures/{members_world['A']}/fiche", profile_data())
    assert response.status_code == 303
    saved = structure(app, members_world["A"])
    assert (saved.company_name, saved.label, saved.city, saved.postcode) == ("ATELIERS A RENOMMES", "ATELIERS", "LYON", "69003")
    assert saved.phone == "+33123456789" and saved.email == "contact@ateliers.example.fr"
    assert saved.non_diffusible
    assert saved.feature_payment_requests, "features are not touched by the profile"
    assert query(app, lambda: StructureEvent.get().action) == "profile_updated"
    assert "The structure&#39;s details are saved." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_unticking_non_diffusible(app, client, members_world, auth):
    assert auth.sign_in("alice@example.fr").status_code == 303
    post(client, f"/structures/{members_world['A']}/fiche", profile_data())
    post(client, f"/structures/{members_world['A']}/fiche", profile_data(non_diffusible=None))
    assert not structure(app, members_world["A"]).non_diffusible


def test_identifier_and_type_cannot_be_changed_by_a_forged_post(app, client, members_world, auth):
    assert auth.sign_in("alice@example.fr").status_code == 303
    post(client, f"/structures/{members_world['A']}/fiche",
         profile_data(identifier_type="HORS_UE", identifier="FORGED1", person_last_name="X"))
    saved = structure(app, members_world["A"])
    assert (saved.identifier_type, saved.identifier) == ("SIRET", "90110001600012")
    assert saved.person_last_name == ""


@pytest.mark.parametrize("changes, field, message", [
    ({"company_name": ""}, "company_name", "Fill in this field."),
    ({"postcode": "ABC"}, "postcode", "A French postcode has 5 digits"),
    ({"structure_email": "nope"}, "structure_email", "Enter an e-mail address"),
    ({"structure_type": "evil"}, "structure_type", "Choose a structure type from the list."),
    ({"country": "XX"}, "country", "Choose a country from the list."),
    ({"city": "x" * 500}, "city", "Field cannot be longer than 100 characters."),
])
def test_invalid_fields_are_refused_with_422(app, client, members_world, changes, field, message, auth):
    assert auth.sign_in("alice@example.fr").status_code == 303
    response = post(client, f"/structures/{members_world['A']}/fiche", profile_data(**changes))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#{field}"' in body and message in body
    assert structure(app, members_world["A"]).company_name == "ATELIERS A"


def test_control_characters_are_dropped(app, client, members_world, auth):
    assert auth.sign_in("alice@example.fr").status_code == 303
    post(client, f"/structures/{members_world['A']}/fiche", profile_data(label="AB\x00C"))
    assert structure(app, members_world["A"]).label == "ABC"


def test_private_person_profile_asks_the_person_names(app, client, auth):
    owner = make_account(app, "dora@example.fr")
    person = make_structure(app, "", "PAR12345678901", "PARTICULIER", structure_type="private_person",
                            person_last_name="DURAND", person_first_name="Dora")
    query(app, lambda: Membership.create(account=owner, structure=person, role=Role.PRINCIPAL_MANAGER))
    assert auth.sign_in("dora@example.fr").status_code == 303
    page = client.get(f"/structures/{person}/fiche").get_data(as_text=True)
    assert 'name="person_last_name"' in page and 'name="company_name"' not in page
    assert 'name="non_diffusible"' not in page
    response = post(client, f"/structures/{person}/fiche", {
        "person_last_name": "DURAND-MARTIN", "person_first_name": "Dora", "address_line": "3 RUE",
        "postcode": "75001", "city": "PARIS", "country": "FR", "company_name": "FORGED",
    })
    assert response.status_code == 303
    saved = structure(app, person)
    assert saved.person_last_name == "DURAND-MARTIN" and saved.company_name == ""
    assert saved.structure_type == "private_person"


def test_user_sees_the_profile_read_only(app, client, members_world, auth):
    assert auth.sign_in("bob@example.fr").status_code == 303
    page = client.get(f"/structures/{members_world['A']}/fiche").get_data(as_text=True)
    assert "ATELIERS A" in page and "1 RUE DES TESTS" in page
    assert 'name="company_name"' not in page
    assert "managers can change its details." in page


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_user_or_other_manager_cannot_save(app, client, members_world, who, auth):
    assert auth.sign_in(f"{who}@example.fr").status_code == 303
    response = post(client, f"/structures/{members_world['A']}/fiche", profile_data())
    assert response.status_code == 403
    assert structure(app, members_world["A"]).company_name == "ATELIERS A"


def test_other_structure_profile_is_forbidden(app, client, members_world, auth):
    assert auth.sign_in("carol@example.fr").status_code == 303
    assert client.get(f"/structures/{members_world['A']}/fiche").status_code == 403
    assert client.get("/structures/0/fiche").status_code == 404
