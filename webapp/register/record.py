"""RegisterRecord: the one normalised shape of a register entry the rest of the portal sees."""
from dataclasses import dataclass, field

MASKED = "[ND]"  # how INSEE writes a value hidden by a non-diffusion request

# INSEE typeVoieEtablissement codes (Sirene API 3.11 documentation). Note: QUA is "quartier" and
# QUAI is "quai" in the INSEE list.
STREET_TYPES = {
    "ALL": "ALLEE", "AV": "AVENUE", "BD": "BOULEVARD", "CAR": "CARREFOUR", "CHE": "CHEMIN",
    "CHS": "CHAUSSEE", "CITE": "CITE", "COR": "CORNICHE", "CRS": "COURS", "DOM": "DOMAINE",
    "DSC": "DESCENTE", "ECA": "ECART", "ESP": "ESPLANADE", "FG": "FAUBOURG", "GR": "GRANDE RUE",
    "HAM": "HAMEAU", "HLE": "HALLE", "IMP": "IMPASSE", "LD": "LIEU-DIT", "LOT": "LOTISSEMENT",
    "MAR": "MARCHE", "MTE": "MONTEE", "PARC": "PARC", "PAS": "PASSAGE", "PASS": "PASSAGE",
    "PL": "PLACE", "PLN": "PLAINE", "PLT": "PLATEAU", "PRO": "PROMENADE", "PRV": "PARVIS",
    "QUA": "QUARTIER", "QUAI": "QUAI", "R": "RUE", "RES": "RESIDENCE", "RLE": "RUELLE",
    "ROC": "ROCADE", "RPT": "ROND-POINT", "RTE": "ROUTE", "SEN": "SENTIER", "SQ": "SQUARE",
    "TPL": "TERRE-PLEIN", "TRA": "TRAVERSE", "VLA": "VILLA", "VLGE": "VILLAGE", "VOIE": "VOIE",
    "ZA": "ZONE D'ACTIVITE", "ZAC": "ZONE D'AMENAGEMENT CONCERTE", "ZI": "ZONE INDUSTRIELLE",
}
REPETITION_INDEXES = {"B": "BIS", "T": "TER", "Q": "QUATER", "C": "QUINQUIES"}

# INSEE country codes (codePaysEtranger, COG "99xxx") -> ISO 3166-1 alpha-2, for the countries a
# foreign establishment of a French company is most often in. Unknown codes give country "".
INSEE_COUNTRIES = {
    "99101": "DK", "99102": "IS", "99103": "NO", "99104": "SE", "99105": "FI", "99106": "EE",
    "99107": "LV", "99108": "LT", "99109": "DE", "99110": "AT", "99111": "BG", "99112": "HU",
    "99113": "LI", "99114": "RO", "99116": "CZ", "99117": "SK", "99119": "HR", "99122": "PL",
    "99126": "GR", "99127": "IT", "99128": "SM", "99130": "AD", "99131": "BE", "99132": "GB",
    "99134": "ES", "99135": "NL", "99136": "IE", "99137": "LU", "99138": "MC", "99139": "PT",
    "99140": "CH", "99144": "MT", "99145": "SI", "99254": "CY", "99350": "MA", "99351": "DZ",
    "99352": "TN", "99401": "CA", "99404": "US",
}


@dataclass(frozen=True)
class RegisterRecord:
    siret: str
    siren: str
    name: str
    usual_name: str = ""
    address_line: str = ""
    address_complement: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "FR"
    legal_category: str = ""
    structure_type: str = "company"
    is_open: bool = True
    is_diffusible: bool = True
    masked_fields: frozenset = field(default_factory=frozenset)


def structure_type_for(legal_category):
    """Coarse structure type from the 4-digit INSEE legal category."""
    category = (legal_category or "").strip()
    if category.startswith("1"):
        return "individual"
    if category[:2] in ("92", "93"):
        return "association"
    if category.startswith("7") or category.startswith("41"):
        return "public"
    return "company"


def expand_street_type(code):
    code = (code or "").strip().upper()
    return STREET_TYPES.get(code, code)


def format_address_line(number, repetition_index, street_type, street_name):
    """'12', 'B', 'AV', 'DES LILAS' -> '12 BIS AVENUE DES LILAS'."""
    index = (repetition_index or "").strip().upper()
    parts = [
        (number or "").strip(),
        REPETITION_INDEXES.get(index, index),
        expand_street_type(street_type),
        (street_name or "").strip(),
    ]
    return " ".join(part for part in parts if part)


def is_masked(value):
    return (value or "").strip() == MASKED


class _Masking:
    """Collects the record fields whose source values INSEE masked."""

    def __init__(self):
        self.fields = set()

    def take(self, name, *values):
        """The values, stripped, or all "" (and `name` noted) when any is masked."""
        stripped = tuple([(v or "").strip() for v in values])
        if MASKED in stripped:
            self.fields.add(name)
            return ("",) * len(values)
        return stripped

    def first(self, name, *candidates):
        """The first non-empty, unmasked candidate; note `name` if only masked ones were found."""
        masked = False
        for value in candidates:
            if is_masked(value):
                masked = True
            elif (value or "").strip():
                return value.strip()
        if masked:
            self.fields.add(name)
        return ""


def _unit_name(unit, masking):
    if unit is None:
        return ""
    if (unit.denomination or "").strip():
        return masking.take("name", unit.denomination)[0]
    first = unit.usual_first_name or unit.first_name
    last = unit.usage_name or unit.last_name
    return " ".join(p for p in masking.take("name", first, last) if p)


def build_record(establishment, unit=None):
    """The record for one establishment row and its legal unit row (None if not in the register)."""
    masking = _Masking()
    name = _unit_name(unit, masking)
    usual_name = masking.first(
        "usual_name",
        establishment.sign,
        establishment.usual_name,
        unit.usual_denomination if unit is not None else "",
    )
    address_line = format_address_line(*masking.take(
        "address_line",
        establishment.street_number,
        establishment.repetition_index,
        establishment.street_type,
        establishment.street_name,
    ))
    (complement,) = masking.take("address_complement", establishment.address_complement)
    (postcode,) = masking.take("postcode", establishment.postcode)
    foreign_code = (establishment.foreign_country_code or "").strip()
    if foreign_code and foreign_code != "99100":
        country = INSEE_COUNTRIES.get(foreign_code, "")
        (city,) = masking.take("city", establishment.foreign_city)
    else:
        country = "FR"
        (city,) = masking.take("city", establishment.city)
    legal_category = (unit.legal_category or "").strip() if unit is not None else ""
    statuses = [establishment.diffusion_status] + ([unit.diffusion_status] if unit else [])
    return RegisterRecord(
        siret=establishment.siret,
        siren=establishment.siren,
        name=name,
        usual_name=usual_name,
        address_line=address_line,
        address_complement=complement,
        postcode=postcode,
        city=city,
        country=country,
        legal_category=legal_category,
        structure_type=structure_type_for(legal_category),
        is_open=(establishment.state or "").strip() == "A",
        is_diffusible=all((s or "").strip() == "O" for s in statuses),
        masked_fields=frozenset(masking.fields),
    )
