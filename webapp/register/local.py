"""The `local` provider: the sirene_* tables filled by `flask sirene import`.

The lookup is on the hot path of the sign-up page (one per keystroke pause), so it is one bare SQL
statement (establishment LEFT JOIN legal unit) and plain tuples, not peewee query building.
"""
import peewee
from peewee import DatabaseError

from webapp.extensions import db

from webapp.register.errors import RegisterUnavailable
from webapp.register.models import ESTABLISHMENT_COLUMNS, UNIT_COLUMNS, EstablishmentRow, LegalUnitRow
from webapp.register.record import build_record

_WIDTH = len(ESTABLISHMENT_COLUMNS)
_SELECT = (
    "SELECT "
    + ", ".join(f'e."{name}"' for name in ESTABLISHMENT_COLUMNS)
    + ", "
    + ", ".join(f'u."{name}"' for name in UNIT_COLUMNS)
    + ' FROM "sirene_establishment" e LEFT JOIN "sirene_legal_unit" u ON u."siren" = e."siren" WHERE '
)
BY_SIRET = _SELECT + 'e."siret" = {param}'
BY_SIREN = _SELECT + 'e."siren" = {param} AND e."is_head_office" = {true} LIMIT 1'


def compact_digits(value, length):
    """The identifier without spaces, dots or dashes if it is `length` digits, else None."""
    value = (value or "").replace(" ", "").replace(".", "").replace("-", "").strip()
    return value if len(value) == length and value.isdigit() else None


def record_from_row(row):
    """A RegisterRecord from one row of BY_SIRET / BY_SIREN."""
    establishment = EstablishmentRow._make(row[:_WIDTH])
    unit = LegalUnitRow._make(row[_WIDTH:]) if row[_WIDTH] is not None else None
    return build_record(establishment, unit)


class LocalRegister:
    """Reads the sirene_* tables filled by `flask sirene import`."""

    name = "local"

    def __init__(self, database=db):
        self.database = database
        self._sql = {}  # (statement, placeholder) -> SQL text

    def lookup_siret(self, siret):
        """The establishment with this SIRET joined with its legal unit, or None."""
        siret = compact_digits(siret, 14)
        return self._first(BY_SIRET, siret) if siret else None

    def lookup_siren(self, siren):
        """The head office of the legal unit with this SIREN, or None."""
        siren = compact_digits(siren, 9)
        return self._first(BY_SIREN, siren) if siren else None

    def _first(self, template, value):
        database = self.database
        param = database.param
        sql = self._sql.get((template, param))
        if sql is None:
            sql = template.format(param=param, true="TRUE" if param == "%s" else "1")
            self._sql[(template, param)] = sql
        try:
            with peewee.__exception_wrapper__:  # driver errors -> peewee's DatabaseError
                cursor = database.cursor()
                cursor.execute(sql, (value,))
                row = cursor.fetchone()
        except DatabaseError as error:
            raise RegisterUnavailable(str(error)) from error
        return record_from_row(row) if row is not None else None
