import zipfile

import pytest
from factories import establishment, siren_of, siret_of, stock_text, unit, write_establishments, write_units
from peewee import SqliteDatabase
from stdnum import luhn

from webapp.register import (
    DEMO_FILES,
    import_stock_files,
    load_demo_register,
    register_is_empty,
)
from webapp.register.demo.generate import ESTABLISHMENT_HEADER, UNIT_HEADER
from webapp.register.importer import UnrecognisedStockFile, read_kind
from webapp.register.models import SireneEstablishment, SireneLegalUnit


@pytest.fixture(params=["inline", "parallel"])
def reading(request, monkeypatch):
    """Run the test with the file read in this process, then by the reader process (pipeline.py)."""
    if request.param == "parallel":
        monkeypatch.setattr("webapp.register.importer.PARALLEL_MIN_BYTES", 0)
    return request.param


def stored_sirens():
    return sorted(u.siren for u in SireneLegalUnit.select())


def test_demo_files_import_with_zero_rejects(register_db):
    assert register_is_empty()
    summary = load_demo_register(register_db)
    kinds = [(f.kind, f.rows_read, f.rows_kept, sum(f.rejected.values())) for f in summary.files]
    assert kinds == [("legal_unit", 15, 15, 0), ("establishment", 20, 20, 0)]
    assert not register_is_empty()
    assert SireneEstablishment.select().count() == 20


def test_header_recognised_with_extra_reordered_columns_and_trailing_spaces(register_db, tmp_path):
    header = ["denominationUniteLegale ", "nouvelleColonneInsee", " siren", "categorieJuridiqueUniteLegale"]
    path = tmp_path / "whatever-name.csv"
    path.write_text(stock_text(header, [{
        "denominationUniteLegale ": "ORDRE INVERSE", "nouvelleColonneInsee": "x",
        " siren": siren_of("90220001"), "categorieJuridiqueUniteLegale": "5499",
    }]), encoding="utf-8")
    assert read_kind(path) == "legal_unit"
    summary = import_stock_files([path], register_db)
    assert summary.files[0].rows_kept == 1
    stored = SireneLegalUnit.get_by_id(siren_of("90220001"))
    assert (stored.denomination, stored.legal_category, stored.first_name) == ("ORDRE INVERSE", "5499", "")


def test_kind_comes_from_header_not_file_name(tmp_path):
    path = write_establishments(tmp_path / "StockUniteLegale_utf8.csv", [establishment("90220002")])
    assert read_kind(path) == "establishment"


def test_unrecognised_file_raises_before_anything_is_written(register_db, tmp_path):
    good = write_units(tmp_path / "units.csv", [unit("90220003")])
    bad = tmp_path / "other.csv"
    bad.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(UnrecognisedStockFile):
        import_stock_files([good, bad], register_db)
    assert not SireneLegalUnit.table_exists()


def test_zip_input(register_db, reading, tmp_path):
    csv_path = write_establishments(tmp_path / "StockEtablissement_utf8.csv", [establishment("90220004")])
    archive = tmp_path / "StockEtablissement_utf8.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(csv_path, "StockEtablissement_utf8.csv")
    summary = import_stock_files([archive], register_db)
    assert (summary.files[0].kind, summary.files[0].rows_kept) == ("establishment", 1)
    assert SireneEstablishment.get_by_id(siret_of("90220004")).city == "PARIS"


def test_malformed_rows_are_counted_by_reason_and_skipped(register_db, reading, tmp_path):
    good = establishment("90220005")
    bad_key = establishment("90220006")
    bad_key["siret"] = bad_key["siret"][:-1] + str((int(bad_key["siret"][-1]) + 1) % 10)
    header = ESTABLISHMENT_HEADER
    short_line = ",".join([siret_of("90220007")[:9], "00019", siret_of("90220007")])
    bad_quote = stock_text(header, [establishment("90220008")]).splitlines()[1].replace(
        ",PARIS,", ',"PA"RIS,')  # text after a closing quote
    text = stock_text(header, [good, bad_key, short_line, bad_quote, establishment("90220009"), good])
    path = tmp_path / "etab.csv"
    lines = text.encode("utf-8").split(b"\n")
    lines[5] = lines[5].replace(b"PARIS", b"PAR\xe9IS")  # latin-1 byte: invalid UTF-8
    path.write_bytes(b"\n".join(lines))
    summary = import_stock_files([path], register_db).files[0]
    assert summary.rows_read == 6
    assert summary.rows_kept == 1
    assert dict(summary.rejected) == {
        "invalid_siret": 1, "column_count": 1, "broken_quoting": 1, "invalid_utf8": 1, "duplicate": 1,
    }
    assert [e.siret for e in SireneEstablishment.select()] == [good["siret"]]


def test_bad_siren_and_la_poste_rule(register_db, reading, tmp_path):
    la_poste = "35600000000024"  # digit sum 20: valid by La Poste's rule only
    assert not luhn.is_valid(la_poste)
    rows = [unit("90220010"), unit("90220011", siren="123456789")]
    write_units(tmp_path / "u.csv", rows)
    est = [establishment("90220010", siret=la_poste, siren="356000000")]
    write_establishments(tmp_path / "e.csv", est)
    summary = import_stock_files([tmp_path / "u.csv", tmp_path / "e.csv"], register_db)
    assert dict(summary.files[0].rejected) == {"invalid_siren": 1}
    assert summary.files[1].rows_kept == 1


def test_reimport_replaces_only_its_kind(register_db, tmp_path):
    write_units(tmp_path / "u1.csv", [unit("90220012"), unit("90220013")])
    write_establishments(tmp_path / "e1.csv", [establishment("90220012")])
    import_stock_files([tmp_path / "u1.csv", tmp_path / "e1.csv"], register_db)
    write_units(tmp_path / "u2.csv", [unit("90220014")])
    import_stock_files([tmp_path / "u2.csv"], register_db)
    assert stored_sirens() == [siren_of("90220014")]
    assert [e.siret for e in SireneEstablishment.select()] == [siret_of("90220012")]
    # the index survives the swap and a later create_tables() adds nothing
    indexes = {i.name for i in register_db.get_indexes("sirene_establishment")}
    assert "sireneestablishment_siren" in indexes


def test_failed_import_leaves_previous_data_queryable(register_db, reading, tmp_path, monkeypatch):
    monkeypatch.setattr("webapp.register.importer.BATCH_SIZE", 2)
    write_units(tmp_path / "old.csv", [unit("90220015")])
    import_stock_files([tmp_path / "old.csv"], register_db)
    write_units(tmp_path / "new.csv", [unit(f"9022{n:04d}") for n in range(20, 30)])
    seen_during_import = []

    def interrupt(file_summary):
        seen_during_import.append(stored_sirens())
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_stock_files([tmp_path / "new.csv"], register_db, progress=interrupt)
    assert seen_during_import == [[siren_of("90220015")]]
    assert stored_sirens() == [siren_of("90220015")]
    assert not register_db.table_exists("sirene_legal_unit_staging")


def test_progress_reports_rows_and_time(register_db, reading, tmp_path, monkeypatch):
    monkeypatch.setattr("webapp.register.importer.BATCH_SIZE", 3)
    write_units(tmp_path / "u.csv", [unit(f"9023{n:04d}") for n in range(7)])
    reports = []
    import_stock_files([tmp_path / "u.csv"], register_db,
                       progress=lambda s: reports.append((s.rows_read, s.rows_kept)))
    assert reports == [(3, 3), (6, 6), (7, 7)]


def test_demo_files_use_the_official_column_lists():
    units, establishments = (p.read_text(encoding="utf-8").splitlines()[0].split(",") for p in DEMO_FILES)
    assert units == UNIT_HEADER and len(units) == 35
    assert establishments == ESTABLISHMENT_HEADER and len(establishments) == 54


def test_import_works_on_a_plain_database_object(tmp_path):
    database = SqliteDatabase(str(tmp_path / "plain.sqlite3"))
    path = write_units(tmp_path / "u.csv", [unit("90220031")])
    assert import_stock_files([path], database).files[0].rows_kept == 1
    assert database.execute_sql("select siren from sirene_legal_unit").fetchall() == [(siren_of("90220031"),)]


def test_invalid_utf8_far_into_a_big_file(register_db, tmp_path, reading):
    rows = [establishment(f"9030{n:04d}") for n in range(1500)]  # about 200 KB: several decode chunks
    text = stock_text(ESTABLISHMENT_HEADER, rows).encode("utf-8")
    lines = text.split(b"\n")
    lines[1200] = lines[1200].replace(b"PARIS", b"PAR\xe9IS")
    lines[1201] = lines[1201].replace(b"DU TEST", b"DU T\xffEST")
    path = tmp_path / "big.csv"
    path.write_bytes(b"\n".join(lines))
    summary = import_stock_files([path], register_db).files[0]
    assert (summary.rows_read, summary.rows_kept, dict(summary.rejected)) == (1500, 1498, {"invalid_utf8": 2})


def test_missing_optional_columns_are_stored_empty(register_db, tmp_path, reading):
    header = [c for c in ESTABLISHMENT_HEADER if c not in ("enseigne1Etablissement", "dateCreationEtablissement")]
    path = write_establishments(tmp_path / "e.csv", [establishment("90300001")], header=header)
    assert import_stock_files([path], register_db).files[0].rows_kept == 1
    stored = SireneEstablishment.get_by_id(siret_of("90300001"))
    assert (stored.sign, stored.created_on, stored.is_head_office, stored.city) == ("", None, True, "PARIS")


def test_head_office_flag_and_dates_are_converted(register_db, tmp_path):
    rows = [establishment("90300002", etablissementSiege="false", dateCreationEtablissement="2019-05-04"),
            establishment("90300003", etablissementSiege=" TRUE ", dateCreationEtablissement=" ")]
    import_stock_files([write_establishments(tmp_path / "e.csv", rows)], register_db)
    first, second = (SireneEstablishment.get_by_id(siret_of(b)) for b in ("90300002", "90300003"))
    assert (first.is_head_office, str(first.created_on)) == (False, "2019-05-04")
    assert (second.is_head_office, second.created_on) == (True, None)


def test_progress_line_shows_rate_and_time_left():
    from webapp.register.cli import progress_line
    from webapp.register.importer import FileSummary

    line = progress_line(FileSummary("f", "establishment", rows_read=500_000, seconds=2.0,
                                     bytes_read=250, bytes_total=1000))
    assert "25%" in line and "500,000 rows" in line and "250,000 rows/s" in line and "ETA 0m06s" in line
    assert progress_line(FileSummary("f", "legal_unit", seconds=1.0, done=True)).endswith("done")
