"""A signed-in user creates a structure or asks to join one, with the sign-up page's fragments and checks."""
import re

import pytest
from factories import create_data, fragment, make_account, make_structure, post, query, value

from webapp.models import AttachmentRequest, CaptchaChallenge, Membership, Role, Structure


@pytest.fixture
def dave(app, client, auth):
    """Signed in, in no structure; ATELIERS (90110001600012) already exists in the portal."""
    ids = dict(dave=make_account(app, "dave@example.fr"), owner=make_account(app, "owner@example.fr"),
               A=make_structure(app, "ATELIERS DU LAMPADAIRE BLEU", "90110001600012", city="PARIS"))
    query(app, lambda: Membership.create(account=ids["owner"], structure=ids["A"], role=Role.PRINCIPAL_MANAGER))
    assert auth.sign_in("dave@example.fr").status_code == 303
    return ids


def requests(app):
    return query(app, lambda: list(AttachmentRequest.select()))


def test_pages_need_sign_in(client):
    for url in ("/structures/nouvelle", "/structures/rattachement"):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_create_page_has_the_structure_part_and_no_captcha(app, client, dave):
    page = client.get("/structures/nouvelle").get_data(as_text=True)
    assert 'hx-post="/structures/nouvelle/type"' in page
    assert 'name="login_email"' not in page and "captcha" not in page.lower()
    assert "Choose the type of identifier" not in page, "no error before the user did anything"


def test_type_fragment_reveals_the_fields_of_the_type(app, client, dave):
    body = fragment(post(client, "/structures/nouvelle/type", {"identifier_type": "SIRET"}, htmx=True))
    assert body.lstrip().startswith('<div id="structure-block">')
    assert 'hx-post="/structures/nouvelle/identifiant"' in body
    assert re.search(r'<p class="hint" id="identifier-hint">14 digits', body)
    assert 'name="company_name"' in body and 'name="feature_dume"' in body
    assert query(app, lambda: CaptchaChallenge.select().count()) == 0


def test_identifier_fragment_prefills_from_the_register(app, client, dave):
    body = fragment(post(client, "/structures/nouvelle/identifiant",
                         {"identifier_type": "SIRET", "identifier": "90110008100016"}, htmx=True))
    assert "This structure is not yet in the portal" in body
    assert 'id="structure-fields" class="structure-fields" hx-swap-oob="true"' in body
    assert value(body, "company_name") == "LES AMIS DU JARDIN FICTIF"


def test_identifier_fragment_detects_an_existing_structure(app, client, dave):
    body = fragment(post(client, "/structures/nouvelle/identifiant",
                         {"identifier_type": "SIRET", "identifier": "90110001600012"}, htmx=True))
    assert "already exists in the portal as “ATELIERS DU LAMPADAIRE BLEU”" in body
    assert "sends an attachment request to its managers" in body
    assert 'name="company_name"' not in body


def test_identifier_fragment_says_when_already_a_member(app, client, dave, auth):
    assert auth.sign_in("owner@example.fr").status_code == 303
    body = fragment(post(client, "/structures/nouvelle/identifiant",
                         {"identifier_type": "SIRET", "identifier": "90110001600012"}, htmx=True))
    assert "You are already a member of “ATELIERS DU LAMPADAIRE BLEU”." in body


def test_malformed_identifier_gets_the_sign_up_message(app, client, dave):
    body = fragment(post(client, "/structures/nouvelle/identifiant",
                         {"identifier_type": "SIRET", "identifier": "123"}, htmx=True))
    assert "A SIRET has 14 digits; you typed 3." in body


def test_create_makes_the_user_principal_manager(app, client, dave):
    response = post(client, "/structures/nouvelle", create_data())
    assert response.status_code == 303
    structure = query(app, lambda: Structure.get(Structure.identifier == "90110008100016"))
    assert response.headers["Location"].endswith(f"/structures/{structure.id}/espaces-de-travail")
    assert structure.company_name == "LES AMIS DU JARDIN FICTIF" and structure.structure_type == "association"
    membership = query(app, lambda: Membership.get(Membership.structure == structure.id))
    assert (membership.account_id, membership.role) == (dave["dave"], Role.PRINCIPAL_MANAGER)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "you are its principal manager" in page


def test_create_without_identifier_gets_an_assigned_one(app, client, dave):
    response = post(client, "/structures/nouvelle", create_data(
        identifier_type="EN_COURS_IMMATRICULATION", identifier=None, company_name="NOUVELLE SAS",
        structure_type="company"))
    assert response.status_code == 303
    structure = query(app, lambda: Structure.get(Structure.company_name == "NOUVELLE SAS"))
    assert re.fullmatch(r"ECI\d{11}", structure.identifier)


def test_existing_identifier_becomes_a_pending_request_once(app, client, dave):
    response = post(client, "/structures/nouvelle", create_data(identifier="90110001600012", company_name=None))
    assert response.status_code == 303 and response.headers["Location"].endswith("/mon-compte")
    [request] = requests(app)
    assert (request.account_id, request.structure_id, request.status) == (dave["dave"], dave["A"], "pending")
    again = post(client, "/structures/nouvelle", create_data(identifier="90110001600012"))
    assert again.status_code == 303
    assert len(requests(app)) == 1
    assert "already awaiting a manager" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_member_creating_their_own_structure_is_told_so(app, client, dave, auth):
    assert auth.sign_in("owner@example.fr").status_code == 303
    response = post(client, "/structures/nouvelle", create_data(identifier="90110001600012"))
    assert response.headers["Location"].endswith(f"/structures/{dave['A']}/espaces-de-travail")
    assert requests(app) == []


@pytest.mark.parametrize("changes, field", [
    ({"identifier_type": "RIDET", "identifier": "1234567001", "company_name": ""}, "company_name"),
    ({"identifier": "35600000000048"}, "identifier"),  # not in the register
    ({"identifier_type": "EVIL"}, "identifier_type"),
    ({"postcode": "7"}, "postcode"),
])
def test_invalid_submission_is_refused_with_422(app, client, dave, changes, field):
    response = post(client, "/structures/nouvelle", create_data(**changes))
    assert response.status_code == 422
    assert f'<li><a href="#{field}">' in response.get_data(as_text=True)
    assert query(app, lambda: Structure.select().count()) == 1


def test_without_javascript_type_and_check_post_the_whole_form(app, client, dave):
    page = post(client, "/structures/nouvelle", {"identifier_type": "SIRET", "action": "type"}).get_data(as_text=True)
    assert "<html" in page and 'name="identifier"' in page and 'name="company_name"' in page
    page = post(client, "/structures/nouvelle", {"identifier_type": "SIRET", "identifier": "90110008100016",
                                                 "action": "check"}).get_data(as_text=True)
    assert value(page, "company_name") == "LES AMIS DU JARDIN FICTIF"
    assert query(app, lambda: Structure.select().count()) == 1


def test_attach_page_finds_the_structure_with_the_same_fragment(app, client, dave):
    page = client.get("/structures/rattachement").get_data(as_text=True)
    assert 'hx-post="/structures/rattachement/type"' in page
    body = fragment(post(client, "/structures/rattachement/type", {"identifier_type": "SIRET"}, htmx=True))
    assert 'hx-post="/structures/rattachement/identifiant"' in body and 'name="company_name"' not in body
    body = fragment(post(client, "/structures/rattachement/identifiant",
                         {"identifier_type": "SIRET", "identifier": "90110001600012"}, htmx=True))
    assert "Structure found: “ATELIERS DU LAMPADAIRE BLEU”" in body
    assert 'id="attach-result" class="attach-result" hx-disable hx-swap-oob="true"' in body and "PARIS" in body


def test_attach_fragment_for_a_structure_not_in_the_portal(app, client, dave):
    body = fragment(post(client, "/structures/rattachement/identifiant",
                         {"identifier_type": "SIRET", "identifier": "90110008100016"}, htmx=True))
    assert "No structure with this identifier is in the portal yet" in body
    assert 'name="company_name"' not in body


def test_attach_names_a_non_diffusible_structure_by_its_identifier_only(app, client, dave):
    make_structure(app, "SECRETE", "90110012300016", city="GRENOBLE", non_diffusible=True)
    body = fragment(post(client, "/structures/rattachement/identifiant",
                         {"identifier_type": "SIRET", "identifier": "90110012300016"}, htmx=True))
    assert "SECRETE" not in body and "GRENOBLE" not in body
    assert "<dd>90110012300016</dd>" in body  # what the person typed, nothing the structure did not publish


def test_attach_submit_creates_one_pending_request(app, client, dave):
    data = {"identifier_type": "SIRET", "identifier": "90110001600012", "action": "attach"}
    assert post(client, "/structures/rattachement", data).status_code == 303
    assert post(client, "/structures/rattachement", data).status_code == 303
    assert len(requests(app)) == 1


@pytest.mark.parametrize("data", [
    {"identifier_type": "SIRET", "identifier": "90110008100016"},  # valid, not in the portal
    {"identifier_type": "SIRET", "identifier": "12"},
    {"identifier_type": "", "identifier": ""},
    {"identifier_type": "PARTICULIER"},
    {"identifier_type": "SIRET", "identifier": "%_\x00"},
])
def test_attach_submit_without_a_structure_is_refused(app, client, dave, data):
    response = post(client, "/structures/rattachement", dict(data, action="attach"))
    assert response.status_code == 422
    assert requests(app) == []


@pytest.mark.parametrize("url, data", [
    ("type", {"identifier_type": "RIDET", "city": "Nouméa"}),
    ("identifiant", {"identifier_type": "SIRET", "identifier": "90110008100016"}),
    ("identifiant", {"identifier_type": "UE_HORS_FRANCE", "identifier": "DE136695976"}),
])
def test_fragments_are_the_sign_up_page_ones(app, client, dave, url, data):
    """Same fields, hints, checks and pre-fill as the sign-up page: only the fragment URLs differ."""
    mine = fragment(post(client, f"/structures/nouvelle/{url}", data, htmx=True))
    sign_up = fragment(post(client, f"/inscription/{url}", data, htmx=True))
    assert mine.replace("/structures/nouvelle/", "/inscription/") == sign_up
