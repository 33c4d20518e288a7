"""Production rate limits are counted once for every worker: gunicorn (gunicorn.conf.py) refuses several
workers with counters in memory, and with Redis several real gunicorn workers share one count."""
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from factories import free_port

import config

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"PORTAL_ENV": "production", "RATELIMIT_ENABLED": True}


@pytest.mark.parametrize("settings, workers, refused", [
    ({}, 2, True),  # no storage said: memory
    ({"RATELIMIT_STORAGE_URI": "memory://"}, 3, True),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, 1, False),  # one worker, acknowledged
    ({"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}, 8, False),
    ({"RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ENABLED": False}, 4, False),
    ({"RATELIMIT_STORAGE_URI": "memory://", "PORTAL_ENV": "development"}, 4, False),
])
def test_several_workers_need_shared_storage_in_production(settings, workers, refused):
    problem = config.several_workers_problem(workers, {**PRODUCTION, **settings})
    assert (problem is not None) == refused
    if refused:
        assert "redis://127.0.0.1:6379/0" in problem


def gunicorn(tmp_path, workers, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("RATELIMIT_", "GUNICORN_"))}
    environment.update(PORTAL_ENV="production", SECRET_KEY="k" * 40, MAIL_SERVER="127.0.0.1", REQUEST_LOG="0", OUTBOX_DELIVERY="worker",
                       DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}", PORTAL_INSTANCE_DIR=str(tmp_path),
                       GUNICORN_BIND=f"127.0.0.1:{free_port()}", GUNICORN_WORKERS=str(workers), **env)
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                               env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return process, "http://" + environment["GUNICORN_BIND"]


@pytest.mark.parametrize("storage", [None, "memory://"])
def test_gunicorn_refuses_two_workers_counting_in_memory(tmp_path, storage):
    env = {"RATELIMIT_STORAGE_URI": storage} if storage else {}
    process, _url = gunicorn(tmp_path, 2, **env)
    _out, err = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "Refusing to start 2 workers with rate-limit counters in memory" in err


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_up(process, url):
    for _ in range(300):
        if process.poll() is not None:
            pytest.fail("gunicorn stopped: " + process.stderr.read()[-2000:])
        try:
            return status(url + "/healthz")
        except OSError:
            time.sleep(0.1)
    pytest.fail("gunicorn did not answer")


def test_two_gunicorn_workers_share_the_limit_through_redis(tmp_path):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    process, url = gunicorn(tmp_path, 2, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15",
                            RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}", RATELIMIT_CAPTCHA_AUDIO="4/minute")
    try:
        assert wait_until_up(process, url) == 200
        # Each request on a new connection, taken by whichever worker accepts it first; together they
        # count 4, not 4 per worker. (An unknown captcha is a 404 once the limit lets the request in.)
        codes = [status(f"{url}/captcha/unknown.wav") for _ in range(8)]
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert codes == [404] * 4 + [429] * 4


def test_an_unreachable_redis_falls_back_to_counting_in_memory_not_to_500(app_config):
    from webapp import create_app

    app = create_app(dict(app_config, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
                          RATELIMIT_CAPTCHA_AUDIO="2/minute"))
    client = app.test_client()
    assert [client.get("/captcha/unknown.wav").status_code for _ in range(4)] == [404, 404, 429, 429]
