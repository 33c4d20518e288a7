"""PORTAL_ENV is strict: exactly "development" or "production", unset is production, anything else refuses
to start. The defaults that follow it, and the development mailbox (its own setting, loopback clients only)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import config
from webapp import ConfigurationError, create_app
from webapp.extensions import db
from webapp.mail.outbox import queue_email

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" * 40
DERIVED = ("TWO_FACTOR", "SIRENE_DEMO", "DEV_MAILBOX", "SESSION_COOKIE_SECURE", "TEMPLATES_AUTO_RELOAD",
           "RATELIMIT_STORAGE_URI")


def without_derived(app_config):
    return {k: v for k, v in app_config.items() if k not in DERIVED}


def production(app_config, **values):
    settings = dict(without_derived(app_config), PORTAL_ENV="production", SECRET_KEY=STRONG_KEY,
                    CAPTCHA_TEST_MODE=False, MAIL_SERVER="127.0.0.1", OUTBOX_DELIVERY="worker")
    return {**settings, **values}


def test_production_refuses_inline_delivery_and_every_mode_refuses_an_unknown_one(app_config):
    with pytest.raises(ConfigurationError, match="OUTBOX_DELIVERY must be 'background' or 'worker'"):
        create_app(production(app_config, OUTBOX_DELIVERY="inline"))
    for mode in ("Background", "thread", ""):
        with pytest.raises(ConfigurationError, match="OUTBOX_DELIVERY=.* is not a known mode"):
            create_app(dict(app_config, OUTBOX_DELIVERY=mode))
    assert create_app(production(app_config, OUTBOX_DELIVERY="background")).config["OUTBOX_DELIVERY"] == "background"


@pytest.mark.parametrize("mode", ["Production", "PRODUCTION", "prod", " production", "production ", "staging",
                                  "Development", "dev", "testing", "test", ""])
def test_an_unknown_portal_env_refuses_to_start(app_config, mode):
    with pytest.raises(ConfigurationError, match="PORTAL_ENV=.* is not a known mode"):
        create_app(dict(app_config, PORTAL_ENV=mode))


def test_production_spelled_with_a_capital_no_longer_starts_with_the_public_key_and_mailbox(app_config):
    # The attack: PORTAL_ENV=Production ran as development, default key and dev mailbox included.
    with pytest.raises(ConfigurationError):
        create_app(dict(without_derived(app_config), PORTAL_ENV="Production", SECRET_KEY=config.DEFAULT_SECRET_KEY))


def test_defaults_follow_the_mode(app_config):
    dev = create_app(dict(without_derived(app_config), PORTAL_ENV="development"))
    prod = create_app(production(app_config))
    expected = {
        dev: {"TWO_FACTOR": "optional", "SIRENE_DEMO": True, "DEV_MAILBOX": True, "SESSION_COOKIE_SECURE": False,
              "TEMPLATES_AUTO_RELOAD": True, "RATELIMIT_STORAGE_URI": "memory://"},
        prod: {"TWO_FACTOR": "mandatory", "SIRENE_DEMO": False, "DEV_MAILBOX": False, "SESSION_COOKIE_SECURE": True,
               "TEMPLATES_AUTO_RELOAD": False, "RATELIMIT_STORAGE_URI": None},
    }
    for app, values in expected.items():
        assert {name: app.config[name] for name in values} == values
    assert "devmail.index" in dev.view_functions and "styleguide.index" in dev.view_functions
    assert not any(e.startswith(("devmail.", "styleguide.")) for e in prod.view_functions)


def test_an_explicit_setting_wins_over_the_mode_default(app_config):
    app = create_app(production(app_config, TWO_FACTOR="optional", SIRENE_DEMO=True))
    assert app.config["TWO_FACTOR"] == "optional" and app.config["SIRENE_DEMO"] is True


@pytest.mark.parametrize("unsafe, named", [
    ({"SECRET_KEY": config.DEFAULT_SECRET_KEY}, "SECRET_KEY"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"CAPTCHA_TEST_MODE": True}, "CAPTCHA_TEST_MODE"),
    ({"MAIL_SERVER": ""}, "MAIL_SERVER"),
    ({"DEV_MAILBOX": True}, "DEV_MAILBOX"),
    ({"RATELIMIT_ENABLED": True}, "RATELIMIT_STORAGE_URI"),  # on, and no storage said
])
def test_production_refuses_unsafe_settings_and_names_them(app_config, unsafe, named):
    with pytest.raises(ConfigurationError, match=named) as refused:
        create_app(production(app_config, **unsafe))
    assert "PORTAL_ENV=development" in str(refused.value)  # how to run it on a developer's machine


@pytest.mark.parametrize("storage", ["memory://", "redis://127.0.0.1:6379/0"])
def test_production_starts_with_an_explicit_rate_limit_storage(app_config, storage):
    app = create_app(production(app_config, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage))
    assert app.config["RATELIMIT_STORAGE_URI"] == storage


def run_flask(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("PORTAL_ENV", "SECRET_KEY", "MAIL_SERVER")}
    environment.update(DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}", PORTAL_INSTANCE_DIR=str(tmp_path),
                       SIRENE_DEMO="0", **env)
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "init-db"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_unset_portal_env_is_production_and_says_how_to_run_locally(tmp_path):
    done = run_flask(tmp_path)
    assert done.returncode != 0
    assert "Refusing to start in production" in done.stderr and "SECRET_KEY" in done.stderr
    assert "set PORTAL_ENV=development" in done.stderr


def test_a_misspelt_portal_env_in_the_environment_refuses_to_start(tmp_path):
    done = run_flask(tmp_path, PORTAL_ENV="Production", SECRET_KEY=STRONG_KEY, MAIL_SERVER="127.0.0.1")
    assert done.returncode != 0
    assert "PORTAL_ENV='Production' is not a known mode" in done.stderr


def test_explicit_development_starts_on_the_embedded_defaults(tmp_path):
    done = run_flask(tmp_path, PORTAL_ENV="development")
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture
def message(app):
    with app.app_context(), db.connection_context(), db.atomic():
        return queue_email("marie@example.org", "account_exists", "An account already exists", locale="en",
                           sign_in_url="http://portal.test/connexion", reset_url="http://portal.test/reset")


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"])
def test_dev_mailbox_answers_this_machine(client, message, address):
    for path in ("/dev/mailbox/", f"/dev/mailbox/{message.id}", f"/dev/mailbox/{message.id}/html"):
        assert client.get(path, environ_base={"REMOTE_ADDR": address}).status_code == 200


@pytest.mark.parametrize("address", ["192.0.2.10", "10.0.0.1", "2001:db8::1", "::ffff:192.0.2.10", ""])
def test_dev_mailbox_is_a_404_for_any_other_client(client, message, address):
    for path in ("/dev/mailbox/", f"/dev/mailbox/{message.id}", f"/dev/mailbox/{message.id}/html"):
        response = client.get(path, environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 404
        assert "marie@example.org" not in response.get_data(as_text=True)


def test_dev_mailbox_off_in_development_is_not_served(app_config):
    app = create_app(dict(app_config, DEV_MAILBOX=False))
    assert app.test_client().get("/dev/mailbox/").status_code == 404
