"""A body sent with Transfer-Encoding: chunked (no Content-Length) over MAX_CONTENT_LENGTH gets the 413
page, and one within it is read whole. Real HTTP servers (werkzeug's, gunicorn), a real chunked client:
the test client does not frame bodies in chunks."""
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from factories import csrf_in, free_port
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 256 * 1024  # MAX_CONTENT_LENGTH's default
TYPED = "chunked.tail@example.fr"


class Connection:
    """One visitor: its session cookie and CSRF token, read from the sign-in page like a browser."""

    def __init__(self, port):
        self.port = port
        response = self.request("GET", "/connexion?lang=en")
        self.cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        self.csrf = csrf_in(response.read().decode())

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body=body, headers=headers or {}, encode_chunked=body is not None)
        return connection.getresponse()

    def sign_in_chunked(self, padding):
        """A sign-in form whose last field comes after `padding` bytes, sent in 8 KiB chunks."""
        body = (f"padding={'x' * padding}&csrf_token={quote(self.csrf)}&password=Wrong-Horse-42x"
                f"&email={quote(TYPED)}").encode()
        chunks = (body[i:i + 8192] for i in range(0, len(body), 8192))
        response = self.request("POST", "/connexion?lang=en", body=chunks, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked",
            "Cookie": self.cookie})
        return response.status, response.read().decode()


def check(port):
    status, page = Connection(port).sign_in_chunked(padding=LIMIT + 64 * 1024)
    assert status == 413 and "Request too large" in page
    status, page = Connection(port).sign_in_chunked(padding=LIMIT - 4096)
    # Read whole: the CSRF token passed and the address typed last is shown back with the error.
    assert status == 422 and "Wrong e-mail address or password" in page and TYPED in page


def test_werkzeug_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        check(server.server_port)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def test_gunicorn(tmp_path):
    port = free_port()
    env = dict(os.environ, PORTAL_ENV="development", DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
               PORTAL_INSTANCE_DIR=str(tmp_path), GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1",
               RATELIMIT_ENABLED="0", REQUEST_LOG="0", SIRENE_DEMO="0")
    env.pop("MAX_CONTENT_LENGTH", None)
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(300):
            if process.poll() is not None:
                pytest.fail("gunicorn stopped: " + process.stderr.read()[-2000:])
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        check(port)
    finally:
        process.terminate()
        process.communicate(timeout=30)
