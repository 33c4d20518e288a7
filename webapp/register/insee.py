"""The `insee` provider: INSEE's API Sirene 3.11 (https://api.insee.fr/api-sirene/3.11).

`GET {base}/siret/{siret}` answers {"header": ..., "etablissement": {...}} with the establishment's
address in `adresseEtablissement`, its history in `periodesEtablissement` and the current values of
its legal unit in `uniteLegale`; `GET {base}/siren/{siren}` answers {"uniteLegale": {...}} with the
history in `periodesUniteLegale`. The current period is the one whose `dateFin` is null. Masked
values are "[ND]", as in the stock files, so build_record() treats them the same way.
"""
from urllib.parse import quote

from webapp.register.local import compact_digits
from webapp.register.models import ESTABLISHMENT_COLUMNS, UNIT_COLUMNS, EstablishmentRow, LegalUnitRow
from webapp.register.record import build_record
from webapp.register.remote import fetch_json, text

DEFAULT_URL = "https://api.insee.fr/api-sirene/3.11"
KEY_HEADER = "X-INSEE-Api-Key-Integration"


def current_period(periods):
    """The period whose dateFin is null (the first one if, oddly, none is open)."""
    periods = periods or []
    for period in periods:
        if period.get("dateFin") is None:
            return period
    return periods[0] if periods else {}


def _flat(obj, periods_key):
    """The object's own values overlaid with those of its current period."""
    values = {k: v for k, v in obj.items() if not isinstance(v, (dict, list))}
    values.update(current_period(obj.get(periods_key)))
    return values


def unit_row(values, siren):
    """A LegalUnitRow from API Sirene's legal-unit variables (already flattened)."""
    row = {field: text(values.get(column)) for field, column in UNIT_COLUMNS.items()}
    row["siren"] = row["siren"] or siren
    return LegalUnitRow(**row)


def establishment_row(etablissement):
    values = _flat(etablissement, "periodesEtablissement")
    values.update(etablissement.get("adresseEtablissement") or {})
    row = {field: text(values.get(column)) for field, column in ESTABLISHMENT_COLUMNS.items()}
    row["is_head_office"] = values.get("etablissementSiege") is True
    return EstablishmentRow(**row)


class InseeRegister:
    name = "insee"

    def __init__(self, base_url=DEFAULT_URL, api_key="", timeout=4.0):
        self.base_url = base_url.rstrip("/")
        self.headers = {KEY_HEADER: api_key} if api_key else {}
        self.timeout = timeout

    def _get(self, path):
        return fetch_json(f"{self.base_url}/{path}", self.headers, self.timeout)

    def lookup_siret(self, siret, unit=None):
        siret = compact_digits(siret, 14)
        if not siret:
            return None
        payload = self._get("siret/" + quote(siret))
        etablissement = (payload or {}).get("etablissement")
        if not etablissement:
            return None
        if unit is None and etablissement.get("uniteLegale"):
            unit = unit_row(etablissement["uniteLegale"], siret[:9])
        return build_record(establishment_row(etablissement), unit)

    def lookup_siren(self, siren):
        """The head office: the unit's current nicSiegeUniteLegale, then that establishment."""
        siren = compact_digits(siren, 9)
        if not siren:
            return None
        payload = self._get("siren/" + quote(siren))
        unite_legale = (payload or {}).get("uniteLegale")
        if not unite_legale:
            return None
        values = _flat(unite_legale, "periodesUniteLegale")
        nic = text(values.get("nicSiegeUniteLegale"))
        if len(nic) != 5 or not nic.isdigit():
            return None
        return self.lookup_siret(siren + nic, unit=unit_row(values, siren))
