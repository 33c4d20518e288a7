"""The `insee` provider against a local server answering like API Sirene 3.11."""
import time

import pytest
from factories import siret_answer, unite_legale_current

from webapp.register import RegisterUnavailable
from webapp.register.insee import KEY_HEADER, InseeRegister, current_period

SIRET, SIREN = "90110001600012", "901100016"
ND = "[ND]"


def siren_answer(siren=SIREN, nic="00012"):
    return {"header": {"statut": 200, "message": "OK"}, "uniteLegale": {
        "siren": siren, "statutDiffusionUniteLegale": "O", "unitePurgeeUniteLegale": None,
        "dateCreationUniteLegale": "2015-03-02", "sigleUniteLegale": "ALB", "sexeUniteLegale": None,
        "prenom1UniteLegale": None, "prenomUsuelUniteLegale": None, "trancheEffectifsUniteLegale": "NN",
        "dateDernierTraitementUniteLegale": "2025-01-06T10:00:00.000", "nombrePeriodesUniteLegale": 2,
        "categorieEntreprise": "PME", "anneeCategorieEntreprise": "2022",
        "periodesUniteLegale": [
            {"dateFin": None, "dateDebut": "2021-06-01", "etatAdministratifUniteLegale": "A",
             "changementEtatAdministratifUniteLegale": False, "nomUniteLegale": None, "nomUsageUniteLegale": None,
             "denominationUniteLegale": "ATELIERS DU LAMPADAIRE BLEU", "changementDenominationUniteLegale": True,
             "denominationUsuelle1UniteLegale": None, "categorieJuridiqueUniteLegale": "5710",
             "activitePrincipaleUniteLegale": "62.01Z", "nicSiegeUniteLegale": nic,
             "changementNicSiegeUniteLegale": False, "caractereEmployeurUniteLegale": "N"},
            {"dateFin": "2021-05-31", "dateDebut": "2015-03-02", "etatAdministratifUniteLegale": "A",
             "denominationUniteLegale": "ANCIEN NOM", "categorieJuridiqueUniteLegale": "5499",
             "nicSiegeUniteLegale": "00099"},
        ],
    }}


@pytest.fixture
def insee(fake_api):
    return InseeRegister(base_url=fake_api.url + "/api-sirene/3.11", api_key="secret-key", timeout=1.0)


def route(fake_api, path, body, status=200, delay=0):
    fake_api.routes["/api-sirene/3.11/" + path] = (status, body, delay)


def test_siret_maps_the_current_period_and_address(fake_api, insee):
    route(fake_api, f"siret/{SIRET}", siret_answer())
    record = insee.lookup_siret("901 100 016 00012")
    assert (record.siret, record.siren, record.name) == (SIRET, SIREN, "ATELIERS DU LAMPADAIRE BLEU")
    assert (record.address_line, record.postcode, record.city, record.country) == (
        "12 BIS AVENUE DES LILAS", "75012", "PARIS", "FR")
    assert record.usual_name == ""  # the old enseigne belongs to a closed period
    assert (record.legal_category, record.structure_type, record.is_open, record.is_diffusible) == (
        "5710", "company", True, True)
    path, headers = fake_api.requests[-1]
    assert path == f"/api-sirene/3.11/siret/{SIRET}"
    assert headers[KEY_HEADER] == "secret-key"


def test_closed_establishment_and_foreign_address(fake_api, insee):
    periods = [{"dateFin": None, "dateDebut": "2024-01-01", "etatAdministratifEtablissement": "F",
                "enseigne1Etablissement": "BOUTIQUE"}]
    address = {"libelleCommuneEtrangerEtablissement": "BRUXELLES", "codePaysEtrangerEtablissement": "99131",
               "libellePaysEtrangerEtablissement": "BELGIQUE", "codePostalEtablissement": None,
               "libelleCommuneEtablissement": None}
    route(fake_api, f"siret/{SIRET}", siret_answer(periods=periods, address=address))
    record = insee.lookup_siret(SIRET)
    assert (record.is_open, record.usual_name, record.city, record.country) == (False, "BOUTIQUE", "BRUXELLES", "BE")


def test_non_diffusible_values_are_masked(fake_api, insee):
    unit = unite_legale_current(statutDiffusionUniteLegale="P", denominationUniteLegale=None,
                                nomUniteLegale=ND, prenom1UniteLegale=ND, prenomUsuelUniteLegale=ND,
                                categorieJuridiqueUniteLegale="1000")
    address = {"numeroVoieEtablissement": ND, "indiceRepetitionEtablissement": ND, "typeVoieEtablissement": ND,
               "libelleVoieEtablissement": ND, "codePostalEtablissement": ND,
               "libelleCommuneEtablissement": "GRENOBLE"}
    route(fake_api, f"siret/{SIRET}", siret_answer(unite_legale=unit, address=address,
                                                   statutDiffusionEtablissement="P"))
    record = insee.lookup_siret(SIRET)
    assert (record.name, record.address_line, record.postcode, record.city) == ("", "", "", "GRENOBLE")
    assert {"name", "address_line", "postcode"} <= record.masked_fields
    assert record.is_diffusible is False and record.structure_type == "individual"
    assert ND not in repr(record)


def test_siren_gives_the_head_office_of_the_current_period(fake_api, insee):
    route(fake_api, f"siren/{SIREN}", siren_answer())
    route(fake_api, f"siret/{SIRET}", siret_answer())
    record = insee.lookup_siren(SIREN)
    assert (record.siret, record.name, record.legal_category) == (SIRET, "ATELIERS DU LAMPADAIRE BLEU", "5710")
    assert [p for p, _ in fake_api.requests] == [
        f"/api-sirene/3.11/siren/{SIREN}", f"/api-sirene/3.11/siret/{SIRET}"]


def test_404_means_unknown(fake_api, insee):
    assert insee.lookup_siret(SIRET) is None  # the fake answers 404 to every unknown path
    assert insee.lookup_siren(SIREN) is None
    assert insee.lookup_siret("not a siret") is None
    assert len(fake_api.requests) == 2


@pytest.mark.parametrize("status", [429, 500, 503, 401])
def test_errors_make_the_register_unavailable(fake_api, insee, status):
    route(fake_api, f"siret/{SIRET}", {"header": {"statut": status, "message": "Erreur"}}, status=status)
    with pytest.raises(RegisterUnavailable):
        insee.lookup_siret(SIRET)


def test_slow_answer_times_out_without_hanging(fake_api):
    insee = InseeRegister(base_url=fake_api.url + "/api-sirene/3.11", timeout=0.3)
    route(fake_api, f"siret/{SIRET}", siret_answer(), delay=3)
    started = time.monotonic()
    with pytest.raises(RegisterUnavailable):
        insee.lookup_siret(SIRET)
    assert time.monotonic() - started < 1.5


def test_connection_refused_is_unavailable(fake_api):
    url = fake_api.url
    fake_api.close()
    with pytest.raises(RegisterUnavailable):
        InseeRegister(base_url=url, timeout=0.5).lookup_siret(SIRET)


def test_current_period_is_the_one_without_end_date():
    periods = [{"dateFin": "2020-01-01", "x": 1}, {"dateFin": None, "x": 2}]
    assert current_period(periods)["x"] == 2
    assert current_period([]) == {}
