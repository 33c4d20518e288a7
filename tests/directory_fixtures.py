"""Helpers for the register tests: a database on a temporary SQLite file and stock-file writers."""
import csv
import io

import pytest
from peewee import SqliteDatabase
from stdnum import luhn

from webapp.register.demo.generate import ESTABLISHMENT_HEADER, UNIT_HEADER
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


class FakeApi:
    """A local HTTP server standing in for a register API: `routes[path_with_query] = (status,
    json_body, delay_seconds)`; every request is kept in `requests` as (path, headers)."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        api = self
        self.routes, self.requests = {}, []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                import json
                import time

                api.requests.append((self.path, self.headers))  # case-insensitive
                status, body, delay = api.routes.get(self.path, (404, {"header": {
                    "statut": 404, "message": "Aucun élément trouvé"}}, 0))
                if delay:
                    time.sleep(delay)
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json;charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False  # a sleeping handler must not hold the test up
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_api():
    api = FakeApi()
    yield api
    api.close()
