"""The importer's fast check digits give python-stdnum's answers."""
import random

import pytest
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from webapp.register.checkdigits import fast_establishment_ok, fast_siren_ok, siren_is_valid, siret_is_valid


def luhn_completed(stem):
    from stdnum import luhn

    return stem + luhn.calc_check_digit(stem)


def numbers(count=20000, seed=3):
    rng = random.Random(seed)
    for _ in range(count):
        siren = luhn_completed(f"{rng.randrange(10**8):08d}") if rng.random() < 0.5 else f"{rng.randrange(10**9):09d}"
        if rng.random() < 0.1:
            siren = "356000000"
        nic = f"{rng.randrange(10**5):05d}"
        if rng.random() < 0.5:
            nic = luhn_completed(siren + nic[:4])[9:]
        yield siren + nic


EDGE = ["", "1", "12345678", "1234567890", "7320027010 0019", "73282932000074", "7328293200007x",
        "７３２８２９３２０００７４", "35600000000048", "35600000000049", "35600000000024", "35600000049837",
        "00000000000000", "000000000", "356000000", "  73282932000074", "732829320", "732829321"]


def check(number):
    siren = number[:9]
    exact = number.isascii() and number.isdigit()  # stdnum would first strip spaces: we never do
    assert siret_is_valid(number) == (exact and stdnum_siret.is_valid(number)), number
    exact_siren = siren.isascii() and siren.isdigit()
    assert siren_is_valid(siren) == (exact_siren and stdnum_siren.is_valid(siren)), siren
    # the fast paths never accept what stdnum refuses, and take every plain valid SIREN
    if fast_establishment_ok(number, siren):
        assert stdnum_siret.is_valid(number) and stdnum_siren.is_valid(siren), number
    assert fast_siren_ok(siren) == siren_is_valid(siren), siren


@pytest.mark.parametrize("number", EDGE)
def test_edge_cases_give_stdnum_answers(number):
    check(number)


def test_random_numbers_give_stdnum_answers():
    accepted = 0
    for number in numbers():
        check(number)
        accepted += fast_establishment_ok(number, number[:9])
    assert accepted > 2000  # the fast path is really taken


def test_la_poste_rule_never_takes_the_fast_path():
    la_poste = "35600000000024"  # digit sum 20: valid only by La Poste's rule
    assert siret_is_valid(la_poste) and stdnum_siret.is_valid(la_poste)
    assert not fast_establishment_ok(la_poste, la_poste[:9])
    luhn_but_not_la_poste = luhn_completed("3560000000001")
    assert stdnum_siret.is_valid(luhn_but_not_la_poste) == siret_is_valid(luhn_but_not_la_poste)
    assert not fast_establishment_ok(luhn_but_not_la_poste, "356000000")
