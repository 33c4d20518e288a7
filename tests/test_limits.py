"""Rate limits per IP and per account, the 429 page and fragment, and counters shared through Redis."""
import re
import uuid

import pytest
from factories import WRONG_PASSWORD, csrf, from_ip, open_page, signup_data

from webapp import create_app
from webapp.extensions import db


@pytest.fixture
def limited_app(app_config):
    config = dict(app_config, RATELIMIT_ENABLED=True, RATELIMIT_SIGN_IN="3/minute",
                  RATELIMIT_SIGN_IN_ACCOUNT="5/minute", RATELIMIT_CAPTCHA="2/minute",
                  RATELIMIT_LOOKUP="3/minute", RATELIMIT_SIGNUP="50/minute",
                  RATELIMIT_RESET="2/minute", RATELIMIT_RESEND="2/minute")
    app = create_app(config)
    yield app
    if not db.is_closed():
        db.close()


def test_sign_in_per_ip_limit_answers_429_page_saying_when_to_retry(limited_app, auth):
    client = from_ip(limited_app, "10.0.0.1")
    statuses = [auth.sign_in(f"user{i}@example.fr", WRONG_PASSWORD, client=client).status_code for i in range(3)]
    assert statuses == [422, 422, 422]
    response = auth.sign_in("user9@example.fr", WRONG_PASSWORD, client=client)
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "<html" in body and "Too many attempts in a short time" in body
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= 60
    shown = int(re.search(r"Try again in (\d+) s\.", body).group(1))
    assert abs(shown - seconds) <= 1
    # Another visitor is not affected, and reading the page is never limited.
    assert auth.sign_in("user1@example.fr", WRONG_PASSWORD, client=from_ip(limited_app, "10.0.0.2")).status_code == 422
    assert client.get("/connexion").status_code == 200


def test_sign_in_per_account_limit_holds_across_addresses(limited_app, auth):
    # The database's lockout is pushed away: this is the limiter's own count of wrong passwords.
    limited_app.config.update(LOCKOUT_DELAY_AFTER=50, LOCKOUT_THRESHOLD=50)
    statuses = [auth.sign_in("target@example.fr", WRONG_PASSWORD, client=from_ip(limited_app, f"10.0.1.{i}")).status_code
                for i in range(6)]
    assert statuses == [422] * 5 + [429]


def test_htmx_request_gets_a_429_fragment_placed_above_the_page(limited_app):
    client = from_ip(limited_app, "10.0.2.1")
    token = csrf(client)
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    answers = [client.post("/captcha/new", headers=headers) for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 429]
    body = answers[-1].get_data(as_text=True)
    assert "<html" not in body and 'role="alert"' in body and "Try again in" in body
    assert answers[-1].headers["HX-Retarget"] == "#main"
    assert answers[-1].headers["HX-Reswap"] == "afterbegin"
    assert "HX-Request" in answers[-1].headers["Vary"]


def test_identifier_lookup_fragments_are_limited(limited_app):
    client = from_ip(limited_app, "10.0.3.1")
    headers = {"HX-Request": "true", "X-CSRFToken": csrf(client)}
    codes = [client.post("/inscription/identifiant", data={"identifier_type": "SIRET", "identifier": "90110001600012"},
                         headers=headers).status_code for _ in range(4)]
    assert codes[-1] == 429 and 429 not in codes[:3]


def test_signup_submit_has_no_per_address_limit(limited_app):
    # A submission creates nothing until the mailbox's owner opens the link: never refused per address.
    codes = []
    for i in range(3):
        client = from_ip(limited_app, f"10.0.4.{i}")
        token, captcha_id = open_page(client)
        data = signup_data(login_email="same@example.fr", login_email_confirm="same@example.fr")
        codes.append(client.post("/inscription", data=dict(data, csrf_token=token, captcha_id=captcha_id)).status_code)
    assert codes == [303, 303, 303]


def test_reset_and_resend_are_limited(limited_app):
    client = from_ip(limited_app, "10.0.5.1")
    token = csrf(client)
    reset = [client.post("/mot-de-passe-oublie", data={"email": f"x{i}@example.fr", "csrf_token": token}).status_code
             for i in range(3)]
    assert reset == [303, 303, 429]
    resend = [client.post("/activation/nouveau-lien", data={"email": f"y{i}@example.fr", "csrf_token": token}).status_code
              for i in range(3)]
    assert resend == [303, 303, 429]


def test_disabled_limits_let_everything_through(client):
    token = csrf(client, "/")
    assert all(
        client.post("/captcha/new", headers={"HX-Request": "true", "X-CSRFToken": token}).status_code == 200
        for _ in range(40)
    )


def test_counters_in_redis_are_shared_by_every_worker(app_config):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    # Two apps stand for two gunicorn workers (or two machines) sharing one Redis.
    config = dict(app_config, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15",
                  RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}", RATELIMIT_CAPTCHA="4/minute")
    workers = [create_app(config), create_app(config)]
    clients = [from_ip(w, "10.0.6.1") for w in workers]
    codes = []
    for i in range(5):
        client = clients[i % 2]
        codes.append(client.post("/captcha/new", headers={"HX-Request": "true", "X-CSRFToken": csrf(client)}).status_code)
    assert codes == [200, 200, 200, 200, 429]
