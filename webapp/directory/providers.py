"""Where the portal looks companies up. Today only the local copy of the stock files."""
from flask import current_app
from peewee import DatabaseError
from stdnum.fr import siren as siren_number
from stdnum.fr import siret as siret_number

from .models import SireneEstablishment, SireneLegalUnit
from .record import build_record


class RegisterUnavailable(Exception):
    """The register cannot be queried right now (tables missing, database down, remote API down)."""


class LocalRegister:
    """Reads the sirene_* tables filled by `flask sirene import`."""

    name = "local"

    def lookup_siret(self, siret):
        """The establishment with this SIRET joined with its legal unit, or None."""
        siret = siret_number.compact(siret or "")
        if len(siret) != 14 or not siret.isdigit():
            return None
        return self._first(SireneEstablishment.siret == siret)

    def lookup_siren(self, siren):
        """The head office of the legal unit with this SIREN, or None."""
        siren = siren_number.compact(siren or "")
        if len(siren) != 9 or not siren.isdigit():
            return None
        return self._first(
            (SireneEstablishment.siren == siren) & (SireneEstablishment.is_head_office == True)  # noqa: E712
        )

    def _first(self, condition):
        try:
            establishment = SireneEstablishment.get_or_none(condition)
            if establishment is None:
                return None
            unit = SireneLegalUnit.get_or_none(SireneLegalUnit.siren == establishment.siren)
        except DatabaseError as error:
            raise RegisterUnavailable(str(error)) from error
        return build_record(establishment, unit)


PROVIDERS = {"local": LocalRegister}


def get_register():
    """The register provider named by the SIRENE_PROVIDER setting."""
    name = current_app.config.get("SIRENE_PROVIDER", "local")
    try:
        return PROVIDERS[name]()
    except KeyError:
        raise ValueError(
            f"Unknown SIRENE_PROVIDER {name!r}; expected one of: {', '.join(sorted(PROVIDERS))}"
        ) from None


def register_is_empty():
    """True when there is no establishment to look up (tables missing or without rows)."""
    try:
        return not SireneEstablishment.table_exists() or not SireneEstablishment.select().exists()
    except DatabaseError:
        return True
