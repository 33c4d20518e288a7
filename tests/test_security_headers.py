"""Production settings: HSTS, a Secure session cookie, and a start that refuses unsafe settings."""
import pytest

from webapp import ConfigurationError, create_app

STRONG_KEY = "k" * 40


@pytest.fixture
def production_config(app_config):
    return dict(app_config, PORTAL_ENV="production", SECRET_KEY=STRONG_KEY, CAPTCHA_TEST_MODE=False,
                MAIL_SERVER="127.0.0.1", SESSION_COOKIE_SECURE=True, OUTBOX_DELIVERY="worker")


def test_csp_has_no_unsafe_directive_and_frames_are_refused(client):
    response = client.get("/inscription")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # development over plain HTTP


def test_production_sends_hsts_and_a_secure_httponly_lax_session_cookie(production_config):
    app = create_app(production_config)
    client = app.test_client()
    response = client.get("/connexion", base_url="https://portal.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("unsafe", [
    {"SECRET_KEY": "dev-only-secret-key-change-me"}, {"SECRET_KEY": "short"},
    {"CAPTCHA_TEST_MODE": True}, {"MAIL_SERVER": ""},
])
def test_production_start_refuses_unsafe_settings(production_config, unsafe):
    with pytest.raises(ConfigurationError):
        create_app(dict(production_config, **unsafe))
