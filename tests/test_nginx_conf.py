"""deploy/nginx.conf keeps tokens out of its logs: the file runs in a real nginx in front of the portal
(TLS and ports swapped for loopback ones), requests carry tokens in paths, queries and referrers, and
the access and error logs are read. Without nginx the test is skipped, except where REQUIRE_NGINX=1
(.ci/run installs it)."""
import http.client
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from factories import free_port
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
CONF = (ROOT / "deploy" / "nginx.conf").read_text()
SECRET = "S3cr3tT0ken"


def nginx_binary():
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if found is None:
        message = "nginx is not installed (apt-get install nginx-light)"
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail(message + " (REQUIRE_NGINX=1, so this is an error, not a skip)", pytrace=False)
        pytest.skip(message)
    return found


def test_every_token_route_of_the_app_is_one_the_log_redacts(app):
    [pattern] = re.findall(r'"~\^\(\?<portal_token_route>(.+?)\)/"', CONF)
    token_rules = [rule.rule for rule in app.url_map.iter_rules() if "<token>" in rule.rule]
    assert len(token_rules) >= 5
    for rule in token_rules:
        assert re.match(pattern + "/", rule.replace("<token>", SECRET)), rule


def local_conf(tmp_path, app_port, https_port, http_port):
    """The deploy file with loopback ports, no TLS, the test's logs and the test's app upstream."""
    site = CONF.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = re.sub(r"^\s*ssl_certificate.*$", "", site, flags=re.M)
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    site = site.replace("http://127.0.0.1:8000", f"http://127.0.0.1:{app_port}")
    site = site.replace("/opt/portal/static/", f"{ROOT}/static/")
    assert site.count(str(tmp_path)) >= 4 and f"127.0.0.1:{app_port}" in site
    return (f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/main.error.log;\nevents {{}}\n"
            f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path};\n  proxy_temp_path {tmp_path};\n"
            f"{site}\n}}\n")


def status_of(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": "portal.example.org", **(headers or {})})
    response = connection.getresponse()
    response.read()
    return response.status


@pytest.fixture
def portal_behind_nginx(app, tmp_path):
    binary = nginx_binary()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    https_port, http_port = free_port(), free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(local_conf(tmp_path, server.server_port, https_port, http_port))
    nginx = subprocess.Popen([binary, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            if nginx.poll() is not None:
                pytest.fail("nginx did not start: " + nginx.stderr.read())
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield https_port, http_port, tmp_path
    finally:
        nginx.terminate()
        nginx.communicate(timeout=10)
        server.shutdown()
        server.server_close()


def test_no_token_reaches_the_logs(portal_behind_nginx):
    https_port, http_port, logs = portal_behind_nginx
    token_page = f"https://portal.example.org/activation/{SECRET}"
    assert status_of(https_port, f"/activation/{SECRET}?lang=en") == 404  # the app: no such link
    assert status_of(https_port, f"/mot-de-passe/nouveau/{SECRET}") in (200, 404)
    assert status_of(https_port, f"/invitation/{SECRET}") in (200, 404)
    assert status_of(https_port, f"/connexion?next=/invitation/{SECRET}") == 200
    assert status_of(https_port, f"/connexion?next=%2Fmot-de-passe%2Fnouveau%2F{SECRET}") == 200
    assert status_of(https_port, "/static/css/portal.css", {"Referer": token_page}) == 200
    assert status_of(https_port, "/", {"Referer": f"https://portal.example.org/connexion?next=/invitation/{SECRET}"}) == 200
    assert status_of(https_port, "/activation/nouveau-lien?lang=en") in (200, 404, 405)
    assert status_of(http_port, f"/activation/{SECRET}") == 301  # the plain-HTTP redirect logs too
    for _ in range(50):  # nginx writes its line once the response is sent
        access = (logs / "portal.access.log").read_text()
        if access.count("\n") >= 9:
            break
        time.sleep(0.05)
    everything = access + "".join(p.read_text() for p in logs.glob("*error.log"))
    assert SECRET not in everything
    assert access.count('"GET /activation/[token] HTTP/1.1"') == 2
    assert '"GET /mot-de-passe/nouveau/[token] HTTP/1.1"' in access
    assert '"GET /invitation/[token] HTTP/1.1"' in access
    assert access.count('"GET [redacted] HTTP/1.1"') == 2
    assert '"https://portal.example.org/activation/[token]"' in access  # the referrer, redacted
    assert '"GET /activation/nouveau-lien?lang=en HTTP/1.1"' in access  # no token: kept as is
    assert '"GET / HTTP/1.1" 200' in access and '"[redacted]"' in access
