"""The database: one pooled connection per worker thread, the tables, and `flask init-db`."""
from pathlib import Path

import click
from flask.cli import with_appcontext
from peewee import PostgresqlDatabase
from playhouse import db_url
from playhouse.migrate import SchemaMigrator, SqliteMigrator, migrate

from webapp.extensions import db


def open_database(url):
    """A pooled connection per worker thread: connecting (and, on SQLite, checkpointing the WAL when
    the last connection closes) on every request cost more than the request's own queries."""
    scheme, sep, rest = url.partition("://")
    if "+pool" not in scheme and scheme in ("sqlite", "postgresql", "postgres"):
        url = f"{scheme}+pool{sep}{rest}"
    options = {"max_connections": 32, "stale_timeout": 300}
    if scheme.startswith("sqlite"):
        path = rest[1:] if rest.startswith("/") else rest
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        options["pragmas"] = {"journal_mode": "wal", "busy_timeout": 5000, "foreign_keys": 1}
        # BEGIN IMMEDIATE: a transaction that reads then writes would otherwise fail with "database is
        # locked" (SQLITE_BUSY_SNAPSHOT, which busy_timeout does not wait for) when another worker
        # wrote in between; taking the write lock up front makes concurrent writers queue instead.
        options["lock_type"] = "IMMEDIATE"
        # The pool hands a returned connection to whichever thread asks next (one at a time).
        options["check_same_thread"] = False
    return db_url.connect(url, **options)


def init_database(app):
    """A request takes a pooled connection at its first query (peewee's autoconnect), not before: a
    keystroke whose answer needs no query (an incomplete identifier) never touches the pool."""
    db.initialize(open_database(app.config["DATABASE_URL"]))

    @app.teardown_appcontext
    def _close(exc):
        if not db.is_closed():
            db.close()


def create_tables():
    from webapp.register import REGISTER_MODELS
    from webapp.account.lockout import LOCKOUT_MODELS
    from webapp.models import PORTAL_MODELS
    from webapp.signup.models import SIGNUP_MODELS
    from webapp.oidc.models import OIDC_MODELS

    with db.connection_context(), db.atomic():
        if isinstance(db.obj, PostgresqlDatabase):
            # PostgreSQL: several gunicorn workers start at once; one creates the tables, the others wait.
            db.execute_sql("SELECT pg_advisory_xact_lock(4707301)")
        models = PORTAL_MODELS + SIGNUP_MODELS + LOCKOUT_MODELS + OIDC_MODELS + REGISTER_MODELS
        db.create_tables(models, safe=True)
        return add_missing_columns(models)


def add_missing_columns(models):
    """Add the columns a model has and its existing table lacks; returns [(table, column)] added.

    create_tables(safe=True) creates missing tables but never touches an existing one, and the portal
    has no migration tool: a column added to a model reaches an existing database here, at start-up
    or `flask init-db`. Only additions: a column is never dropped, renamed or changed. A new column
    must be nullable or have a default (existing rows get the default); anything else needs a real
    migration and stops the start with the table and column named.

    SQLite: a NOT NULL column is added without the constraint (the portal always writes the default).
    Adding the constraint there rebuilds the table with DROP TABLE, which, foreign keys on, would
    delete every row that references it (ON DELETE CASCADE: an account's memberships, tokens ...).
    """
    migrator = SchemaMigrator.from_database(db.obj)
    columns = existing_columns()
    added = []
    for model in models:
        table = model._meta.table_name
        if table not in columns:
            continue
        for field in model._meta.sorted_fields:
            if field.column_name in columns[table]:
                continue
            if not field.null and field.default is None:
                raise RuntimeError(
                    f"{table}.{field.column_name}: a new column must be nullable or have a default to be "
                    "added to an existing table; write a migration for it."
                )
            migrate(*add_column(migrator, table, field))
            added.append((table, field.column_name))
    return added


def add_column(migrator, table, field):
    """The operations adding `field`'s column to `table`, its existing rows given the default."""
    if not isinstance(migrator, SqliteMigrator) or field.null:
        return [migrator.add_column(table, field.column_name, field)]
    field = field.clone()  # alter_add_column renames the field it is given
    operations = [migrator.alter_add_column(table, field.column_name, field), migrator.apply_default(
        table, field.column_name, field)]
    if field.index or field.unique:
        operations.append(migrator.add_index(table, (field.column_name,), field.unique))
    return operations


def existing_columns():
    """{table: {column names}} of the database's tables, in one query on PostgreSQL (every start runs it)."""
    if isinstance(db.obj, PostgresqlDatabase):
        cursor = db.execute_sql(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        )
        columns = {}
        for table, column in cursor.fetchall():
            columns.setdefault(table, set()).add(column)
        return columns
    return {table: {column.name for column in db.get_columns(table)} for table in db.get_tables()}


@click.command("init-db", help="Create the portal's tables in DATABASE_URL (safe to run again).")
@with_appcontext
def init_db_command():
    for table, column in create_tables():
        click.echo(f"Added the column {table}.{column}.")
    click.echo("Tables are ready.")
