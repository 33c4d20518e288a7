from types import SimpleNamespace

import pytest

from webapp.register.record import (
    build_record,
    expand_street_type,
    format_address_line,
    structure_type_for,
)

ND = "[ND]"


def unit_row(**values):
    row = dict(siren="901100016", diffusion_status="O", state="A", denomination="", usual_denomination="",
               acronym="", last_name="", usage_name="", first_name="", usual_first_name="",
               legal_category="5710")
    row.update(values)
    return SimpleNamespace(**row)


def establishment_row(**values):
    row = dict(siret="90110001600012", siren="901100016", is_head_office=True, diffusion_status="O",
               state="A", sign="", usual_name="", address_complement="", street_number="12",
               repetition_index="B", street_type="AV", street_name="DES LILAS", postcode="75012",
               city="PARIS", foreign_city="", foreign_country_code="", foreign_country="")
    row.update(values)
    return SimpleNamespace(**row)


@pytest.mark.parametrize("parts, expected", [
    (("12", "B", "AV", "DES LILAS"), "12 BIS AVENUE DES LILAS"),
    (("4", "T", "R", "DU FOURNIL"), "4 TER RUE DU FOURNIL"),
    (("2", "Q", "BD", "VOLTAIRE"), "2 QUATER BOULEVARD VOLTAIRE"),
    (("", "", "CHE", "DES VIGNES"), "CHEMIN DES VIGNES"),
    (("7", "", "IMP", "DES ROSES"), "7 IMPASSE DES ROSES"),
    (("1", "", "PL", "DE LA MAIRIE"), "1 PLACE DE LA MAIRIE"),
    (("3", "", "QUAI", "DU PORT"), "3 QUAI DU PORT"),
    (("9", "A", "XYZ", "INCONNUE"), "9 A XYZ INCONNUE"),  # unknown codes are kept as written
    (("", "", "", ""), ""),
])
def test_address_line(parts, expected):
    assert format_address_line(*parts) == expected


@pytest.mark.parametrize("code, expected", [
    ("ALL", "ALLEE"), ("RTE", "ROUTE"), ("CRS", "COURS"), ("SQ", "SQUARE"), ("QUA", "QUARTIER"),
    ("av", "AVENUE"), ("", ""),
])
def test_street_types(code, expected):
    assert expand_street_type(code) == expected


@pytest.mark.parametrize("category, expected", [
    ("1000", "individual"), ("5710", "company"), ("5499", "company"), ("9220", "association"),
    ("9300", "association"), ("7210", "public"), ("4110", "public"), ("6540", "company"), ("", "company"),
])
def test_structure_type(category, expected):
    assert structure_type_for(category) == expected


def test_company_record():
    record = build_record(establishment_row(), unit_row(denomination="ATELIERS DU LAMPADAIRE BLEU"))
    assert record.name == "ATELIERS DU LAMPADAIRE BLEU"
    assert record.address_line == "12 BIS AVENUE DES LILAS"
    assert (record.postcode, record.city, record.country) == ("75012", "PARIS", "FR")
    assert (record.is_open, record.is_diffusible, record.masked_fields) == (True, True, frozenset())
    assert record.structure_type == "company"


def test_individual_name_is_first_name_then_name():
    unit = unit_row(first_name="CAMILLE", last_name="EXEMPLAIRE", legal_category="1000")
    assert build_record(establishment_row(), unit).name == "CAMILLE EXEMPLAIRE"
    unit = unit_row(first_name="DOMINIQUE", usual_first_name="DOM", last_name="MODELE",
                    usage_name="DUTEST", legal_category="1000")
    record = build_record(establishment_row(), unit)
    assert (record.name, record.structure_type) == ("DOM DUTEST", "individual")


def test_usual_name_prefers_sign_then_usual_denominations():
    unit = unit_row(denomination="X", usual_denomination="UNIT USUAL")
    assert build_record(establishment_row(sign="ENSEIGNE", usual_name="EST USUAL"), unit).usual_name == "ENSEIGNE"
    assert build_record(establishment_row(usual_name="EST USUAL"), unit).usual_name == "EST USUAL"
    assert build_record(establishment_row(), unit).usual_name == "UNIT USUAL"
    assert build_record(establishment_row(), unit_row(denomination="X")).usual_name == ""


def test_masked_values_are_blank_and_listed():
    unit = unit_row(diffusion_status="P", first_name=ND, last_name=ND, usual_first_name=ND, legal_category="1000")
    establishment = establishment_row(diffusion_status="P", sign=ND, address_complement=ND, street_number=ND,
                                      repetition_index=ND, street_type=ND, street_name=ND, postcode=ND,
                                      city="GRENOBLE")
    record = build_record(establishment, unit)
    assert ND not in repr(record)
    assert (record.name, record.usual_name, record.address_line, record.postcode) == ("", "", "", "")
    assert record.city == "GRENOBLE"
    assert record.masked_fields == {"name", "usual_name", "address_line", "address_complement", "postcode"}
    assert record.is_diffusible is False


@pytest.mark.parametrize("unit_status, establishment_status, diffusible", [
    ("O", "O", True), ("P", "O", False), ("O", "P", False), ("N", "O", False), ("O", "", False),
])
def test_diffusible_only_when_both_are_o(unit_status, establishment_status, diffusible):
    record = build_record(establishment_row(diffusion_status=establishment_status),
                          unit_row(denomination="X", diffusion_status=unit_status))
    assert record.is_diffusible is diffusible


def test_closed_establishment():
    record = build_record(establishment_row(state="F"), unit_row(denomination="X"))
    assert record.is_open is False


def test_foreign_establishment():
    establishment = establishment_row(postcode="", city="", foreign_city="BRUXELLES",
                                      foreign_country_code="99131", foreign_country="BELGIQUE")
    record = build_record(establishment, unit_row(denomination="X"))
    assert (record.city, record.country) == ("BRUXELLES", "BE")


def test_establishment_without_unit():
    record = build_record(establishment_row(sign="BOUTIQUE"))
    assert (record.name, record.usual_name, record.legal_category) == ("", "BOUTIQUE", "")


def test_record_is_frozen():
    record = build_record(establishment_row(), unit_row(denomination="X"))
    with pytest.raises(AttributeError):
        record.name = "Y"
