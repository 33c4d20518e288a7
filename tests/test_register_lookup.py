import pytest
from factories import siren_of
from flask import Flask

from webapp.register import (
    RegisterUnavailable,
    get_register,
    load_demo_register,
    register_is_empty,
    sirene_cli,
)
from webapp.register.providers import LocalRegister

OPEN_COMPANY = "90110001600012"
SECONDARY = "90110001600020"
CLOSED = "90110002400024"
ASSOCIATION = "90110008100016"
PUBLIC_BODY = "90110009900018"
INDIVIDUAL = "90110011500012"
NON_DIFFUSIBLE = "90110012300016"


@pytest.fixture
def demo_register(register_db):
    load_demo_register(register_db)
    return LocalRegister()


@pytest.fixture
def flask_app(register_db):
    app = Flask(__name__)
    app.config["SIRENE_PROVIDER"] = "local"
    app.cli.add_command(sirene_cli)
    return app


def test_lookup_siret_joins_establishment_and_unit(demo_register):
    record = demo_register.lookup_siret(OPEN_COMPANY)
    assert (record.siret, record.siren) == (OPEN_COMPANY, "901100016")
    assert record.name == "ATELIERS DU LAMPADAIRE BLEU"
    assert (record.address_line, record.postcode, record.city) == ("12 BIS AVENUE DES LILAS", "75012", "PARIS")
    assert (record.legal_category, record.structure_type, record.is_open) == ("5710", "company", True)


def test_lookup_siret_accepts_spaces_and_rejects_unknown(demo_register):
    assert demo_register.lookup_siret("901 100 016 00012").siret == OPEN_COMPANY
    assert demo_register.lookup_siret("90110001600099") is None
    assert demo_register.lookup_siret("not a siret") is None


def test_lookup_siren_gives_head_office(demo_register):
    record = demo_register.lookup_siren("901100016")
    assert record.siret == OPEN_COMPANY
    assert demo_register.lookup_siret(SECONDARY).usual_name == "LAMPADAIRE BLEU SUD"
    assert demo_register.lookup_siren(siren_of("90119999")) is None


def test_demo_structure_kinds(demo_register):
    kinds = {s: demo_register.lookup_siret(s).structure_type
             for s in (ASSOCIATION, PUBLIC_BODY, INDIVIDUAL)}
    assert kinds == {ASSOCIATION: "association", PUBLIC_BODY: "public", INDIVIDUAL: "individual"}
    assert demo_register.lookup_siret(INDIVIDUAL).name == "CAMILLE EXEMPLAIRE"


def test_demo_closed_establishment_of_open_unit(demo_register):
    assert demo_register.lookup_siret(CLOSED).is_open is False
    assert demo_register.lookup_siren("901100024").is_open is True


def test_demo_non_diffusible(demo_register):
    record = demo_register.lookup_siret(NON_DIFFUSIBLE)
    assert record.is_diffusible is False
    assert record.name == "" and "name" in record.masked_fields
    assert "[ND]" not in repr(record)


def test_missing_tables_make_the_register_unavailable(register_db):
    assert register_is_empty()
    with pytest.raises(RegisterUnavailable):
        LocalRegister().lookup_siret(OPEN_COMPANY)


def test_get_register_follows_config(flask_app):
    with flask_app.app_context():
        assert isinstance(get_register(), LocalRegister)
        flask_app.config["SIRENE_PROVIDER"] = "api-that-does-not-exist"
        with pytest.raises(ValueError, match="SIRENE_PROVIDER"):
            get_register()


def test_cli_demo_and_import(flask_app, tmp_path):
    runner = flask_app.test_cli_runner()
    result = runner.invoke(args=["sirene", "demo"])
    assert result.exit_code == 0, result.output
    assert "legal_unit, 15 rows read, 15 kept, 0 rejected" in result.output
    assert "establishment, 20 rows read, 20 kept, 0 rejected" in result.output
    with flask_app.app_context():
        assert LocalRegister().lookup_siret(OPEN_COMPANY) is not None

    unknown = tmp_path / "unknown.csv"
    unknown.write_text("a,b\n1,2\n", encoding="utf-8")
    result = runner.invoke(args=["sirene", "import", str(unknown)])
    assert result.exit_code != 0
    assert "not a Sirene" in result.output
