"""The seven identifier types: normalisation, precise messages, the fields each one asks for."""
import pytest

from webapp.structures.identifiers import IDENTIFIER_TYPES, assign_identifier, identifier_type, vat_country


def validate(app, code, raw):
    with app.test_request_context("/?lang=en"):
        value, error = identifier_type(code).validate(raw)
        return value, (str(error) if error else None)


def test_the_seven_types_in_the_order_of_the_guides():
    assert [t.code for t in IDENTIFIER_TYPES] == [
        "SIRET", "UE_HORS_FRANCE", "HORS_UE", "RIDET", "TAHITI", "EN_COURS_IMMATRICULATION", "PARTICULIER",
    ]
    assert identifier_type("EVIL") is None


def test_siret_valid_is_normalised(app):
    assert validate(app, "SIRET", " 901 100 016 00012 ") == ("90110001600012", None)
    assert validate(app, "SIRET", "901.100.016.00012") == ("90110001600012", None)


@pytest.mark.parametrize(
    "raw, message",
    [
        ("", "Enter the SIRET: 14 digits."),
        ("9011000160001", "A SIRET has 14 digits; you typed 13."),
        ("901100016000120", "A SIRET has 14 digits; you typed 15."),
        ("9011000160001A", "A SIRET contains digits only: remove letters and other characters."),
        ("90110001600013", "This SIRET's check digit is wrong: check each digit against your records."),
    ],
)
def test_siret_errors_are_precise(app, raw, message):
    assert validate(app, "SIRET", raw)[1] == message


def test_la_poste_siret_uses_the_digit_sum_rule(app):
    # SIREN 356000000 fails Luhn; its establishments are valid when the digit sum is a multiple of 5.
    assert validate(app, "SIRET", "35600000000048") == ("35600000000048", None)
    assert "check digit" in validate(app, "SIRET", "35600000000049")[1]


def test_eu_vat_valid_number_and_its_country(app):
    assert validate(app, "UE_HORS_FRANCE", "DE 136 695 976") == ("DE136695976", None)
    assert vat_country("DE136695976") == "DE"
    assert vat_country("EL094259216") == "GR"
    assert validate(app, "UE_HORS_FRANCE", "EL094259216") == ("EL094259216", None)


@pytest.mark.parametrize(
    "raw, message",
    [
        ("", "Enter the EU VAT number, starting with the country code."),
        ("FR40303265045", "A French structure signs up with its SIRET: choose the SIRET type."),
        ("US123456789", "The number must start with the code of an EU member state, for example DE."),
        ("DE136695977", "This VAT number is not valid: check its digits."),
        ("DE13669597", "This VAT number does not have the length used in that country."),
    ],
)
def test_eu_vat_errors(app, raw, message):
    assert validate(app, "UE_HORS_FRANCE", raw)[1] == message


def test_outside_eu_identifier_up_to_18_letters_or_digits_separators_ignored(app):
    assert validate(app, "HORS_UE", "ab-12 345") == ("AB12345", None)
    assert validate(app, "HORS_UE", "CHE-116.281.710") == ("CHE116281710", None)  # Swiss UID, as printed
    assert validate(app, "HORS_UE", "che 116 281 710") == ("CHE116281710", None)  # the same structure
    assert validate(app, "HORS_UE", "12-3456789") == ("123456789", None)  # a US EIN
    assert validate(app, "HORS_UE", "CHE-123.456.789")[1] == (
        "This Swiss UID's check digit is wrong: check each digit (CHE-123.456.789).")
    assert validate(app, "HORS_UE", "A" * 18) == ("A" * 18, None)
    assert validate(app, "HORS_UE", "A-" * 18) == ("A" * 18, None)  # 18 once the hyphens are gone
    assert validate(app, "HORS_UE", "A" * 19)[1] == "The identifier has at most 18 letters or digits; you typed 19."
    assert validate(app, "HORS_UE", "AB_12")[1] == "Use letters and digits only (spaces, dots and hyphens are ignored)."
    assert validate(app, "HORS_UE", " ")[1] == "Enter the structure's identifier."


def test_ridet_is_10_digits(app):
    assert validate(app, "RIDET", "1234567 001") == ("1234567001", None)
    assert validate(app, "RIDET", "123456700")[1] == (
        "A RIDET has 10 digits (7 for the RID, 3 for the establishment); you typed 9."
    )
    assert validate(app, "RIDET", "123456700A")[1] == "A RIDET contains digits only."


def test_tahiti_is_a_letter_or_digit_then_8_digits(app):
    assert validate(app, "TAHITI", "a12345678") == ("A12345678", None)
    assert validate(app, "TAHITI", "912345678") == ("912345678", None)
    assert validate(app, "TAHITI", "A1234567")[1] == "A TAHITI number has 9 characters; you typed 8."
    assert validate(app, "TAHITI", "AB2345678")[1] == "A TAHITI number is a letter or a digit followed by 8 digits."


@pytest.mark.parametrize("code, prefix", [("EN_COURS_IMMATRICULATION", "ECI"), ("PARTICULIER", "PAR")])
def test_types_without_identifier_get_one_assigned(app, code, prefix):
    assert validate(app, code, "anything") == ("", None)
    assert not identifier_type(code).takes_identifier
    number = assign_identifier(code)
    assert number.startswith(prefix) and len(number) == 14 and number[3:].isdigit()


def test_fields_each_type_asks_for():
    siret = identifier_type("SIRET")
    assert siret.looked_up and "company_name" in siret.required and "non_diffusible" in siret.fields
    person = identifier_type("PARTICULIER")
    assert "company_name" not in person.fields
    assert {"person_last_name", "person_first_name"} <= set(person.required)
    assert person.fixed_structure_type == "private_person"
    assert identifier_type("RIDET").default_country == "NC"
    assert identifier_type("TAHITI").default_country == "PF"
