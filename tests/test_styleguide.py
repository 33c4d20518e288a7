"""The styleguide: every state of the sign-up page from sample data, no writes, absent in production."""
import html

import pytest

from webapp import create_app
from webapp.extensions import db
from webapp.models import PORTAL_MODELS

STATES = 15


def text(response):
    return html.unescape(response.get_data(as_text=True))


def row_counts():
    return {model.__name__: model.select().count() for model in PORTAL_MODELS}


def test_index_lists_components_and_every_state(client):
    page = text(client.get("/styleguide/"))
    assert "<h1>Styleguide</h1>" in page
    assert page.count('href="/styleguide/etat/') == STATES
    assert 'class="error-summary"' in page
    assert "rule--met" in page and "rule--unmet" in page
    assert "--color-primary" in page


@pytest.mark.parametrize("number", range(1, STATES + 1))
def test_every_state_renders_the_real_signup_page(client, number):
    response = client.get(f"/styleguide/etat/{number}")
    assert response.status_code == 200
    assert 'id="signup-form"' in text(response)


def test_states_show_what_they_name(client):
    pages = {n: text(client.get(f"/styleguide/etat/{n}")) for n in range(1, STATES + 1)}
    assert 'id="company_name"' not in pages[1]
    assert 'value="ATELIERS DU LAMPADAIRE BLEU"' in pages[5]
    assert "hides some of its details" in pages[6] or "masque" in pages[6]
    assert 'value="GRENOBLE"' in pages[6] and 'value="ATELIERS' not in pages[6]
    assert 'id="company_name"' not in pages[7] and "attachment request" in pages[7].replace("demande de rattachement", "attachment request")
    assert pages[8].count('class="field-error"') >= 5 and 'id="error-summary"' in pages[8]
    assert 'id="captcha_answer-error"' in pages[14]
    assert 'id="captcha-solved"' in pages[15]
    assert client.get(f"/styleguide/etat/{STATES + 1}").status_code == 404


def test_the_styleguide_writes_nothing(app, client):
    with app.app_context(), db.connection_context():
        before = row_counts()
    for n in range(1, STATES + 1):
        client.get(f"/styleguide/etat/{n}")
    client.get("/styleguide/")
    with app.app_context(), db.connection_context():
        assert row_counts() == before


def test_no_styleguide_in_production(tmp_path):
    app = create_app({
        "PORTAL_ENV": "production", "SECRET_KEY": "x" * 40, "MAIL_SERVER": "smtp.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}", "SIRENE_DEMO": False, "CAPTCHA_TEST_MODE": False,
        "RATELIMIT_STORAGE_URI": "memory://", "OUTBOX_DELIVERY": "worker",
    })
    assert app.test_client().get("/styleguide/").status_code == 404
