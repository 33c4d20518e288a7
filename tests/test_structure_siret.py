"""Issue 12, dead end 7: "En cours d'immatriculation" forever. Once registered, the structure's principal manager
gives it its SIRET: checked against the business register (the demo register), the register's details
offered, uniqueness enforced, recorded in the structure's journal. Only the principal manager."""
import html
import re

import pytest
from factories import add_member, error_summary, make_account, make_structure, post_form

from webapp.extensions import db
from webapp.models import Membership, Role, Structure, StructureEvent

SIRET = "90110002400016"  # BOULANGERIE IMAGINAIRE DU COIN, open, in the demo register
CLOSED = "90110002400024"  # a closed establishment of it
NOT_IN_REGISTER = "90110910800018"  # valid check digits, unknown to the register
HIDDEN = "90110012300016"  # non-diffusible


@pytest.fixture
def world(app):
    """A structure being registered: Paula its principal manager, Sam a secondary manager, Ugo a user; Olga
    manages another structure."""
    structure = make_structure(app, "BOULANGERIE DU COIN", "ECI12345678901", "EN_COURS_IMMATRICULATION",
                               label="LA BONNE MIE", address_line="4 RUE DU FOURNIL", postcode="69003", city="LYON")
    for email, name, role in (("paula@example.fr", "Paula", Role.PRINCIPAL_MANAGER),
                              ("sam@example.fr", "Sam", Role.SECONDARY_MANAGER),
                              ("ugo@example.fr", "Ugo", Role.USER)):
        add_member(app, make_account(app, email, first_name=name), structure, role)
    other = make_structure(app, "ATELIERS DU LAMPADAIRE BLEU", "90110001600012", structure_type="", address_line="",
                           postcode="", city="")
    add_member(app, make_account(app, "olga@example.fr", first_name="Olga"), other, Role.PRINCIPAL_MANAGER)
    return {"id": structure, "other": other}


def url(world):
    return f"/structures/{world['id']}/siret?lang=en"


def send(client, world, **data):
    """The SIRET page's form, posted."""
    return post_form(client, url(world), **data)


def summary(body):
    """{field id: message} of the error summary, entities decoded."""
    return {key: html.unescape(text) for key, text in error_summary(body).items()}


def structure(app, world):
    with app.app_context(), db.connection_context():
        return Structure.get_by_id(world["id"])


def test_the_profile_offers_it_to_the_principal_manager_only(app, client, auth, world):
    assert auth.sign_in("paula@example.fr").status_code == 303
    profile = client.get(f"/structures/{world['id']}/fiche?lang=en").get_data(as_text=True)
    assert f'href="/structures/{world["id"]}/siret"' in profile and "Give the structure its SIRET" in profile
    secondary = auth.browser("sam@example.fr")
    profile = secondary.get(f"/structures/{world['id']}/fiche?lang=en").get_data(as_text=True)
    assert "/siret" not in profile


@pytest.mark.parametrize("email, status", [("sam@example.fr", 403), ("ugo@example.fr", 403), ("olga@example.fr", 403)])
def test_nobody_else_may_give_it(app, client, auth, world, email, status):
    assert auth.sign_in(email).status_code == 303
    assert client.get(url(world)).status_code == status
    assert send(client, world, siret=SIRET, details="register", action="confirm").status_code == status
    assert structure(app, world).identifier_type == "EN_COURS_IMMATRICULATION"


def test_signed_out_and_registered_structures(app, client, auth, world):
    assert client.get(url(world)).status_code == 302  # to the sign-in page
    assert auth.sign_in("olga@example.fr").status_code == 303
    assert client.get(f"/structures/{world['other']}/siret").status_code == 404  # it has its SIRET


@pytest.mark.parametrize("typed, message", [
    ("", "Enter the SIRET: 14 digits."),
    ("9011000240", "A SIRET has 14 digits; you typed 10."),
    ("9011000240001A", "A SIRET contains digits only: remove letters and other characters."),
    ("90110002400017", "This SIRET's check digit is wrong: check each digit against your records."),
    (NOT_IN_REGISTER, "No establishment with this SIRET is in the business register: check the number."),
    (CLOSED, "This establishment is closed in the business register: enter the SIRET of an open establishment."),
    ("90110001600012", "Another structure in the portal already has this SIRET: check the number."),
])
def test_a_bad_or_taken_siret_names_the_field_says_how_to_fix_and_keeps_what_was_typed(app, client, auth, world, typed,
                                                                                       message):
    assert auth.sign_in("paula@example.fr").status_code == 303
    response = send(client, world, siret=typed, action="check")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "<title>Error:" in body
    assert summary(body)["siret"].startswith(message)
    assert re.search(rf'<input[^>]*name="siret"[^>]*value="{re.escape(typed)}"', body) or not typed
    assert structure(app, world).identifier_type == "EN_COURS_IMMATRICULATION"


def test_success_with_the_register_details(app, client, auth, world):
    assert auth.sign_in("paula@example.fr").status_code == 303
    page = client.get(url(world)).get_data(as_text=True)
    assert 'name="siret"' in page and "14 digits" in page

    response = send(client, world, siret="901 100 024 00016", action="check")  # spaces as people type them
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "What the business register says" in body and SIRET in body
    assert "BOULANGERIE IMAGINAIRE DU COIN" in body and "BOULANGERIE DU COIN" in body  # the register's and ours
    assert structure(app, world).identifier_type == "EN_COURS_IMMATRICULATION"  # nothing changes before confirming

    # Confirming without choosing whose details: the choice is asked for, the SIRET kept.
    response = send(client, world, siret=SIRET, action="confirm")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert summary(body) == {"details": "Choose whether the structure takes the business register's details or keeps its own."}
    assert f'name="siret" value="{SIRET}"' in body

    response = send(client, world, siret=SIRET, details="register", action="confirm")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/structures/{world['id']}/fiche")
    profile = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert f"now has its SIRET: {SIRET}" in profile
    given = structure(app, world)
    assert (given.identifier_type, given.identifier) == ("SIRET", SIRET)
    assert given.company_name == "BOULANGERIE IMAGINAIRE DU COIN" and given.city == "LYON"
    with app.app_context(), db.connection_context():
        [event] = StructureEvent.select().where(StructureEvent.structure == world["id"])
        assert (event.action, event.actor_email) == ("siret_given", "paula@example.fr")
        assert "ECI12345678901 -> SIRET 90110002400016" in event.detail and "register's details applied" in event.detail
        assert Membership.select().where(Membership.structure == world["id"]).count() == 3  # members stay
    assert client.get(url(world)).status_code == 404  # given once


def test_success_keeping_the_structures_own_details(app, client, auth, world):
    assert auth.sign_in("paula@example.fr").status_code == 303
    response = send(client, world, siret=SIRET, details="keep", action="confirm")
    assert response.status_code == 303
    given = structure(app, world)
    assert (given.identifier_type, given.identifier) == ("SIRET", SIRET)
    assert (given.company_name, given.label) == ("BOULANGERIE DU COIN", "LA BONNE MIE")


def test_a_non_diffusible_register_entry_marks_the_structure(app, client, auth, world):
    assert auth.sign_in("paula@example.fr").status_code == 303
    body = send(client, world, siret=HIDDEN, action="check").get_data(as_text=True)
    assert "not for publication" in body and "hidden by the register" in body
    assert send(client, world, siret=HIDDEN, details="keep", action="confirm").status_code == 303
    given = structure(app, world)
    assert given.identifier == HIDDEN and given.non_diffusible


def test_taken_between_the_check_and_the_confirmation(app, client, auth, world):
    assert auth.sign_in("paula@example.fr").status_code == 303
    assert send(client, world, siret=SIRET, action="check").status_code == 200
    with app.app_context(), db.connection_context():
        Structure.create(identifier_type="SIRET", identifier=SIRET, company_name="SOMEONE ELSE")
    response = send(client, world, siret=SIRET, details="register", action="confirm")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert summary(body)["siret"].startswith("Another structure in the portal already has this SIRET")
    assert structure(app, world).identifier_type == "EN_COURS_IMMATRICULATION"


def test_change_the_siret_goes_back_with_it(app, client, auth, world):
    assert auth.sign_in("paula@example.fr").status_code == 303
    response = send(client, world, siret=SIRET, action="edit")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and re.search(rf'<input[^>]*name="siret"[^>]*value="{SIRET}"', body)
    assert 'type="hidden" name="siret"' not in body
