"""The sign-up page's htmx fragments: the fields of a type, the live identifier check."""
import html
import re

import pytest
from factories import HX, add_member, csrf, fragment, make_account, make_structure, value

from webapp.extensions import db
from webapp.models import Account, Membership, Role, Structure, utcnow


@pytest.fixture
def post_fragment(client):
    """POST to a fragment URL as htmx does, with the page in English."""
    client.get("/?lang=en")
    token = csrf(client, "/")

    def post(url, data, htmx=True):
        headers = dict(HX, **{"X-CSRFToken": token}) if htmx else {"X-CSRFToken": token}
        return client.post(url, data=data, headers=headers)

    return post


def inputs(body):
    return set(re.findall(r'<(?:input|select)[^>]*\bname="([a-z_0-9]+)"', body))


def checked(body, name):
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', body).group(0)
    return bool(re.search(r"\schecked[\s>]", tag))


def selected(body, name):
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', body, re.S).group(0)
    found = re.search(r'<option selected value="([^"]*)"', select)
    return found.group(1) if found else None


def check_message(body):
    block = re.search(r'<div id="identifier-check".*?</div>', body, re.S).group(0)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", block).split()))  # the text a user reads


COMPANY = {"identifier", "structure_type", "company_name", "label", "structure_email", "structure_phone",
           "address_line", "address_complement_1", "address_complement_2", "postcode", "city", "country",
           "non_diffusible", "feature_payment_requests", "feature_dume"}


@pytest.mark.parametrize(
    "code, hint",
    [
        ("SIRET", "14 digits"),
        ("UE_HORS_FRANCE", "EU VAT number starting with the country code"),
        ("HORS_UE", "Up to 18 letters or digits"),
        ("RIDET", "10 digits: the 7-digit RID then the 3-digit establishment number"),
        ("TAHITI", "9 characters: a letter or a digit, then 8 digits"),
    ],
)
def test_type_with_identifier_shows_its_field_and_hint(post_fragment, code, hint):
    body = fragment(post_fragment("/inscription/type", {"identifier_type": code}))
    assert COMPANY <= inputs(body)
    assert not {"person_last_name", "person_first_name"} & inputs(body)
    assert re.search(r'<p class="hint" id="identifier-hint">[^<]*' + re.escape(hint), body)
    assert 'aria-describedby="identifier-hint"' in body
    assert checked(body, "feature_payment_requests"), "checked by default"
    assert not checked(body, "feature_dume")


def test_being_registered_shows_no_identifier_input(post_fragment):
    body = fragment(post_fragment("/inscription/type", {"identifier_type": "EN_COURS_IMMATRICULATION"}))
    assert "identifier" not in inputs(body)
    assert "No identifier yet: the portal assigns one" in body
    assert {"company_name", "structure_type", "address_line"} <= inputs(body)


def test_private_person_shows_names_and_no_company(post_fragment):
    body = fragment(post_fragment("/inscription/type", {"identifier_type": "PARTICULIER"}))
    assert {"person_last_name", "person_first_name", "address_line", "postcode", "city", "country"} <= inputs(body)
    assert not {"identifier", "company_name", "structure_type", "non_diffusible"} & inputs(body)
    assert "No identifier: the portal assigns one" in body


def test_outside_eu_lists_only_countries_outside_the_eu(post_fragment):
    body = fragment(post_fragment("/inscription/type", {"identifier_type": "HORS_UE"}))
    countries = set(re.findall(r'<option (?:selected )?value="([A-Z]{2})"', body))
    assert {"US", "CH", "GB", "NC"} <= countries
    assert not {"FR", "DE", "GR", "IT", "RE", "GP"} & countries
    assert not {"XA", "XB"} & countries  # CLDR pseudo-locales are not countries


def test_type_default_country(post_fragment):
    assert selected(fragment(post_fragment("/inscription/type", {"identifier_type": "RIDET"})), "country") == "NC"
    assert selected(fragment(post_fragment("/inscription/type", {"identifier_type": "SIRET"})), "country") == "FR"


def test_unknown_type_shows_no_structure_fields(post_fragment):
    body = fragment(post_fragment("/inscription/type", {"identifier_type": "EVIL"}))
    assert not {"identifier", "company_name", "address_line"} & inputs(body)


def test_type_change_keeps_an_unticked_feature(post_fragment):
    body = fragment(post_fragment("/inscription/type", {"identifier_type": "RIDET", "features_shown": "1"}))
    assert not checked(body, "feature_payment_requests")


def test_changing_type_keeps_typed_values(post_fragment):
    body = fragment(post_fragment(
        "/inscription/type", {"identifier_type": "RIDET", "address_line": "3 rue Jules Ferry", "city": "Nouméa"}
    ))
    assert value(body, "address_line") == "3 rue Jules Ferry"
    assert value(body, "city") == "Nouméa"


@pytest.mark.parametrize(
    "raw, message",
    [
        ("901100016", "A SIRET has 14 digits; you typed 9."),
        ("9011000160001X", "A SIRET contains digits only"),
        ("90110001600013", "This SIRET's check digit is wrong"),
    ],
)
def test_malformed_siret_gets_a_precise_message(post_fragment, raw, message):
    body = fragment(post_fragment("/inscription/identifiant", {"identifier_type": "SIRET", "identifier": raw}))
    assert message in check_message(body)
    assert "Error:" in check_message(body)


def test_unknown_siret_is_refused(post_fragment):
    body = fragment(post_fragment("/inscription/identifiant", {"identifier_type": "SIRET", "identifier": "35600000000048"}))
    assert "No establishment with this SIRET is in the business register" in check_message(body)


def test_closed_establishment_is_refused(post_fragment):
    body = fragment(post_fragment("/inscription/identifiant", {"identifier_type": "SIRET", "identifier": "90110002400024"}))
    assert "This establishment is closed" in check_message(body)
    assert value(body, "company_name") == ""


def test_found_siret_prefills_the_structure(post_fragment):
    body = fragment(post_fragment("/inscription/identifiant", {"identifier_type": "SIRET", "identifier": "901 100 016 00012"}))
    assert "This structure is not yet in the portal: check the pre-filled information." in check_message(body)
    assert 'id="structure-fields" class="structure-fields" hx-swap-oob="true"' in body
    assert value(body, "company_name") == "ATELIERS DU LAMPADAIRE BLEU"
    assert value(body, "address_line") == "12 BIS AVENUE DES LILAS"
    assert value(body, "postcode") == "75012"
    assert value(body, "city") == "PARIS"
    assert selected(body, "country") == "FR"
    assert selected(body, "structure_type") == "company"
    assert value(body, "prefilled_siret") == "90110001600012"


@pytest.mark.parametrize(
    "siret, structure_type",
    [("90110008100016", "association"), ("90110009900018", "public"), ("90110011500012", "individual")],
)
def test_structure_type_follows_the_legal_category(post_fragment, siret, structure_type):
    body = fragment(post_fragment("/inscription/identifiant", {"identifier_type": "SIRET", "identifier": siret}))
    assert selected(body, "structure_type") == structure_type


def test_prefill_does_not_override_edits_for_the_same_siret(post_fragment):
    data = {"identifier_type": "SIRET", "identifier": "90110001600012", "prefilled_siret": "90110001600012",
            "company_name": "MY OWN NAME", "city": "PARIS 12"}
    body = fragment(post_fragment("/inscription/identifiant", data))
    assert value(body, "company_name") == "MY OWN NAME"
    assert value(body, "city") == "PARIS 12"


def test_non_diffusible_prefills_nothing_masked(post_fragment):
    body = fragment(post_fragment("/inscription/identifiant", {"identifier_type": "SIRET", "identifier": "90110012300016"}))
    assert "[ND]" not in body
    assert "not for publication" in check_message(body)
    assert value(body, "company_name") == ""
    assert value(body, "address_line") == ""
    assert value(body, "postcode") == ""
    assert value(body, "city") == "GRENOBLE"
    assert checked(body, "non_diffusible")


def test_new_siret_clears_what_the_previous_one_prefilled(post_fragment):
    first = fragment(post_fragment("/inscription/identifiant", {"identifier_type": "SIRET", "identifier": "90110011500012"}))
    assert value(first, "label") == "PLOMBERIE CAMILLE"
    data = {"identifier_type": "SIRET", "identifier": "90110012300016", "prefilled_siret": "90110011500012",
            "company_name": "CAMILLE EXEMPLAIRE", "label": "PLOMBERIE CAMILLE", "address_line": "15 ALLEE DES ROBINETS",
            "postcode": "35000", "city": "RENNES", "country": "FR", "structure_type": "individual"}
    body = fragment(post_fragment("/inscription/identifiant", data))
    assert value(body, "company_name") == ""  # not the previous company's name under a masked one
    assert value(body, "label") == ""
    assert value(body, "postcode") == ""
    assert value(body, "city") == "GRENOBLE"


def test_identifier_already_in_the_portal(app, post_fragment):
    with app.app_context(), db.connection_context():
        structure = Structure.create(identifier_type="SIRET", identifier="90110001600012",
                                     company_name="ATELIERS DU LAMPADAIRE BLEU", label="LAMPADAIRE")
        # An activated manager: a structure only never-activated accounts hold is taken over (issue 12).
        manager = Account.create(email="m@example.fr", first_name="M", last_name="M", contact_email="m@example.fr",
                                 terms_accepted_at=utcnow(), is_active=True, activated_at=utcnow())
        Membership.create(account=manager, structure=structure, role=Role.PRINCIPAL_MANAGER)
    body = fragment(post_fragment("/inscription/identifiant", {"identifier_type": "SIRET", "identifier": "90110001600012"}))
    message = check_message(body)
    assert "already declared in the portal as “LAMPADAIRE”" in message
    assert "attachment request that the structure's managers must approve" in message
    assert "The structure's details are not asked" in body
    assert not {"company_name", "address_line", "structure_type"} & inputs(body)


def test_eu_vat_country_follows_the_prefix(post_fragment):
    body = fragment(post_fragment("/inscription/identifiant", {"identifier_type": "UE_HORS_FRANCE", "identifier": "EL094259216"}))
    assert selected(body, "country") == "GR"
    body = fragment(post_fragment("/inscription/identifiant", {"identifier_type": "UE_HORS_FRANCE", "identifier": "US12345"}))
    assert "must start with the code of an EU member state" in check_message(body)


def test_identifier_check_with_unknown_type_is_no_500(post_fragment):
    body = fragment(post_fragment("/inscription/identifiant", {"identifier_type": "EVIL", "identifier": "x"}))
    assert "Choose the type of identifier of your structure." in check_message(body)


def test_fragments_answer_a_plain_browser_with_the_whole_page(post_fragment):
    response = post_fragment("/inscription/identifiant", {"identifier_type": "SIRET", "identifier": "90110001600012",
                                                          "login_email": "zoe@example.fr"}, htmx=False)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in body
    assert value(body, "login_email") == "zoe@example.fr"
    assert value(body, "company_name") == "ATELIERS DU LAMPADAIRE BLEU"
    response = post_fragment("/inscription/type", {"identifier_type": "PARTICULIER"}, htmx=False)
    body = response.get_data(as_text=True)
    assert "<html" in body and "person_last_name" in inputs(body)
    assert "HX-Request" in response.headers["Vary"]


def test_fragment_without_csrf_is_refused(client):
    response = client.post("/inscription/type", data={"identifier_type": "SIRET"}, headers=HX)
    assert response.status_code == 400


# One keystroke's answer carries what changed, nothing more (issue 11). The page says what its fields
# block shows (structure_shown) and sends every value as typed; the server compares.

def keystroke(post_fragment, identifier, type_code="SIRET", shown="fields", **values):
    data = dict(identifier_type=type_code, identifier=identifier, structure_shown=shown, **values)
    return fragment(post_fragment("/inscription/identifiant", data))


def out_of_band(body):
    return re.findall(r'<[a-z]+ [^>]*?id="([a-z_0-9-]+)"[^>]*hx-swap-oob="true"|<[a-z]+ [^>]*?hx-swap-oob="true"[^>]*id="([a-z_0-9-]+)"', body)


def oob_ids(body):
    return {a or b for a, b in out_of_band(body)}


@pytest.mark.parametrize("partial", ["9", "901100", "9011000160001", "90110001600019", "9011 0001 6000 1A"])
def test_a_keystroke_that_changes_no_field_answers_the_feedback_line_alone(post_fragment, partial):
    body = keystroke(post_fragment, partial)
    assert oob_ids(body) == set()
    assert "hx-swap-oob" not in body and "structure-fields" not in body
    assert body.strip().startswith('<div id="identifier-check"')
    assert len(body.encode()) < 1024  # the goal for a keystroke while the SIRET is incomplete
    assert check_message(body)  # still says what is wrong


def test_a_complete_siret_sends_only_the_fields_it_prefills(post_fragment):
    body = keystroke(post_fragment, "90110001600012", country="FR", country_default="FR")
    assert oob_ids(body) == {"structure_type-group", "company_name-group", "address_line-group", "postcode-group",
                             "city-group", "prefilled_siret"}
    assert "structure-fields" not in body and 'name="country"' not in body  # France already: not sent
    assert value(body, "company_name") == "ATELIERS DU LAMPADAIRE BLEU"
    assert value(body, "prefilled_siret") == "90110001600012"
    # the same SIRET again (prefilled_siret came back with the page): nothing to change
    again = keystroke(post_fragment, "90110001600012", prefilled_siret="90110001600012", country="FR",
                      country_default="FR", company_name="MY OWN NAME", structure_type="company")
    assert oob_ids(again) == set() and "MY OWN NAME" not in again


def test_the_already_declared_state_flipping_sends_the_whole_block(app, post_fragment):
    with app.app_context(), db.connection_context():
        Structure.create(identifier_type="SIRET", identifier="90110001600012", company_name="LAMPADAIRE")
    body = keystroke(post_fragment, "90110001600012")
    assert oob_ids(body) == {"structure-fields"}
    assert "The structure's details are not asked" in body
    assert 'name="structure_shown" value="existing"' in body
    assert oob_ids(keystroke(post_fragment, "90110001600012", shown="existing")) == set()  # still existing
    back = keystroke(post_fragment, "9011000160001", shown="existing")  # a digit erased: the fields return
    assert oob_ids(back) == {"structure-fields"} and 'name="company_name"' in back


def test_an_eu_vat_number_sends_the_country_it_sets(post_fragment):
    body = keystroke(post_fragment, "DE136695976", type_code="UE_HORS_FRANCE", country="", country_default="")
    assert oob_ids(body) == {"country-group", "country_default"}
    assert selected(body, "country") == "DE" and value(body, "country_default") == "DE"
    assert oob_ids(keystroke(post_fragment, "DE136695976", type_code="UE_HORS_FRANCE", country="DE",
                             country_default="DE")) == set()


@pytest.mark.parametrize("country, default, new_type, expected", [
    ("FR", "FR", "RIDET", "NC"),  # the portal's choice: the new type's default
    ("FR", "FR", "TAHITI", "PF"),
    ("NC", "NC", "SIRET", "FR"),
    ("FR", "FR", "HORS_UE", ""),  # a type with no default: the person chooses
    ("BE", "FR", "RIDET", "BE"),  # the person chose Belgium: kept
])
def test_changing_the_type_sets_its_default_country_unless_the_person_chose_one(post_fragment, country, default,
                                                                                new_type, expected):
    body = fragment(post_fragment("/inscription/type", {"identifier_type": new_type, "country": country,
                                                        "country_default": default}))
    assert (selected(body, "country") or "") == expected


def test_the_identifier_input_says_its_complete_length_and_has_a_busy_status(post_fragment):
    body = fragment(post_fragment("/inscription/type", {"identifier_type": "SIRET"}))
    tag = re.search(r'<input[^>]*name="identifier"[^>]*>', body).group(0)
    assert 'data-complete-length="14"' in tag and 'hx-trigger="identifier-typed, change"' in tag
    assert 'hx-indicator="#identifier-busy"' in tag
    assert re.search(r'id="identifier-busy-text" role="status" aria-live="polite"', body)
    assert 'name="structure_shown" value="fields"' in body
    hors_ue = fragment(post_fragment("/inscription/type", {"identifier_type": "HORS_UE"}))
    assert "data-complete-length" not in re.search(r'<input[^>]*name="identifier"[^>]*>', hors_ue).group(0)


@pytest.mark.parametrize("manager", ["active", "never activated"])
def test_a_non_diffusible_structure_already_declared_is_not_named(app, post_fragment, manager):
    """Neither as an attachment request (its manager activated) nor as a take-over (they never did)."""
    structure = make_structure(app, "CACHEE SARL", "90110012300016", non_diffusible=True)
    if manager == "active":
        add_member(app, make_account(app, "cachee@example.fr"), structure, Role.PRINCIPAL_MANAGER)
    body = fragment(post_fragment("/inscription/identifiant", {"identifier_type": "SIRET", "identifier": "90110012300016"}))
    message = check_message(body)
    assert "already declared in the portal as “90110012300016”" in message
    assert ("takes it over" in message) == (manager == "never activated")
    assert "CACHEE" not in body
