"""Import the INSEE Sirene stock files into the register tables.

A file is streamed in batches into a staging table, then swapped in with the live one in a single
transaction: lookups read the previous data until the swap, and an import that stops half-way leaves
that data untouched. The secondary index is built after the load, on the swapped-in table.
"""
import csv
import time
from collections import Counter
from dataclasses import dataclass, field

from webapp.register.loaders import backend, loader_for
from webapp.register.pipeline import parallel_batches
from webapp.register.models import ESTABLISHMENT_COLUMNS, UNIT_COLUMNS, SireneEstablishment, SireneLegalUnit
from webapp.register.stockfile import batches, open_stock_file, read_header, recognise

BATCH_SIZE = 20000
# Files this big are read by a second process while this one writes (pipeline.py).
PARALLEL_MIN_BYTES = 8 << 20

# kind -> (model, model field -> INSEE column)
KINDS = {
    "legal_unit": (SireneLegalUnit, UNIT_COLUMNS),
    "establishment": (SireneEstablishment, ESTABLISHMENT_COLUMNS),
}


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
    bytes_read: int = 0
    bytes_total: int = 0
    done: bool = False


@dataclass
class ImportSummary:
    files: list = field(default_factory=list)

    @property
    def rejected(self):
        return sum((f.rejected for f in self.files), Counter())


def read_kind(path):
    with open_stock_file(path) as stream:
        kind = recognise(read_header(csv.reader(stream.text, strict=True)))
    if kind is None:
        raise UnrecognisedStockFile(f"{path}: not a Sirene StockUniteLegale or StockEtablissement file")
    return kind


def table_model(model, table_name, database, without_rowid=False):
    """The model's columns under another table name, bound to `database`."""
    meta = type("Meta", (), {"table_name": table_name, "database": database, "without_rowid": without_rowid})
    # Same class name as the model's: peewee names indexes after it, so the indexes made after a
    # swap are the ones `create_tables(REGISTER_MODELS, safe=True)` expects.
    return type(model.__name__, (model,), {"Meta": meta, "__module__": model.__module__})


def _swap(database, model, staging_table):
    table = model._meta.table_name
    with database.atomic():
        database.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
        database.execute_sql(f'ALTER TABLE "{staging_table}" RENAME TO "{table}"')
        if backend(database) == "postgresql":
            # PostgreSQL keeps the staging table's primary-key index name, which the next
            # import's staging table needs again.
            database.execute_sql(f'ALTER INDEX "{staging_table}_pkey" RENAME TO "{table}_pkey"')
        table_model(model, table, database)._schema.create_indexes(safe=True)


def _import_file(path, kind, database, progress):
    model, columns = KINDS[kind]
    fields = list(columns)
    staging_table = model._meta.table_name + "_staging"
    # SQLite: the rows live in the primary-key b-tree itself (one b-tree instead of two: a faster
    # load, and a lookup by SIRET is a single search).
    staging = table_model(model, staging_table, database, without_rowid=backend(database) == "sqlite")
    summary = FileSummary(path=str(path), kind=kind)
    started = time.monotonic()
    database.execute_sql(f'DROP TABLE IF EXISTS "{staging_table}"')
    staging._schema.create_table()  # indexes come after the swap, under the live table's names
    loader = loader_for(database, staging_table, fields, [model._meta.fields[f].column_name for f in fields])
    try:
        with open_stock_file(path) as stream, loader.bulk_mode():
            summary.bytes_total = stream.size
            wanted = [columns[f] for f in fields]
            if stream.size >= PARALLEL_MIN_BYTES:
                positions = []
                rows = parallel_batches(path, kind, wanted, summary, BATCH_SIZE, positions)
                where = lambda: positions[-1] if positions else 0  # noqa: E731
            else:
                rows, where = batches(stream, kind, wanted, summary, BATCH_SIZE), stream.position
            for batch in rows:
                inserted = loader.load(batch)
                summary.rows_kept += inserted
                if inserted < len(batch):
                    summary.rejected["duplicate"] += len(batch) - inserted
                summary.seconds = time.monotonic() - started
                summary.bytes_read = where()
                if progress and len(batch) >= BATCH_SIZE:  # the last, partial batch: see below
                    progress(summary)
        _swap(database, model, staging_table)
    except BaseException:
        database.execute_sql(f'DROP TABLE IF EXISTS "{staging_table}"')
        raise
    summary.seconds = time.monotonic() - started
    summary.bytes_read, summary.done = summary.bytes_total, True
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
