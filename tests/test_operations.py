"""Operations: /healthz, JSON request logs without personal data, compression, versioned static files,
proxy headers, gunicorn settings, command help."""
import gzip
import json
import logging
import re
import runpy
from pathlib import Path

from factories import csrf

from webapp import create_app
from webapp.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok" and response.json["database"] == "ok"
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(type(db.obj), "execute_sql", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"


def access_lines(caplog):
    return [r for r in caplog.records if r.name == "portal.access"]


def test_one_json_line_per_request_without_personal_data(client, caplog):
    caplog.set_level(logging.INFO, logger="portal.access")
    logger = logging.getLogger("portal.access")
    logger.propagate = True
    try:
        response = client.post("/connexion", data={
            "csrf_token": csrf(client, "/"), "email": "alice.secret@example.fr", "password": "Sup3r#Secret-Pass"})
        client.get("/activation/TOKEN-VALUE-123456?lang=en")
    finally:
        logger.propagate = False
    records = access_lines(caplog)
    assert len(records) >= 2
    fields = records[-2].fields
    assert fields["route"] == "/connexion" and fields["status"] == response.status_code
    assert fields["request_id"] == response.headers["X-Request-Id"]
    assert isinstance(fields["duration_ms"], float)
    assert records[-1].fields["route"] == "/activation/<token>"
    from webapp.web.request_log import JsonLineFormatter

    lines = [JsonLineFormatter().format(r) for r in records]
    for line in lines:
        json.loads(line)
        for secret in ("alice.secret", "Sup3r#Secret", "TOKEN-VALUE", "lang=en"):
            assert secret not in line


def test_a_proxy_request_id_is_kept_and_a_bad_one_replaced(client):
    assert client.get("/", headers={"X-Request-Id": "abcdef0123456789"}).headers["X-Request-Id"] == "abcdef0123456789"
    assert client.get("/", headers={"X-Request-Id": "<script>"}).headers["X-Request-Id"] != "<script>"


def test_pages_and_static_files_are_gzipped_and_static_urls_versioned(client):
    response = client.get("/inscription", headers={"Accept-Encoding": "gzip, br"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    page = gzip.decompress(response.data).decode()
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert urls and all(re.search(r"\?v=[0-9a-f]{10}$", u) for u in urls)
    for url in urls:
        asset = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert asset.status_code == 200
        assert "immutable" in asset.headers["Cache-Control"]
    css = client.get(next(u for u in urls if u.endswith(".css") or ".css?" in u), headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    assert b"--color-primary" in gzip.decompress(css.data)


def test_no_compression_without_accept_encoding_nor_for_small_bodies(client):
    assert "Content-Encoding" not in client.get("/inscription").headers
    assert "Content-Encoding" not in client.get("/healthz", headers={"Accept-Encoding": "gzip"}).headers


def test_proxy_headers_ignored_by_default_and_trusted_when_configured(app_config):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "portal.example.org"}
    plain = create_app(app_config)
    assert plain.test_client().get("/nope", headers=headers).request.url.startswith("http://localhost/")
    trusting = create_app({**app_config, "TRUST_PROXY_COUNT": 1})
    seen = {}

    @trusting.get("/_whoami")
    def whoami():
        from flask import request

        seen["url"] = request.url
        return "ok"

    trusting.test_client().get("/_whoami", headers=headers)
    assert seen["url"].startswith("https://portal.example.org/")


def test_gunicorn_configuration_loads():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["bind"].startswith("127.0.0.1:")
    assert settings["workers"] >= 1


def test_every_command_has_a_help_text(app):
    for name, command in app.cli.commands.items():
        assert (command.help or command.short_help or "").strip(), f"flask {name} has no help text"
