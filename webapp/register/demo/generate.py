"""Write the demo register: fictitious companies in the format of the INSEE Sirene stock files.

    python webapp/register/demo/generate.py

Identifiers are made of an 8-digit base chosen here plus Luhn keys computed with python-stdnum, so
every SIREN and SIRET is valid. The column lists are those of the current stock files, in order.
"""
import csv
from pathlib import Path

from stdnum import luhn

HERE = Path(__file__).resolve().parent

UNIT_HEADER = (
    "siren statutDiffusionUniteLegale unitePurgeeUniteLegale dateCreationUniteLegale "
    "sigleUniteLegale sexeUniteLegale prenom1UniteLegale prenom2UniteLegale prenom3UniteLegale "
    "prenom4UniteLegale prenomUsuelUniteLegale pseudonymeUniteLegale "
    "identifiantAssociationUniteLegale trancheEffectifsUniteLegale anneeEffectifsUniteLegale "
    "dateDernierTraitementUniteLegale nombrePeriodesUniteLegale categorieEntreprise "
    "anneeCategorieEntreprise dateDebut etatAdministratifUniteLegale nomUniteLegale "
    "nomUsageUniteLegale denominationUniteLegale denominationUsuelle1UniteLegale "
    "denominationUsuelle2UniteLegale denominationUsuelle3UniteLegale "
    "categorieJuridiqueUniteLegale activitePrincipaleUniteLegale "
    "nomenclatureActivitePrincipaleUniteLegale nicSiegeUniteLegale "
    "economieSocialeSolidaireUniteLegale societeMissionUniteLegale "
    "caractereEmployeurUniteLegale activitePrincipaleNAF25UniteLegale"
).split()
ESTABLISHMENT_HEADER = (
    "siren nic siret statutDiffusionEtablissement dateCreationEtablissement "
    "trancheEffectifsEtablissement anneeEffectifsEtablissement "
    "activitePrincipaleRegistreMetiersEtablissement dateDernierTraitementEtablissement "
    "etablissementSiege nombrePeriodesEtablissement complementAdresseEtablissement "
    "numeroVoieEtablissement indiceRepetitionEtablissement dernierNumeroVoieEtablissement "
    "indiceRepetitionDernierNumeroVoieEtablissement typeVoieEtablissement "
    "libelleVoieEtablissement codePostalEtablissement libelleCommuneEtablissement "
    "libelleCommuneEtrangerEtablissement distributionSpecialeEtablissement "
    "codeCommuneEtablissement codeCedexEtablissement libelleCedexEtablissement "
    "codePaysEtrangerEtablissement libellePaysEtrangerEtablissement "
    "identifiantAdresseEtablissement coordonneeLambertAbscisseEtablissement "
    "coordonneeLambertOrdonneeEtablissement complementAdresse2Etablissement "
    "numeroVoie2Etablissement indiceRepetition2Etablissement typeVoie2Etablissement "
    "libelleVoie2Etablissement codePostal2Etablissement libelleCommune2Etablissement "
    "libelleCommuneEtranger2Etablissement distributionSpeciale2Etablissement "
    "codeCommune2Etablissement codeCedex2Etablissement libelleCedex2Etablissement "
    "codePaysEtranger2Etablissement libellePaysEtranger2Etablissement dateDebut "
    "etatAdministratifEtablissement enseigne1Etablissement enseigne2Etablissement "
    "enseigne3Etablissement denominationUsuelleEtablissement activitePrincipaleEtablissement "
    "nomenclatureActivitePrincipaleEtablissement caractereEmployeurEtablissement "
    "activitePrincipaleNAF25Etablissement"
).split()
ND = "[ND]"

# base (8 digits) -> legal unit columns. Every name is invented.
UNITS = {
    "90110001": dict(denominationUniteLegale="ATELIERS DU LAMPADAIRE BLEU", sigleUniteLegale="ALB",
                     categorieJuridiqueUniteLegale="5710", activitePrincipaleUniteLegale="62.01Z"),
    "90110002": dict(denominationUniteLegale="BOULANGERIE IMAGINAIRE DU COIN",
                     categorieJuridiqueUniteLegale="5499", activitePrincipaleUniteLegale="10.71C"),
    "90110003": dict(denominationUniteLegale="NUAGES ET PARAPLUIES",
                     denominationUsuelle1UniteLegale="NUAGES & CO",
                     categorieJuridiqueUniteLegale="5710", activitePrincipaleUniteLegale="46.42Z"),
    "90110004": dict(denominationUniteLegale="TRANSPORTS DE LA LICORNE",
                     categorieJuridiqueUniteLegale="5499", activitePrincipaleUniteLegale="49.41A"),
    "90110005": dict(denominationUniteLegale="SOCIETE FICTIVE DES ECLUSES",
                     categorieJuridiqueUniteLegale="5599", activitePrincipaleUniteLegale="42.91Z"),
    "90110006": dict(denominationUniteLegale="EXEMPLE CONSEIL ET ASSOCIES",
                     categorieJuridiqueUniteLegale="5710", activitePrincipaleUniteLegale="70.22Z"),
    "90110007": dict(denominationUniteLegale="SCI DU MOULIN IMAGINAIRE",
                     categorieJuridiqueUniteLegale="6540", activitePrincipaleUniteLegale="68.20B"),
    "90110008": dict(denominationUniteLegale="LES AMIS DU JARDIN FICTIF",
                     identifiantAssociationUniteLegale="W751000001",
                     categorieJuridiqueUniteLegale="9220", activitePrincipaleUniteLegale="94.99Z",
                     economieSocialeSolidaireUniteLegale="O"),
    "90110009": dict(denominationUniteLegale="COMMUNE DE SAINT-EXEMPLE-SUR-LOIRE",
                     categorieJuridiqueUniteLegale="7210", activitePrincipaleUniteLegale="84.11Z"),
    "90110010": dict(denominationUniteLegale="REGIE DES EAUX IMAGINAIRES",
                     categorieJuridiqueUniteLegale="4110", activitePrincipaleUniteLegale="36.00Z"),
    "90110011": dict(sexeUniteLegale="F", prenom1UniteLegale="CAMILLE", prenom2UniteLegale="ANNE",
                     prenomUsuelUniteLegale="CAMILLE", nomUniteLegale="EXEMPLAIRE",
                     categorieJuridiqueUniteLegale="1000", activitePrincipaleUniteLegale="43.22A"),
    "90110012": dict(statutDiffusionUniteLegale="P", sexeUniteLegale=ND, prenom1UniteLegale=ND,
                     prenomUsuelUniteLegale=ND, nomUniteLegale=ND, nomUsageUniteLegale=ND,
                     categorieJuridiqueUniteLegale="1000", activitePrincipaleUniteLegale="74.10Z"),
    "90110013": dict(denominationUniteLegale="FONDERIE DES ETOILES FILANTES",
                     categorieJuridiqueUniteLegale="5710", activitePrincipaleUniteLegale="24.51Z",
                     etatAdministratifUniteLegale="C"),
    "90110014": dict(sexeUniteLegale="M", prenom1UniteLegale="DOMINIQUE",
                     prenomUsuelUniteLegale="DOMINIQUE", nomUniteLegale="MODELE",
                     nomUsageUniteLegale="DUTEST", categorieJuridiqueUniteLegale="1000",
                     activitePrincipaleUniteLegale="96.02A"),
    "90110015": dict(denominationUniteLegale="CLUB SPORTIF DE LA PLAINE INVENTEE",
                     categorieJuridiqueUniteLegale="9220", activitePrincipaleUniteLegale="93.12Z"),
}

# (base, nic without its key, head office?) -> establishment columns.
ESTABLISHMENTS = [
    ("90110001", "0001", True, dict(numeroVoieEtablissement="12", indiceRepetitionEtablissement="B",
     typeVoieEtablissement="AV", libelleVoieEtablissement="DES LILAS", codePostalEtablissement="75012",
     libelleCommuneEtablissement="PARIS", codeCommuneEtablissement="75112")),
    ("90110001", "0002", False, dict(numeroVoieEtablissement="3", typeVoieEtablissement="QUAI",
     libelleVoieEtablissement="DU PORT IMAGINAIRE", codePostalEtablissement="13002",
     libelleCommuneEtablissement="MARSEILLE", codeCommuneEtablissement="13202",
     enseigne1Etablissement="LAMPADAIRE BLEU SUD")),
    ("90110001", "0003", False, dict(libelleCommuneEtrangerEtablissement="BRUXELLES",
     numeroVoieEtablissement="40", libelleVoieEtablissement="RUE DES EXEMPLES",
     codePaysEtrangerEtablissement="99131", libellePaysEtrangerEtablissement="BELGIQUE")),
    ("90110002", "0001", True, dict(numeroVoieEtablissement="4", indiceRepetitionEtablissement="T",
     typeVoieEtablissement="R", libelleVoieEtablissement="DU FOURNIL", codePostalEtablissement="69003",
     libelleCommuneEtablissement="LYON", codeCommuneEtablissement="69383")),
    ("90110002", "0002", False, dict(numeroVoieEtablissement="27", typeVoieEtablissement="BD",
     libelleVoieEtablissement="DE LA MIE DOREE", codePostalEtablissement="69007",
     libelleCommuneEtablissement="LYON", codeCommuneEtablissement="69387",
     etatAdministratifEtablissement="F")),
    ("90110003", "0001", True, dict(numeroVoieEtablissement="8", typeVoieEtablissement="PL",
     libelleVoieEtablissement="DE L ARC EN CIEL", codePostalEtablissement="33000",
     libelleCommuneEtablissement="BORDEAUX", codeCommuneEtablissement="33063")),
    ("90110004", "0001", True, dict(typeVoieEtablissement="RTE", libelleVoieEtablissement="DE LA FORET ENCHANTEE",
     numeroVoieEtablissement="150", codePostalEtablissement="67100",
     libelleCommuneEtablissement="STRASBOURG", codeCommuneEtablissement="67482")),
    ("90110004", "0002", False, dict(complementAdresseEtablissement="ZONE DES HANGARS",
     typeVoieEtablissement="CHE", libelleVoieEtablissement="DES ROULOTTES", codePostalEtablissement="67400",
     libelleCommuneEtablissement="ILLKIRCH-GRAFFENSTADEN", codeCommuneEtablissement="67218",
     denominationUsuelleEtablissement="DEPOT LICORNE")),
    ("90110005", "0001", True, dict(numeroVoieEtablissement="2", typeVoieEtablissement="IMP",
     libelleVoieEtablissement="DES VANNES", codePostalEtablissement="44000",
     libelleCommuneEtablissement="NANTES", codeCommuneEtablissement="44109")),
    ("90110006", "0001", True, dict(complementAdresseEtablissement="BATIMENT C",
     numeroVoieEtablissement="19", typeVoieEtablissement="CRS", libelleVoieEtablissement="DES IDEES NEUVES",
     codePostalEtablissement="31000", libelleCommuneEtablissement="TOULOUSE",
     codeCommuneEtablissement="31555")),
    ("90110007", "0001", True, dict(numeroVoieEtablissement="5", typeVoieEtablissement="ALL",
     libelleVoieEtablissement="DU MOULIN", codePostalEtablissement="21000",
     libelleCommuneEtablissement="DIJON", codeCommuneEtablissement="21231")),
    ("90110008", "0001", True, dict(numeroVoieEtablissement="7", typeVoieEtablissement="SQ",
     libelleVoieEtablissement="DES JARDINIERS", codePostalEtablissement="59000",
     libelleCommuneEtablissement="LILLE", codeCommuneEtablissement="59350")),
    ("90110009", "0001", True, dict(numeroVoieEtablissement="1", typeVoieEtablissement="PL",
     libelleVoieEtablissement="DE LA MAIRIE", codePostalEtablissement="45999",
     libelleCommuneEtablissement="SAINT-EXEMPLE-SUR-LOIRE", codeCommuneEtablissement="45999")),
    ("90110009", "0002", False, dict(numeroVoieEtablissement="9", typeVoieEtablissement="R",
     libelleVoieEtablissement="DES ECOLES", codePostalEtablissement="45999",
     libelleCommuneEtablissement="SAINT-EXEMPLE-SUR-LOIRE", codeCommuneEtablissement="45999",
     enseigne1Etablissement="ECOLE PRIMAIRE DES TILLEULS")),
    ("90110010", "0001", True, dict(numeroVoieEtablissement="60", typeVoieEtablissement="CHS",
     libelleVoieEtablissement="DU CHATEAU D EAU", codePostalEtablissement="34000",
     libelleCommuneEtablissement="MONTPELLIER", codeCommuneEtablissement="34172")),
    ("90110011", "0001", True, dict(numeroVoieEtablissement="15", typeVoieEtablissement="ALL",
     libelleVoieEtablissement="DES ROBINETS", codePostalEtablissement="35000",
     libelleCommuneEtablissement="RENNES", codeCommuneEtablissement="35238",
     enseigne1Etablissement="PLOMBERIE CAMILLE")),
    ("90110012", "0001", True, dict(statutDiffusionEtablissement="P", complementAdresseEtablissement=ND,
     numeroVoieEtablissement=ND, indiceRepetitionEtablissement=ND, typeVoieEtablissement=ND,
     libelleVoieEtablissement=ND, codePostalEtablissement=ND, libelleCommuneEtablissement="GRENOBLE",
     codeCommuneEtablissement="38185", enseigne1Etablissement=ND,
     identifiantAdresseEtablissement=ND, coordonneeLambertAbscisseEtablissement=ND,
     coordonneeLambertOrdonneeEtablissement=ND)),
    ("90110013", "0001", True, dict(numeroVoieEtablissement="33", typeVoieEtablissement="RTE",
     libelleVoieEtablissement="DES COMETES", codePostalEtablissement="57000",
     libelleCommuneEtablissement="METZ", codeCommuneEtablissement="57463",
     etatAdministratifEtablissement="F")),
    ("90110014", "0001", True, dict(numeroVoieEtablissement="2", indiceRepetitionEtablissement="Q",
     typeVoieEtablissement="PASS", libelleVoieEtablissement="DES CISEAUX", codePostalEtablissement="06000",
     libelleCommuneEtablissement="NICE", codeCommuneEtablissement="06088")),
    ("90110015", "0001", True, dict(typeVoieEtablissement="LD", libelleVoieEtablissement="LA PLAINE INVENTEE",
     codePostalEtablissement="87000", libelleCommuneEtablissement="LIMOGES",
     codeCommuneEtablissement="87085", complementAdresseEtablissement="STADE MUNICIPAL")),
]


def siren_of(base):
    return base + luhn.calc_check_digit(base)


def siret_of(base, nic):
    stem = siren_of(base) + nic
    return stem + luhn.calc_check_digit(stem)


def unit_row(base, values):
    row = dict.fromkeys(UNIT_HEADER, "")
    row.update(siren=siren_of(base), statutDiffusionUniteLegale="O", dateCreationUniteLegale="2015-03-02",
               trancheEffectifsUniteLegale="NN", dateDernierTraitementUniteLegale="2025-01-06T10:00:00",
               nombrePeriodesUniteLegale="1", dateDebut="2015-03-02", etatAdministratifUniteLegale="A",
               nomenclatureActivitePrincipaleUniteLegale="NAFRev2", nicSiegeUniteLegale="00010",
               caractereEmployeurUniteLegale="N")
    head_office = next(e for e in ESTABLISHMENTS if e[0] == base and e[2])
    row["nicSiegeUniteLegale"] = siret_of(base, head_office[1])[9:]
    row.update(values)
    return [row[name] for name in UNIT_HEADER]


def establishment_row(base, nic, head_office, values):
    siret = siret_of(base, nic)
    row = dict.fromkeys(ESTABLISHMENT_HEADER, "")
    row.update(siren=siret[:9], nic=siret[9:], siret=siret, statutDiffusionEtablissement="O",
               dateCreationEtablissement="2015-03-02", trancheEffectifsEtablissement="NN",
               dateDernierTraitementEtablissement="2025-01-06T10:00:00",
               etablissementSiege="true" if head_office else "false", nombrePeriodesEtablissement="1",
               dateDebut="2015-03-02", etatAdministratifEtablissement="A",
               activitePrincipaleEtablissement=UNITS[base]["activitePrincipaleUniteLegale"],
               nomenclatureActivitePrincipaleEtablissement="NAFRev2",
               caractereEmployeurEtablissement="N")
    row.update(values)
    return [row[name] for name in ESTABLISHMENT_HEADER]


def write(name, header, rows):
    with open(HERE / name, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main():
    write("StockUniteLegale_utf8.csv", UNIT_HEADER,
          [unit_row(base, values) for base, values in UNITS.items()])
    write("StockEtablissement_utf8.csv", ESTABLISHMENT_HEADER,
          [establishment_row(*e) for e in ESTABLISHMENTS])
    for base, nic, head_office, _values in ESTABLISHMENTS:
        print(siret_of(base, nic), "head office" if head_office else "secondary",
              UNITS[base].get("denominationUniteLegale") or UNITS[base].get("nomUniteLegale"))


if __name__ == "__main__":
    main()
