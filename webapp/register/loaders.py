"""Writing batches of stock-file values into a staging table: executemany on SQLite, COPY on
PostgreSQL. Type conversions (head-office flag, empty dates) happen in SQL, not per row in Python.
"""
import csv
import io
from contextlib import contextmanager

from peewee import PostgresqlDatabase, SqliteDatabase

DATE_FIELDS = {"created_on", "period_start"}
BOOLEAN_FIELDS = {"is_head_office"}


def backend(database):
    target = getattr(database, "obj", database)
    if isinstance(target, SqliteDatabase):
        return "sqlite"
    if isinstance(target, PostgresqlDatabase):
        return "postgresql"
    return "other"


def converted(field, source):
    """SQL turning the file's text `source` into the stored value of `field`."""
    if field in BOOLEAN_FIELDS:
        return f"(lower(trim({source})) = 'true')"
    if field in DATE_FIELDS:
        return f"NULLIF(trim({source}), '')"
    return source


class SqliteLoader:
    """INSERT OR IGNORE in executemany batches; a duplicate key is ignored and counted."""

    def __init__(self, database, table, fields, columns):
        self.database = database
        marks = ", ".join(converted(f, "?") for f in fields)
        names = ", ".join(f'"{c}"' for c in columns)
        self.sql = f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({marks})'

    def load(self, batch):
        """How many rows of the batch were stored."""
        with self.database.atomic():
            cursor = self.database.cursor()
            cursor.executemany(self.sql, batch)
            return cursor.rowcount

    @contextmanager
    def bulk_mode(self):
        """Trade durability for speed while filling the staging table: the swap that makes the new
        data live is a separate, normally synced transaction. The rollback journal stays on, so an
        interrupted import still rolls back cleanly."""
        database = self.database
        saved = {name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]
                 for name in ("synchronous", "cache_size", "temp_store")}
        database.execute_sql("PRAGMA synchronous = OFF")
        database.execute_sql("PRAGMA cache_size = -65536")  # 64 MiB: flat, whatever the file size
        database.execute_sql("PRAGMA temp_store = MEMORY")
        try:
            yield
        finally:
            for name, value in saved.items():
                database.execute_sql(f"PRAGMA {name} = {int(value)}")


class PostgresLoader:
    """COPY each batch into a temporary text table, then INSERT ... ON CONFLICT DO NOTHING into the
    staging table (COPY itself would abort on the first duplicate key)."""

    def __init__(self, database, table, fields, columns):
        self.database = database
        self.temp = f"{table}_copy"
        names = ", ".join(f'"{c}"' for c in columns)
        self.create_temp = (f'CREATE TEMPORARY TABLE IF NOT EXISTS "{self.temp}" ('
                            + ", ".join(f'"{c}" text' for c in columns) + ")")
        self.copy = f'COPY "{self.temp}" ({names}) FROM STDIN WITH (FORMAT csv)'
        sources = ", ".join(
            converted(f, f'"{c}"') + ("::date" if f in DATE_FIELDS else "") for f, c in zip(fields, columns)
        )
        self.insert = (f'INSERT INTO "{table}" ({names}) SELECT {sources} FROM "{self.temp}" '
                       "ON CONFLICT DO NOTHING")

    def load(self, batch):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(batch)  # "" is not NULL
        buffer.seek(0)
        with self.database.atomic():
            cursor = self.database.cursor()
            cursor.execute(self.create_temp)
            cursor.execute(f'TRUNCATE "{self.temp}"')
            cursor.copy_expert(self.copy, buffer)
            cursor.execute(self.insert)
            return cursor.rowcount

    @contextmanager
    def bulk_mode(self):
        try:
            yield
        finally:
            self.database.execute_sql(f'DROP TABLE IF EXISTS "{self.temp}"')


class GenericLoader(SqliteLoader):
    """Any other peewee database: portable INSERT ... ON CONFLICT DO NOTHING."""

    def __init__(self, database, table, fields, columns):
        self.database = database
        marks = ", ".join(converted(f, database.param) for f in fields)
        names = ", ".join(f'"{c}"' for c in columns)
        self.sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING'

    @contextmanager
    def bulk_mode(self):
        yield


def loader_for(database, table, fields, columns):
    kind = backend(database)
    cls = {"sqlite": SqliteLoader, "postgresql": PostgresLoader}.get(kind, GenericLoader)
    return cls(database, table, fields, columns)
