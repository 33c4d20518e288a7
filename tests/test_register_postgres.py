"""The importer and the local lookup on PostgreSQL (COPY path). Skipped when no server answers on
127.0.0.1:5432 (trust auth, user postgres); each test uses a throwaway database."""
import uuid

import pytest
from factories import establishment, siret_of, unit, write_establishments, write_units

from webapp.register import DEMO_FILES, import_stock_files
from webapp.register.local import LocalRegister

psycopg2 = pytest.importorskip("psycopg2")
SERVER = dict(host="127.0.0.1", port=5432, user="postgres", connect_timeout=2)


@pytest.fixture
def postgres_db():
    from peewee import PostgresqlDatabase

    try:
        admin = psycopg2.connect(dbname="postgres", **SERVER)
    except psycopg2.OperationalError:
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    admin.autocommit = True
    name = f"sirene_test_{uuid.uuid4().hex[:10]}"
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    database = PostgresqlDatabase(name, **{k: v for k, v in SERVER.items() if k != "connect_timeout"})
    try:
        yield database
    finally:
        database.close()
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


@pytest.mark.parametrize("parallel", [False, True])
def test_demo_import_and_lookup(postgres_db, monkeypatch, parallel):
    if parallel:
        monkeypatch.setattr("webapp.register.importer.PARALLEL_MIN_BYTES", 0)
    summary = import_stock_files(DEMO_FILES, postgres_db)
    assert [(f.rows_read, f.rows_kept, sum(f.rejected.values())) for f in summary.files] == [(15, 15, 0), (20, 20, 0)]
    register = LocalRegister(postgres_db)
    record = register.lookup_siret("90110001600012")
    assert (record.name, record.address_line, record.is_open) == ("ATELIERS DU LAMPADAIRE BLEU", "12 BIS AVENUE DES LILAS", True)
    assert register.lookup_siren("901100016").siret == "90110001600012"
    assert register.lookup_siret("90110002400024").is_open is False


def test_duplicates_counted_and_reimport_replaces(postgres_db, tmp_path):
    rows = [establishment("90400001"), establishment("90400002", etablissementSiege="false"), establishment("90400001")]
    write_establishments(tmp_path / "e.csv", rows)
    summary = import_stock_files([tmp_path / "e.csv"], postgres_db).files[0]
    assert (summary.rows_kept, dict(summary.rejected)) == (2, {"duplicate": 1})
    write_units(tmp_path / "u.csv", [unit("90400001")])
    import_stock_files([tmp_path / "u.csv"], postgres_db)
    write_establishments(tmp_path / "e2.csv", [establishment("90400003")])
    import_stock_files([tmp_path / "e2.csv"], postgres_db)  # the staging table's names are free again
    sirets = [r[0] for r in postgres_db.execute_sql("SELECT siret FROM sirene_establishment").fetchall()]
    assert sirets == [siret_of("90400003")]
    head = postgres_db.execute_sql("SELECT is_head_office, created_on FROM sirene_establishment").fetchone()
    assert head == (True, None)
