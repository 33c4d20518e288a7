"""The business register (INSEE Sirene), reduced to the columns the portal uses.

Values are stored as INSEE wrote them (a masked value stays "[ND]"): the record builder decides what a
user may see, so the tables stay a faithful copy of the stock files.
"""
from collections import namedtuple

from peewee import BooleanField, CharField, DateField, Model

from webapp.extensions import db


class RegisterModel(Model):
    class Meta:
        database = db


class SireneLegalUnit(RegisterModel):
    siren = CharField(max_length=9, primary_key=True)
    diffusion_status = CharField(max_length=1, default="O")  # statutDiffusionUniteLegale
    state = CharField(max_length=1, default="")  # etatAdministratifUniteLegale: A / C
    denomination = CharField(default="")  # denominationUniteLegale
    usual_denomination = CharField(default="")  # denominationUsuelle1UniteLegale
    acronym = CharField(default="")  # sigleUniteLegale
    last_name = CharField(default="")  # nomUniteLegale
    usage_name = CharField(default="")  # nomUsageUniteLegale
    first_name = CharField(default="")  # prenom1UniteLegale
    usual_first_name = CharField(default="")  # prenomUsuelUniteLegale
    legal_category = CharField(max_length=4, default="")  # categorieJuridiqueUniteLegale
    created_on = DateField(null=True)  # dateCreationUniteLegale
    period_start = DateField(null=True)  # dateDebut: start of the current period

    class Meta:
        table_name = "sirene_legal_unit"


class SireneEstablishment(RegisterModel):
    siret = CharField(max_length=14, primary_key=True)
    siren = CharField(max_length=9, index=True)
    is_head_office = BooleanField(default=False)  # etablissementSiege
    diffusion_status = CharField(max_length=1, default="O")  # statutDiffusionEtablissement
    state = CharField(max_length=1, default="")  # etatAdministratifEtablissement: A / F
    sign = CharField(default="")  # enseigne1Etablissement
    usual_name = CharField(default="")  # denominationUsuelleEtablissement
    address_complement = CharField(default="")  # complementAdresseEtablissement
    street_number = CharField(default="")  # numeroVoieEtablissement
    repetition_index = CharField(default="")  # indiceRepetitionEtablissement
    street_type = CharField(default="")  # typeVoieEtablissement
    street_name = CharField(default="")  # libelleVoieEtablissement
    postcode = CharField(default="")  # codePostalEtablissement
    city = CharField(default="")  # libelleCommuneEtablissement
    foreign_city = CharField(default="")  # libelleCommuneEtrangerEtablissement
    foreign_country_code = CharField(default="")  # codePaysEtrangerEtablissement (INSEE code)
    foreign_country = CharField(default="")  # libellePaysEtrangerEtablissement
    created_on = DateField(null=True)  # dateCreationEtablissement

    class Meta:
        table_name = "sirene_establishment"


# model field -> INSEE column; the file is read by column name, in whatever order it comes.
UNIT_COLUMNS = {
    "siren": "siren",
    "diffusion_status": "statutDiffusionUniteLegale",
    "state": "etatAdministratifUniteLegale",
    "denomination": "denominationUniteLegale",
    "usual_denomination": "denominationUsuelle1UniteLegale",
    "acronym": "sigleUniteLegale",
    "last_name": "nomUniteLegale",
    "usage_name": "nomUsageUniteLegale",
    "first_name": "prenom1UniteLegale",
    "usual_first_name": "prenomUsuelUniteLegale",
    "legal_category": "categorieJuridiqueUniteLegale",
    "created_on": "dateCreationUniteLegale",
    "period_start": "dateDebut",
}
ESTABLISHMENT_COLUMNS = {
    "siret": "siret",
    "siren": "siren",
    "is_head_office": "etablissementSiege",
    "diffusion_status": "statutDiffusionEtablissement",
    "state": "etatAdministratifEtablissement",
    "sign": "enseigne1Etablissement",
    "usual_name": "denominationUsuelleEtablissement",
    "address_complement": "complementAdresseEtablissement",
    "street_number": "numeroVoieEtablissement",
    "repetition_index": "indiceRepetitionEtablissement",
    "street_type": "typeVoieEtablissement",
    "street_name": "libelleVoieEtablissement",
    "postcode": "codePostalEtablissement",
    "city": "libelleCommuneEtablissement",
    "foreign_city": "libelleCommuneEtrangerEtablissement",
    "foreign_country_code": "codePaysEtrangerEtablissement",
    "foreign_country": "libellePaysEtrangerEtablissement",
    "created_on": "dateCreationEtablissement",
}

REGISTER_MODELS = [SireneLegalUnit, SireneEstablishment]

# Plain rows with the models' field names: what the local fast path and the API providers hand to
# build_record() (a peewee instance would do too, at several times the cost).
LegalUnitRow = namedtuple("LegalUnitRow", UNIT_COLUMNS)
EstablishmentRow = namedtuple("EstablishmentRow", ESTABLISHMENT_COLUMNS)
