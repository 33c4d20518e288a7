"""Helpers for the register tests: a database on a temporary SQLite file and stock-file writers."""
import csv
import io

import pytest
from peewee import SqliteDatabase
from stdnum import luhn

from webapp.directory.demo.generate import ESTABLISHMENT_HEADER, UNIT_HEADER
from webapp.extensions import db


@pytest.fixture
def register_db(tmp_path):
    database = SqliteDatabase(str(tmp_path / "register.sqlite3"))
    db.initialize(database)
    yield db
    db.close()


def siren_of(base8):
    return base8 + luhn.calc_check_digit(base8)


def siret_of(base8, nic4="0001"):
    stem = siren_of(base8) + nic4
    return stem + luhn.calc_check_digit(stem)


def unit(base8, **values):
    row = dict(siren=siren_of(base8), statutDiffusionUniteLegale="O", etatAdministratifUniteLegale="A",
               denominationUniteLegale=f"SOCIETE {base8}", categorieJuridiqueUniteLegale="5710",
               dateCreationUniteLegale="2020-01-01")
    row.update(values)
    return row


def establishment(base8, nic4="0001", **values):
    siret = siret_of(base8, nic4)
    row = dict(siren=siret[:9], nic=siret[9:], siret=siret, statutDiffusionEtablissement="O",
               etablissementSiege="true", etatAdministratifEtablissement="A",
               numeroVoieEtablissement="1", typeVoieEtablissement="R", libelleVoieEtablissement="DU TEST",
               codePostalEtablissement="75001", libelleCommuneEtablissement="PARIS")
    row.update(values)
    return row


def stock_text(header, rows):
    """A stock file's text: `rows` are dicts (by column name) or ready-made lines (str)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        if isinstance(row, str):
            out.write(row + "\n")
        else:
            writer.writerow([row.get(name, "") for name in header])
    return out.getvalue()


def write_units(path, rows, header=UNIT_HEADER):
    path.write_text(stock_text(header, rows), encoding="utf-8")
    return path


def write_establishments(path, rows, header=ESTABLISHMENT_HEADER):
    path.write_text(stock_text(header, rows), encoding="utf-8")
    return path
