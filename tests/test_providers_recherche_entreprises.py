"""The `recherche-entreprises` provider against a local server answering like the public API."""
from urllib.parse import urlencode

import pytest

from webapp.register import RegisterUnavailable
from webapp.register.recherche_entreprises import RechercheEntreprisesRegister

SIREN, HEAD_OFFICE, SECONDARY = "901100016", "90110001600012", "90110001600020"


def siege(**values):
    place = {
        "activite_principale": "62.01Z", "activite_principale_registre_metier": None,
        "adresse": "12 BIS AVENUE DES LILAS 75012 PARIS", "cedex": None, "code_pays_etranger": None,
        "code_postal": "75012", "commune": "75112", "complement_adresse": None, "coordonnees": "48.84,2.39",
        "date_creation": "2015-03-02", "date_debut_activite": "2015-03-02", "date_fermeture": None,
        "departement": "75", "distribution_speciale": None, "epci": "200054781", "est_siege": True,
        "etat_administratif": "A", "geo_adresse": "12 bis Avenue des Lilas 75012 Paris", "geo_id": "75112_5555_00012_bis",
        "indice_repetition": "B", "latitude": "48.84", "libelle_cedex": None, "libelle_commune": "PARIS",
        "libelle_commune_etranger": None, "libelle_pays_etranger": None, "libelle_voie": "DES LILAS",
        "liste_enseignes": None, "liste_finess": None, "liste_id_bio": None, "liste_idcc": None,
        "liste_id_organisme_formation": None, "liste_rge": None, "liste_uai": None, "longitude": "2.39",
        "nom_commercial": None, "numero_voie": "12", "region": "11", "siret": HEAD_OFFICE,
        "statut_diffusion_etablissement": "O", "tranche_effectif_salarie": "NN",
        "annee_tranche_effectif_salarie": None, "type_voie": "AV",
    }
    place.update(values)
    return place


def matching(**values):
    place = {
        "activite_principale": "62.01Z", "ancien_siege": False, "annee_tranche_effectif_salarie": None,
        "adresse": "3 QUAI DU PORT IMAGINAIRE 13002 MARSEILLE", "caractere_employeur": "N",
        "code_postal": "13002", "commune": "13202", "date_creation": "2016-05-01", "date_debut_activite": "2016-05-01",
        "date_fermeture": None, "epci": "200054807", "est_siege": False, "etat_administratif": "A",
        "geo_id": "13202_0001_00003", "latitude": "43.3", "libelle_commune": "MARSEILLE", "liste_enseignes":
        ["LAMPADAIRE BLEU SUD"], "liste_finess": None, "liste_id_bio": None, "liste_idcc": None,
        "liste_id_organisme_formation": None, "liste_rge": None, "liste_uai": None, "longitude": "5.36",
        "nom_commercial": None, "region": "93", "siret": SECONDARY, "statut_diffusion_etablissement": "O",
        "tranche_effectif_salarie": "NN",
    }
    place.update(values)
    return place


def answer(results):
    return {"results": results, "total_results": len(results), "page": 1, "per_page": 10,
            "total_pages": 1 if results else 0}


def result(**values):
    unit = {
        "siren": SIREN, "nom_complet": "ATELIERS DU LAMPADAIRE BLEU (ALB)",
        "nom_raison_sociale": "ATELIERS DU LAMPADAIRE BLEU", "sigle": "ALB", "nombre_etablissements": 2,
        "nombre_etablissements_ouverts": 2, "siege": siege(), "activite_principale": "62.01Z",
        "categorie_entreprise": "PME", "annee_categorie_entreprise": "2022", "caractere_employeur": "N",
        "date_creation": "2015-03-02", "date_fermeture": None, "date_mise_a_jour": "2025-01-06T10:00:00",
        "date_mise_a_jour_insee": "2025-01-06T10:00:00", "date_mise_a_jour_rne": None,
        "dirigeants": [{"nom": "EXEMPLE", "prenoms": "ALICE", "qualite": "Président de SAS",
                        "type_dirigeant": "personne physique"}],
        "etat_administratif": "A", "nature_juridique": "5710", "section_activite_principale": "J",
        "tranche_effectif_salarie": "NN", "annee_tranche_effectif_salarie": None, "statut_diffusion": "O",
        "matching_etablissements": [], "finances": None,
        "complements": {"collectivite_territoriale": None, "est_association": False, "est_entrepreneur_individuel": False,
                        "est_ess": False, "est_service_public": False, "identifiant_association": None},
    }
    unit.update(values)
    return unit


@pytest.fixture
def register(fake_api):
    return RechercheEntreprisesRegister(base_url=fake_api.url, timeout=1.0)


def route(fake_api, query, body, status=200, delay=0):
    fake_api.routes["/search?" + urlencode({"q": query})] = (status, body, delay)


def test_siren_gives_the_head_office(fake_api, register):
    route(fake_api, SIREN, answer([result()]))
    record = register.lookup_siren(SIREN)
    assert (record.siret, record.name, record.legal_category) == (HEAD_OFFICE, "ATELIERS DU LAMPADAIRE BLEU", "5710")
    assert (record.address_line, record.postcode, record.city) == ("12 BIS AVENUE DES LILAS", "75012", "PARIS")
    assert fake_api.requests[-1][0] == f"/search?q={SIREN}"


def test_siret_of_a_secondary_establishment_from_matching_etablissements(fake_api, register):
    route(fake_api, SECONDARY, answer([result(matching_etablissements=[matching()])]))
    record = register.lookup_siret(SECONDARY)
    assert (record.siret, record.usual_name, record.address_line, record.city) == (
        SECONDARY, "LAMPADAIRE BLEU SUD", "3 QUAI DU PORT IMAGINAIRE", "MARSEILLE")
    assert record.is_open is True and record.structure_type == "company"


def test_closed_establishment(fake_api, register):
    route(fake_api, SECONDARY, answer([result(matching_etablissements=[
        matching(etat_administratif="F", date_fermeture="2023-01-01")])]))
    assert register.lookup_siret(SECONDARY).is_open is False


def test_individual_entrepreneur_and_non_diffusible(fake_api, register):
    hidden = "[NON-DIFFUSIBLE]"
    route(fake_api, SIREN, answer([result(
        nom_complet=hidden, nom_raison_sociale=None, sigle=None, nature_juridique="1000", statut_diffusion="P",
        siege=siege(statut_diffusion_etablissement="P", adresse=hidden, numero_voie=hidden, type_voie=hidden,
                    libelle_voie=hidden, indice_repetition=None, code_postal=hidden, libelle_commune="GRENOBLE"))]))
    record = register.lookup_siren(SIREN)
    assert (record.name, record.address_line, record.postcode, record.city) == ("", "", "", "GRENOBLE")
    assert record.structure_type == "individual" and record.is_diffusible is False
    assert {"name", "address_line", "postcode"} <= record.masked_fields
    assert hidden not in repr(record) and "[ND]" not in repr(record)


def test_individual_name_is_nom_complet(fake_api, register):
    route(fake_api, SIREN, answer([result(nom_complet="CAMILLE EXEMPLAIRE", nom_raison_sociale=None,
                                          sigle=None, nature_juridique="1000")]))
    assert register.lookup_siren(SIREN).name == "CAMILLE EXEMPLAIRE"


def test_no_result_or_other_siren_means_unknown(fake_api, register):
    route(fake_api, SIREN, answer([]))
    assert register.lookup_siren(SIREN) is None
    route(fake_api, HEAD_OFFICE, answer([result(siren="552100554")]))  # fuzzy match on another unit
    assert register.lookup_siret(HEAD_OFFICE) is None
    route(fake_api, SECONDARY, answer([result()]))  # the unit, but not that establishment
    assert register.lookup_siret(SECONDARY) is None


@pytest.mark.parametrize("status", [429, 500, 502])
def test_rate_limit_and_server_errors_are_unavailable(fake_api, register, status):
    route(fake_api, SIREN, {"erreur": "Trop de requêtes"}, status=status)
    with pytest.raises(RegisterUnavailable):
        register.lookup_siren(SIREN)


def test_timeout_is_unavailable(fake_api):
    register = RechercheEntreprisesRegister(base_url=fake_api.url, timeout=0.2)
    route(fake_api, SIREN, answer([result()]), delay=2)
    with pytest.raises(RegisterUnavailable):
        register.lookup_siren(SIREN)
