"""Import the INSEE Sirene stock files into the register tables.

A file is streamed row by row into a staging table, then swapped in with the live one in a single
transaction: lookups read the previous data until the swap, and an import that stops half-way leaves
that data untouched.
"""
import csv
import io
import re
import time
import zipfile
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from peewee import SqliteDatabase
from stdnum.fr import siren as siren_number
from stdnum.fr import siret as siret_number

from .models import ESTABLISHMENT_COLUMNS, UNIT_COLUMNS, SireneEstablishment, SireneLegalUnit

BATCH_SIZE = 5000

# kind -> (model, columns, the columns whose presence identifies the file)
KINDS = {
    "legal_unit": (SireneLegalUnit, UNIT_COLUMNS,
                   {"siren", "denominationUniteLegale", "categorieJuridiqueUniteLegale"}),
    "establishment": (SireneEstablishment, ESTABLISHMENT_COLUMNS,
                      {"siren", "siret", "etablissementSiege"}),
}
DATE_FIELDS = {"created_on", "period_start"}
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept by surrogateescape


class UnrecognisedStockFile(ValueError):
    """The file's header is not that of a Sirene legal-unit or establishment stock file."""


@dataclass
class FileSummary:
    path: str
    kind: str
    rows_read: int = 0
    rows_kept: int = 0
    rejected: Counter = field(default_factory=Counter)
    seconds: float = 0.0


@dataclass
class ImportSummary:
    files: list = field(default_factory=list)

    @property
    def rejected(self):
        return sum((f.rejected for f in self.files), Counter())


@contextmanager
def open_stock_file(path):
    """The file as text, whether plain or zipped; undecodable bytes survive as surrogates."""
    with ExitStack() as stack:
        if zipfile.is_zipfile(path):
            archive = stack.enter_context(zipfile.ZipFile(path))
            names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            raw = stack.enter_context(archive.open(names[0] if names else archive.namelist()[0]))
        else:
            raw = stack.enter_context(open(path, "rb"))
        yield io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")


def recognise(header):
    """The kind of stock file a header row belongs to, or None."""
    names = set(header)
    for kind, (_, _, identifying) in KINDS.items():
        if identifying <= names and not (kind == "legal_unit" and "siret" in names):
            return kind
    return None


def _header(reader):
    try:
        return [name.strip().lstrip("\ufeff").strip() for name in next(reader)]
    except (StopIteration, csv.Error):
        return []


def read_kind(path):
    with open_stock_file(path) as stream:
        kind = recognise(_header(csv.reader(stream, strict=True)))
    if kind is None:
        raise UnrecognisedStockFile(f"{path}: not a Sirene StockUniteLegale or StockEtablissement file")
    return kind


def _rows(reader):
    """Each row, or None for one the csv module could not parse (broken quoting)."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield None


def _convert(fields, positions, row):
    values = []
    for name, position in zip(fields, positions):
        value = row[position] if position is not None else ""
        if name == "is_head_office":
            value = value.strip().lower() == "true"
        elif name in DATE_FIELDS:
            value = value.strip() or None
        values.append(value)
    return tuple(values)


def _rejection(kind, row, width, values):
    """Why a row must be skipped, or None."""
    if row is None:
        return "broken_quoting"
    if len(row) != width:
        return "column_count"
    if _UNDECODABLE.search("".join(row)):
        return "invalid_utf8"
    siren = values[0] if kind == "legal_unit" else values[1]
    if len(siren) != 9 or not siren.isdigit() or not siren_number.is_valid(siren):
        return "invalid_siren"
    if kind == "establishment":
        siret = values[0]
        if len(siret) != 14 or not siret.isdigit() or not siret_number.is_valid(siret):
            return "invalid_siret"
        if siret[:9] != siren:
            return "siren_mismatch"
    return None


def table_model(model, table_name, database):
    """The model's columns under another table name, bound to `database`."""
    meta = type("Meta", (), {"table_name": table_name, "database": database})
    # Same class name as the model's: peewee names indexes after it, so the indexes made after a
    # swap are the ones `create_tables(REGISTER_MODELS, safe=True)` expects.
    return type(model.__name__, (model,), {"Meta": meta, "__module__": model.__module__})


def _insert_sql(database, table, columns):
    marks = ", ".join([database.param] * len(columns))
    names = ", ".join(f'"{c}"' for c in columns)
    if isinstance(database, SqliteDatabase) or isinstance(getattr(database, "obj", None), SqliteDatabase):
        return f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({marks})'
    return f'INSERT INTO "{table}" ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING'


@contextmanager
def _bulk_load_pragmas(database):
    """Trade durability for speed while filling the staging table (the swap is still atomic)."""
    target = getattr(database, "obj", database)
    if not isinstance(target, SqliteDatabase):
        yield
        return
    previous = database.execute_sql("PRAGMA synchronous").fetchone()[0]
    database.execute_sql("PRAGMA synchronous = OFF")
    try:
        yield
    finally:
        database.execute_sql(f"PRAGMA synchronous = {int(previous)}")


def _flush(database, sql, batch, summary):
    with database.atomic():
        inserted = database.cursor().executemany(sql, batch).rowcount
    summary.rows_kept += inserted
    if inserted < len(batch):
        summary.rejected["duplicate"] += len(batch) - inserted


def _swap(database, model, staging_table):
    table = model._meta.table_name
    with database.atomic():
        database.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
        database.execute_sql(f'ALTER TABLE "{staging_table}" RENAME TO "{table}"')
        table_model(model, table, database)._schema.create_indexes(safe=True)


def _import_file(path, kind, database, progress):
    model, columns, _ = KINDS[kind]
    fields = list(columns)
    staging_table = model._meta.table_name + "_staging"
    staging = table_model(model, staging_table, database)
    summary = FileSummary(path=str(path), kind=kind)
    started = time.monotonic()
    database.execute_sql(f'DROP TABLE IF EXISTS "{staging_table}"')
    staging._schema.create_table()  # indexes come after the swap, under the live table's names
    sql = _insert_sql(database, staging_table, [model._meta.fields[f].column_name for f in fields])
    try:
        with open_stock_file(path) as stream, _bulk_load_pragmas(database):
            reader = csv.reader(stream, strict=True)
            header = _header(reader)
            positions = [header.index(columns[f]) if columns[f] in header else None for f in fields]
            batch = []
            for row in _rows(reader):
                if row == []:
                    continue  # blank line
                summary.rows_read += 1
                values = None
                if row is not None and len(row) == len(header):
                    values = _convert(fields, positions, row)
                reason = _rejection(kind, row, len(header), values)
                if reason:
                    summary.rejected[reason] += 1
                    continue
                batch.append(values)
                if len(batch) >= BATCH_SIZE:
                    _flush(database, sql, batch, summary)
                    batch = []
                    summary.seconds = time.monotonic() - started
                    if progress:
                        progress(summary)
            if batch:
                _flush(database, sql, batch, summary)
        _swap(database, model, staging_table)
    except BaseException:
        database.execute_sql(f'DROP TABLE IF EXISTS "{staging_table}"')
        raise
    summary.seconds = time.monotonic() - started
    if progress:
        progress(summary)
    return summary


def import_stock_files(paths, database, progress=None):
    """Import Sirene stock files (plain or zipped csv); each replaces the data of its kind.

    Every file is recognised before anything is written: one unknown file stops the whole import
    with UnrecognisedStockFile. `progress(file_summary)` is called after each batch.
    """
    kinds = [(path, read_kind(path)) for path in paths]
    summary = ImportSummary()
    for path, kind in kinds:
        summary.files.append(_import_file(path, kind, database, progress))
    return summary
