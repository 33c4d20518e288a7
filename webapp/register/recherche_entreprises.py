"""The `recherche-entreprises` provider: the French State's public search API (no key).

`GET {base}/search?q=<siren or siret>` answers {"results": [...], "total_results", "page", ...}; each
result is a legal unit (`siren`, `nom_complet`, `nom_raison_sociale`, `nature_juridique`,
`etat_administratif`, `statut_diffusion`, ...) with its head office in `siege` (address split into
`numero_voie`, `type_voie`, `libelle_voie`, ...) and the establishments the query matched in
`matching_etablissements` (address as one `adresse` string). Hidden values read "[NON-DIFFUSIBLE]".
"""
from urllib.parse import urlencode

from webapp.register.local import compact_digits
from webapp.register.models import EstablishmentRow, LegalUnitRow
from webapp.register.record import MASKED, build_record
from webapp.register.remote import fetch_json, text

DEFAULT_URL = "https://recherche-entreprises.api.gouv.fr"
HIDDEN = {"[NON-DIFFUSIBLE]", "[ND]"}


def value(obj, key):
    """The value as the stock files would have it ("[ND]" when hidden)."""
    result = text(obj.get(key))
    return MASKED if result.upper() in HIDDEN else result


def unit_row(result):
    individual = not text(result.get("nom_raison_sociale")) and text(result.get("nature_juridique")).startswith("1")
    return LegalUnitRow(
        siren=text(result.get("siren")), diffusion_status=text(result.get("statut_diffusion")) or "O",
        state=value(result, "etat_administratif"),
        denomination="" if individual else value(result, "nom_raison_sociale") or value(result, "nom_complet"),
        usual_denomination="", acronym=value(result, "sigle"),
        last_name=value(result, "nom_complet") if individual else "", usage_name="", first_name="",
        usual_first_name="", legal_category=value(result, "nature_juridique"),
        created_on=text(result.get("date_creation")), period_start="",
    )


def _strip_town(address, postcode, city):
    """'12 BIS AVENUE DES LILAS 75012 PARIS' -> '12 BIS AVENUE DES LILAS'."""
    tail = " ".join(part for part in (postcode, city) if part)
    if tail and address.endswith(tail):
        address = address[: -len(tail)]
    return address.strip()


def establishment_row(place, siren):
    signs = [text(s) for s in place.get("liste_enseignes") or [] if text(s)]
    postcode, city = value(place, "code_postal"), value(place, "libelle_commune")
    detailed = "libelle_voie" in place  # `siege` is; matching_etablissements only have `adresse`
    return EstablishmentRow(
        siret=text(place.get("siret")), siren=siren, is_head_office=bool(place.get("est_siege")),
        diffusion_status=text(place.get("statut_diffusion_etablissement")) or "O",
        state=value(place, "etat_administratif"),
        sign=MASKED if any(s.upper() in HIDDEN for s in signs) else (signs[0] if signs else ""),
        usual_name=value(place, "nom_commercial"),
        address_complement=value(place, "complement_adresse") if detailed else "",
        street_number=value(place, "numero_voie") if detailed else "",
        repetition_index=value(place, "indice_repetition") if detailed else "",
        street_type=value(place, "type_voie") if detailed else "",
        street_name=value(place, "libelle_voie") if detailed
        else _strip_town(value(place, "adresse"), postcode, city),
        postcode=postcode, city=city,
        foreign_city=value(place, "libelle_commune_etranger"),
        foreign_country_code=value(place, "code_pays_etranger"),
        foreign_country=value(place, "libelle_pays_etranger"),
        created_on=text(place.get("date_creation")),
    )


class RechercheEntreprisesRegister:
    name = "recherche-entreprises"

    def __init__(self, base_url=DEFAULT_URL, timeout=4.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _result(self, siren, query):
        payload = fetch_json(f"{self.base_url}/search?{urlencode({'q': query})}", timeout=self.timeout)
        for result in (payload or {}).get("results") or []:
            if text(result.get("siren")) == siren:
                return result
        return None

    def lookup_siret(self, siret):
        siret = compact_digits(siret, 14)
        result = self._result(siret[:9], siret) if siret else None
        if result is None:
            return None
        places = [result.get("siege") or {}] + list(result.get("matching_etablissements") or [])
        place = next((p for p in places if text(p.get("siret")) == siret), None)
        if place is None:
            return None
        return build_record(establishment_row(place, siret[:9]), unit_row(result))

    def lookup_siren(self, siren):
        siren = compact_digits(siren, 9)
        result = self._result(siren, siren) if siren else None
        if result is None or not result.get("siege"):
            return None
        return build_record(establishment_row(result["siege"], siren), unit_row(result))
