"""The survey consent the sign-up asks for: given with the form, withdrawn and given again on "My account",
with the date of each change, and in the personal-data download."""
from datetime import timezone
from zoneinfo import ZoneInfo
import json
import re

import pytest
from factories import account, csrf, submit

from webapp.extensions import db
from webapp.signup.models import HeldSignup

PASSWORD = "Correct-Horse-42x"


def sign_up(client, outbox, consent):
    response = submit(client, phone="", survey_consent="y" if consent else None)
    assert response.status_code == 303
    [mail] = [m for m in outbox() if m.kind == "activation_link"]
    opened = client.get(re.search(r"http://portal\.test(/inscription/activation/[\w-]+)", mail.body_text).group(1))
    activation = opened.headers["Location"]
    response = client.post(activation, data={
        "password": PASSWORD, "password_confirm": PASSWORD, "secret_question": "first_pet",
        "secret_answer": "Rex", "csrf_token": csrf(client),
    })
    assert response.status_code == 303
    response = client.post("/connexion", data={"email": "alice@example.fr", "password": PASSWORD,
                                               "csrf_token": csrf(client)})
    assert response.status_code == 303


def choose(client, value, token_from="/mon-compte"):
    return client.post("/mon-compte/enquetes", data={"consent": value, "csrf_token": csrf(client, token_from)})


def surveys_section(client):
    body = client.get("/mon-compte?lang=en").get_data(as_text=True)
    section = re.search(r'<section aria-labelledby="surveys-title" id="surveys">(.*?)</section>', body, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", section).split()), section


def test_consent_ticked_at_sign_up_is_dated_and_can_be_withdrawn_then_given_again(app, client, outbox):
    sign_up(client, outbox, consent=True)
    with app.app_context(), db.connection_context():
        submitted_at = HeldSignup.get().created_at
    alice = account(app)
    assert alice.survey_consent is True and alice.survey_consent_at == submitted_at
    assert alice.survey_withdrawn_at is None
    text, section = surveys_section(client)
    assert "You agree that your name and e-mail address are used to send you satisfaction surveys" in text
    shown = submitted_at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(app.config["PORTAL_TIMEZONE"]))
    assert f"Consent given on {shown.strftime('%B')} {shown.day}, {shown.year}." in text  # the portal's day
    assert 'value="withdraw"' in section and "Withdraw my consent to surveys" in text

    response = choose(client, "withdraw")
    assert response.status_code == 303 and response.headers["Location"].endswith("/mon-compte")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your consent is withdrawn: you will no longer receive satisfaction surveys about the portal." in page
    withdrawn = account(app)
    assert withdrawn.survey_consent is False and withdrawn.survey_withdrawn_at is not None
    assert withdrawn.survey_consent_at == submitted_at  # when it was given stays known
    text, section = surveys_section(client)
    assert "You do not receive satisfaction surveys about the portal." in text and "Consent withdrawn on" in text
    assert 'value="give"' in section and "I agree to receive satisfaction surveys" in text

    # The same button clicked twice (another tab): the recorded date is the one of the change.
    assert choose(client, "withdraw").status_code == 303
    assert account(app).survey_withdrawn_at == withdrawn.survey_withdrawn_at

    assert choose(client, "give").status_code == 303
    given = account(app)
    assert given.survey_consent is True and given.survey_consent_at > submitted_at
    assert given.survey_withdrawn_at == withdrawn.survey_withdrawn_at


def test_no_consent_at_sign_up_has_no_date_and_can_be_given(app, client, outbox):
    sign_up(client, outbox, consent=False)
    alice = account(app)
    assert alice.survey_consent is False and alice.survey_consent_at is None and alice.survey_withdrawn_at is None
    text, _section = surveys_section(client)
    assert "You do not receive satisfaction surveys about the portal." in text and "withdrawn on" not in text
    assert choose(client, "give").status_code == 303
    assert account(app).survey_consent is True and account(app).survey_consent_at is not None


def test_the_page_is_in_french_too(client, outbox):
    sign_up(client, outbox, consent=True)
    body = client.get("/mon-compte?lang=fr").get_data(as_text=True)
    assert "Enquêtes de satisfaction" in body and "Retirer mon consentement aux enquêtes" in body
    assert "Consentement donné le " in body


@pytest.mark.parametrize("value", ["", "yes", "give-and-more"])
def test_a_value_the_page_never_sends_changes_nothing(app, client, outbox, value):
    sign_up(client, outbox, consent=True)
    assert choose(client, value).status_code == 400
    assert account(app).survey_consent is True and account(app).survey_withdrawn_at is None


def test_signed_out_visitors_cannot_change_it(app, client, outbox):
    sign_up(client, outbox, consent=True)
    client.post("/deconnexion", data={"csrf_token": csrf(client)})
    response = choose(client, "withdraw", token_from="/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert account(app).survey_consent is True


def test_the_download_holds_the_consent_and_its_dates(app, client, outbox):
    sign_up(client, outbox, consent=True)
    choose(client, "withdraw")
    response = client.post("/mon-compte/donnees/telechargement", data={"csrf_token": csrf(client, "/mon-compte")})
    details = json.loads(response.get_data(as_text=True))["account"]
    alice = account(app)
    assert details["survey_consent"] is False
    assert details["survey_consent_at"] == alice.survey_consent_at.isoformat(timespec="seconds")
    assert details["survey_withdrawn_at"] == alice.survey_withdrawn_at.isoformat(timespec="seconds")
