"""Write Sirene stock files of any size in the official format, for the benchmarks.

    python bench/generate_stock.py --establishments 2000000 --out /tmp/stock [--seed 1] [--zip]

Columns are the official ones (webapp/register/demo/generate.py), every SIREN/SIRET carries a valid
Luhn key (plus a few La Poste SIRETs, valid by digit sum), and the values vary like the real stock:
about 1.5 establishments per unit, individuals and companies, associations and public bodies, closed
units and establishments, non-diffusible ones masked with [ND], foreign addresses, names with commas
and quotes (so the CSV quoting is exercised). Deterministic for a given seed.
"""
import argparse
import csv
import random
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from webapp.register.demo.generate import ESTABLISHMENT_HEADER, UNIT_HEADER  # noqa: E402
from webapp.register.record import STREET_TYPES  # noqa: E402

ND = "[ND]"
_DOUBLED = str.maketrans("0123456789", "0246813579")  # digit -> digit sum of its double


def luhn_key(stem):
    """The Luhn check digit to append to `stem` (digits)."""
    doubled = stem[::-2].translate(_DOUBLED)  # rightmost digit of the stem is doubled once keyed
    total = sum(map(int, doubled)) + sum(map(int, stem[-2::-2]))
    return str(-total % 10)


WORDS = ("ATELIER BOULANGERIE TRANSPORTS CONSEIL BATIMENT JARDINS OPTIQUE GARAGE PHARMACIE CABINET "
         "BOIS METAL ETOILE SOLEIL MOULIN RIVIERE MONTAGNE OCEAN VALLEE PLAINE FORET ROCHER LUMIERE "
         "NORD SUD EST OUEST GRAND PETIT NOUVEAU VIEUX FRERES ASSOCIES SERVICES INDUSTRIE COMMERCE").split()
FIRST_NAMES = "CAMILLE DOMINIQUE CLAUDE ALEX SACHA MARIE JEAN LOUIS ANNE PAUL LEA HUGO EMMA NOAH".split()
LAST_NAMES = "MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND DUBOIS MOREAU LAURENT SIMON MICHEL".split()
STREETS = ("DES LILAS", "DE LA REPUBLIQUE", "DU GENERAL DE GAULLE", "DES ECOLES", "DE LA GARE", "VICTOR HUGO",
           "DU MOULIN", "DES TILLEULS", "JEAN JAURES", "DE L EGLISE", "PASTEUR", "DES VIGNES")
TOWNS = [("75012", "PARIS", "75112"), ("69003", "LYON", "69383"), ("13002", "MARSEILLE", "13202"),
         ("33000", "BORDEAUX", "33063"), ("59000", "LILLE", "59350"), ("31000", "TOULOUSE", "31555"),
         ("44000", "NANTES", "44109"), ("67000", "STRASBOURG", "67482"), ("35000", "RENNES", "35238"),
         ("97400", "SAINT-DENIS", "97411"), ("20000", "AJACCIO", "2A004"), ("45999", "SAINT-EXEMPLE", "45999")]
FOREIGN = [("99131", "BELGIQUE", "BRUXELLES"), ("99109", "ALLEMAGNE", "BERLIN"), ("99140", "SUISSE", "GENEVE")]
CATEGORIES = ["1000"] * 11 + ["5710"] * 4 + ["5499"] * 3 + ["6540", "5599", "9220", "9220", "7210", "4110"]
STREET_CODES = sorted(STREET_TYPES)
UNIT_INDEX = {name: i for i, name in enumerate(UNIT_HEADER)}
EST_INDEX = {name: i for i, name in enumerate(ESTABLISHMENT_HEADER)}


def company_name(rng):
    name = " ".join(rng.sample(WORDS, rng.randint(2, 4)))
    roll = rng.random()
    if roll < 0.03:
        return name + ", " + rng.choice(WORDS)  # comma: quoted field
    if roll < 0.04:
        return f'{name} "{rng.choice(WORDS)}"'  # double quotes inside: escaped
    return name


def unit_row(rng, siren, nic_head, establishments):
    row = [""] * len(UNIT_HEADER)
    put = lambda name, value: row.__setitem__(UNIT_INDEX[name], value)  # noqa: E731
    category = rng.choice(CATEGORIES)
    year = rng.randint(1975, 2024)
    hidden = category == "1000" and rng.random() < 0.08
    put("siren", siren)
    put("statutDiffusionUniteLegale", "P" if hidden else "O")
    put("dateCreationUniteLegale", f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    put("trancheEffectifsUniteLegale", rng.choice(["NN", "00", "01", "02", "11"]))
    put("dateDernierTraitementUniteLegale", "2025-01-06T10:00:00")
    put("nombrePeriodesUniteLegale", str(rng.randint(1, 5)))
    put("dateDebut", f"{max(year, 2008)}-01-01")
    put("etatAdministratifUniteLegale", "C" if rng.random() < 0.25 else "A")
    put("categorieJuridiqueUniteLegale", category)
    put("activitePrincipaleUniteLegale", f"{rng.randint(10, 96)}.{rng.randint(10, 99)}Z")
    put("nomenclatureActivitePrincipaleUniteLegale", "NAFRev2")
    put("nicSiegeUniteLegale", nic_head)
    put("caractereEmployeurUniteLegale", rng.choice("NO"))
    if category == "1000":
        put("sexeUniteLegale", ND if hidden else rng.choice("MF"))
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        put("prenom1UniteLegale", ND if hidden else first)
        put("prenomUsuelUniteLegale", ND if hidden else first)
        put("nomUniteLegale", ND if hidden else last)
        if rng.random() < 0.1:
            put("nomUsageUniteLegale", ND if hidden else rng.choice(LAST_NAMES))
    else:
        put("denominationUniteLegale", company_name(rng))
        if rng.random() < 0.1:
            put("sigleUniteLegale", "".join(rng.choice("ABCDEFGHIJKLMNOP") for _ in range(3)))
        if rng.random() < 0.05:
            put("denominationUsuelle1UniteLegale", company_name(rng))
    return row, hidden


def establishment_row(rng, siren, nic, head_office, hidden):
    row = [""] * len(ESTABLISHMENT_HEADER)
    put = lambda name, value: row.__setitem__(EST_INDEX[name], value)  # noqa: E731
    put("siren", siren)
    put("nic", nic)
    put("siret", siren + nic)
    put("statutDiffusionEtablissement", "P" if hidden else "O")
    put("dateCreationEtablissement", f"{rng.randint(1975, 2024)}-{rng.randint(1, 12):02d}-01")
    put("trancheEffectifsEtablissement", rng.choice(["NN", "00", "01", "03"]))
    put("dateDernierTraitementEtablissement", "2025-01-06T10:00:00")
    put("etablissementSiege", "true" if head_office else "false")
    put("nombrePeriodesEtablissement", str(rng.randint(1, 4)))
    put("dateDebut", "2020-01-01")
    put("etatAdministratifEtablissement", "F" if rng.random() < 0.4 else "A")
    put("activitePrincipaleEtablissement", f"{rng.randint(10, 96)}.{rng.randint(10, 99)}Z")
    put("nomenclatureActivitePrincipaleEtablissement", "NAFRev2")
    put("caractereEmployeurEtablissement", rng.choice("NO"))
    if rng.random() < 0.015:
        code, country, city = rng.choice(FOREIGN)
        put("codePaysEtrangerEtablissement", code)
        put("libellePaysEtrangerEtablissement", country)
        put("libelleCommuneEtrangerEtablissement", city)
        put("libelleVoieEtablissement", "RUE " + rng.choice(STREETS))
        return row
    postcode, city, commune = rng.choice(TOWNS)
    address = {
        "numeroVoieEtablissement": str(rng.randint(1, 250)) if rng.random() < 0.85 else "",
        "indiceRepetitionEtablissement": rng.choice("BTQ") if rng.random() < 0.05 else "",
        "typeVoieEtablissement": rng.choice(STREET_CODES),
        "libelleVoieEtablissement": rng.choice(STREETS),
        "codePostalEtablissement": postcode,
        "complementAdresseEtablissement": "BATIMENT " + rng.choice("ABC") if rng.random() < 0.1 else "",
    }
    for name, value in address.items():
        put(name, ND if hidden and value else value)
    put("libelleCommuneEtablissement", city)
    put("codeCommuneEtablissement", commune)
    if rng.random() < 0.15:
        put("enseigne1Etablissement", ND if hidden else company_name(rng))
    return row


def generate(out, establishments, seed=1, la_poste=True):
    """Write both files into `out`; returns (unit rows, establishment rows)."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    units_path, est_path = out / "StockUniteLegale_utf8.csv", out / "StockEtablissement_utf8.csv"
    written_units = written_est = 0
    with open(units_path, "w", encoding="utf-8", newline="") as units_file, \
            open(est_path, "w", encoding="utf-8", newline="") as est_file:
        units, ests = csv.writer(units_file, lineterminator="\n"), csv.writer(est_file, lineterminator="\n")
        units.writerow(UNIT_HEADER)
        ests.writerow(ESTABLISHMENT_HEADER)
        base = 30000000
        if la_poste and establishments >= 10:  # La Poste: SIREN 356000000, SIRET digit sum % 5 == 0
            siren = "356000000"
            nics = [f"{n:05d}" for n in range(1, 400) if sum(map(int, siren + f"{n:05d}")) % 5 == 0][:3]
            units.writerow(unit_row(rng, siren, nics[0], len(nics))[0])
            ests.writerows(establishment_row(rng, siren, nic, i == 0, False) for i, nic in enumerate(nics))
            written_units, written_est = 1, len(nics)
        while written_est < establishments:
            base += 1
            stem = str(base)
            siren = stem + luhn_key(stem)
            if siren == "356000000":  # La Poste's, written above
                continue
            count = min(1 if rng.random() < 0.8 else rng.randint(2, 6), establishments - written_est)
            nics = []
            for n in range(1, count + 1):
                nic_stem = f"{n:04d}"
                nics.append(nic_stem + luhn_key(siren + nic_stem))
            row, hidden = unit_row(rng, siren, nics[0], count)
            units.writerow(row)
            ests.writerows(establishment_row(rng, siren, nic, i == 0, hidden) for i, nic in enumerate(nics))
            written_units += 1
            written_est += count
    return units_path, est_path, written_units, written_est


def zip_file(path):
    archive = path.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(path, path.name)
    return archive


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--establishments", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--zip", action="store_true", help="also write the .zip of each file")
    args = parser.parse_args()
    units_path, est_path, units, ests = generate(args.out, args.establishments, args.seed)
    print(f"{units_path}: {units:,} legal units\n{est_path}: {ests:,} establishments")
    if args.zip:
        print(zip_file(units_path), zip_file(est_path))


if __name__ == "__main__":
    main()
