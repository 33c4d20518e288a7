"""Annuaire des structures: public search by name, identifier or city; privacy; attachment requests."""
import re

import pytest
from factories import HX, fragment, make_account, make_structure, post, query

from webapp.models import AttachmentRequest, Membership, Role


@pytest.fixture
def listing(app):
    return dict(
        lamp=make_structure(app, "ATELIERS DU LAMPADAIRE BLEU", "90110001600012", city="PARIS",
                            address_line="12 BIS AVENUE DES LILAS"),
        bakery=make_structure(app, "BOULANGERIE IMAGINAIRE", "90110002400016", city="LYON", label="LA BONNE MIE"),
        secret=make_structure(app, "CACHEE SARL", "90110012300016", city="GRENOBLE",
                              address_line="9 RUE SECRETE", email="secret@example.fr", non_diffusible=True),
        person=make_structure(app, "", "PAR12345678901", "PARTICULIER", structure_type="private_person",
                              person_last_name="DURAND", person_first_name="Dora", city="GRENOBLE"),
        percent=make_structure(app, "100% BIO", "HU1", "HORS_UE", city="GENEVE", country="CH"),
        underscore=make_structure(app, "A_B CONSEIL", "HU2", "HORS_UE", city="GENEVE", country="CH"),
    )


def names(body):
    return re.findall(r'<h2 class="directory-item__name">([^<]*)</h2>', body)


def search(client, q, htmx=False, **params):
    response = client.get("/annuaire", query_string=dict(q=q, lang="en", **params), headers=HX if htmx else {})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_directory_is_public_and_lists_structures_but_not_private_persons(client, listing):
    body = search(client, "")
    assert "<html" in body and 'hx-trigger="input changed delay:300ms, search"' in body
    assert set(names(body)) == {"ATELIERS DU LAMPADAIRE BLEU", "LA BONNE MIE", "100% BIO", "A_B CONSEIL"}
    assert "DURAND" not in body and "Dora" not in body and "PAR12345678901" not in body
    assert "Sign in to ask to be attached" in body and "Request attachment" not in body
    assert "hx-swap-oob" not in body, "the page has one live region"


@pytest.mark.parametrize("q, expected", [
    ("lampadaire", ["ATELIERS DU LAMPADAIRE BLEU"]),
    ("bonne mie", ["LA BONNE MIE"]),  # the label
    ("imaginaire", ["LA BONNE MIE"]),  # the company name behind the label
    ("9011000240", ["LA BONNE MIE"]),  # identifier
    ("901 100 024", ["LA BONNE MIE"]),  # identifier typed with spaces
    ("lyon", ["LA BONNE MIE"]),  # city
    ("cachee", []),  # a non-diffusible structure is never listed
    ("grenoble", []),  # nor a person
    ("durand", []),
    ("%", ["100% BIO"]),
    ("_", ["A_B CONSEIL"]),
    ("\\", []),
    ("zzz", []),
])
def test_search(client, listing, q, expected):
    assert names(search(client, q)) == expected


def test_a_non_diffusible_structure_is_not_listed_by_any_search(app, client, listing, auth):
    for q in ("", "cachee", "90110012300016", "grenoble", "secrete"):
        body = search(client, q)
        assert "CACHEE SARL" not in names(body) and "9 RUE SECRETE" not in body, q
    make_account(app, "erin@example.fr")
    assert auth.sign_in("erin@example.fr").status_code == 303
    assert post(client, f"/annuaire/{listing['secret']}/rattachement").status_code == 404  # not from the directory


def test_diffusible_shows_the_address(client, listing):
    body = search(client, "lampadaire")
    assert "12 BIS AVENUE DES LILAS" in body and "75001 PARIS" in body


def test_active_search_returns_only_the_results_block(client, listing):
    response = client.get("/annuaire", query_string={"q": "lyon", "lang": "en"}, headers=HX)
    body = fragment(response)
    assert body.lstrip().startswith('<div id="directory-results"')
    assert names(body) == ["LA BONNE MIE"]
    assert '<div id="live-region" hx-swap-oob="innerHTML">1 structure found</div>' in body


def test_pagination_keeps_the_query(app, client):
    for number in range(45):
        make_structure(app, f"SOCIETE {number:02d}", f"HU{number:03d}", "HORS_UE", city="TOKYO", country="JP")
    first = search(client, "societe")
    assert len(names(first)) == 20 and "45 structures found" in first and "page 1 of 3" in first
    assert 'href="/annuaire?q=societe&amp;page=2"' in first
    third = search(client, "societe", page=3)
    assert names(third) == [f"SOCIETE {n}" for n in range(40, 45)]
    assert 'href="/annuaire?q=societe&amp;page=2" rel="prev"' in third and 'rel="next"' not in third


@pytest.mark.parametrize("params", [{"page": "abc"}, {"page": "-4"}, {"page": "99999999999999999999"},
                                    {"q": "\x00"}, {"q": "x" * 5000}, {"q": "' OR 1=1 --"}])
def test_odd_input_never_fails(client, listing, params):
    response = client.get("/annuaire", query_string=params)
    assert response.status_code == 200


def test_signed_in_user_requests_attachment_from_a_result(app, client, listing, auth):
    erin = make_account(app, "erin@example.fr")
    query(app, lambda: Membership.create(account=erin, structure=listing["bakery"], role=Role.USER))
    assert auth.sign_in("erin@example.fr").status_code == 303
    body = search(client, "")
    assert "You are a member of this structure." in body
    response = post(client, f"/annuaire/{listing['lamp']}/rattachement", {"q": "lamp", "page": "1"})
    assert response.status_code == 303 and response.headers["Location"] == "/annuaire?q=lamp&page=1"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your attachment request has been sent" in page
    assert "Your attachment request is awaiting a manager" in page
    post(client, f"/annuaire/{listing['lamp']}/rattachement")
    post(client, f"/annuaire/{listing['bakery']}/rattachement")
    [request] = query(app, lambda: list(AttachmentRequest.select()))
    assert (request.account_id, request.structure_id, request.status) == (erin, listing["lamp"], "pending")


def test_private_person_or_unknown_id_cannot_be_requested(app, client, listing, auth):
    make_account(app, "erin@example.fr")
    assert auth.sign_in("erin@example.fr").status_code == 303
    assert post(client, f"/annuaire/{listing['person']}/rattachement").status_code == 404
    assert post(client, "/annuaire/999/rattachement").status_code == 404
    assert query(app, lambda: AttachmentRequest.select().count()) == 0


def test_signed_out_request_goes_to_sign_in(client, listing):
    response = post(client, f"/annuaire/{listing['lamp']}/rattachement", {"q": "lamp"})
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_nav_links_to_the_directory(client):
    assert 'href="/annuaire"' in client.get("/").get_data(as_text=True)
